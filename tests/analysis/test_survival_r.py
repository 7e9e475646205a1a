"""Kaplan-Meier figures against R's survival package (fixture from tests/analysis/r/make_reference.R).

R is not needed at test time: the committed JSON holds R's output for every data set in
tests/analysis/data/r_input/ (ties, exact-0.5 medians, all censored, a curve that reaches 0,
single patients, a death at day 0, and the demo cohort's OS when it was exported).
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from y90gui.analysis.survival import kaplan_meier, logrank

DATA = Path(__file__).parent / "data"
REF = json.loads((DATA / "r_reference.json").read_text())
SETS = sorted(REF["sets"])
R_NAMES = {"log": "log", "log-log": "log-log", "plain": "plain"}


def _load(name: str) -> tuple[np.ndarray, np.ndarray, list[str] | None]:
    with open(DATA / "r_input" / f"{name}.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    t = np.array([float(r["time"]) for r in rows])
    e = np.array([r["status"] == "1" for r in rows])
    g = [r["group"] for r in rows] if rows and "group" in rows[0] else None
    return t, e, g


def _close(ours, theirs, tol=1e-9):
    if theirs is None:
        return ours is None or (isinstance(ours, float) and math.isnan(ours))
    return ours is not None and not math.isnan(ours) and math.isclose(ours, theirs, rel_tol=tol, abs_tol=1e-12)


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("method", ["log", "log-log", "plain"])
def test_median_and_ci_equal_r(name, method):
    t, e, _ = _load(name)
    ref = REF["sets"][name]["fits"][method]
    km = kaplan_meier(t, e, ci_method=method)
    assert _close(km.median_days, ref["median"]), (km.median_days, ref["median"])
    assert _close(km.median_ci_days[0], ref["lcl"]), (km.median_ci_days, ref["lcl"])
    assert _close(km.median_ci_days[1], ref["ucl"]), (km.median_ci_days, ref["ucl"])
    if km.median_days is not None:
        assert km.median_years == pytest.approx(km.median_days / 365.25)
    for x in (km.median_years, *km.median_ci_years):
        assert x is None or math.isfinite(x)


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("method", ["log", "log-log", "plain"])
def test_curve_and_bands_equal_r(name, method):
    t, e, _ = _load(name)
    curve = REF["sets"][name]["fits"][method]["curve"]
    km = kaplan_meier(t, e, ci_method=method)
    times = np.atleast_1d(curve["time"])
    assert np.allclose(km.times_years[1:] * 365.25, times)
    for ours, theirs in ((km.survival[1:], curve["surv"]), (km.ci_lower[1:], curve["lower"]),
                         (km.ci_upper[1:], curve["upper"])):
        theirs = theirs if isinstance(theirs, list) else [theirs]
        for o, r in zip(ours, theirs, strict=True):
            assert _close(float(o), r), (o, r)


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("method", ["log", "log-log", "plain"])
def test_landmarks_and_at_risk_equal_r(name, method):
    t, e, _ = _load(name)
    ref = REF["sets"][name]
    km = kaplan_meier(t, e, ci_method=method)
    for k, r in ref["fits"][method]["landmarks"].items():
        ours = km.landmarks[int(k)]
        assert _close(ours["s"], r["s"]), (k, ours, r)
        if r["s"] is not None:
            assert _close(ours["ci95"][0], r["lower"]), (k, ours, r)
            assert _close(ours["ci95"][1], r["upper"]), (k, ours, r)
    assert {str(k): v for k, v in km.at_risk.items()} == ref["at_risk"]


@pytest.mark.parametrize("name", [n for n in SETS if "logrank" in REF["sets"][n]])
def test_logrank_equals_survdiff(name):
    t, e, g = _load(name)
    groups = {}
    for label in sorted(set(g)):
        idx = np.array([x == label for x in g])
        groups[label] = (t[idx], e[idx])
    res = logrank(groups)
    ref = REF["sets"][name]["logrank"]
    assert res.df == ref["df"]
    assert res.statistic == pytest.approx(ref["chisq"], rel=1e-9)
    assert res.p_value == pytest.approx(ref["p"], rel=1e-7)


def test_fixture_covers_the_hard_cases():
    sets = REF["sets"]
    assert sets["exact_half"]["fits"]["log"]["median"] == 500  # midpoint at S = 0.5 exactly
    assert sets["all_censored"]["fits"]["log"]["median"] is None
    assert sets["all_events_hits_zero"]["fits"]["log"]["curve"]["surv"][-1] == 0
    assert any(s["events"] < s["n"] and len(set(np.atleast_1d(s["fits"]["log"]["curve"]["time"]))) < s["n"]
               for s in sets.values())  # ties
