"""Undo on a registry: one's own actions only, refused when it would lose someone else's later change."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry
from y90gui.registry.errors import ConflictError, RegistryError
from y90gui.registry.undo import undo


def _patient(pid: str) -> dict[str, object]:
    return {"patient_id": pid, "center": "A", "vital_status": "alive", "followup_date": dt.date(2024, 1, 1),
            "notes": "original"}


@pytest.fixture
def editors(registry_url: str, login, url_of) -> tuple[str, str, str]:
    anna, ben = login("anna"), login("ben")
    for user in (anna, ben):
        run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", "editor", "--center", "A")
    with Registry.open(registry_url) as reg:
        reg.replace_patients({"patients": [_patient("P-1"), _patient("P-2")]}, "two patients")
    return url_of(anna), url_of(ben), ben


def _edit(url: str, pid: str, notes: str) -> None:
    with Registry.open(url) as reg:
        row = next(r for r in reg.read_table("patients", with_versions=True) if r["patient_id"] == pid)
        reg.update_row("patients", pid, {"notes": notes}, row["row_version"])


def _notes(url: str) -> dict[str, str]:
    with Registry.open(url) as reg:
        return {r["patient_id"]: r["notes"] for r in reg.read_table("patients")}


def test_undo_reverts_ones_own_last_action_only(editors) -> None:
    anna, ben, _ = editors
    _edit(anna, "P-1", "anna's")
    _edit(ben, "P-2", "ben's")
    with Registry.open(anna) as reg:
        change = undo(reg)  # anna's edit, although ben's is the registry's latest
        assert change.patient_ids == {"P-1"}
        with pytest.raises(RegistryError, match="nothing of yours to undo"):
            undo(reg)
    assert _notes(anna) == {"P-1": "original", "P-2": "ben's"}


def test_undo_refuses_to_lose_a_later_change_by_someone_else(editors) -> None:
    anna, ben, ben_login = editors
    _edit(anna, "P-1", "anna's")
    _edit(ben, "P-1", "ben's, after anna")
    refused = f"changed by {ben_login} at .*nothing was undone"
    with Registry.open(anna) as reg, pytest.raises(ConflictError, match=refused):
        undo(reg)
    assert _notes(anna)["P-1"] == "ben's, after anna"


def test_undo_of_an_import_removes_it_wholly(registry_url: str, login, url_of) -> None:
    coord = login("coord")
    run_cli("registry", "grant", "--db", registry_url, "--user", coord, "--role", "coordinator")
    with Registry.open(url_of(coord)) as reg:
        reg.replace_patients(build_demo(), "demo cohort")
        first = reg.read_case_data()
        again = build_demo()
        for r in again["patients"]:
            r["notes"] = "re-sent"
        again["labs"] = again["labs"][::2]
        reg.replace_patients(again, "second import")  # replaces every record
        assert reg.counts()["labs"] < len(first["labs"])
        undo(reg)
        assert reg.read_case_data() == first  # the first import's records, rows and ids, back
        undo(reg)
        assert set(reg.counts().values()) == {0}


def test_redo_replays_ones_own_undo(editors) -> None:
    from y90gui.registry.undo import redo

    anna, ben, _ = editors
    _edit(anna, "P-1", "anna's")
    with Registry.open(anna) as reg:
        with pytest.raises(RegistryError, match="nothing of yours to redo"):
            redo(reg)
        undo(reg)
        assert _notes(anna)["P-1"] == "original"
        change = redo(reg)
        assert change.patient_ids == {"P-1"}
        assert _notes(anna)["P-1"] == "anna's"
        with pytest.raises(RegistryError, match="nothing of yours to redo"):
            redo(reg)
        undo(reg)  # the redo is undoable in turn
        assert _notes(anna)["P-1"] == "original"
        kinds = [h["kind"] for h in reg.history("P-1")]
    assert kinds[:3] == ["undo", "redo", "undo"]


def test_redo_refuses_to_lose_a_later_change_by_someone_else(editors) -> None:
    from y90gui.registry.undo import redo

    anna, ben, ben_login = editors
    _edit(anna, "P-1", "anna's")
    with Registry.open(anna) as reg:
        undo(reg)
    _edit(ben, "P-1", "ben's, after anna's undo")
    refused = f"changed by {ben_login} at .*nothing was redone"
    with Registry.open(anna) as reg, pytest.raises(ConflictError, match=refused):
        redo(reg)
    assert _notes(anna)["P-1"] == "ben's, after anna's undo"


def test_a_new_edit_ends_the_redo(editors) -> None:
    from y90gui.registry.undo import redo

    anna, _, _ = editors
    _edit(anna, "P-1", "first")
    with Registry.open(anna) as reg:
        undo(reg)
    _edit(anna, "P-2", "another edit")
    with Registry.open(anna) as reg, pytest.raises(RegistryError, match="nothing of yours to redo"):
        redo(reg)
