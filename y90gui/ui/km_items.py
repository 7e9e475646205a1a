"""What one fitted Kaplan–Meier curve adds to a plot, and how its numbers read as text.

Pure drawing and formatting over a `survival.KMResult`: the step polyline, the pointwise band
(`FillBetweenItem`), the dashed median line with its label, the legend line above the plot and
the survival read at a time for the hover tooltip. `km_widget` arranges them per stratum.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt


def step_xy(x: np.ndarray, y: np.ndarray, x_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Right-continuous step polyline through (x[i], y[i]) extended flat to x_end."""
    xs = np.repeat(np.append(x, x_end), 2)[1:-1]
    ys = np.repeat(y, 2)
    return xs, ys


def fmt_p(p: float | None) -> str:
    if p is None:
        return "not computable"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def num(v: float | None, k: float) -> str:
    """A CI bound in the shown unit; NR (not reached) when the curve never crosses it."""
    return "NR" if v is None else f"{v * k:.1f}"


def add_band(plot: Any, x: np.ndarray, res: Any, last: float, colour: str, alpha: int) -> None:
    """The pointwise 95 % band as R's survfit draws it: 1 before the first death, cut where undefined."""
    from y90gui.analysis.survival import plotted_band

    lo, hi = plotted_band(res)  # 1 before the first death, as R draws it (the analysis' rule)
    defined = ~(np.isnan(lo) | np.isnan(hi))
    if not defined.any():
        return
    # the band ends where it becomes undefined (S = 0 for log and log-log)
    stop = len(defined) if defined.all() else int(np.argmin(defined))
    if stop == 0:
        return
    end = last if stop == len(defined) else float(x[stop])
    xl, yl = step_xy(x[:stop], lo[:stop], end)
    xh, yh = step_xy(x[:stop], hi[:stop], end)
    c_lo = pg.PlotCurveItem(xl, yl, pen=pg.mkPen(None))
    c_hi = pg.PlotCurveItem(xh, yh, pen=pg.mkPen(None))
    fill = pg.mkColor(colour)
    fill.setAlpha(alpha)
    plot.addItem(pg.FillBetweenItem(c_lo, c_hi, brush=pg.mkBrush(fill)))


def add_median(plot: Any, res: Any, colour: str, k: float, labelled: bool = True) -> None:
    """Dashed lines from 50 % to the curve and down to the median time (nothing when not reached)."""
    if res.median_years is None:
        return
    m = res.median_years * k
    pen = pg.mkPen(colour, width=1.2, style=Qt.PenStyle.DashLine)
    plot.plot([0, m, m], [0.5, 0.5, 0.0], pen=pen)
    if not labelled:  # several strata: the medians are listed above the plot instead
        return
    lo, hi = res.median_ci_years
    text = pg.TextItem(f"median {m:.1f} ({num(lo, k)}–{num(hi, k)})", color=colour,
                       anchor=(0, 1.1))
    text.setPos(m, 0.5)
    plot.addItem(text)


def describe(name: str, res: Any, colour: str, unit: str, k: float) -> str:
    """The stratum's line above the plot: n, events, median with its CI (colour is never the only key)."""
    lo, hi = res.median_ci_years
    med = "not reached" if res.median_years is None else f"{res.median_years * k:.1f} {unit}"
    ci = f"95 % CI {num(lo, k)}–{num(hi, k)}" if res.median_years is not None else ""
    return (f"<span style='color:{colour}'>■</span> <b>{name}</b>: n = {res.n}, events = {res.events}, "
            f"median {med}" + (f" ({ci}, {res.ci_method})" if ci else ""))


def survival_at(results: dict[str, Any], x: float, k: float, unit: str) -> str:
    """Survival of each curve at time x (in `unit`, `k` per year): the step value and its band."""
    lines = [f"t = {x:.1f} {unit}"]
    for name, res in results.items():
        if not res.n:
            continue
        times = np.asarray(res.times_years, dtype=float) * k
        last = max(float(times[-1]), float(np.max(res.censor_years)) * k if len(res.censor_years) else 0.0)
        if x < 0 or x > last:
            lines.append(f"{name}: not estimable here")
            continue
        i = max(int(np.searchsorted(times, x, side="right")) - 1, 0)
        lo, hi = float(res.ci_lower[i]), float(res.ci_upper[i])
        band = "" if np.isnan(lo) or np.isnan(hi) else f" (95 % CI {100 * lo:.0f}–{100 * hi:.0f} %)"
        lines.append(f"{name}: {100 * float(res.survival[i]):.1f} %{band}")
    return "\n".join(lines)
