"""The set-based write path of Store.write_patients (large imports) audits exactly like the triggers."""

from __future__ import annotations

import sqlite3
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


#: One value per checked column kind that its CHECK constraint refuses (and the validator would).
BAD_VALUES = {"code": "not a code", "date": "03/12/2026", "yesno": 2, "integer": 1.5, "number": "twelve",
              "text": "   "}


@pytest.mark.parametrize("sheet_name", ["patients", "prrt", "radioembolization", "response", "labs",
                                        "adverse_events", "treatments_after"])
def test_bulk_write_refuses_what_each_check_constraint_refuses(tmp_path: Path, sheet_name: str) -> None:
    """The bulk path writes rows with the CHECK constraints off and then tests them itself: every
    checked column's bad value is still refused (naming table, column and value), nothing is
    written, and the constraints are on again for the next write."""
    from y90gui.core.sheets import SHEET_BY_NAME

    sheet = SHEET_BY_NAME[sheet_name]
    s = Store.create(tmp_path / "c.y90")
    try:
        tried = 0
        for column in sheet.columns:
            bad = BAD_VALUES.get(column.type) if column.name != "patient_id" else None
            if bad is None or (column.type == "code" and not column.codes):
                continue
            data = make_cohort(150, seed=1, labs_per_patient=40)
            rows = data[sheet_name]
            assert len(rows) > 1, sheet_name
            rows[len(rows) // 2] = {**rows[len(rows) // 2], column.name: bad}
            # (a value of the wrong type is refused first by the STRICT table, naming the column too)
            where = f"{sheet_name}.{column.name}"
            named = f"(CHECK constraint failed: {where} = |cannot store .* column {where}$)"
            with pytest.raises(sqlite3.IntegrityError, match=named):
                s.replace_patients(data)
            assert sum(s.counts().values()) == 0
            tried += 1
        assert tried > 0
        assert s.conn.execute("PRAGMA ignore_check_constraints").fetchone() == (0,)
        s.replace_patients(make_cohort(5, seed=1))  # the row-by-row path: the CHECKs themselves
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            s.conn.execute("UPDATE labs SET unit = 'not a unit' WHERE id = (SELECT min(id) FROM labs)")
    finally:
        s.close()


def test_bulk_checks_are_the_tables_checks() -> None:
    """The expressions the bulk path tests are the CHECK constraints of the file's tables, each one."""
    import re

    from y90gui.core.sheets import SHEETS
    from y90gui.store import schema

    for sheet in SHEETS:
        ddl = schema.table_ddl(sheet)
        checks = [p for _, p in schema.check_predicates(sheet)]
        assert len(checks) == len(re.findall(r"\bCHECK \(", ddl)), sheet.name
        for predicate in checks:
            assert f"CHECK ({predicate})" in ddl, (sheet.name, predicate)
