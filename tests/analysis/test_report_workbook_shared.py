"""The report workbook derives the treated patients and the lab windows once (issue 16), and
its cells are what the per-consumer derivations give: on the demo cohort and on a synthetic
cohort, each with some patients excluded from analysis (so Table 3's analysed frames differ
from the frames the Toxicity sheet's lab windows were computed on)."""

from __future__ import annotations

import contextlib
from typing import Any

import openpyxl
import pytest

from y90gui.analysis import report as rep
from y90gui.analysis import tables_outcomes, toxicity
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.inclusion import FLAG, REASON
from y90gui.analysis.report import compute_report, treated, treated_once
from y90gui.analysis.report_workbook import write_report_workbook
from y90gui.demo.cohort import build_demo
from y90gui.demo.synthetic import build_cohort


@pytest.fixture(scope="module", params=["demo", "synthetic"])
def case(request: pytest.FixtureRequest) -> Any:
    data = build_demo() if request.param == "demo" else build_cohort(250, seed=7)
    for row in data["patients"][3::11]:  # a handful excluded, with and without procedures
        row[FLAG] = 1
        row[REASON] = "withdrew consent"
    return data


def _cells(path: Any) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    out = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    out["Settings"] = [r for r in out["Settings"] if r[0] != "date"]  # the time of writing
    return out


def test_workbook_cells_equal_those_of_fresh_derivations(case, tmp_path, monkeypatch):
    report = compute_report(case, basis="patients")
    shared = _cells(write_report_workbook(report, case, tmp_path / "shared.xlsx"))
    # the same workbook with every `treated` call deriving afresh and Table 3 computing its own
    # lab windows on the analysed frames (the code before the sharing)
    monkeypatch.setattr(rep, "treated_once", contextlib.nullcontext)
    own = tables_outcomes.table3
    monkeypatch.setattr(tables_outcomes, "table3", lambda fr, report, lab_windows=None: own(fr, report))
    fresh = _cells(write_report_workbook(report, case, tmp_path / "fresh.xlsx"))
    assert shared.keys() == fresh.keys()
    for title in shared:
        assert shared[title] == fresh[title], title
    assert len(shared["Table 3"]) > 10 and len(shared["Toxicity"]) > 20


@pytest.mark.parametrize("basis", ["procedures", "patients"])
def test_table3_from_the_whole_cohorts_lab_windows_equals_its_own(case, basis):
    fr = from_case_data(case)
    report = compute_report(case, basis=basis)
    whole = toxicity.lab_windows(fr, int(report["lab_toxicity"]["window_days"]))
    given, own = tables_outcomes.table3(fr, report, whole), tables_outcomes.table3(fr, report)
    assert given.text_rows() == own.text_rows()
    assert given.footnotes == own.footnotes
    assert len(own.rows) == 13


def test_treated_once_shares_within_the_block_only(case):
    fr, other = from_case_data(case), from_case_data(case)
    outside = treated(fr)
    assert treated(fr) is not outside  # no cache outside a block
    with treated_once():
        first = treated(fr)
        assert treated(fr) is first
        assert treated(other) is not first
        for got, want in zip(first, outside, strict=True):
            assert got.equals(want)
    assert treated(fr) is not first
