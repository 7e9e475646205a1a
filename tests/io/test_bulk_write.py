"""The set-based write path of Store.write_patients (large imports) audits exactly like the triggers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import canonical
from y90gui.store import store as store_module
from y90gui.store.store import Store


def audit_rows(s: Store) -> list[tuple[object, ...]]:
    rows = s.conn.execute("SELECT action_id, tbl, row_key, patient_id, op, old, new FROM audit").fetchall()
    return sorted(rows, key=repr)


def write_twice(path: Path) -> Store:
    s = Store.create(path)
    first = make_cohort(150, seed=1, labs_per_patient=40)
    s.replace_patients(first, "first")
    second = make_cohort(150, seed=2, labs_per_patient=40)
    second["patients"] = second["patients"][:100]  # replaces 100 patients, leaves 50
    keep = {p["patient_id"] for p in second["patients"]}
    for name in ("prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after"):
        second[name] = [r for r in second[name] if r["patient_id"] in keep]
    s.replace_patients(second, "second")
    return s


def test_bulk_path_writes_the_same_audit_as_the_triggers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert sum(len(v) for v in make_cohort(150, seed=1, labs_per_patient=40).values()) >= store_module.BULK_ROWS
    bulk = write_twice(tmp_path / "bulk.y90")
    monkeypatch.setattr(store_module, "BULK_ROWS", 10**9)
    rows = write_twice(tmp_path / "rows.y90")
    try:
        assert canonical(bulk.read_case_data()) == canonical(rows.read_case_data())
        assert audit_rows(bulk) == audit_rows(rows)
        assert any(r[4] == "delete" for r in audit_rows(bulk))
        triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        assert bulk.conn.execute(triggers).fetchone() == rows.conn.execute(triggers).fetchone() != (0,)
        # undo of a bulk import restores the previous state, through the normal audit replay
        before_second = make_cohort(150, seed=1, labs_per_patient=40)
        bulk.undo()
        assert canonical(bulk.read_case_data()) == canonical(before_second)
        assert bulk.integrity() == "ok"
    finally:
        bulk.close()
        rows.close()


def test_failed_bulk_write_keeps_triggers(tmp_path: Path) -> None:
    s = Store.create(tmp_path / "c.y90")
    data = make_cohort(150, seed=1, labs_per_patient=40)
    data["labs"][-1]["unit"] = "not a unit"  # the CHECK constraint refuses it after thousands of rows
    with pytest.raises(Exception, match="CHECK"):
        s.replace_patients(data)
    assert s.counts()["labs"] == 0
    assert s.conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] > 0
    s.close()


def test_bulk_write_rebuilds_the_indexes_it_drops(tmp_path: Path) -> None:
    """A bulk import into an empty file drops the growing tables' indexes for speed and builds
    them again in the same transaction: the schema afterwards is the schema before."""
    schema_sql = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    with Store.create(tmp_path / "c.y90") as s:
        before = s.conn.execute(schema_sql).fetchall()
        assert any(r[0] == "index" and r[2] == "labs" for r in before)
        s.replace_patients(make_cohort(150, seed=1, labs_per_patient=40), "first")
        assert s.conn.execute(schema_sql).fetchall() == before
        assert s.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM labs WHERE patient_id = 'P00001'").fetchall()[0][3] \
            .startswith("SEARCH labs USING INDEX labs_patient")
        assert s.integrity() == "ok"
