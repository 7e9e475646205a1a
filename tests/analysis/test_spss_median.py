"""The SPSS-style median against SPSS's published output for Freireich's 6-MP arm.

SPSS (Kaplan-Meier, "Means and Medians for Survival Time") prints for the 6-MP arm of
Freireich et al. (1963), 21 patients, weeks: median 23.000, Std. Error 5.255, 95 % CI
12.700-33.300. The data are those of R's MASS::gehan (treat == "6-MP"); the R fixture records
MASS's copy so this test also checks that the times below are the published ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from y90gui.analysis.spss_median import spss_median
from y90gui.analysis.survival import DAYS_PER_YEAR, kaplan_meier

# weeks; False = censored (the * of the published table)
SIX_MP = [(6, True), (6, True), (6, True), (6, False), (7, True), (9, False), (10, True), (10, False),
          (11, False), (13, True), (16, True), (17, False), (19, False), (20, False), (22, True), (23, True),
          (25, False), (32, False), (32, False), (34, False), (35, False)]
ENDPOINTS_REF = Path(__file__).parent / "data" / "r_endpoints_reference.json"


def _km(rows):
    t = np.array([r[0] for r in rows], dtype=float)
    e = np.array([r[1] for r in rows], dtype=bool)
    return kaplan_meier(t, e)


def _weeks(x):  # kaplan_meier takes days and reports years; the 6-MP times are weeks
    return None if x is None else x * DAYS_PER_YEAR


def test_six_mp_matches_spss_published_figures():
    m = spss_median(_km(SIX_MP))
    assert _weeks(m.median_years) == pytest.approx(23, rel=1e-12)
    assert round(_weeks(m.se_years), 3) == 5.255
    assert [round(_weeks(x), 3) for x in m.ci95_years] == [12.700, 33.300]


def test_six_mp_data_are_mass_gehan():
    ref = json.loads(ENDPOINTS_REF.read_text())["gehan_6mp"]
    assert sorted(zip(ref["time"], [bool(c) for c in ref["cens"]], strict=True)) == sorted(SIX_MP)


def test_json_in_years_and_symmetric():
    js = spss_median(_km(SIX_MP)).to_json()
    assert js["median_years"] == pytest.approx(23 / DAYS_PER_YEAR)
    lo, hi = js["ci95_years"]
    assert (lo + hi) / 2 == pytest.approx(js["median_years"])
    assert js["se_years"] == pytest.approx(5.2553 / DAYS_PER_YEAR, rel=1e-4)


def test_no_median_all_null():
    js = spss_median(_km([(5, False), (8, True), (9, False), (10, False)])).to_json()
    assert js == {"median_years": None, "se_years": None, "ci95_years": [None, None]}


def test_median_without_lower_limit_time():
    # S: 0.75 at 1, 0.5 at 2 (t50), then only censored: no event time with S <= 0.45
    m = spss_median(_km([(1, True), (2, True), (3, False), (4, False)]))
    assert _weeks(m.median_years) == pytest.approx(2)
    assert m.se_years is None and m.ci95_years == (None, None)


def test_no_event_time_above_055_uses_time_zero():
    # S: 0.5 at 1 (t50, also no u with S >= 0.55 -> u = 0, S(u) = 1), 0.25 at 2 (l)
    m = spss_median(_km([(1, True), (1, True), (2, True), (3, False)]))
    greenwood_se = 0.5 * np.sqrt(2 / (4 * 2))
    assert _weeks(m.median_years) == pytest.approx(1)
    assert _weeks(m.se_years) == pytest.approx(greenwood_se / ((1 - 0.25) / (2 - 0)))


def test_empty_curve():
    assert spss_median(kaplan_meier([], [])).median_years is None
