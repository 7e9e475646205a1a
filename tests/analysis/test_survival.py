"""Kaplan-Meier and log-rank: a second implementation (statsmodels) and hand-derived small sets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from y90gui.analysis.survival import DAYS_PER_YEAR, kaplan_meier, logrank, os_data


def test_survival_and_greenwood_equal_statsmodels():
    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(900, 300))
    c = np.round(rng.uniform(50, 2500, 300))
    d, e = np.minimum(t, c), t <= c
    km = kaplan_meier(d, e, ci_method="plain")
    sf = SurvfuncRight(d, e.astype(int))
    # statsmodels lists event times only; compare there
    ours = dict(zip(np.round(km.times_years[1:] * DAYS_PER_YEAR, 6), km.survival[1:], strict=True))
    for time, s, se in zip(sf.surv_times, sf.surv_prob, sf.surv_prob_se, strict=True):
        assert ours[round(float(time), 6)] == pytest.approx(s, rel=1e-12)
        # plain band half-width = z * se(S)
        i = int(np.searchsorted(np.round(km.times_years[1:] * DAYS_PER_YEAR, 6), round(float(time), 6)))
        upper = km.ci_upper[1 + i]
        if upper < 1 and s > 0:
            assert (upper - s) / 1.959963984540054 == pytest.approx(se, rel=1e-9)


def test_logrank_equals_statsmodels():
    rng = np.random.default_rng(5)
    d = np.round(rng.exponential(700, 120))
    e = rng.random(120) < 0.7
    g = rng.choice(["a", "b", "c"], 120)
    res = logrank({k: (d[g == k], e[g == k]) for k in ("a", "b", "c")})
    chisq, p = survdiff(d, e.astype(int), g)
    assert res.statistic == pytest.approx(chisq, rel=1e-9)
    assert res.p_value == pytest.approx(p, rel=1e-9)
    assert res.df == 2


def test_hand_derived_small_set():
    # 5 patients: deaths at 100, 200 (two tied), censor 300, death 400
    km = kaplan_meier([100, 200, 200, 300, 400], [1, 1, 1, 0, 1], ci_method="log")
    assert list(km.survival) == pytest.approx([1, 0.8, 0.4, 0.4, 0.0])
    # S = 0.4 at 200 is the first value <= 0.5
    assert km.median_days == 200
    # Greenwood at 100: 1/(5*4) -> se = sqrt(0.05); log band
    se = math.sqrt(1 / 20)
    assert km.ci_lower[1] == pytest.approx(0.8 * math.exp(-1.959963984540054 * se))
    assert km.ci_upper[1] == 1.0  # clipped
    assert math.isnan(km.ci_lower[-1]) and math.isnan(km.ci_upper[-1])  # S = 0: band undefined
    assert km.at_risk == {0: 5, 1: 1}  # 400 days >= 365.25
    assert km.censor_years.tolist() == pytest.approx([300 / 365.25])
    assert km.events == 4 and km.n == 5


def test_exact_half_midpoint_and_flat_end():
    assert kaplan_meier([10, 20, 30, 40], [1, 1, 1, 1]).median_days == 25  # S(20) = 0.5 -> (20 + 30) / 2
    km = kaplan_meier([10, 20, 30, 40], [1, 1, 0, 0])  # ends flat at 0.5: no later drop
    assert km.median_days == 20


def test_single_patient_and_all_censored_and_all_events():
    km = kaplan_meier([400], [True])
    assert km.median_days == 400 and km.median_ci_days == (None, None)
    assert km.landmarks[1]["s"] == 1.0 and km.landmarks[2]["s"] is None
    km = kaplan_meier([400], [False])
    assert km.median_days is None and km.landmarks[1] == {"s": 1.0, "ci95": [1.0, 1.0]}
    km = kaplan_meier([100, 400, 900], [0, 0, 0], ci_method="log-log")
    assert km.median_years is None and km.median_ci_years == (None, None) and km.events == 0
    km = kaplan_meier([100, 400, 900], [1, 1, 1], ci_method="plain")
    assert km.survival[-1] == 0 and km.median_days == 400
    assert km.landmarks[2]["s"] == pytest.approx(1 / 3)  # last time <= 730.5 days is 400
    assert km.landmarks[2]["ci95"][0] is not None
    assert km.landmarks[3]["s"] is None  # after the last follow-up


def test_empty_and_bad_input():
    km = kaplan_meier([], [])
    assert km.n == 0 and km.median_years is None
    with pytest.raises(ValueError, match="CI method"):
        kaplan_meier([1], [1], ci_method="arcsin")
    with pytest.raises(ValueError, match=">= 0"):
        kaplan_meier([-1], [1])
    assert logrank({"a": ([1, 2], [1, 1])}).statistic is None


def test_os_data_origin_first_radioembolization():
    import datetime as dt

    data = {
        "patients": [
            {"patient_id": "P1", "vital_status": "dead", "followup_date": dt.date(2020, 1, 1)},
            {"patient_id": "P2", "vital_status": "alive", "followup_date": dt.date(2021, 6, 1)},
            {"patient_id": "P3", "vital_status": "alive", "followup_date": dt.date(2021, 6, 1)},
        ],
        "radioembolization": [
            {"patient_id": "P1", "procedure": 2, "date": dt.date(2019, 3, 1)},
            {"patient_id": "P1", "procedure": 1, "date": dt.date(2019, 1, 1)},
            {"patient_id": "P2", "procedure": 1, "date": dt.date(2020, 6, 1)},
        ],
    }
    assert os_data(data) == [("P1", 365, True), ("P2", 365, False)]
