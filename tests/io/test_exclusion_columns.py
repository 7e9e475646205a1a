"""The exclusion flag and reason (format extension): lossless round trip, optional columns,
and a de-identified export that keeps a reason only from the controlled list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.io.cohort_fixture import make_cohort
from tests.io.conftest import canonical, workbook_cells
from tests.io.test_deidentify import export, rows_of
from tests.io.test_roundtrip import round_trip
from y90gui.core.validate import CaseData
from y90gui.io.exporter import write_workbook
from y90gui.io.importer import apply_import, prepare_import
from y90gui.store.store import Store

HANDWRITTEN = "moved to Jane Roe's clinic in 2019"


def excluded_cohort() -> CaseData:
    data = make_cohort(12, seed=5)
    pats = data["patients"]
    pats[0].update(excluded_from_analysis=True, exclusion_reason="lost to follow-up")
    pats[1].update(excluded_from_analysis=True, exclusion_reason=HANDWRITTEN)
    pats[2].update(excluded_from_analysis=True, exclusion_reason=None)
    pats[3].update(excluded_from_analysis=False, exclusion_reason=None)
    return data


def test_exclusions_round_trip_losslessly(tmp_path: Path) -> None:
    round_trip(excluded_cohort(), tmp_path)


def test_the_columns_are_written_with_yes_no(tmp_path: Path) -> None:
    write_workbook(excluded_cohort(), tmp_path / "w.xlsx")
    header, *rows = workbook_cells(tmp_path / "w.xlsx")["patients"]
    flag, reason = header.index("excluded_from_analysis"), header.index("exclusion_reason")
    assert [r[flag] for r in rows[:4]] == ["yes", "yes", "yes", "no"]
    assert [r[reason] for r in rows[:2]] == ["lost to follow-up", HANDWRITTEN]


def _drop_columns(cells: dict[str, list[list[Any]]], names: tuple[str, ...]) -> dict[str, list[list[Any]]]:
    header = cells["patients"][0]
    keep = [i for i, h in enumerate(header) if h not in names]
    cells["patients"] = [[row[i] for i in keep] for row in cells["patients"]]
    return cells


def test_a_workbook_without_the_columns_imports_as_not_excluded(tmp_path: Path) -> None:
    """An old workbook (or another program's) has neither column: every patient is analysed."""
    import openpyxl

    data = make_cohort(6, seed=2)
    write_workbook(data, tmp_path / "w.xlsx")
    book = openpyxl.load_workbook(tmp_path / "w.xlsx")
    sheet = book["patients"]
    header = [c.value for c in sheet[1]]
    for name in ("exclusion_reason", "excluded_from_analysis"):
        sheet.delete_cols(header.index(name) + 1)
        header.remove(name)
    book.save(tmp_path / "old.xlsx")
    with Store.create(tmp_path / "a.y90") as store:
        plan = prepare_import(tmp_path / "old.xlsx", store)
        assert plan.errors == []
        apply_import(store, plan)
        rows = store.read_table("patients")
    assert len(rows) == 6
    assert {r["excluded_from_analysis"] for r in rows} == {None}
    assert canonical({"patients": rows}) == canonical({"patients": data["patients"]})


def test_deidentified_export_keeps_only_controlled_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    data = excluded_cohort()
    data["patients"][4].update(excluded_from_analysis=True, exclusion_reason="  Consent   WITHDRAWN ")
    db = tmp_path / "case.y90"
    with Store.create(db) as s:
        s.replace_patients(data)
    cells, codes = export(db, tmp_path / "deid.xlsx", capsys)
    by_original = {codes[r["patient_id"]]["patient_id"]: r for r in rows_of(cells, "patients")}
    ids = [p["patient_id"] for p in data["patients"]]
    assert by_original[ids[0]]["exclusion_reason"] == "lost to follow-up"
    assert by_original[ids[1]]["exclusion_reason"] == "other"  # hand-written: free text
    assert not by_original[ids[2]]["exclusion_reason"]  # an empty cell
    assert by_original[ids[4]]["exclusion_reason"] == "consent withdrawn"
    assert [by_original[i]["excluded_from_analysis"] for i in ids[:5]] == ["yes", "yes", "yes", "no", "yes"]
    flat = repr(cells)
    assert "Jane Roe" not in flat
    readme = " ".join(str(c) for row in cells["README"] for c in row if c)
    assert "exclusion_reason is kept only when it is on the controlled list" in readme
