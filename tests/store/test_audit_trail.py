"""The audit trail: append-only (API and raw SQL), exact numbers through undo/redo, the OS account
as the user, and the upgrade of a file of format 1 to these rules."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from tests.store.old_formats import downgrade
from y90gui.store import schema
from y90gui.store.errors import StoreError
from y90gui.store.store import Store, _register_functions


def _counts(store: Store) -> tuple[int, int]:
    audit = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    actions = store.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
    return audit, actions


@pytest.mark.parametrize("table", ["audit", "actions", "meta"])
def test_store_api_refuses_its_bookkeeping_tables(store: Store, table: str) -> None:
    store.replace_patients(small_case(n=1))
    before = _counts(store)
    with pytest.raises(StoreError, match="own record of changes: it cannot be edited"):
        store.delete_row(table, 1)
    with pytest.raises(StoreError, match="cannot be edited"):
        store.update_row(table, 1, {"user": "mallory"})
    with pytest.raises(StoreError, match="cannot be edited"):
        store.insert_row(table, {"user": "mallory"})
    assert _counts(store) == before  # not even an empty action was recorded


@pytest.mark.parametrize("sql", [
    "DELETE FROM audit", "UPDATE audit SET user = 'mallory'", "DELETE FROM actions WHERE id = 1",
    "UPDATE actions SET description = 'nothing happened'",
])
def test_audit_trail_is_append_only_even_for_raw_sql(store: Store, sql: str) -> None:
    store.replace_patients(small_case(n=1))
    before = _counts(store)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute(sql)
    assert _counts(store) == before


def test_undo_and_redo_give_back_every_digit(store: Store) -> None:
    store.replace_patients(small_case(n=1, labs_per_patient=1))
    row = store.read_table("labs", with_ids=True)[0]
    original = row["value"]

    def value() -> float:
        return float(store.conn.execute("SELECT value FROM labs WHERE id = ?", (row["id"],)).fetchone()[0])

    store.update_row("labs", row["id"], {"value": 1 / 3})
    store.update_row("labs", row["id"], {"value": 2 / 3})
    store.undo()
    assert value() == 1 / 3  # exactly: not 0.333333333333333
    store.redo()
    assert value() == 2 / 3
    store.undo()
    store.undo()
    assert value() == original
    store.redo()
    assert value() == 1 / 3
    store.delete_row("labs", row["id"])
    store.undo()  # the deleted row comes back from its audit copy
    assert value() == 1 / 3
    history = store.history()
    assert any(h["new"] and h["new"].get("value") == 1 / 3 for h in history)


def test_audit_user_is_the_os_account_not_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "mallory")
    if sys.platform == "win32":  # pragma: no cover
        pytest.skip("POSIX account lookup")
    import pwd

    account = pwd.getpwuid(os.geteuid()).pw_name
    with Store.create(tmp_path / "who.y90") as s:
        s.replace_patients(small_case(n=1))
        users = {r[0] for r in s.conn.execute("SELECT user FROM audit")}
        action = s.conn.execute("SELECT user, host FROM actions").fetchone()
        created_by = s.conn.execute("SELECT value FROM meta WHERE key = 'created_by'").fetchone()[0]
    assert users == {account}
    assert action == (account, socket.gethostname())
    assert created_by == account


def make_format_1_file(path: Path) -> Path:
    """A file as y90gui wrote it at format 1: audit triggers with json_object numbers, no
    append-only triggers, user_version 1, and an audit trail with a number in it."""
    with Store.create(path) as s:
        s.replace_patients(small_case(n=2, labs_per_patient=2))
    downgrade(path, 1)
    with sqlite3.connect(path) as conn:
        _register_functions(conn)  # the audit triggers call y90_now(), y90_user(), y90_action()
        conn.execute("UPDATE labs SET value = ? WHERE id = 1", (1 / 3,))  # audited with 15 digits, as format 1 did
    return path


def test_a_format_1_file_is_upgraded_to_append_only_and_exact(tmp_path: Path) -> None:
    path = make_format_1_file(tmp_path / "old.y90")
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
        raw.execute("UPDATE audit SET user = user")  # format 1 let anyone rewrite the trail
    with Store.open(path) as s:
        assert s.schema_version == schema.SCHEMA_VERSION
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            s.conn.execute("DELETE FROM audit")
        s.update_row("labs", 1, {"value": 2 / 7})
        s.undo()  # an old audit row (JSON number) ...
        assert s.read_table("labs", with_ids=True)[0]["value"] == pytest.approx(1 / 3, abs=1e-14)
        s.update_row("labs", 1, {"value": 1 / 3})
        s.update_row("labs", 1, {"value": 0.1})
        s.undo()  # ... and a new one (exact text) both read back
        assert s.conn.execute("SELECT value FROM labs WHERE id = 1").fetchone()[0] == 1 / 3
    assert path.with_name("old.y90.v1.bak").exists()


def test_a_format_2_file_is_upgraded_to_3_keeping_every_patient_analysed(tmp_path: Path) -> None:
    """Format 3 adds the exclusion flag (empty: analysed) and the cohorts table; the upgrade
    happens after the .v2.bak copy, old audit rows still undo, and the new columns are audited."""
    path = tmp_path / "v2.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=3))
    downgrade(path, 2)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 2
        assert "excluded_from_analysis" not in [r[1] for r in raw.execute("PRAGMA table_info(patients)")]
    with Store.open(path) as s:
        assert s.schema_version == 3
        rows = s.read_table("patients")
        assert [r["excluded_from_analysis"] for r in rows] == [None, None, None]
        assert s.conn.execute("SELECT count(*) FROM cohorts").fetchone()[0] == 0
        s.update_row("patients", "P001", {"excluded_from_analysis": True, "exclusion_reason": "lost to follow-up"})
        audit = s.history("P001", limit=1)[0]
        assert audit["new"]["exclusion_reason"] == "lost to follow-up"
        s.undo()
        assert s.read_table("patients", ["P001"])[0]["excluded_from_analysis"] is None
        s.undo()  # the import, audited by format 2's triggers (no exclusion columns in its JSON)
        assert s.counts()["patients"] == 0
        s.redo()
        assert s.counts()["patients"] == 3
        assert s.integrity() == "ok"
    backup = path.with_name("v2.y90.v2.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
