"""Figure 3: waterfall plot of the 3-month change in the target-lesion sum.

Per evaluable patient (a baseline sum > 0 and a sum at the 3-month assessment, both as
`recist.three_month_frame` chooses them), the % change from baseline, bars from the largest
increase to the largest decrease, coloured by the 3-month RECIST category (recorded or derived
by the report's rule), dashed lines at +20 % and -30 % (the RECIST PD and PR thresholds).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from y90gui.figures import palette
from y90gui.figures.model import Axis, Bar, FigureDescription, LegendEntry, RefLine

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames


def waterfall_description(fr: Frames) -> FigureDescription:
    import numpy as np

    from y90gui.analysis import inclusion, recist
    from y90gui.analysis.report import treated

    fr = inclusion.analysed(fr)
    pats, _ = treated(fr)
    tm = recist.three_month_frame(fr)
    tm = tm[tm.index.isin(pats["patient_id"])]
    ok = tm["baseline_sum"].notna() & (tm["baseline_sum"] > 0) & tm["target_sum_mm"].notna()
    ev = tm[ok]
    change = ((ev["target_sum_mm"] - ev["baseline_sum"]) / ev["baseline_sum"] * 100).to_numpy(dtype=float)
    cats = np.array([c if isinstance(c, str) else "NE" for c in ev["recist"]], dtype=object)
    order = np.lexsort((ev.index.to_numpy(dtype=str), -change))
    change, cats = change[order], cats[order]
    bars = [Bar(str(c), float(i + 1), 0.0, float(v)) for i, (v, c) in enumerate(zip(change, cats, strict=True))]
    lo = min(-100.0, math.floor(min(list(change) + [0.0]) / 20) * 20)
    hi = max(40.0, math.ceil(max(list(change) + [0.0]) / 20) * 20)
    step = 20.0 if hi - lo <= 200 else 50.0
    ticks = tuple(float(t) for t in np.arange(math.ceil(lo / step) * step, hi + 1e-9, step))
    present = [c for c in palette.RECIST if c in set(cats)]
    n = len(change)
    return FigureDescription(
        kind="waterfall",
        title="Change of the target-lesion sum from baseline to 3 months",
        caption=(f"n = {n} of {len(pats)} patients with a baseline sum and a sum at the 3-month assessment "
                 "(closest to day 90, days 45\u2013135); colour: RECIST 1.1 at 3 months; dashed: +20% (PD) "
                 "and \u221230% (PR)."),
        x=Axis("", 0.3, n + 0.7, (), ()),
        y=Axis("Change from baseline, %", lo, hi, ticks,
               tuple(f"{t:+g}%".replace("-", "\u2212") if t else "0%" for t in ticks)),
        styles=dict(palette.RECIST),
        bars=bars,
        lines=[RefLine("y", 20.0, "+20%"), RefLine("y", -30.0, "\u221230%"), RefLine("y", 0.0, "", "solid")],
        legend=[LegendEntry(c, c, "patch") for c in present],
        note=f"n = {n} patients",
        y_percent=True,
    )
