"""Scalable synthetic cohorts: the demo's shape at any size, valid under every rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from y90gui.core.sheets import SHEET_BY_NAME
from y90gui.core.validate import check_consistency, check_row, parse_value
from y90gui.demo.synthetic import build_cohort
from y90gui.store.store import Store


@pytest.fixture(scope="module")
def cohort():
    return build_cohort(600, seed=3)


def test_valid_under_every_rule(cohort) -> None:
    assert check_consistency(cohort) == []
    for sheet, rows in cohort.items():
        spec = SHEET_BY_NAME[sheet]
        assert rows, sheet
        for row in rows:
            assert set(row) == set(spec.column_names), sheet
            for column in spec.columns:
                assert parse_value(column, row[column.name]) == row[column.name], (sheet, column.name, row)
            assert check_row(sheet, row) == [], (sheet, row)


def test_shape_like_the_demo(cohort) -> None:
    n = len(cohort["patients"])
    procedures = len(cohort["radioembolization"])
    assert n == 600
    assert 1.2 <= procedures / n <= 1.45
    assert 25 <= len(cohort["labs"]) / procedures <= 35
    assert all(re.fullmatch(r"SYN-\d{6}", p["patient_id"]) for p in cohort["patients"])
    assert len({p["center"] for p in cohort["patients"]}) >= 3
    assert {r["unit"] for r in cohort["labs"] if r["test"] == "hemoglobin"} >= {"g/L", "mmol/L", "g/dL"}
    assert any(r["uln"] is None for r in cohort["labs"]) and cohort["reference_ranges"]
    dead = sum(p["vital_status"] == "dead" for p in cohort["patients"])
    assert 0.2 * n < dead < 0.9 * n


def test_first_procedures_precede_everything_else(cohort) -> None:
    first = {}
    for r in cohort["radioembolization"]:
        first[r["patient_id"]] = min(first.get(r["patient_id"], r["date"]), r["date"])
    for r in cohort["prrt"]:
        assert r["date"] < first[r["patient_id"]]
    fu = {p["patient_id"]: p["followup_date"] for p in cohort["patients"]}
    for sheet, col in (("labs", "date"), ("response", "date"), ("adverse_events", "onset_date"),
                       ("treatments_after", "start_date"), ("radioembolization", "date")):
        assert all(r[col] <= fu[r["patient_id"]] for r in cohort[sheet]), sheet


def test_deterministic_per_seed() -> None:
    assert build_cohort(50, seed=7) == build_cohort(50, seed=7)
    assert build_cohort(50, seed=7) != build_cohort(50, seed=8)


def test_store_accepts_it(cohort, tmp_path: Path) -> None:
    with Store.create(tmp_path / "syn.y90") as store:
        store.replace_patients(cohort, "synthetic cohort")
        counts = store.counts()
        assert store.integrity() == "ok"
    assert counts == {sheet: len(rows) for sheet, rows in cohort.items()}


def test_benchmark_cohorts_are_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cohorts = pytest.importorskip("benchmarks.cohorts")
    pytest.importorskip("y90gui.io.exporter")
    monkeypatch.setattr(cohorts, "OUT", tmp_path)
    db, xlsx = cohorts.ensure_cohort(40, seed=2)
    assert db.parent == tmp_path and db.exists() and xlsx.exists()
    stamps = (db.stat().st_mtime_ns, xlsx.stat().st_mtime_ns)
    assert cohorts.ensure_cohort(40, seed=2) == (db, xlsx)
    assert (db.stat().st_mtime_ns, xlsx.stat().st_mtime_ns) == stamps
    with Store.open(db, read_only=True) as store:
        assert store.counts()["patients"] == 40
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
