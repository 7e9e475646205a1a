"""Inserting and deleting single rows on a registry: row versions, audit with the login, RLS, undo."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tests.registry.conftest import run_cli
from y90gui.registry.database import Registry
from y90gui.registry.errors import ConflictError, RegistryAccessError
from y90gui.registry.undo import undo


@pytest.fixture
def people(registry_url: str, login, url_of) -> dict[str, tuple[str, str]]:
    """{"anna": (url, login), "ben": ...}: two editors of centre A, one of centre B."""
    out = {}
    for name, centre in (("anna", "A"), ("ben", "A"), ("carl", "B")):
        user = login(name)
        run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", "editor", "--center", centre)
        out[name] = (url_of(user), user)
    return out


def _audit(admin_url: str) -> list[tuple[str, str, str, str]]:
    with psycopg.connect(admin_url) as conn:
        return conn.execute('SELECT "user", tbl, row_key, op FROM y90.audit ORDER BY id').fetchall()


PATIENT = {"patient_id": "A-1", "center": "A", "vital_status": "alive", "followup_date": dt.date(2024, 3, 1)}


def test_insert_and_delete_are_audited_with_the_login(people, admin_url: str) -> None:
    url, anna = people["anna"]
    with Registry.open(url) as reg:
        change, key = reg.insert_row("patients", PATIENT)
        assert key == "A-1" and change.patient_ids == {"A-1"}
        _, lab = reg.insert_row("labs", {"patient_id": "A-1", "date": dt.date(2024, 1, 5), "test": "alt",
                                         "value": 30.0, "unit": "U/L"})
        assert lab.isdigit()
        rows = {r["patient_id"]: r for r in reg.read_table("patients", with_versions=True)}
        assert rows["A-1"]["row_version"] == 1 and rows["A-1"]["changed_by"] == anna
        reg.delete_row("patients", "A-1", rows["A-1"]["row_version"])
        assert reg.counts()["patients"] == 0 and reg.counts()["labs"] == 0
    ops = [(u, t, op) for u, t, _, op in _audit(admin_url)]
    assert ops == [(anna, "patients", "insert"), (anna, "labs", "insert"), (anna, "labs", "delete"),
                   (anna, "patients", "delete")]


def test_delete_of_a_row_changed_since_it_was_read_is_refused(people) -> None:
    (anna_url, _), (ben_url, ben) = people["anna"], people["ben"]
    with Registry.open(anna_url) as reg:
        reg.insert_row("patients", PATIENT)
        seen = reg.read_table("patients", with_versions=True)[0]["row_version"]
    with Registry.open(ben_url) as reg:
        reg.update_row("patients", "A-1", {"notes": "ben was here"}, seen)
    with Registry.open(anna_url) as reg:
        with pytest.raises(ConflictError, match=f"changed by {ben} at .*nothing was deleted"):
            reg.delete_row("patients", "A-1", seen)
        assert reg.read_table("patients")[0]["notes"] == "ben was here"


def test_an_editor_cannot_insert_into_another_centre(people) -> None:
    url, _ = people["carl"]
    with Registry.open(url) as reg:
        with pytest.raises(RegistryAccessError):
            reg.insert_row("patients", PATIENT)
        assert reg.counts()["patients"] == 0


def test_undo_of_a_patient_delete_brings_every_row_back(people) -> None:
    url, _ = people["anna"]
    with Registry.open(url) as reg:
        reg.insert_row("patients", PATIENT)
        for day in (5, 6):
            reg.insert_row("labs", {"patient_id": "A-1", "date": dt.date(2024, 1, day), "test": "alt",
                                    "value": 30.0 + day, "unit": "U/L"})
        before = reg.read_case_data()
        version = reg.read_table("patients", with_versions=True)[0]["row_version"]
        reg.delete_row("patients", "A-1", version)
        undo(reg)
        assert reg.read_case_data() == before
