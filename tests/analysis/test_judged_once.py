"""The 3-month assessment and PFS's assessments are judged once inside `recist.judged_once()`
(the report's `prepare`, the report workbook, `report --out`): the 3-month rows are then taken
from the judged assessments after the first RE, and must be exactly what judging them alone gives."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.analysis.conftest import day, empty, patient
from y90gui.analysis import pfs, recist
from y90gui.analysis.frames import from_case_data
from y90gui.analysis.frames_memo import FramesMemo
from y90gui.demo.cohort import build_demo
from y90gui.demo.synthetic import build_cohort


def _edge_case() -> dict[str, list[dict[str, Any]]]:
    """Ties in the distance to day 90, two rows on one day, a sum only after the first RE, a
    recorded response beside a derivable one, rows on day 0 and before, a patient without rows."""
    d = empty()
    d["patients"] = [patient(p) for p in ("A", "B", "C", "D", "E")]
    d["radioembolization"] = [{"patient_id": p, "procedure": 1, "date": day(0), "extent": "whole_liver"}
                              for p in ("A", "B", "C", "D", "E")]
    d["response"] = [
        {"patient_id": "A", "date": day(-10), "target_sum_mm": 100.0},
        {"patient_id": "A", "date": day(80), "target_sum_mm": 60.0},  # tie with day 100: the earlier wins
        {"patient_id": "A", "date": day(100), "target_sum_mm": 130.0},
        {"patient_id": "B", "date": day(0), "target_sum_mm": 50.0},
        {"patient_id": "B", "date": day(90), "target_sum_mm": 40.0},
        {"patient_id": "B", "date": day(90), "recist": "PD"},  # same day: the earlier row wins
        {"patient_id": "C", "date": day(30), "target_sum_mm": 10.0},  # no baseline: not derivable
        {"patient_id": "C", "date": day(91), "target_sum_mm": 20.0, "recist": "SD"},
        {"patient_id": "D", "date": day(-3), "target_sum_mm": 30.0, "new_lesions": True},
        {"patient_id": "D", "date": day(200), "target_sum_mm": 0.0},  # outside 45..135
    ]
    return d


@pytest.fixture(scope="module", params=["edges", "demo", "synthetic-1", "synthetic-2"])
def frames(request: pytest.FixtureRequest) -> Any:
    data = {"edges": _edge_case, "demo": build_demo, "synthetic-1": lambda: build_cohort(300, seed=1),
            "synthetic-2": lambda: build_cohort(300, seed=2)}[request.param]()
    return from_case_data(data)


def test_three_month_rows_from_the_judged_assessments_are_those_judged_alone(frames):
    alone, after = recist.three_month_frame(frames), pfs.assessed_after(frames)
    with recist.judged_once():
        shared, shared_after = recist.three_month_frame(frames), pfs.assessed_after(frames)
    pd.testing.assert_frame_equal(shared, alone, check_exact=True)
    pd.testing.assert_frame_equal(shared_after, after, check_exact=True)
    assert list(shared.columns) == list(alone.columns)


def test_edge_case_choices_are_the_rule():
    tm = recist.three_month_frame(from_case_data(_edge_case()))
    with recist.judged_once():
        shared = recist.three_month_frame(from_case_data(_edge_case()))
    for got in (tm, shared):
        assert got.loc["A", "day"] == 80 and got.loc["A", "recist"] == "PR"  # -40 % from 100
        assert got.loc["B", "target_sum_mm"] == 40.0 and got.loc["B", "recist"] == "SD"
        assert got.loc["C", "recist"] == "SD" and not got.loc["C", "derived"]
        assert "D" not in got.index and "E" not in got.index


def test_inside_the_block_the_assessments_are_judged_once(frames, monkeypatch):
    calls = []
    judge = recist.judged
    monkeypatch.setattr(recist, "judged", lambda rows, resp: calls.append(len(rows)) or judge(rows, resp))
    with recist.judged_once():
        recist.three_month_frame(frames)
        pfs.pfs_frame(frames)
        recist.three_month_frame(frames)
    assert len(calls) == 1
    calls.clear()
    recist.three_month_frame(frames)
    pfs.pfs_frame(frames)
    assert len(calls) == 2  # outside any block nothing is kept


def test_a_block_inside_another_shares_its_entries():
    memo, fr, computed = FramesMemo("test_memo"), object(), []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    with memo.scope():
        assert memo.get(fr, "k", compute) == 1
        with memo.scope():  # e.g. `prepare`'s own block inside `report --out`'s
            assert memo.get(fr, "k", compute) == 1
            assert memo.get(fr, "other", compute) == 2
        assert memo.active and memo.get(fr, "other", compute) == 2
    assert not memo.active and memo.get(fr, "k", compute) == 3
