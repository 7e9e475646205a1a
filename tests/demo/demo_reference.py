"""Small, independent reference computations for the demo tests (not the product's code).

A plain CTCAE v4.03 lab grader written from shared/reference/ctcae_v4.03_labs.md and a
Kaplan–Meier estimate with R survival's median rule and log-log band, so the demo cohort's
figures are checked against the definitions and not against the analysis package.
"""

from __future__ import annotations

import math

ULN_CUTS = {
    "alt": (1, 3, 5, 20), "ast": (1, 3, 5, 20), "alp": (1, 2.5, 5, 20), "ggt": (1, 2.5, 5, 20),
    "bilirubin": (1, 1.5, 3, 10), "creatinine": (1, 1.5, 3, 6), "inr": (1, 1.5, 2.5),
}
# decreasing terms: absolute cut-offs in SI units (grade 1|2, 2|3, 3|4)
ABS_CUTS = {
    "albumin": (30, 20), "hemoglobin": (100, 80), "wbc": (3, 2, 1), "lymphocytes": (0.8, 0.5, 0.2),
    "neutrophils": (1.5, 1.0, 0.5), "platelets": (75, 50, 25),
}


def to_si(test: str, value: float, unit: str) -> float:
    if unit == "/mm3":
        return value / 1000
    if unit == "g/dL":
        return value * 10
    return value


def grade(test: str, value: float, unit: str, uln: float | None, lln: float | None,
          baseline: float | None = None) -> int | None:
    """CTCAE v4.03 grade from the lab value; None when a needed limit is missing."""
    if test in ULN_CUTS:
        if uln is None:
            return None
        g = 0
        for k, cut in enumerate(ULN_CUTS[test], start=1):
            if value > cut * uln:
                g = k
        if test == "creatinine" and baseline:
            for k, cut in enumerate((1, 1.5, 3), start=1):
                if value > cut * baseline:
                    g = max(g, k)
        return g
    if lln is None:
        return None
    if test == "hemoglobin" and unit == "mmol/L":
        cuts: tuple[float, ...] = (6.2, 4.9)
        v, limit = value, lln
    else:
        cuts, v, limit = ABS_CUTS[test], to_si(test, value, unit), to_si(test, lln, unit)
    for k in range(len(cuts), 0, -1):
        if v < cuts[k - 1]:
            return k + 1
    return 1 if v < limit else 0


Z95 = 1.959963984540054
_TOL = math.sqrt(2.220446049250313e-16)


def kaplan_meier(days: list[int], events: list[bool]) -> list[tuple[float, float, float | None, float | None]]:
    """(time in years, S, lower, upper) at each event time; log-log Greenwood band."""
    out = []
    s, gw = 1.0, 0.0
    for t in sorted({d for d, e in zip(days, events) if e}):
        d = sum(1 for x, e in zip(days, events) if x == t and e)
        n = sum(1 for x in days if x >= t)
        s *= 1 - d / n
        gw = gw + d / (n * (n - d)) if n > d else math.inf
        if 0 < s < 1 and math.isfinite(gw):
            se = math.sqrt(gw) / abs(math.log(s))
            lo, hi = s ** math.exp(Z95 * se), s ** math.exp(-Z95 * se)
        else:
            lo = hi = None
        out.append((t / 365.25, s, lo, hi))
    return out


def first_at_or_below_half(steps: list[tuple[float, float, float | None, float | None]], column: int
                           ) -> float | None:
    for i, row in enumerate(steps):
        v = row[column]
        if v is not None and v <= 0.5 + _TOL:
            if abs(v - 0.5) <= _TOL and i + 1 < len(steps):
                return (row[0] + steps[i + 1][0]) / 2
            return row[0]
    return None
