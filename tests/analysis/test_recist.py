"""RECIST 1.1 at 3 months: the assessment chosen and the derivation at its boundaries."""

from __future__ import annotations

import numpy as np
import pytest

from tests.analysis.conftest import day, empty, patient
from y90gui.analysis.recist import derive, three_month


def one(baseline, current, nadir=None, new=None, nt=None):
    return derive([baseline], [np.nan if nadir is None else nadir], [current], [new], [nt])[0]


@pytest.mark.parametrize(
    ("baseline", "current", "nadir", "expected"),
    [
        (100.0, 70.0, None, "PR"),  # exactly -30 %
        (100.0, 70.1, None, "SD"),
        (33.3, 23.31, None, "PR"),  # 30 % of 33.3 = 9.99 exactly in decimals
        (33.3, 23.32, None, "SD"),
        (100.0, 120.0, None, "PD"),  # exactly +20 % and >= 5 mm
        (100.0, 119.9, None, "SD"),
        (100.0, 60.0, 50.0, "PD"),  # +20 % over the nadir (50), 10 mm
        (100.0, 59.9, 50.0, "PR"),  # not PD over the nadir, but -40 % from baseline
        (60.0, 59.9, 50.0, "SD"),
        (20.0, 24.0, None, "SD"),  # +20 % but only 4 mm
        (20.0, 25.0, None, "PD"),  # +25 %, exactly 5 mm
        (24.0, 28.8, None, "SD"),  # +20 %, 4.8 mm
        (25.0, 30.0, None, "PD"),  # +20 %, exactly 5 mm
        (100.0, 100.0, None, "SD"),
    ],
)
def test_target_sum_boundaries(baseline, current, nadir, expected):
    assert one(baseline, current, nadir) == expected


def test_non_target_and_new_lesions():
    assert one(50.0, 0.0) == "CR"  # non-target absent
    assert one(50.0, 0.0, nt="CR") == "CR"
    assert one(50.0, 0.0, nt="non-CR/non-PD") == "PR"
    assert one(50.0, 0.0, nt="NE") == "PR"
    assert one(50.0, 40.0, new=True) == "PD"
    assert one(50.0, 10.0, nt="PD") == "PD"
    assert one(50.0, 0.0, new=True) == "PD"
    assert one(float("nan"), 10.0) is None


def _case(rows):
    d = empty()
    d["patients"] = [patient("P1")]
    d["radioembolization"] = [{"patient_id": "P1", "procedure": 1, "date": day(0), "extent": "whole_liver"}]
    d["response"] = [{"patient_id": "P1", **r} for r in rows]
    return d


def test_closest_to_day_90_within_45_to_135():
    d = _case([{"date": day(44), "recist": "PD"}, {"date": day(46), "recist": "SD"},
               {"date": day(100), "recist": "PR"}, {"date": day(136), "recist": "CR"}])
    assert three_month(d)["P1"]["recist"] == "PR"
    d = _case([{"date": day(80), "recist": "SD"}, {"date": day(100), "recist": "PR"}])
    assert three_month(d)["P1"]["recist"] == "SD"  # tie: the earlier
    d = _case([{"date": day(135), "recist": "SD"}])
    assert three_month(d)["P1"]["day"] == 135
    assert three_month(_case([{"date": day(44), "recist": "SD"}, {"date": day(136), "recist": "SD"}])) == {}


def test_recorded_wins_and_derivation_uses_smallest_sum_so_far():
    d = _case([{"date": day(-40), "target_sum_mm": 30.0},  # older than the baseline: not "so far"
               {"date": day(-3), "target_sum_mm": 100.0},
               {"date": day(30), "target_sum_mm": 50.0},
               {"date": day(90), "target_sum_mm": 61.0}])
    got = three_month(d)["P1"]
    assert got["baseline_sum"] == 100.0 and got["nadir_sum"] == 50.0
    assert got["recist"] == "PD" and got["derived"] is True
    d["response"][-1]["recist"] = "SD"
    got = three_month(d)["P1"]
    assert got["recist"] == "SD" and got["derived"] is False


def test_no_baseline_sum_is_not_derived():
    got = three_month(_case([{"date": day(90), "target_sum_mm": 61.0}]))["P1"]
    assert got["recist"] is None and got["derived"] is False


def test_smallest_sum_between_is_the_brute_force_one() -> None:
    """`_smallest_between` (the nadir's search) against a plain loop: ties, undated sums, NaN
    limits, patients without sums, an empty interval."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis.recist import _smallest_between

    rng = np.random.default_rng(3)
    n = 300
    sums = pd.DataFrame({"patient_id": rng.choice(["a", "b", "c", "d"], n),
                         "date": rng.choice([1.0, 2.0, 5.0, 9.5, np.nan, 20.0], n),
                         "target_sum_mm": rng.integers(0, 60, n).astype(float)})
    q = 200
    patient = rng.choice(["a", "b", "c", "e"], q).astype(object)
    start = rng.choice([0.0, 1.0, 2.0, 5.0, np.nan], q)
    end = start + rng.choice([0.0, 1.0, 4.0, 30.0], q)
    end[:5] = np.nan
    got = _smallest_between(sums, patient, start, end)
    for i in range(q):
        rows = sums[(sums["patient_id"] == patient[i]) & (sums["date"] >= start[i]) & (sums["date"] < end[i])]
        want = rows["target_sum_mm"].min() if len(rows) else np.nan
        assert (np.isnan(want) and np.isnan(got[i])) or want == got[i], i
    assert np.isnan(got).any() and not np.isnan(got).all()
