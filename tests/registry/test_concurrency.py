"""Optimistic concurrency: an edit of a row someone changed since it was read is refused, with who and when."""

from __future__ import annotations

import threading

import psycopg
import pytest

from tests.registry.conftest import run_cli
from y90gui.registry.database import Registry
from y90gui.registry.errors import ConflictError

PATIENT = {"patient_id": "P-1", "center": "A", "vital_status": "alive", "followup_date": None}


@pytest.fixture
def two_editors(registry_url: str, login, url_of) -> tuple[str, str, str, str]:
    import datetime as dt

    a, b = login("anna"), login("ben")
    for user in (a, b):
        run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", "editor", "--center", "A")
    with Registry.open(registry_url) as reg:
        reg.replace_patients({"patients": [{**PATIENT, "followup_date": dt.date(2024, 1, 1)}]}, "one patient")
    return url_of(a), url_of(b), a, b


def test_a_stale_edit_is_refused_with_who_and_when(two_editors) -> None:
    url_a, url_b, anna, _ = two_editors
    with Registry.open(url_a) as ra, Registry.open(url_b) as rb:
        seen_a = ra.read_table("patients", with_versions=True)[0]
        seen_b = rb.read_table("patients", with_versions=True)[0]
        assert seen_a["row_version"] == seen_b["row_version"] == 1
        assert ra.update_row("patients", "P-1", {"notes": "anna's"}, seen_a["row_version"]) == 2
        with pytest.raises(ConflictError, match=rf"changed by {anna} at \d{{4}}-\d\d-\d\dT") as caught:
            rb.update_row("patients", "P-1", {"notes": "ben's"}, seen_b["row_version"])
        assert "version 1, now 2" in str(caught.value)
        assert rb.read_table("patients")[0]["notes"] == "anna's"
        fresh = rb.read_table("patients", with_versions=True)[0]
        assert rb.update_row("patients", "P-1", {"notes": "ben's"}, fresh["row_version"]) == 3


def test_concurrent_editors_lose_no_update(two_editors) -> None:
    """Each editor adds one to the patient's counter 30 times, re-reading after each refusal:
    the final value is the number of successful edits, every other attempt was a reported conflict."""
    url_a, url_b, _, _ = two_editors
    done: dict[str, tuple[int, int]] = {}

    def work(url: str) -> None:
        ok = conflicts = 0
        with Registry.open(url) as reg:
            while ok < 30:
                row = reg.read_table("patients", with_versions=True)[0]
                count = int(row["notes"] or 0)
                try:
                    reg.update_row("patients", "P-1", {"notes": str(count + 1)}, row["row_version"])
                    ok += 1
                except ConflictError:
                    conflicts += 1
        done[url] = (ok, conflicts)

    threads = [threading.Thread(target=work, args=(u,)) for u in (url_a, url_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with psycopg.connect(url_a) as conn:
        notes, version = conn.execute("SELECT notes, row_version FROM y90.patients").fetchone()  # type: ignore[misc]
    assert notes == "60" and version == 61
    assert sum(ok for ok, _ in done.values()) == 60
