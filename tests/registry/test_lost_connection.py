"""A connection killed in the middle of an import leaves the registry as it was: all or nothing."""

from __future__ import annotations

import threading
import time

import psycopg

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry
from y90gui.registry.errors import RegistryError


def _state(url: str) -> tuple[object, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM y90.patients), (SELECT count(*) FROM y90.treatments_after), "
            "(SELECT count(*) FROM y90.adverse_events), (SELECT count(*) FROM y90.labs), "
            "(SELECT count(*) FROM y90.audit), (SELECT count(*) FROM y90.actions), "
            "(SELECT string_agg(coalesce(notes, ''), '|' ORDER BY patient_id) FROM y90.patients)").fetchone()
    assert row is not None
    return tuple(row)


def test_import_killed_midway_leaves_nothing(registry_url: str, login, url_of) -> None:
    """The second import has deleted the old treatments and adverse events (inside its
    transaction) and waits at the labs when its backend is terminated: everything stays."""
    coord = login("coord")
    run_cli("registry", "grant", "--db", registry_url, "--user", coord, "--role", "coordinator")
    data = build_demo()
    with Registry.open(url_of(coord)) as reg:
        reg.replace_patients(data, "demo cohort")
    before = _state(registry_url)
    for r in data["patients"]:
        r["notes"] = "changed by the killed import"
    outcome: dict[str, BaseException | None] = {}

    def run() -> None:
        try:
            with Registry.open(url_of(coord)) as reg:
                reg.replace_patients(data, "second import")
            outcome["error"] = None
        except BaseException as exc:  # the assertion below says what it was
            outcome["error"] = exc

    with psycopg.connect(registry_url) as blocker, psycopg.connect(registry_url, autocommit=True) as watch:
        blocker.execute("LOCK TABLE y90.labs IN ACCESS EXCLUSIVE MODE")
        worker = threading.Thread(target=run)
        worker.start()
        pid = None
        for _ in range(600):
            row = watch.execute("SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                                (coord,)).fetchone()
            if row:
                pid = row[0]
                break
            time.sleep(0.05)
        assert pid is not None, "the import never reached the labs"
        assert watch.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        blocker.rollback()
    worker.join(60)
    error = outcome["error"]
    assert isinstance(error, RegistryError) and "connection to the registry was lost" in str(error), error
    assert _state(registry_url) == before


def test_registry_error_is_not_a_traceback_on_the_cli(registry_url: str) -> None:
    bad = registry_url.rsplit("/", 1)[0] + "/no_such_database"
    code, _, err = run_cli("info", "--db", bad)
    assert code == 1 and "cannot connect" in err and "Traceback" not in err
