"""Round trip, audit trail, undo/redo and backups of the store, through its public methods."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.store import schema
from y90gui.store.errors import NothingToUndoError, ReadOnlyError
from y90gui.store.store import Store


def test_file_identifies_itself(store: Store) -> None:
    pragma = store.conn.execute("PRAGMA application_id").fetchone()[0]
    assert pragma == schema.APPLICATION_ID
    assert store.schema_version == schema.SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_write_and_read_back_is_identical(store: Store) -> None:
    data = small_case()
    store.replace_patients(data)
    back = store.read_case_data()
    for sheet, rows in data.items():
        assert len(back[sheet]) == len(rows), sheet
        for original, stored in zip(rows, back[sheet], strict=True):
            for key, value in original.items():
                assert stored[key] == value, (sheet, key)


def test_replace_touches_only_listed_patients(store: Store) -> None:
    store.replace_patients(small_case("A", 2))
    store.replace_patients(small_case("B", 2))
    changed = small_case("A", 1)
    changed["patients"][0]["center"] = "Leuven"
    change = store.replace_patients(changed)
    assert change.patient_ids == {"A000"}
    centres = {r["patient_id"]: r["center"] for r in store.read_table("patients")}
    assert centres == {"A000": "Leuven", "A001": "Utrecht", "B000": "Utrecht", "B001": "Utrecht"}
    assert len(store.read_table("labs", ["B000"])) == 3


def test_check_constraints_refuse_what_validation_should_have_caught(store: Store) -> None:
    store.replace_patients(small_case())
    with pytest.raises(sqlite3.IntegrityError):
        store.update_row("patients", "P000", {"vital_status": "missing"})
    with pytest.raises(sqlite3.IntegrityError):
        store.update_row("patients", "P000", {"followup_date": dt.date(2019, 6, 1).strftime("%d-%m-%Y")})
    labs = store.read_table("labs", with_ids=True)
    with pytest.raises(sqlite3.IntegrityError):
        store.update_row("labs", labs[0]["id"], {"value": -1.0})
    # every refused write rolled back in full
    assert store.read_table("patients")[0]["vital_status"] == "dead"


def test_foreign_keys_refuse_orphans(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.insert_row("labs", {"patient_id": "nobody", "date": dt.date(2017, 1, 1), "test": "alt",
                                  "value": 30.0, "unit": "U/L"})
    assert store.counts()["labs"] == 0


def test_audit_records_insert_update_delete_with_user_time_key_old_new(store: Store) -> None:
    store.replace_patients(small_case(n=1))
    store.update_row("patients", "P000", {"center": "Leuven"}, "fix centre")
    lab_id = store.read_table("labs", with_ids=True)[0]["id"]
    store.delete_row("labs", lab_id)
    history = store.history("P000")
    ops = [(h["table"], h["op"]) for h in history]
    assert ("patients", "update") in ops and ("labs", "delete") in ops and ("labs", "insert") in ops
    update = next(h for h in history if h["op"] == "update")
    assert update["old"]["center"] == "Utrecht" and update["new"]["center"] == "Leuven"
    assert update["key"] == "P000" and update["action"] == "fix centre"
    assert update["user"] and dt.datetime.fromisoformat(update["time"])
    deleted = next(h for h in history if h["op"] == "delete")
    assert deleted["key"] == str(lab_id) and deleted["old"]["test"] == "lymphocytes" and deleted["new"] is None
    # one audit row per inserted row of the import
    inserts = [h for h in history if h["op"] == "insert"]
    assert len(inserts) == 1 + 1 + 1 + 1 + 3 + 1 + 1


def test_undo_and_redo_across_actions(store: Store) -> None:
    store.replace_patients(small_case(n=1))
    store.update_row("patients", "P000", {"center": "Leuven"})
    lab_id = store.read_table("labs", with_ids=True)[0]["id"]
    store.delete_row("labs", lab_id)
    assert store.counts()["labs"] == 2
    store.undo()
    assert store.counts()["labs"] == 3
    assert lab_id in [r["id"] for r in store.read_table("labs", with_ids=True)]
    store.undo()
    assert store.read_table("patients")[0]["center"] == "Utrecht"
    store.redo()
    assert store.read_table("patients")[0]["center"] == "Leuven"
    store.undo()
    store.undo()  # the import itself
    assert store.counts()["patients"] == 0 and store.counts()["labs"] == 0
    with pytest.raises(NothingToUndoError):
        store.undo()
    store.redo()
    assert store.counts()["labs"] == 3
    # a new edit clears the redo stack
    store.update_row("patients", "P000", {"center": "Essen"})
    with pytest.raises(NothingToUndoError):
        store.redo()
    assert store.integrity() == "ok"


def test_undo_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "u.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=1))
        s.update_row("patients", "P000", {"center": "Leuven"})
    with Store.open(path) as s:
        s.undo()
        assert s.read_table("patients")[0]["center"] == "Utrecht"


def test_backup_is_a_consistent_standalone_copy(store: Store, tmp_path: Path) -> None:
    store.replace_patients(small_case())
    dest = store.backup(tmp_path / "copy.y90")
    with Store.open(dest) as copy:
        assert copy.counts() == store.counts()
        assert copy.integrity() == "ok"


def test_a_backup_replaces_another_case_series_only_when_nobody_writes_it(store: Store, tmp_path: Path) -> None:
    """Replacing a case series is writing it: while another window has it open for writing the
    backup is refused (its later changes would go on into a file no longer under that name)."""
    from y90gui.store.errors import StoreError

    store.replace_patients(small_case(n=4))
    other = tmp_path / "other.y90"
    with Store.create(other) as o:
        o.replace_patients(small_case(prefix="O", n=1))
    held = Store.open(other)  # someone is working in it
    try:
        assert not held.read_only
        before = other.read_bytes()
        with pytest.raises(StoreError, match="other.y90 is open for writing by .*nothing was written"):
            store.backup(other)
        assert other.read_bytes() == before
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    finally:
        held.close()
    store.backup(other)  # closed there: the backup replaces it, and leaves no lock behind
    with Store.open(other) as copy:
        assert copy.counts()["patients"] == 4 and not copy.read_only
    assert not (tmp_path / "other.y90.lock").exists()


def test_read_only_store_refuses_writes(store: Store, tmp_path: Path) -> None:
    store.replace_patients(small_case())
    ro = Store.open(store.path, read_only=True)
    try:
        assert ro.counts()["patients"] == 2
        with pytest.raises(ReadOnlyError):
            ro.update_row("patients", "P000", {"center": "X"})
    finally:
        ro.close()
