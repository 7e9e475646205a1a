"""The forest plot on screen: `FigureView` plus what only a forest plot has.

The description is `figures.forest.forest_description`'s, the very object the export dialog
renders to a file. `FigureView` draws the axes, the reference line at HR = 1 and the caption;
this view adds the log scale (drawn in log10 coordinates, ticks labelled with the ratios), one
square on its CI line per estimate (an arrow head where the CI leaves the axis, as the file
clips it), bold heading rows, and the text columns (N, events, missing, HR (95% CI), p) in a
second plot whose rows are linked to the estimates'.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from y90gui.figures.model import Axis, FigureDescription
from y90gui.ui.figure_view import INK, FigureView, _colour


def _log10(v: float) -> float:
    return math.log10(v)


def on_log10(desc: FigureDescription) -> FigureDescription:
    """`desc` with its log x axis (and vertical lines) moved to log10 coordinates for pyqtgraph."""
    x = desc.x
    axis = Axis(x.label, _log10(x.lo), _log10(x.hi), tuple(_log10(t) for t in x.ticks), x.tick_labels)
    lines = [replace(r, value=_log10(r.value)) if r.axis == "x" else r for r in desc.lines]
    return replace(desc, x=axis, lines=lines, estimates=[], columns=())


class ForestView(FigureView):
    """`show_description(desc)` of a forest plot (any other description: as `FigureView`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: FigureDescription | None = None
        #: what is drawn, for tests: (row, hr, lo, hi) per estimate in data units (not log10)
        self.drawn: list[tuple[float, float, float, float]] = []
        self.cell_texts: list[pg.TextItem] = []
        self.shown_columns: list[str] = []
        self.table = self.graphics.addPlot(row=0, col=1)
        self.table.setYLink(self.plot)
        self.table.setMenuEnabled(False)
        self.table.hideButtons()
        self.table.setMouseEnabled(x=False, y=False)
        for name in ("left", "bottom"):
            self.table.hideAxis(name)
        self.table.hide()
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)  # log10 ticks carry the ratios' labels
        self.caption_label.hide()  # on screen the caption is the plot's tooltip (the file prints it)

    def show_description(self, desc: FigureDescription | None) -> None:
        self.source = desc
        self.drawn = []
        self.table.clear()
        self.cell_texts = []
        self.graphics.setVisible(desc is not None)  # nothing fitted: no empty axes with stale row labels
        if desc is None or not desc.estimates:
            self.table.hide()
            super().show_description(desc)
            return
        flat = on_log10(desc) if desc.x.log else replace(desc, estimates=[], columns=())
        super().show_description(flat)
        self.description = desc
        self.legend_label.hide()
        self.plot.setYRange(desc.y.lo, desc.y.hi + 1.0, padding=0)  # a row above for the columns' headers
        self.graphics.setToolTip(desc.caption)
        self._estimates(desc, flat.x)
        self._forest_row_labels(desc)
        self._columns(desc)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.source is not None and self.source.estimates:  # the columns that fit depend on the width
            self.table.clear()
            self.cell_texts = []
            self._columns(self.source)

    def _forest_row_labels(self, desc: FigureDescription) -> None:
        ticks = [(e.row, e.label.upper() if e.heading else e.label) for e in desc.estimates]
        self.plot.getAxis("left").setTicks([ticks, []])
        self._left_width([t for _, t in ticks])

    def _estimates(self, desc: FigureDescription, axis: Axis) -> None:
        scale = _log10 if desc.x.log else (lambda v: v)
        for e in desc.estimates:
            if e.value is None or e.lo is None or e.hi is None:
                continue
            colour = _colour(desc, e.key)
            lo, hi = max(scale(e.lo), axis.lo), min(scale(e.hi), axis.hi)
            self.plot.plot([lo, hi], [e.row, e.row], pen=pg.mkPen(colour, width=2))
            for limit, edge, symbol in ((scale(e.lo), axis.lo, "t3"), (scale(e.hi), axis.hi, "t2")):
                if (limit < edge) if symbol == "t3" else (limit > edge):
                    self.plot.addItem(pg.ScatterPlotItem([edge], [e.row], symbol=symbol, size=9,
                                                         pen=pg.mkPen(colour), brush=pg.mkBrush(colour)))
            v = scale(e.value)
            if axis.lo <= v <= axis.hi:
                square = pg.ScatterPlotItem([v], [e.row], symbol="s", size=10, pen=pg.mkPen(colour),
                                            brush=pg.mkBrush(colour))
                square.setZValue(5)
                square.setToolTip(f"{e.label}: HR {e.cells[3] if len(e.cells) > 3 else e.value}")
                self.plot.addItem(square)
            self.drawn.append((e.row, e.value, e.lo, e.hi))

    def _columns(self, desc: FigureDescription) -> None:
        if not desc.columns:
            self.table.hide()
            return
        from PySide6.QtGui import QFont, QFontMetrics

        bold = QFont(self._font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        gap = metrics.horizontalAdvance("  ")
        widths = [max([metrics.horizontalAdvance(h)]
                      + [metrics.horizontalAdvance(e.cells[i]) for e in desc.estimates if i < len(e.cells)]) + gap
                  for i, h in enumerate(desc.columns)]
        keep = list(range(len(widths)))
        room = self.width() - self.plot.getAxis("left").width() - 180  # an axis of 180 px at least
        if sum(widths) > room:  # narrow: HR (95% CI) and p only; the tables above hold the counts
            keep = keep[-2:]
        total = sum(widths[i] for i in keep) + gap
        self.table.show()
        self.table.setFixedWidth(total)
        self.table.setXRange(0, total, padding=0)
        edges = []
        x = 0
        for i in keep:
            x += widths[i]
            edges.append((i, x))
        self.shown_columns = [desc.columns[i] for i in keep]
        top = desc.y.hi + 0.5
        for i, edge in edges:
            head = desc.columns[i]
            text = pg.TextItem(head, color=INK, anchor=(1, 0.5))
            font = text.textItem.font()
            font.setBold(True)
            text.setFont(font)
            text.setPos(edge, top)
            self.table.addItem(text)
            for e in desc.estimates:
                if i < len(e.cells) and e.cells[i]:
                    cell = pg.TextItem(e.cells[i], color=INK, anchor=(1, 0.5))
                    if e.heading:
                        f = cell.textItem.font()
                        f.setBold(True)
                        cell.setFont(f)
                    cell.setPos(edge, e.row)
                    self.table.addItem(cell)
                    self.cell_texts.append(cell)

    def texts(self) -> list[str]:
        """The text cells shown right of the plot (tests read what is shown)."""
        return [t.textItem.toPlainText() for t in self.cell_texts]

