"""Lab values with a chosen CTCAE v4.03 grade, well inside that grade's band.

The demo cohort must give the same toxicity counts under any correct grader, so every value
it writes keeps a clear distance (`MARGIN`) from every threshold a grader could use: the
ULN/LLN, each multiple of the ULN, each absolute cut-off (for haemoglobin in mmol/L both the
printed CTCAE cut-offs and the exact conversions), and for creatinine and INR each multiple of
the procedure baselines that apply. This module is a generator's design table, not the
product's grader (that is `y90gui.analysis.ctcae`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

#: Relative distance every value keeps from every threshold.
MARGIN = 0.03

#: Increasing terms graded in multiples of the ULN: grade g covers cuts[g-1] < x <= cuts[g].
ULN_CUTS: dict[str, tuple[float, ...]] = {
    "alt": (1.0, 3.0, 5.0, 20.0),
    "ast": (1.0, 3.0, 5.0, 20.0),
    "alp": (1.0, 2.5, 5.0, 20.0),
    "ggt": (1.0, 2.5, 5.0, 20.0),
    "bilirubin": (1.0, 1.5, 3.0, 10.0),
    "creatinine": (1.0, 1.5, 3.0, 6.0),
    "inr": (1.0, 1.5, 2.5),
}
#: Multiples of the baseline that CTCAE v4.03 also uses (creatinine always; INR on anticoagulation).
BASELINE_CUTS: dict[str, tuple[float, ...]] = {"creatinine": (1.0, 1.5, 3.0), "inr": (1.0, 1.5, 2.5)}

#: Decreasing terms: absolute cut-offs (grade 1/2, 2/3, 3/4 boundaries) in the SI unit.
ABS_CUTS: dict[str, tuple[float, ...]] = {
    "albumin": (30.0, 20.0),
    "hemoglobin": (100.0, 80.0),
    "wbc": (3.0, 2.0, 1.0),
    "lymphocytes": (0.8, 0.5, 0.2),
    "neutrophils": (1.5, 1.0, 0.5),
    "platelets": (75.0, 50.0, 25.0),
}
#: Factor from the SI unit to the row's unit, for absolute cut-offs.
UNIT_FACTOR = {"g/dL": 0.1, "/mm3": 1000.0}
#: Haemoglobin in mmol/L: CTCAE prints rounded cut-offs; exact conversion uses 16.11 g/L per mmol/L.
HB_MMOL_PRINTED = (6.2, 4.9)
HB_G_PER_MMOL = 16.11

#: Decimals a lab reports with, by (test, unit); counts per mm3 are rounded to tens.
DECIMALS: dict[tuple[str, str], int] = {
    ("bilirubin", "mg/dL"): 1,
    ("creatinine", "mg/dL"): 2,
    ("albumin", "g/dL"): 1,
    ("inr", "ratio"): 2,
    ("hemoglobin", "g/dL"): 1,
    ("hemoglobin", "mmol/L"): 1,
    ("wbc", "10^9/L"): 1,
    ("lymphocytes", "10^9/L"): 2,
    ("neutrophils", "10^9/L"): 2,
    ("wbc", "/mm3"): -1,
    ("lymphocytes", "/mm3"): -1,
    ("neutrophils", "/mm3"): -1,
    ("platelets", "/mm3"): -3,
}


@dataclass(frozen=True)
class Convention:
    """How one centre reports one test: unit and normal limits (None = not on the row)."""

    unit: str
    uln: float | None
    lln: float | None


def abs_cuts(test: str, unit: str) -> tuple[float, ...]:
    if test == "hemoglobin" and unit == "mmol/L":
        return HB_MMOL_PRINTED
    factor = UNIT_FACTOR.get(unit, 1.0)
    return tuple(c * factor for c in ABS_CUTS[test])


def uln_grade(test: str, value: float, uln: float) -> int:
    cuts = ULN_CUTS[test]
    grade = 0
    for g, cut in enumerate(cuts, start=1):
        if value > cut * uln:
            grade = g
    return grade


def abs_grade(test: str, value: float, unit: str, lln: float) -> int:
    cuts = abs_cuts(test, unit)
    for g in range(len(cuts), 0, -1):
        if value < cuts[g - 1]:
            return g + 1
    return 1 if value < lln else 0


def baseline_grade(test: str, value: float, baseline: float) -> int:
    grade = 0
    for g, cut in enumerate(BASELINE_CUTS[test], start=1):
        if value > cut * baseline:
            grade = g
    return grade


def thresholds(test: str, conv: Convention, baselines: Sequence[float]) -> list[float]:
    """Every value a grader may compare this value with."""
    if test in ULN_CUTS:
        assert conv.uln is not None
        out = [c * conv.uln for c in ULN_CUTS[test]]
        if test in BASELINE_CUTS:
            out += [c * b for b in baselines for c in BASELINE_CUTS[test]]
        return out
    assert conv.lln is not None
    out = [conv.lln, *abs_cuts(test, conv.unit)]
    if test == "hemoglobin" and conv.unit == "mmol/L":
        out += [c / HB_G_PER_MMOL for c in ABS_CUTS["hemoglobin"]]
    return out


def grade_of(test: str, value: float, conv: Convention, baselines: Sequence[float] = ()) -> set[int]:
    """The grade(s) a correct grader can give; more than one means the value is ambiguous."""
    if test in ULN_CUTS:
        assert conv.uln is not None
        g = uln_grade(test, value, conv.uln)
        if test in BASELINE_CUTS and baselines:
            with_base = {max(g, baseline_grade(test, value, b)) for b in baselines}
            # INR: the baseline bands apply only on anticoagulation, so both readings must agree.
            return with_base | {g} if test == "inr" else with_base
        return {g}
    assert conv.lln is not None
    return {abs_grade(test, value, conv.unit, conv.lln)}


def _band(test: str, grade: int, conv: Convention) -> tuple[float, float]:
    """A sampling interval (row unit) for `grade`, before margins are checked."""
    if test in ULN_CUTS:
        assert conv.uln is not None
        cuts = (0.45, *ULN_CUTS[test])
        lo = cuts[grade]
        hi = min(cuts[grade + 1], lo * 2.2) if grade + 1 < len(cuts) else lo * 1.6
        if grade == 0:
            lo, hi = 0.45, 0.94
        return lo * conv.uln, hi * conv.uln
    assert conv.lln is not None
    cuts = (conv.lln * (2.0 if test in ("wbc", "platelets", "lymphocytes") else 1.3), conv.lln,
            *abs_cuts(test, conv.unit))
    if test == "hemoglobin":
        cuts = (conv.lln * 1.2, *cuts[1:])
    hi = cuts[grade]
    lo = cuts[grade + 1] if grade + 1 < len(cuts) else hi * (0.7 if test in ("hemoglobin", "albumin") else 0.55)
    return lo, hi


def _round(test: str, unit: str, value: float) -> float:
    return float(round(value, DECIMALS.get((test, unit), 0)))


def sample(rng: random.Random, test: str, grade: int, conv: Convention,
           baselines: Sequence[float] = (), position: float | None = None) -> float:
    """A rounded value of exactly `grade` (under every reading), at least MARGIN from every threshold.

    `position` (0–1) places the value in the grade's band, so one patient's values of a grade
    stay alike from visit to visit instead of jumping across the band.
    """
    lo, hi = _band(test, grade, conv)
    limits = thresholds(test, conv, baselines)
    for attempt in range(2000):
        if position is not None and attempt < 200:
            u = min(0.97, max(0.03, position + rng.gauss(0, 0.08 + attempt / 400)))
        else:
            u = rng.random()
        value = _round(test, conv.unit, lo + (hi - lo) * u)
        if value <= 0:
            continue
        if any(abs(value - t) < MARGIN * t for t in limits):
            continue
        if grade_of(test, value, conv, baselines) == {grade}:
            return value
    raise ValueError(f"no {test} value of grade {grade} for {conv} with baselines {list(baselines)}")


def sample_stable(rng: random.Random, test: str, conv: Convention, baselines: Sequence[float],
                  allowed: Sequence[int], around: float, spread: tuple[float, float] | None = None) -> float:
    """Creatinine / INR: a value near `around` whose grade every reading agrees on, one of `allowed`."""
    limits = thresholds(test, conv, baselines)
    # A value after a procedure either stays below its baseline or rises clearly above the ULN, so
    # the INR reading without anticoagulation (no baseline bands) agrees with the one with them.
    lo, hi = spread or ((0.72, 1.35) if baselines else (0.95, 1.05))
    for _ in range(5000):
        value = _round(test, conv.unit, around * rng.uniform(lo, hi))
        if value <= 0 or any(abs(value - t) < MARGIN * t for t in limits):
            continue
        grades = grade_of(test, value, conv, baselines)
        if len(grades) == 1 and grades <= set(allowed):
            return value
    raise ValueError(f"no stable {test} value near {around} for baselines {list(baselines)}")
