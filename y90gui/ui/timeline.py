"""One patient's course on a time axis: PRRT, RE, assessments, adverse events, later treatments.

Each lane is one pyqtgraph `ScatterPlotItem` whose spots carry (sheet, row id, tooltip), so a
hover shows the details and a click asks the window to select that row in the sheet table.
The x axis is dates (`DateAxisItem`, unix seconds) or days since the first RE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from y90gui.ui.palette import ACCENT, ACCENT_DARK, MUTED, RECIST_COLOURS, grade_fill
from y90gui.ui.richtext import plain_html

LANES = ("Follow-up", "After RE", "Adverse events", "Assessments", "RE", "PRRT")
LANE_Y = {name: i for i, name in enumerate(LANES)}


@dataclass
class TimelineItem:
    """What the timeline shows for one row (tests and screen readers read these)."""

    lane: str
    sheet: str
    key: Any
    date: dt.date
    label: str
    tooltip: str
    colour: str = ACCENT
    symbol: str = "o"


def _ts(d: dt.date) -> float:
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:g}{unit}"
    return f"{v}{unit}"


def build_items(data: dict[str, list[dict[str, Any]]]) -> list[TimelineItem]:
    """Rows of one patient's sheets (with ids) -> timeline items, in lane order."""
    items: list[TimelineItem] = []
    for r in data.get("prrt", []):
        items.append(TimelineItem(
            "PRRT", "prrt", r["id"], r["date"], _fmt(r.get("activity_gbq"), " GBq"),
            f"PRRT cycle {r['cycle']} — {r['date']}\n{r.get('radiopharmaceutical')}, "
            f"{_fmt(r.get('activity_gbq'), ' GBq')}", "#0072b2", "d"))
    for r in data.get("radioembolization", []):
        extent = str(r.get("extent") or "").replace("_", " ")
        items.append(TimelineItem(
            "RE", "radioembolization", r["id"], r["date"], f"#{r['procedure']} {extent}",
            f"Radioembolization {r['procedure']} — {r['date']}\n{extent}, {r.get('microspheres') or ''} "
            f"microspheres\nadministered {_fmt(r.get('activity_administered_gbq'), ' GBq')}, "
            f"lung shunt {_fmt(r.get('lung_shunt_pct'), ' %')}", ACCENT, "t1"))
    for r in data.get("response", []):
        rec = r.get("recist")
        label = rec or ("sum " + _fmt(r.get("target_sum_mm"), " mm") if r.get("target_sum_mm") is not None else "—")
        items.append(TimelineItem(
            "Assessments", "response", r["id"], r["date"], label,
            f"Assessment — {r['date']}\nRECIST {rec or 'not recorded'}, target sum "
            f"{_fmt(r.get('target_sum_mm'), ' mm')}\nnew lesions {_fmt(r.get('new_lesions'))}, non-target "
            f"{_fmt(r.get('non_target'))}, clinical response {_fmt(r.get('clinical_response'))}",
            RECIST_COLOURS.get(rec or "", MUTED), "s"))
    for r in data.get("adverse_events", []):
        g = r.get("grade")
        items.append(TimelineItem(
            "Adverse events", "adverse_events", r["id"], r["onset_date"], f"{r['term']} G{g}",
            f"{r['category']} adverse event — onset {r['onset_date']}\n{r['term']}, CTCAE grade {g}"
            + (f", after RE {r['procedure']}" if r.get("procedure") else "")
            + (f"\n{r['notes']}" if r.get("notes") else ""), grade_fill(g), "o"))
    for r in data.get("treatments_after", []):
        t = str(r["treatment"]).replace("_", " ")
        items.append(TimelineItem("After RE", "treatments_after", r["id"], r["start_date"], t,
                                  f"{t} from {r['start_date']}" + (f"\n{r['notes']}" if r.get("notes") else ""),
                                  "#009e73", "s"))
    for r in data.get("patients", []):
        dead = r.get("vital_status") == "dead"
        items.append(TimelineItem(
            "Follow-up", "patients", r["patient_id"], r["followup_date"], "death" if dead else "censored",
            (f"Death — {r['followup_date']}" + (f"\ncause: {r['cause_of_death']}" if r.get("cause_of_death") else ""))
            if dead else f"Last known alive — {r['followup_date']} (censored)",
            "#1a1a1a" if dead else MUTED, "x" if dead else "|"))
    return items


class TimelineWidget(QWidget):
    item_clicked = Signal(str, object)  # sheet, row key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[TimelineItem] = []
        self.first_re: dt.date | None = None
        self.followup_end: dt.date | None = None
        self.days_mode = QCheckBox("Sho&w days since first RE", self)
        self.days_mode.toggled.connect(self._redraw)
        self.reset_button = QPushButton("Reset &zoom", self)
        self.reset_button.clicked.connect(self.reset_zoom)
        hint = QLabel("Hover for details · click to open the row · wheel to zoom, drag to pan", self)
        hint.setObjectName("SubtleLabel")
        hint.setWordWrap(True)
        hint.setMinimumWidth(40)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setObjectName("TimelinePlot")
        self.plot.setAccessibleName("patient timeline")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getAxis("left").setTicks([[(y, name) for name, y in LANE_Y.items()]])
        self.plot.getAxis("left").setWidth(110)
        self.plot.setYRange(-0.7, len(LANES) - 0.3, padding=0)
        self.date_axis = pg.DateAxisItem(orientation="bottom")
        self.plot.setAxisItems({"bottom": self.date_axis})
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTextPen(pg.mkPen("#2c3d47"))
            self.plot.getAxis(name).setPen(pg.mkPen("#9fb5bf"))
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        self.labels: list[tuple[str, pg.TextItem]] = []
        self.plot.getPlotItem().vb.sigXRangeChanged.connect(self._layout_labels)
        bar = QHBoxLayout()
        bar.addWidget(self.days_mode)
        bar.addWidget(self.reset_button)
        bar.addWidget(hint, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)

    # ---------------------------------------------------------------- data
    def set_patient(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self.items = build_items(data)
        re_dates = sorted(r["date"] for r in data.get("radioembolization", []))
        self.first_re = re_dates[0] if re_dates else None
        fu = [r["followup_date"] for r in data.get("patients", [])]
        self.followup_end = fu[0] if fu else None
        self._redraw()
        self.reset_zoom()

    def x_of(self, d: dt.date) -> float:
        if self.days_mode.isChecked() and self.first_re is not None:
            return float((d - self.first_re).days)
        return _ts(d)

    def _redraw(self) -> None:
        days = self.days_mode.isChecked() and self.first_re is not None
        self.plot.clear()
        self.scatters.clear()
        self.labels = []
        if days:
            self.plot.setAxisItems({"bottom": pg.AxisItem(orientation="bottom")})
            self.plot.setLabel("bottom", "days since the first radioembolization")
        else:
            self.date_axis = pg.DateAxisItem(orientation="bottom")
            self.plot.setAxisItems({"bottom": self.date_axis})
            self.plot.setLabel("bottom", "date")
        axis = self.plot.getAxis("bottom")
        axis.setTextPen(pg.mkPen("#2c3d47"))
        axis.setPen(pg.mkPen("#9fb5bf"))
        if self.first_re is not None:
            line = pg.InfiniteLine(self.x_of(self.first_re), angle=90,
                                   pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine))
            self.plot.addItem(line)
        for lane in LANES:
            lane_items = [it for it in self.items if it.lane == lane]
            if lane == "After RE":
                self._draw_bars(lane_items)
            scatter = pg.ScatterPlotItem(hoverable=True, tip=self._tip, hoverSize=16, pxMode=True)
            scatter.setData(spots=[{
                "pos": (self.x_of(it.date), LANE_Y[lane]), "size": 13, "symbol": it.symbol,
                "brush": pg.mkBrush(it.colour), "pen": pg.mkPen(ACCENT_DARK if it.symbol != "|" else it.colour,
                                                                  width=1.2 if it.symbol != "|" else 2.5),
                "data": it} for it in lane_items])
            scatter.sigClicked.connect(self._on_click)
            self.plot.addItem(scatter)
            self.scatters[lane] = scatter
            for it in sorted(lane_items, key=lambda i: i.date):
                text = pg.TextItem(it.label, color="#2c3d47", anchor=(0.5, 1.25))
                text.setPos(self.x_of(it.date), LANE_Y[lane])
                self.plot.addItem(text)
                self.labels.append((lane, text))
        self._layout_labels()

    def _layout_labels(self, *_args: Any) -> None:
        """Labels above, else below their marker; hidden where both would overlap a neighbour.

        Redone on every zoom, so zooming in reveals the labels of close events (the tooltip
        always has them).
        """
        vb = self.plot.getPlotItem().vb
        (x0, x1), width = vb.viewRange()[0], max(vb.width(), 1.0)
        per_px = (x1 - x0) / width
        last: dict[tuple[str, int], float] = {}
        for lane, text in self.labels:
            x = text.pos().x()
            half = (len(text.toPlainText()) * 7 + 12) / 2 * per_px
            placed = False
            for row, anchor in ((0, (0.5, 1.25)), (1, (0.5, -0.3))):
                if x - half >= last.get((lane, row), -float("inf")):
                    text.setAnchor(anchor)
                    text.setVisible(True)
                    last[(lane, row)] = x + half
                    placed = True
                    break
            if not placed:
                text.setVisible(False)

    def _draw_bars(self, items: list[TimelineItem]) -> None:
        end = self.followup_end
        for it in items:
            x0 = self.x_of(it.date)
            x1 = self.x_of(end) if end and end > it.date else x0
            bar = pg.BarGraphItem(x0=[x0], x1=[x1], y=[LANE_Y["After RE"]], height=0.28,
                                  brush=pg.mkBrush("#b9e3d6"), pen=pg.mkPen("#009e73"))
            self.plot.addItem(bar)

    @staticmethod
    def _tip(x: float, y: float, data: Any) -> str:
        return plain_html(data.tooltip) if isinstance(data, TimelineItem) else ""

    def _on_click(self, _scatter: Any, points: Any, _ev: Any = None) -> None:
        for point in points:
            it = point.data()
            if isinstance(it, TimelineItem):
                self.item_clicked.emit(it.sheet, it.key)
                return

    def reset_zoom(self) -> None:
        xs = [self.x_of(it.date) for it in self.items]
        if not xs:
            return
        lo, hi = min(xs), max(xs)
        pad = max((hi - lo) * 0.09, 86400 * 30 if not self.days_mode.isChecked() else 30)  # room for labels
        self.plot.setXRange(lo - pad, hi + pad, padding=0)
        self.plot.setYRange(-0.7, len(LANES) - 0.3, padding=0)
