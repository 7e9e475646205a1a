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
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from y90gui.ui.fitting_label import FittingLabel
from y90gui.ui.flow_layout import FlowLayout
from y90gui.ui.palette import ACCENT, ACCENT_DARK, MUTED, RECIST_COLOURS, grade_fill
from y90gui.ui.richtext import plain_html

LANES = ("Follow-up", "After RE", "Adverse events", "Assessments", "RE", "PRRT")
LANE_Y = {name: i for i, name in enumerate(LANES)}
#: lane names on the axis where they differ (the PRRT labels are activities: "7.4", not "7.4 GBq" x 4)
LANE_TITLES = {"PRRT": "PRRT (GBq)"}
MARKER_PX = 13
BAR_HEIGHT = 0.28  # of a lane
MIN_PLOT_HEIGHT = 160
LABEL_GAP_PX = 8  # between two labels of one row
#: where a label may sit, as TextItem anchors (fractions of the label's width and height):
#: centred above the marker, centred below, then slid right or left of it, above and below;
#: last, staggered one row further out (taken only where nothing else is)
LABEL_SLOTS = (tuple((ax, ay) for ax in (0.5, 0.2, 0.8, 0.0, 1.0) for ay in (1.25, -0.3))
               + tuple((ax, ay) for ax in (0.5, 0.0, 1.0) for ay in (2.15, -1.2)))
NEAR_SLOTS = LABEL_SLOTS[:10]  # the label row right above or below the marker


HINT = "Hover: details · click: open the row · wheel: zoom · drag: pan"


def _shortened(label: str) -> list[str]:
    """`label`, then shorter with "…" at word ends ("#1 right lobe", "#1 right…", "#1…"), for a
    crowded spot; a label of a few characters (an activity, "SD") is shown whole or not at all."""
    out = [label]
    words = label.split(" ")
    for n in range(len(words) - 1, 0, -1):
        out.append(" ".join(words[:n]) + "\u2026")
    return out


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Overlapping area of two (x0, x1, y0, y1) boxes in pixels."""
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[2], b[2]))


def _marker_pen(symbol: str, colour: str) -> Any:
    return pg.mkPen(ACCENT_DARK if symbol != "|" else colour, width=1.2 if symbol != "|" else 2.5)


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


def _from_ts(x: float) -> dt.date:
    return dt.datetime.fromtimestamp(x, tz=dt.UTC).date()


#: month steps of the date axis, finest first; the first whose labels fit is used
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60, 120)
#: pixels a date tick label needs ("Mar 2012" and a gap; "2012" and a gap)
DATE_LABEL_PX = 78
YEAR_LABEL_PX = 50


def date_ticks(x0: float, x1: float, width_px: float) -> list[tuple[float, str]]:
    """Ticks of a date axis (unix seconds) at whole months, as many as fit `width_px` readably.

    pyqtgraph's DateAxisItem chose a single "2012" at 1366 px; here the finest month step whose
    labels do not crowd is taken, so a course of a few years gets yearly, half-yearly or monthly
    ticks. Labels are "2012" for yearly steps, else "Mar 2012".
    """
    if not x1 > x0 or width_px <= 0:
        return []
    first, last = _from_ts(x0), _from_ts(x1)
    months_span = (last.year - first.year) * 12 + last.month - first.month + 1
    def fits(step: int) -> bool:
        label_px = YEAR_LABEL_PX if step % 12 == 0 else DATE_LABEL_PX
        return months_span / step <= max(2, int(width_px // label_px))

    step = next((m for m in MONTH_STEPS if fits(m)), MONTH_STEPS[-1])
    index = first.year * 12 + first.month - 1
    index += (-index) % step  # the first tick at a multiple of the step (January for yearly)
    ticks: list[tuple[float, str]] = []
    while True:
        d = dt.date(index // 12, index % 12 + 1, 1)
        x = _ts(d)
        if x > x1:
            break
        if x >= x0:
            ticks.append((x, str(d.year) if step % 12 == 0 else d.strftime("%b %Y")))
        index += step
    return ticks


class TimelineAxis(pg.AxisItem):  # type: ignore[misc]
    """The bottom axis in both modes: dates at whole months, or days since the first RE.

    One axis item whose mode changes (replacing axis items on every toggle left pyqtgraph with a
    0–1 range and, back in date mode, minutes since 1970)."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom")
        self.enableAutoSIPrefix(False)  # never "date (x1e+09)"
        self.days = False

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802,N803
        if self.days:
            return list(super().tickValues(minVal, maxVal, size))
        return [(1.0, [x for x, _label in date_ticks(minVal, maxVal, size)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        if self.days:
            return [f"{v:g}" for v in values]
        (x0, x1) = self.range
        labels = dict(date_ticks(x0, x1, max(self.width(), 1.0)))
        return [labels.get(v, _from_ts(v).strftime("%b %Y")) for v in values]


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
            "PRRT", "prrt", r["id"], r["date"], _fmt(r.get("activity_gbq")),  # the unit is in the lane name
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


#: the markers' legend: (symbol or "bar"/"line", fill colour, text)
LEGEND: tuple[tuple[str, str, str], ...] = (
    ("d", "#0072b2", "PRRT cycle"),
    ("t1", ACCENT, "radioembolization"),
    ("line", ACCENT, "first RE"),
    ("s", MUTED, "assessment (RECIST)"),
    ("o", grade_fill(2), "adverse event (grade)"),
    ("bar", "#b9e3d6", "treatment after RE"),
    ("|", MUTED, "censored"),
    ("x", "#1a1a1a", "death"),
)


def _legend_icon(symbol: str, colour: str, dpr: float) -> QPixmap:
    size = 16
    image = QImage(int(size * dpr), int(size * dpr), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if symbol == "bar":
        painter.setPen(pg.mkPen("#009e73"))
        painter.setBrush(pg.mkBrush(colour))
        painter.drawRect(QRectF(1, 5, 14, 6))
    elif symbol == "line":
        painter.setPen(pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
        painter.drawLine(8, 1, 8, 15)
    else:
        painter.translate(8, 8)
        painter.scale(MARKER_PX - 1, MARKER_PX - 1)
        pen = _marker_pen(symbol, colour)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(pg.mkBrush(colour))
        painter.drawPath(Symbols[symbol])
    painter.end()
    return QPixmap.fromImage(image)


class TimelineLegend(QWidget):
    """What the markers mean, in one wrapped row under the plot (never over the data)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("TimelineLegend")
        self.entries = [text for _s, _c, text in LEGEND]
        layout = FlowLayout(self, spacing=14)
        layout.setContentsMargins(110, 0, 0, 2)  # under the plot area, right of the lane names
        dpr = self.devicePixelRatioF()
        for symbol, colour, text in LEGEND:
            entry = QWidget(self)
            row = QHBoxLayout(entry)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(4)
            icon = QLabel(entry)
            icon.setPixmap(_legend_icon(symbol, colour, dpr))
            label = QLabel(text, entry)
            label.setObjectName("SubtleLabel")
            row.addWidget(icon)
            row.addWidget(label)
            layout.addWidget(entry)
        self._flow = layout

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """As many rows as this width needs (box layouts ask a child's minimum, not its height for width)."""
        super().resizeEvent(event)
        needed = self._flow.heightForWidth(event.size().width())
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


class TimelineWidget(QWidget):
    item_clicked = Signal(str, object)  # sheet, row key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[TimelineItem] = []
        self.first_re: dt.date | None = None
        self.followup_end: dt.date | None = None
        self.days_mode = QCheckBox("Sho&w days since first RE", self)
        self.days_mode.toggled.connect(self._mode_toggled)
        self.reset_button = QPushButton("Reset &zoom", self)
        self.reset_button.clicked.connect(self.reset_zoom)
        hint = QLabel(HINT, self)
        self.hint = hint
        # how many labels wait for the zoom: its size never depends on its text, so showing it
        # cannot resize the plot and trigger another label layout
        self.crowded = FittingLabel(self)
        self.crowded.setObjectName("SubtleLabel")
        hint.setObjectName("SubtleLabel")
        hint.setWordWrap(True)
        hint.setMinimumWidth(40)
        self.plot = pg.PlotWidget(self, background="w")
        self.plot.setObjectName("TimelinePlot")
        # six lanes with a label row above and below each: below ~34 px a lane, labels collide
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.plot.setAccessibleName("patient timeline")
        self.plot.setMouseEnabled(x=True, y=False)
        self.plot.showGrid(x=True, y=False, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.getAxis("left").setTicks([[(y, LANE_TITLES.get(name, name)) for name, y in LANE_Y.items()]])
        self.plot.getAxis("left").setWidth(110)
        self.plot.setYRange(-0.7, len(LANES) - 0.3, padding=0)
        self.axis = TimelineAxis()
        self.plot.setAxisItems({"bottom": self.axis})
        for name in ("left", "bottom"):
            self.plot.getAxis(name).setTextPen(pg.mkPen("#2c3d47"))
            self.plot.getAxis(name).setPen(pg.mkPen("#9fb5bf"))
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        self.labels: list[tuple[str, pg.TextItem]] = []
        #: each label's whole text (a crowded label shows a shortened one, `_layout_labels`)
        self.label_texts: list[str] = []
        self.label_pos: list[tuple[float, float]] = []  # each label's marker, in view units
        #: labels hidden because nowhere near their marker is free (zooming in brings them back)
        self.waiting_labels = 0
        self.bars: list[tuple[float, float]] = []  # (x0, x1) of the treatment bars, in view units
        self.plot.getPlotItem().vb.sigXRangeChanged.connect(self._layout_labels)
        self.plot.getPlotItem().vb.sigResized.connect(self._layout_labels)
        self.legend = TimelineLegend(self)
        bar = QHBoxLayout()
        bar.addWidget(self.days_mode)
        bar.addWidget(self.reset_button)
        bar.addWidget(hint, 3)
        bar.addWidget(self.crowded, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        self._bar = bar
        self._layout = layout

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The legend only where the plot keeps its own minimum height beside it. A timeline
        shorter than plot + legend (the window's minimum at 200 %) made Qt squeeze both and lay
        the legend over the x axis's numbers; then the legend gives way (hovering a marker says
        what it is). Depends on this widget's size and the plot's minimum only, never on the
        plot's current size, so it cannot start a layout loop with the label placement."""
        width = self.width()
        bar = self._bar.heightForWidth(width) if self._bar.hasHeightForWidth() else -1
        if bar < 0:
            bar = self._bar.sizeHint().height()
        margins = self._layout.contentsMargins()
        spacing = max(self._layout.spacing(), 0)
        plot = max(MIN_PLOT_HEIGHT, self.plot.minimumSizeHint().height())
        legend = self.legend._flow.heightForWidth(width)
        room = self.height() - margins.top() - margins.bottom() - bar - 2 * spacing
        fits = room >= plot + legend
        if fits != self.legend.isVisibleTo(self):
            self.legend.setVisible(fits)

    # ---------------------------------------------------------------- data
    def set_patient(self, data: dict[str, list[dict[str, Any]]]) -> None:
        self.items = build_items(data)
        re_dates = sorted(r["date"] for r in data.get("radioembolization", []))
        self.first_re = re_dates[0] if re_dates else None
        fu = [r["followup_date"] for r in data.get("patients", [])]
        self.followup_end = fu[0] if fu else None
        self._redraw()
        self.reset_zoom()
        self._fit_legend()  # the days axis has a second line of text: the plot needs more height

    def x_of(self, d: dt.date) -> float:
        if self.days_mode.isChecked() and self.first_re is not None:
            return float((d - self.first_re).days)
        return _ts(d)

    def _mode_toggled(self) -> None:
        """Dates <-> days: redraw and fit the data in the new unit (the old range means nothing)."""
        self._redraw()
        self.reset_zoom()
        self._fit_legend()  # the days axis has a second line of text: the plot needs more height

    def _redraw(self) -> None:
        days = self.days_mode.isChecked() and self.first_re is not None
        self.plot.clear()
        self.scatters.clear()
        self.labels = []
        self.label_texts = []
        self.label_pos = []
        self.bars = []
        self.axis.days = days
        self.axis.picture = None  # the tick cache: the same numbers mean other things now
        self.plot.setLabel("bottom", "days since first RE" if days else "date")
        self.axis.update()
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
                "pos": (self.x_of(it.date), LANE_Y[lane]), "size": MARKER_PX, "symbol": it.symbol,
                "brush": pg.mkBrush(it.colour), "pen": _marker_pen(it.symbol, it.colour),
                "data": it} for it in lane_items])
            scatter.sigClicked.connect(self._on_click)
            self.plot.addItem(scatter)
            self.scatters[lane] = scatter
            for it in sorted(lane_items, key=lambda i: i.date):
                text = pg.TextItem(it.label, color="#2c3d47", anchor=(0.5, 1.25))
                text.setPos(self.x_of(it.date), LANE_Y[lane])
                self.plot.addItem(text)
                self.labels.append((lane, text))
                self.label_texts.append(it.label)
                self.label_pos.append((self.x_of(it.date), float(LANE_Y[lane])))
        self._layout_labels()

    def _layout_labels(self, *_args: Any) -> None:
        """Every label where it overlaps nothing: above its marker, else below, else one or two
        rows further out; where no slot is free, the label shortened with "…" (its whole text in
        its tooltip); where not even that fits (a dense course at 200 %: PRRT cycles days apart),
        it waits for the zoom, and the hint line says how many wait (the marker's tooltip has it).

        Placed in screen pixels against the markers, the treatment bars, the plot's frame and the
        labels placed before; redone on every zoom and resize, so zooming in brings them back.
        """
        vb = self.plot.getPlotItem().vb
        if vb.width() <= 1 or not self.labels:
            return
        placed: list[tuple[float, float, float, float]] = []
        for lane_items in self.scatters.values():
            for point in lane_items.points():
                p = vb.mapViewToScene(point.pos())
                r = MARKER_PX / 2 - 2  # a label's own padding may touch its marker's edge
                placed.append((p.x() - r, p.x() + r, p.y() - r, p.y() + r))
        for x0, x1 in self.bars:  # the bars of treatments after RE
            a = vb.mapViewToScene(QPointF(x0, LANE_Y["After RE"] + BAR_HEIGHT / 2))
            b = vb.mapViewToScene(QPointF(x1, LANE_Y["After RE"] - BAR_HEIGHT / 2))
            placed.append((a.x(), b.x(), a.y(), b.y()))
        frame = vb.sceneBoundingRect()
        bounds = (frame.left(), frame.right(), frame.top(), frame.bottom())
        # the top lane (PRRT, cycles weeks apart) first: it has room on one side only
        hidden = sorted(range(len(self.labels)), key=lambda i: -LANE_Y[self.labels[i][0]])
        for i, (_lane, text) in enumerate(self.labels):
            text.setPos(*self.label_pos[i])
            text.setVisible(False)
        # first every label next to its own marker, whole; then runs of a lane's crowded labels
        # as one; only then further out and shortened, so no label takes a neighbour's only room
        for slots in (NEAR_SLOTS, LABEL_SLOTS):
            hidden = [i for i in hidden if not self._place(
                self.labels[i][1], [self.label_texts[i]] if slots is NEAR_SLOTS else _shortened(self.label_texts[i]),
                self.label_texts[i], placed, bounds, slots)]
            hidden = self._place_runs(hidden, placed, bounds, slots)
        self.waiting_labels = len(hidden)
        n = self.waiting_labels
        labels = "label" if n == 1 else "labels"
        # a fixed-size label: its wording never moves the plot (no relayout loop); the longest
        # wording that fits its width, never a cut-off one ("7 labe" at 200 %)
        self.crowded.set_wordings(
            (f"{n} {labels} hidden: zoom in", f"{n} {labels} hidden", f"{n} hidden", f"+{n}") if n else (),
            f"{n} {labels} hidden where events crowd; zoom in (wheel) or hover a marker" if n else "")

    def _place_runs(self, hidden: list[int], placed: list[tuple[float, float, float, float]],
                    bounds: tuple[float, float, float, float], slots: tuple[tuple[float, float], ...]) -> list[int]:
        """Runs of one lane's labels that found no room, next to each other: one label each
        ("7.4 · 7.5 · 7.6", else "7.4 … 7.6") centred on its markers, the whole texts in its
        tooltip. Returns the labels still without a place."""
        runs: list[list[int]] = []
        for i in hidden:
            if runs and runs[-1][-1] == i - 1 and self.labels[i][0] == self.labels[i - 1][0]:  # one lane, in date order
                runs[-1].append(i)
            else:
                runs.append([i])
        left: list[int] = []
        for run in runs:
            if len(run) > 1:
                text = self.labels[run[0]][1]
                texts = [self.label_texts[i] for i in run]
                xs = [self.label_pos[i][0] for i in run]
                text.setPos((min(xs) + max(xs)) / 2, self.label_pos[run[0]][1])
                if self._place(text, [" \u00b7 ".join(texts), f"{texts[0]} \u2026 {texts[-1]}"], "\n".join(texts),
                               placed, bounds, slots):
                    continue
                text.setPos(*self.label_pos[run[0]])
            left += run
        return left

    def _place(self, text: pg.TextItem, candidates: list[str], tip: str,
               placed: list[tuple[float, float, float, float]], bounds: tuple[float, float, float, float],
               slots: tuple[tuple[float, float], ...] = ()) -> bool:
        """Show `text` as the first of `candidates` that has a free slot among `slots` (default
        all; tooltip `tip` when it is not the whole text); else hide it. Its box joins `placed`."""
        p = self.plot.getPlotItem().vb.mapViewToScene(text.pos())
        for shown in candidates:
            if text.toPlainText() != shown:
                text.setPlainText(shown)
            spot = self._free_slot(text, p, placed, bounds, slots or LABEL_SLOTS)
            if spot is not None:
                text.setAnchor(spot[0])
                text.setToolTip(tip if shown != tip else "")
                text.setVisible(True)
                placed.append(spot[1])
                return True
        text.setVisible(False)
        return False

    @staticmethod
    def _free_slot(text: pg.TextItem, p: QPointF, placed: list[tuple[float, float, float, float]],
                   bounds: tuple[float, float, float, float], slots: tuple[tuple[float, float], ...]
                   ) -> tuple[tuple[float, float], tuple[float, float, float, float]] | None:
        """The first of `slots` where `text` at scene point `p` overlaps nothing placed and
        stays inside the plot: (anchor, glyph box), or None."""
        rect = text.boundingRect()
        w, h = rect.width() + LABEL_GAP_PX, max(rect.height(), 1.0)
        margin = text.textItem.document().documentMargin()  # empty padding around the glyphs
        for anchor in slots:
            top, left = p.y() - anchor[1] * h, p.x() - anchor[0] * w
            box = (left, left + w, top + margin, top + h - margin)
            inside = _overlap(box, bounds) == (box[1] - box[0]) * (box[3] - box[2])
            if inside and not any(_overlap(box, other) > 0 for other in placed):
                return anchor, box
        return None

    def _draw_bars(self, items: list[TimelineItem]) -> None:
        end = self.followup_end
        for it in items:
            x0 = self.x_of(it.date)
            x1 = self.x_of(end) if end and end > it.date else x0
            self.bars.append((x0, x1))
            bar = pg.BarGraphItem(x0=[x0], x1=[x1], y=[LANE_Y["After RE"]], height=BAR_HEIGHT,
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
