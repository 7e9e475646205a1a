"""Draw a `figures.model.FigureDescription` with pyqtgraph: the screen version of a file figure.

The numbers, words and colours all come from the description (computed once in `figures/`,
the same object `figures.render` writes to a file), so the window and the exported figure can
never disagree; this module only maps each element to a pyqtgraph item: step curves with their
bands and censor ticks, medians, bars, markers, median/IQR intervals, reference lines, the
legend (rich text above the plot, data text escaped), dark axis titles and ticks, and the table
under the axis (a second plot whose x axis is linked, so the numbers stay under their ticks).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from y90gui.figures.model import FigureDescription, Style

INK = "#1d2a31"  # axis titles, ticks, table numbers: dark, readable
AXIS_PEN = "#5b6b75"
#: matplotlib marker code (the description's) -> pyqtgraph symbol
SYMBOLS = {"v": "t", "^": "t1", ">": "t2", "<": "t3", "o": "o", "s": "s", "D": "d", "d": "d", "x": "x",
           "X": "x", "+": "+", "|": "|", "_": "_", "*": "star", "p": "p", "h": "h"}
DASHES = {"solid": Qt.PenStyle.SolidLine, "dashed": Qt.PenStyle.DashLine, "dotted": Qt.PenStyle.DotLine,
          "dashdot": Qt.PenStyle.DashDotLine}
#: fewer pixels per row than this: no patient labels on the y axis (as the file leaves them out)
MIN_ROW_PX = 13


def _colour(desc: FigureDescription, key: str) -> str:
    return (desc.styles.get(key) or Style("#000000", "#000000")).colour


def _step(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-continuous steps through (x[i], y[i]), ending at the last time (as the file draws them)."""
    if len(x) == 0:
        return x, y
    xs = np.repeat(x, 2)[1:]
    ys = np.repeat(y, 2)[:-1]
    return xs, ys


def legend_html(desc: FigureDescription) -> str:
    """The legend as one line of coloured samples and escaped labels."""
    parts = []
    for e in desc.legend:
        colour = _colour(desc, e.key)
        sample = {"line": "\u2501\u2501", "patch": "\u25a0"}.get(e.kind, {
            "v": "\u25bc", "^": "\u25b2", ">": "\u25b6", "o": "\u25cf", "s": "\u25a0", "D": "\u25c6",
            "X": "\u2716", "x": "\u2716", "*": "\u2605", "|": "|"}.get(e.shape, "\u25cf"))
        label = html.escape(e.label).replace("\n", "<br>")
        parts.append(f'<span style="color:{colour}; font-size:13pt">{sample}</span>&nbsp;'
                     f'<span style="color:{INK}">{label}</span>')
    title = f'<b style="color:{INK}">{html.escape(desc.legend_title)}</b><br>' if desc.legend_title else ""
    return title + " &nbsp;&nbsp; ".join(parts)


class FigureView(QWidget):
    """One figure description on screen; `show_description(desc)` replaces what is drawn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.description: FigureDescription | None = None
        #: what is on the plot now (tests and the hover read these, never the description's source)
        self.bar_items: list[pg.BarGraphItem] = []
        self.curve_items: list[pg.PlotDataItem] = []
        self.marker_items: dict[str, pg.ScatterPlotItem] = {}
        self.under_texts: list[pg.TextItem] = []
        self.legend_label = QLabel(self)
        self.legend_label.setObjectName("FigureLegend")
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)
        self.caption_label = QLabel(self)
        self.caption_label.setObjectName("FigureCaption")
        self.caption_label.setWordWrap(True)
        self.caption_label.setStyleSheet(f"color: {INK};")
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setBackground("w")
        self.graphics.setObjectName("FigureGraphics")
        self.plot = self.graphics.addPlot(row=0, col=0)
        self.under = self.graphics.addPlot(row=1, col=0)
        self.under.setXLink(self.plot)
        font = QFont()
        font.setPointSizeF(9.5)
        for p in (self.plot, self.under):
            p.setMenuEnabled(False)
            p.hideButtons()
            p.setMouseEnabled(x=False, y=False)
            for name in ("left", "bottom"):
                axis = p.getAxis(name)
                axis.setTextPen(pg.mkPen(INK))
                axis.setPen(pg.mkPen(AXIS_PEN))
                axis.setTickFont(font)
        self.under.getAxis("bottom").setStyle(showValues=False)
        self.under.getAxis("bottom").setPen(pg.mkPen(None))
        self.under.getAxis("left").setPen(pg.mkPen(None))
        self.under.getAxis("left").setStyle(tickTextOffset=16, tickLength=0)  # clear of the first column
        self.under.hide()
        # the first and last numbers sit on the ends of the axis: let them overhang the table's box
        self.under.vb.setFlag(self.under.vb.GraphicsItemFlag.ItemClipsChildrenToShape, False)
        self.under.vb.childGroup.setFlag(self.under.vb.GraphicsItemFlag.ItemClipsChildrenToShape, False)
        self.graphics.ci.layout.setContentsMargins(4, 4, 28, 4)  # room for the last tick's number
        self._font = font
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.caption_label)

    # ------------------------------------------------------------------ public
    def show_description(self, desc: FigureDescription | None) -> None:
        self.description = desc
        self._clear()
        if desc is None:
            self.legend_label.setText("")
            self.caption_label.setText("")
            return
        self._axes(desc)
        for c in desc.curves:
            self._curve(desc, c)
        if desc.bars:
            self._bars(desc)
        if desc.intervals:
            self._intervals(desc)
        for m in desc.markers:
            self._markers(desc, m)
        for r in desc.lines:
            self._line(r)
        self._under(desc)
        self.legend_label.setText(legend_html(desc))
        self.caption_label.setText("\n".join(t for t in (desc.note, desc.caption) if t))

    def bar_count(self) -> int:
        """Bars drawn now (every BarGraphItem's bars)."""
        return sum(len(item.opts["x0"] if item.opts.get("x0") is not None else item.opts["x"])
                   for item in self.bar_items)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.description is not None and self.description.bar_orientation == "horizontal":
            self._row_labels(self.description)

    # ------------------------------------------------------------------ drawing
    def _clear(self) -> None:
        self.plot.clear()
        self.under.clear()
        self.bar_items, self.curve_items, self.marker_items, self.under_texts = [], [], {}, []

    def _axes(self, desc: FigureDescription) -> None:
        label_style = {"color": INK, "font-size": "10pt"}
        self.plot.setLabel("bottom", desc.x.label, **label_style)
        self.plot.setLabel("left", desc.y.label, **label_style)
        self.plot.setXRange(desc.x.lo, desc.x.hi, padding=0)
        self.plot.setYRange(desc.y.lo, desc.y.hi, padding=0)
        bottom = self.plot.getAxis("bottom")
        if desc.x.ticks:
            bottom.setTicks([list(zip(desc.x.ticks, desc.x.tick_labels, strict=True)), []])
            bottom.setStyle(showValues=True)
        else:
            bottom.setTicks([[], []])
            bottom.setStyle(showValues=False)
        self._row_labels(desc)

    def _row_labels(self, desc: FigureDescription) -> None:
        left = self.plot.getAxis("left")
        ticks = list(zip(desc.y.ticks, desc.y.tick_labels, strict=True))
        if desc.bar_orientation == "horizontal" and desc.y.ticks:
            px = self.plot.vb.height() or self.graphics.height() * 0.8
            if px / max(len(desc.y.ticks), 1) < MIN_ROW_PX:
                ticks = []
        left.setTicks([ticks, []])

    def _pen(self, colour: str, width: float = 2.0, dash: str = "solid") -> Any:
        return pg.mkPen(colour, width=width, style=DASHES.get(dash, Qt.PenStyle.SolidLine))

    def _curve(self, desc: FigureDescription, c: Any) -> None:
        colour = _colour(desc, c.key)
        x = np.asarray(c.x, dtype=float)
        y = np.asarray(c.y, dtype=float)
        if c.band_lo:
            lo = np.array([yv if v is None else v for v, yv in zip(c.band_lo, c.y, strict=True)], dtype=float)
            hi = np.array([yv if v is None else v for v, yv in zip(c.band_hi, c.y, strict=True)], dtype=float)
            lo_item = pg.PlotDataItem(*_step(x, lo), pen=pg.mkPen(None))
            hi_item = pg.PlotDataItem(*_step(x, hi), pen=pg.mkPen(None))
            fill = pg.FillBetweenItem(lo_item, hi_item, brush=pg.mkBrush(pg.mkColor(colour).red(),
                                                                         pg.mkColor(colour).green(),
                                                                         pg.mkColor(colour).blue(),
                                                                         45 if len(desc.curves) == 1 else 28))
            self.plot.addItem(fill)
        item = self.plot.plot(*_step(x, y), pen=self._pen(colour, 2.0), name=c.label)
        self.curve_items.append(item)
        if c.censor_x:
            self.plot.addItem(pg.ScatterPlotItem(list(c.censor_x), list(c.censor_y), symbol="|", size=10,
                                                 pen=pg.mkPen(colour, width=1.5), brush=pg.mkBrush(colour)))
        if c.median is not None:
            self.plot.plot([desc.x.lo, c.median, c.median], [50, 50, desc.y.lo],
                           pen=self._pen(colour, 1.2, "dashed"))

    def _bars(self, desc: FigureDescription) -> None:
        groups: dict[str, list[Any]] = {}
        for b in desc.bars:
            groups.setdefault(b.key, []).append(b)
        horizontal = desc.bar_orientation == "horizontal"
        for key, bars in groups.items():
            colour = _colour(desc, key)
            pos = np.array([b.position for b in bars], dtype=float)
            start = np.array([b.start for b in bars], dtype=float)
            end = np.array([b.end for b in bars], dtype=float)
            if horizontal:
                item = pg.BarGraphItem(x0=start, width=end - start, y=pos, height=0.6,
                                       brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            else:
                item = pg.BarGraphItem(x=pos, height=end - start, y0=start, width=0.8,
                                       brush=pg.mkBrush(colour), pen=pg.mkPen(None))
            item.setToolTip(key)
            self.plot.addItem(item)
            self.bar_items.append(item)
        arrows = [b for b in desc.bars if b.arrow and horizontal]
        if arrows:
            span = desc.x.hi - desc.x.lo
            self.plot.addItem(pg.ScatterPlotItem([b.end + span * 0.012 for b in arrows],
                                                 [b.position for b in arrows], symbol="t2", size=8,
                                                 pen=pg.mkPen(INK), brush=pg.mkBrush(INK)))

    def _intervals(self, desc: FigureDescription) -> None:
        for key in sorted({i.key for i in desc.intervals}):
            pts = [i for i in desc.intervals if i.key == key]
            colour = _colour(desc, key)
            x = np.array([p.x for p in pts], dtype=float)
            med = np.array([p.median for p in pts], dtype=float)
            self.plot.addItem(pg.ErrorBarItem(x=x, y=med, top=np.array([p.q3 - p.median for p in pts]),
                                              bottom=np.array([p.median - p.q1 for p in pts]), beam=0.15,
                                              pen=self._pen(colour, 1.6)))
            item = self.plot.plot(x, med, pen=self._pen(colour, 2.0), symbol="o", symbolSize=8,
                                  symbolBrush=colour, symbolPen=colour)
            self.curve_items.append(item)

    def _markers(self, desc: FigureDescription, m: Any) -> None:
        colour = _colour(desc, m.key)
        symbol = SYMBOLS.get(m.shape, "o")
        item = pg.ScatterPlotItem(list(m.x), list(m.y), symbol=symbol, size=9,
                                  pen=pg.mkPen(colour, width=1.4),
                                  brush=pg.mkBrush(colour) if symbol not in ("x", "|", "+") else pg.mkBrush(None))
        item.setZValue(5)
        item.setToolTip(m.label)
        self.plot.addItem(item)
        self.marker_items[m.key] = item

    def _line(self, r: Any) -> None:
        colour = "#9aa7ae" if r.faint else INK
        line = pg.InfiniteLine(pos=r.value, angle=0 if r.axis == "y" else 90,
                               pen=self._pen(colour, 1.0, r.dash),
                               label=r.label or None,
                               labelOpts={"position": 0.98, "color": colour, "anchors": [(1, 1), (1, 1)]})
        line.setZValue(1)
        self.plot.addItem(line)

    def _under(self, desc: FigureDescription) -> None:
        u = desc.under
        if u is None:
            self.under.hide()
            self.under.setMaximumHeight(0)
            self.graphics.ci.layout.setRowStretchFactor(1, 0)
            self._left_width(list(desc.y.tick_labels))
            return
        self.under.show()
        n = len(u.rows)
        self.graphics.ci.layout.setRowStretchFactor(0, 5)
        self.graphics.ci.layout.setRowStretchFactor(1, max(1, n))
        self.under.setMaximumHeight(30 + 22 * n)
        self.under.setTitle(html.escape(u.title), size="9.5pt", color=INK, justify="left")
        self.under.setYRange(-0.5, n - 0.5, padding=0)
        left = self.under.getAxis("left")
        left.setTicks([[(float(n - 1 - i), label) for i, (_k, label, _c) in enumerate(u.rows)], []])
        for i, (key, _label, counts) in enumerate(u.rows):
            colour = _colour(desc, key) if len(u.rows) > 1 else INK
            for x, count in zip(u.at, counts, strict=True):
                text = pg.TextItem(str(count), color=colour if len(u.rows) > 1 else INK, anchor=(0.5, 0.5))
                text.setPos(x, n - 1 - i)
                self.under.addItem(text)
                self.under_texts.append(text)
        self._left_width(list(desc.y.tick_labels) + [label for _k, label, _c in u.rows])

    def _left_width(self, labels: list[str]) -> None:
        """Both left axes get the width of the widest label (plus the axis title's room), so the
        table's numbers sit under the plot's ticks."""
        from PySide6.QtGui import QFontMetrics

        metrics = QFontMetrics(self._font)
        width = max([metrics.horizontalAdvance(t) for t in labels] + [20]) + 48
        self.plot.getAxis("left").setWidth(width)
        self.under.getAxis("left").setWidth(width)
