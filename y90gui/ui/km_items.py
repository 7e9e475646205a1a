"""A Kaplan–Meier `FigureDescription` (figures.km) drawn with pyqtgraph: the window's view.

The description is what the exported file draws too (`figures.render`), so every number on
screen — curve, band, censor marks, medians, numbers at risk, legend text, log-rank p — is the
file's. These functions only turn it into items, made once per curve slot and given new data on
each refresh (`CurveItems`): a step polyline per curve, each band as ONE `QGraphicsPathItem` (a
`FillBetweenItem` rebuilds its path twice per update, issue 16), each curve's censor ticks as ONE
`CensorTicks` item, the dashed median guides, and the legend as escaped rich text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from pyqtgraph.graphicsItems.ScatterPlotItem import renderSymbol
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPixmap
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
    where the description has None; `figures.model.band_runs`, the file's rule too)."""
    from y90gui.figures.model import band_runs

    path = QPainterPath()
    for i, j, end in band_runs(x, lo, hi):
        xu, yu = step_xy(x[i:j], hi[i:j], end)
        xl, yl = step_xy(x[i:j], lo[i:j], end)
        px = np.concatenate([xu, xl[::-1]])
        py = np.concatenate([yu, yl[::-1]])
        path.addPath(pg.arrayToQPath(px, py, connect="all"))
        path.closeSubpath()
    return path


#: The censor tick: pyqtgraph's '|' symbol, 11 px tall, outlined 1.6 px (what a ScatterPlotItem drew)
TICK_SIZE = 11.0
TICK_PEN_WIDTH = 1.6


class CensorTicks(pg.GraphicsObject):  # type: ignore[misc]  # pyqtgraph has no type information
    """One curve's censor marks as ONE item, drawn as a `ScatterPlotItem` in pixel mode draws them
    (pyqtgraph's '|' symbol rendered once into a pixmap, then one `drawPixmapFragments` call at
    every mark's device position: the same pixels), but without its per-point style records:
    building a ScatterPlotItem of 4,700 marks took ~15 ms per refresh (issue 16), setting these
    arrays takes microseconds. The marks keep their pixel size when the x axis is zoomed."""

    def __init__(self) -> None:
        super().__init__()
        self._xy = np.empty((2, 0))
        self._colour = ""
        self._pixmap: QPixmap | None = None
        self._dpr = 0.0
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)

    def set_ticks(self, x: np.ndarray, y: np.ndarray, colour: str) -> None:
        """Marks at (x[i], y[i]) in data coordinates, in `colour`."""
        self.prepareGeometryChange()
        self._xy = np.vstack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
        if colour != self._colour:
            self._colour, self._pixmap = colour, None
        self.update()

    def positions(self) -> np.ndarray:
        """The marks' (x, y) in data coordinates, shape (2, n)."""
        return self._xy.copy()

    def _symbol(self, dpr: float) -> QPixmap:
        if self._pixmap is None or dpr != self._dpr:
            image = renderSymbol("|", TICK_SIZE, pg.mkPen(self._colour, width=TICK_PEN_WIDTH),
                                 pg.mkBrush(self._colour), dpr=dpr)
            image.setDevicePixelRatio(1.0)  # drawn at 1/dpr scale, as pyqtgraph's atlas is
            self._pixmap, self._dpr = QPixmap.fromImage(image), dpr
        return self._pixmap

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[float | None, float | None]:
        v = self._xy[ax]
        return (None, None) if v.size == 0 else (float(v.min()), float(v.max()))

    def boundingRect(self) -> QRectF:
        if self._xy.shape[1] == 0:
            return QRectF()
        (x0, x1), (y0, y1) = self.dataBounds(0), self.dataBounds(1)
        assert x0 is not None and x1 is not None and y0 is not None and y1 is not None
        px, py = self.pixelVectors()
        pad = (TICK_SIZE + TICK_PEN_WIDTH) * 0.7072  # ScatterPlotItem's padding for the same spot
        dx = 0.0 if px is None else px.length() * pad
        dy = 0.0 if py is None else py.length() * pad
        return QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()  # the padding is in pixels: the bounds change with the zoom
        super().viewTransformChanged()

    def paint(self, p: QPainter, *_args: Any) -> None:
        n = self._xy.shape[1]
        if not n:
            return
        widget = _args[1] if len(_args) > 1 else None
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        pixmap = self._symbol(dpr)
        pts = fn.clip_array(fn.transformCoordinates(p.transform(), self._xy), -2 ** 30, 2 ** 30)
        p.resetTransform()
        self._fragments.resize(n)
        frags = self._fragments.ndarray()
        frags[:, 0:2] = pts.T  # the centre of each mark
        frags[:, 2:6] = (0, 0, pixmap.width(), pixmap.height())
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)  # scale, rotation, opacity
        first, count = self._fragments.drawargs()  # PySide: the array's first fragment and its length
        p.drawPixmapFragments(first, count, pixmap)


class CurveItems:
    """The items of one curve (band path, step line, censor ticks, dashed median guide), made once
    and given new data on every refresh: removing and re-adding pyqtgraph items per refit was
    most of a 100,000-patient refresh's GUI time (issue 16). Added in the order the plot stacks
    them (band under its line, ticks and median above), as the curves were drawn before."""

    def __init__(self, plot: Any) -> None:
        self.band = QGraphicsPathItem()
        self.band.setPen(pg.mkPen(None))
        plot.addItem(self.band)
        self.line = plot.plot([], [])
        self.ticks = CensorTicks()
        plot.addItem(self.ticks)
        self.median = plot.plot([], [])
        self.key = ""

    def show(self, desc: FigureDescription, c: Curve, *, band: bool) -> Any:
        """Show curve `c`; returns the band's item (None without a band), which the band check
        box shows and hides."""
        colour = desc.styles[c.key].colour
        x = np.asarray(c.x, dtype=float)
        y = np.asarray(c.y, dtype=float)
        self.key = c.key
        item = None
        if c.band_lo:
            lo = np.array([np.nan if v is None else v for v in c.band_lo], dtype=float)
            hi = np.array([np.nan if v is None else v for v in c.band_hi], dtype=float)
            self.band.setPath(band_path(x, lo, hi))
            fill = pg.mkColor(colour)
            fill.setAlpha(46 if len(desc.curves) == 1 else 26)
            self.band.setBrush(pg.mkBrush(fill))
            self.band.setData(0, f"band_{c.key}")
            self.band.setVisible(band)
            item = self.band
        else:
            self.band.setPath(QPainterPath())
            self.band.setData(0, None)
            self.band.setVisible(False)
        xs, ys = step_xy(x, y, float(x[-1]))
        self.line.setData(xs, ys, pen=pg.mkPen(colour, width=2.2))
        self.line.setObjectName(f"km_{c.key}")
        self.ticks.set_ticks(np.asarray(c.censor_x, dtype=float), np.asarray(c.censor_y, dtype=float), colour)
        self.ticks.setVisible(bool(c.censor_x))
        if c.median is not None:
            self.median.setData([desc.x.lo, c.median, c.median], [50.0, 50.0, desc.y.lo],
                                pen=pg.mkPen(colour, width=1.1, style=Qt.PenStyle.DashLine))
            self.median.setVisible(True)
        else:
            self.median.setData([], [])
            self.median.setVisible(False)
        return item

    def remove(self, plot: Any) -> None:
        for item in (self.band, self.line, self.ticks, self.median):
            plot.removeItem(item)


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
