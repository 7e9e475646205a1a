"""Figure 4: the course of one laboratory test around each radioembolization.

Median and interquartile range per bin of days relative to each procedure: baseline (the
report's baseline value, the last from 30 days before up to the procedure day), then days
1-14, 15-30, 31-60, 61-90, 91-180, 181-365 (`lab_windows` with a 365-day window pairs each
value with every procedure whose window holds it). The value is shown as x ULN (tests CTCAE
grades by the ULN, with its grade thresholds as faint lines) or in the test's SI unit
(`units.FACTOR`). The number of values per bin is the table under the axis.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from y90gui.figures import palette
from y90gui.figures.model import Axis, FigureDescription, Interval, LegendEntry, RefLine, UnderTable

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames

BINS = ((1, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, 365))
SCALES = ("auto", "uln", "value")


def _uln_thresholds(test: str) -> list[tuple[int, float]]:
    """(grade, lower bound in x ULN) of the test's default CTCAE criterion, when it is ULN-based."""
    from y90gui.analysis import ctcae

    term = ctcae.default_term(test)
    rows = [c for c in ctcae.criteria() if c.test == test and c.term == term and c.basis == "xULN"]
    out = []
    for c in rows[:1]:
        for k, (low, _) in enumerate(c.bands, start=1):
            if low in ("ULN", "1"):
                out.append((k, 1.0))
            elif low and low not in ctcae.NOT_DEFINED:
                out.append((k, float(low)))
    return out


def labs_description(fr: Frames, test: str, *, scale: str = "auto") -> FigureDescription:
    import numpy as np

    from y90gui.analysis.inclusion import analysed
    from y90gui.analysis.lab_windows import lab_windows
    from y90gui.analysis.report import treated
    from y90gui.analysis.tables_outcomes import TEST_NAMES
    from y90gui.analysis.units import CRITERIA_UNIT, FACTOR
    from y90gui.core.codes import LAB_TEST

    if test not in LAB_TEST:
        raise ValueError(f"unknown test {test!r}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    thresholds = _uln_thresholds(test)
    per_uln = scale == "uln" or (scale == "auto" and bool(thresholds))
    fr = analysed(fr)
    pats, _ = treated(fr)
    # only this test's values: a value's procedure windows and its grade (creatinine's included,
    # graded against its own baseline) depend on nothing of the other tests, whose pairings were
    # twelve thirteenths of the work (at 100,000 patients ~1 GB of temporaries, for one figure)
    fr = dataclasses.replace(fr, labs=fr.labs[fr.labs["test"].to_numpy(dtype=object) == test])
    w = lab_windows(fr, window_days=BINS[-1][1])
    labs = w.labs.set_index("_row")
    factor = np.array([FACTOR[test].get(u, np.nan) if isinstance(u, str) else np.nan for u in labs["unit"]])
    shown = (labs["value"] / labs["uln"]) if per_uln else labs["value"] * factor
    post = w.post[(w.post["test"] == test) & w.post["patient_id"].isin(pats["patient_id"])]
    day = labs["date"].reindex(post["_row"]).to_numpy(dtype=float) - post["proc_date"].to_numpy(dtype=float)
    post_values = shown.reindex(post["_row"]).to_numpy(dtype=float)
    base = w.baseline[(w.baseline["test"] == test) & w.baseline["patient_id"].isin(pats["patient_id"])]
    base_values = shown.reindex(base["baseline_row"]).to_numpy(dtype=float)

    groups = [base_values] + [post_values[(day >= a) & (day <= b)] for a, b in BINS]
    labels = ["baseline"] + [f"{a}\u2013{b}" for a, b in BINS]
    intervals, counts = [], []
    for i, values in enumerate(groups):
        v = values[~np.isnan(values)]
        counts.append(len(v))
        if len(v):
            q1, med, q3 = np.quantile(v, [0.25, 0.5, 0.75])
            intervals.append(Interval(test, float(i), float(med), float(q1), float(q3)))
    top = max([i.q3 for i in intervals] + [t for _, t in thresholds if per_uln][:3] + [1.0]) * 1.12
    lines = [RefLine("y", t, f"G{g} >{t:g}\u00d7ULN" if g > 1 else "ULN", "dotted", faint=True)
             for g, t in thresholds if per_uln and t <= top] if per_uln else []
    unit = "\u00d7 ULN" if per_uln else CRITERIA_UNIT[test]
    name = TEST_NAMES[test]
    ticks = _nice_ticks(0.0, top)
    return FigureDescription(
        kind="labs",
        title=f"{name} after radioembolization",
        caption=(f"{name} ({unit}): median and interquartile range per interval relative to each radioembolization "
                 "(baseline: last value from 30 days before up to the procedure day); CTCAE v4.03 grade "
                 "thresholds dotted." if per_uln else
                 f"{name} ({unit}): median and interquartile range per interval relative to each radioembolization "
                 "(baseline: last value from 30 days before up to the procedure day)."),
        x=Axis("Days relative to radioembolization", -0.5, len(groups) - 0.5,
               tuple(float(i) for i in range(len(groups))), tuple(labels)),
        y=Axis(f"{name}, {unit}", 0.0, top, ticks, tuple(f"{t:g}" for t in ticks)),
        styles={test: palette.indexed(0)},
        intervals=intervals,
        lines=lines,
        under=UnderTable("Values", tuple(float(i) for i in range(len(groups))), ((test, "n", tuple(counts)),)),
        legend=[LegendEntry(test, f"{name}: median (IQR)", "line")],
    )


def _nice_ticks(lo: float, hi: float) -> tuple[float, ...]:
    import math

    span = max(hi - lo, 1e-9)
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    return tuple(round(step * i, 10) for i in range(int(hi // step) + 1))
