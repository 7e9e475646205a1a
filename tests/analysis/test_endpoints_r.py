"""PFS and the 3-month landmark: derivation by hand, Kaplan-Meier figures against R's survfit.

The case series of endpoint_cases.py covers progression and death on the same day, no
assessment after baseline, death before any assessment, derived PD (sums, new lesions,
non-target), NE scans, a PD on day 0, deaths and follow-up exactly on day 90, and ties. R's
figures (r_endpoints_reference.json, from make_reference.R) are survfit / survdiff on the
hand-written rows, so a derivation error and a Kaplan-Meier error both fail here.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from endpoint_cases import case_data, expected_landmark, expected_pfs

from y90gui.analysis.frames import from_case_data
from y90gui.analysis.landmark import landmark_data
from y90gui.analysis.pfs import pfs_frame
from y90gui.analysis.recist import three_month_frame
from y90gui.analysis.report import compute_report, treated

REF = json.loads((Path(__file__).parent / "data" / "r_endpoints_reference.json").read_text())["endpoints"]
METHODS = ["log", "log-log", "plain"]
DAYS = 365.25


def _close(ours, theirs, tol=1e-9):
    if theirs is None:
        return ours is None
    return ours is not None and math.isclose(ours, theirs, rel_tol=tol, abs_tol=1e-12)


def _years(x):
    return None if x is None else x / DAYS


def _check_block(block, ref, method):
    """A report block (N, events, median, CI, landmarks, at risk) against R's km_entry."""
    fit = ref["fits"][method]
    assert block["N"] == ref["n"] and block["events"] == ref["events"]
    assert _close(block["median_years"], _years(fit["median"])), (block["median_years"], fit["median"])
    lo, hi = block["ci95_years"]
    assert _close(lo, _years(fit["lcl"])) and _close(hi, _years(fit["ucl"])), (lo, hi, fit["lcl"], fit["ucl"])
    for k, r in fit["landmarks"].items():
        ours = block["survival"][k]
        assert _close(ours["s"], r["s"]), (k, ours, r)
        if r["s"] is not None:
            assert _close(ours["ci95"][0], r["lower"]) and _close(ours["ci95"][1], r["upper"]), (k, ours, r)
    assert block["at_risk"] == ref["at_risk"]


@pytest.fixture(scope="module")
def frames():
    return from_case_data(case_data())


def test_pfs_rows_are_the_hand_derived_ones(frames):
    pf = pfs_frame(frames)
    ours = {p: (int(d), int(e)) for p, d, e in zip(pf["patient_id"], pf["days"], pf["event"], strict=True)}
    assert ours == expected_pfs()
    reason = dict(zip(pf["patient_id"], pf["reason"], strict=True))
    assert reason["E01"] == "progression"  # PD and death on the same day: one event
    assert reason["E03"] == "death" and reason["E24"] == "death" and reason["E02"] == "censored"


def test_landmark_groups_are_the_hand_derived_ones(frames):
    pats = treated(frames)[0]
    lm = landmark_data(pats, three_month_frame(frames))
    ours = {}
    for group, ids in lm.ids.items():
        d, e = lm.groups[group]
        ours.update({p: (group, int(x), int(y)) for p, x, y in zip(ids, d, e, strict=True)})
    want = {p: v for p, v in expected_landmark().items() if v[1] is not None}
    assert ours == want
    exp = expected_landmark().values()
    assert lm.not_alive_at_landmark == sum(v[0] == "not_alive_at_landmark" for v in exp) == 3
    assert lm.not_evaluable == sum(v[0] == "not_evaluable" for v in exp) == 3


@pytest.mark.parametrize("method", METHODS)
def test_pfs_km_equals_survfit(method):
    r = compute_report(case_data(), ci_method=method)
    assert r["pfs"]["event_definition"] == "RECIST 1.1 progression or death"
    _check_block(r["pfs"], REF["pfs_edge"], method)


@pytest.mark.parametrize("method", METHODS)
def test_landmark_km_and_logrank_equal_r(method):
    r = compute_report(case_data(), ci_method=method)["os_landmark_3m"]
    ref = REF["landmark_edge"]
    assert r["landmark_days"] == 90 and r["N"] == ref["n"] == 18
    assert r["excluded"] == {"not_alive_at_landmark": 3, "not_evaluable": 3}
    for group in ("responders", "non_responders"):
        _check_block(r["groups"][group], ref["groups"][group], method)
    assert r["logrank"]["df"] == ref["logrank"]["df"] == 1
    assert r["logrank"]["chi2"] == pytest.approx(ref["logrank"]["chisq"], rel=1e-9)
    assert r["logrank"]["p"] == pytest.approx(ref["logrank"]["p"], rel=1e-7)


def test_fixture_has_the_edge_cases():
    pfs = REF["pfs_edge"]["fits"]["log"]["curve"]
    times = np.atleast_1d(pfs["time"])
    assert 0 in times  # censored at the origin
    assert REF["pfs_edge"]["n"] == 24 and REF["landmark_edge"]["n"] == 18


def test_report_json_is_json_with_no_nan():
    json.dumps(compute_report(case_data()), allow_nan=False)
