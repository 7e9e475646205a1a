"""A Kaplan–Meier `FigureDescription` (figures.km) drawn with pyqtgraph: the window's view.

The description is what the exported file draws too (`figures.render`), so every number on
screen — curve, band, censor marks, medians, numbers at risk, legend text, log-rank p — is the
file's. These functions only turn it into items: a step polyline per curve, each band as ONE
`QGraphicsPathItem` (a `FillBetweenItem` rebuilds its path twice per update, issue 16), the
censor ticks, the dashed median guides, and the legend as escaped rich text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem

if TYPE_CHECKING:
    from y90gui.figures.model import Curve, FigureDescription

#: The dark text of axis titles, ticks and the legend (readable, not pale grey).
TEXT = "#1d2a31"


def step_xy(x: np.ndarray, y: np.ndarray, x_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Right-continuous step polyline through (x[i], y[i]) extended flat to x_end."""
    xs = np.repeat(np.append(x, x_end), 2)[1:-1]
    ys = np.repeat(y, 2)
    return xs, ys


def band_path(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> QPainterPath:
    """The band as one path: one closed step polygon per run where it is defined (it stops
    where the description has None, as the file's `fill_between` does)."""
    path = QPainterPath()
    defined = ~(np.isnan(lo) | np.isnan(hi))
    i, n = 0, len(x)
    while i < n:
        if not defined[i]:
            i += 1
            continue
        j = i
        while j < n and defined[j]:
            j += 1
        end = float(x[j]) if j < n else float(x[-1])
        xu, yu = step_xy(x[i:j], hi[i:j], end)
        xl, yl = step_xy(x[i:j], lo[i:j], end)
        px = np.concatenate([xu, xl[::-1]])
        py = np.concatenate([yu, yl[::-1]])
        path.addPath(pg.arrayToQPath(px, py, connect="all"))
        path.closeSubpath()
        i = j
    return path


def add_curve(plot: Any, desc: FigureDescription, c: Curve, *, band: bool) -> Any:
    """Add one curve's items (band, step line, censor ticks, median guide) to `plot`; returns the
    band's item (None without a band), which the band check box shows and hides."""
    colour = desc.styles[c.key].colour
    x = np.asarray(c.x, dtype=float)
    y = np.asarray(c.y, dtype=float)
    item = None
    if c.band_lo:
        lo = np.array([np.nan if v is None else v for v in c.band_lo], dtype=float)
        hi = np.array([np.nan if v is None else v for v in c.band_hi], dtype=float)
        item = QGraphicsPathItem(band_path(x, lo, hi))
        fill = pg.mkColor(colour)
        fill.setAlpha(46 if len(desc.curves) == 1 else 26)
        item.setBrush(pg.mkBrush(fill))
        item.setPen(pg.mkPen(None))
        item.setData(0, f"band_{c.key}")
        item.setVisible(band)
        plot.addItem(item)
    xs, ys = step_xy(x, y, float(x[-1]))
    line = plot.plot(xs, ys, pen=pg.mkPen(colour, width=2.2))
    line.setObjectName(f"km_{c.key}")
    if c.censor_x:
        marks = pg.ScatterPlotItem(x=np.asarray(c.censor_x), y=np.asarray(c.censor_y), symbol="|", size=11,
                                   pen=pg.mkPen(colour, width=1.6), brush=pg.mkBrush(colour))
        plot.addItem(marks)
    if c.median is not None:
        plot.plot([desc.x.lo, c.median, c.median], [50.0, 50.0, desc.y.lo],
                  pen=pg.mkPen(colour, width=1.1, style=Qt.PenStyle.DashLine))
    return item


def legend_html(desc: FigureDescription) -> str:
    """The legend above the plot (never over the curves): title with the log-rank p, then one
    line per curve with n, events and the median; data text escaped (a "<" is not a tag)."""
    lines = [f"<b>{html.escape(desc.legend_title)}</b>"] if desc.legend_title else []
    for e in desc.legend:
        colour = desc.styles[e.key].colour
        lines.append(f"<span style='color:{colour}'>\u2501\u2501</span>&nbsp;{html.escape(e.label)}")
    return "<br>".join(lines)


def legend_lines(desc: FigureDescription) -> list[str]:
    """The legend as plain text lines (what `legend_html` shows)."""
    return ([desc.legend_title] if desc.legend_title else []) + [e.label for e in desc.legend]


def survival_at(desc: FigureDescription, x: float, unit: str) -> str:
    """Survival of each curve at time x (in the description's unit): the step value, its band."""
    lines = [f"t = {x:.1f} {unit}"]
    for c in desc.curves:
        name = c.label.split(" (n = ", 1)[0]
        times = np.asarray(c.x, dtype=float)
        if x < 0 or x > times[-1]:
            lines.append(f"{name}: not estimable here")
            continue
        i = max(int(np.searchsorted(times, x, side="right")) - 1, 0)
        lo = c.band_lo[i] if c.band_lo else None
        hi = c.band_hi[i] if c.band_hi else None
        band = "" if lo is None or hi is None else f" (95 % CI {lo:.0f}–{hi:.0f} %)"
        lines.append(f"{name}: {c.y[i]:.1f} %{band}")
    return "\n".join(lines)
