"""Kaplan–Meier view of the filtered cohort: OS, PFS or landmark OS by 3-month response.

The view computes nothing of its own. Per filter or setting change it asks the session's cohort
for the endpoint's rows (`CohortData.endpoint_strata` / `landmark`: `survival.endpoint_rows`,
`strata.split`, `landmark.landmark_data`, each computed once per load) and has
`figures.km.describe_groups` fit, test and describe them: the very `FigureDescription` the
exported file is drawn from (`figures.render`, through the figure export dialog). `km_items`
draws it with pyqtgraph: curves, one path per band, censor ticks, medians, the at-risk table in a
second plot with a linked x axis, and the legend above the plot (never over the censor ticks).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from y90gui.analysis.options import CI_METHODS
from y90gui.figures.km import ENDPOINT_TEXT, LANDMARK, LANDMARK_STRATA, strata_label
from y90gui.ui.cohort_caption import caption_text
from y90gui.ui.flow_layout import FlowLayout
from y90gui.ui.km_items import TEXT, CurveItems, legend_html, survival_at

if TYPE_CHECKING:
    from y90gui.analysis.survival import KMResult, LogRankResult
    from y90gui.figures.model import FigureDescription
    from y90gui.ui.session import Session

#: (key of the combo = the patient table's column, field of `analysis.strata`, label: the figure's)
STRATA: tuple[tuple[str | None, str | None, str], ...] = (
    (None, None, "none"),
    *((key, field, strata_label(field)) for key, field in (
        ("center", "center"), ("sex", "sex"), ("primary_site", "primary_site"), ("who_grade", "who_grade"),
        ("first_extent", "extent"), ("recist_3m", "recist_3m"))),
)
_FIELD = {key: field for key, field, _label in STRATA}
_LABEL = {key: label for key, _field, label in STRATA}
#: The endpoints offered: the analysis layer's registered ones and the landmark analysis.
ENDPOINT_CHOICES = ("os", "pfs", LANDMARK)
#: QSettings key of the remembered endpoint (the session's AnalysisSettings has none)
ENDPOINT_KEY = "km/endpoint"
#: What one description job gives: (description or None, left out, fits by curve key, log-rank test)
Described = tuple["FigureDescription | None", int, "dict[str, KMResult]", "LogRankResult | None"]
_NOTHING: Described = (None, 0, {}, None)
#: Up to this many patients the curves are described on the GUI thread (a few ms); above, on a worker.
SYNC_ROWS = 3000


class KaplanMeierWidget(QWidget):
    redrawn = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from y90gui.ui.settings import app_settings

        self.session = session
        self.description: FigureDescription | None = None
        self.left_out = 0
        #: the fits and the test the description shows (`figures.km.fit_groups`), by curve key
        self.results: dict[str, KMResult] = {}
        self.logrank: LogRankResult | None = None
        self.last_refit_ms = 0.0
        self._started = 0.0
        self._generation = 0
        self._universes: dict[str, list[str]] = {}
        self._universe_of: Any = None
        self.endpoint_combo = QComboBox(self)
        for choice in ENDPOINT_CHOICES:
            self.endpoint_combo.addItem(ENDPOINT_TEXT[choice].name, choice)
        self.endpoint_combo.setAccessibleName("endpoint")
        remembered = app_settings().value(ENDPOINT_KEY, "os")
        if remembered in ENDPOINT_CHOICES:
            self.endpoint_combo.setCurrentIndex(ENDPOINT_CHOICES.index(str(remembered)))
        self.strata_combo = QComboBox(self)
        for key, _field, label in STRATA:
            self.strata_combo.addItem(label, key)
        self.strata_combo.setAccessibleName("stratify by")
        self.strata_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.time_combo = QComboBox(self)
        self.time_combo.addItems(["years", "months"])
        self.time_combo.setAccessibleName("time unit")
        self.ci_combo = QComboBox(self)
        self.ci_combo.addItems(CI_METHODS)
        self.ci_combo.setCurrentText(session.settings.ci_method)
        self.ci_combo.setAccessibleName("confidence interval method")
        self.band_check = QCheckBox("95 % CI ban&d", self)
        self.band_check.setChecked(True)
        self.save_button = QPushButton("&Save figure…", self)
        self.save_button.clicked.connect(self.export_dialog)
        self.endpoint_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.endpoint_combo.setMinimumContentsLength(31)
        self.fixed_strata = QLabel(f"by {LANDMARK_STRATA} (fixed): CR, PR vs SD, PD; time from day 90", self)
        self.fixed_strata.setObjectName("KMFixedStrata")
        bar = FlowLayout()  # both control rows wrap: the page never sets the window's minimum width
        self._strata_caption = QLabel("Stratify &by:", self)
        self._strata_caption.setBuddy(self.strata_combo)
        endpoint_caption = QLabel("End&point:", self)
        endpoint_caption.setBuddy(self.endpoint_combo)
        for widget in (endpoint_caption, self.endpoint_combo, self._strata_caption, self.strata_combo,
                       self.fixed_strata):
            bar.addWidget(widget)
        bar2 = FlowLayout()
        for text, widget in (("&Time in:", self.time_combo), ("CI &method:", self.ci_combo)):
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            bar2.addWidget(caption)
            bar2.addWidget(widget)
        bar2.addWidget(self.band_check)
        bar2.addWidget(self.save_button)
        self.caption = QLabel(self)
        self.caption.setObjectName("KMCaption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.summary = QLabel(self)  # the legend: log-rank p, then n / events / median per curve
        self.summary.setObjectName("KMSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.note = QLabel(self)  # who is left out, and the method line (the figure's caption)
        self.note.setObjectName("KMNote")
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setBackground("w")
        self.graphics.setObjectName("KMGraphics")
        self.plot = self.graphics.addPlot(row=0, col=0)
        self.risk = self.graphics.addPlot(row=1, col=0)
        self.graphics.ci.layout.setRowStretchFactor(0, 4)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.risk.setXLink(self.plot)
        for p in (self.plot, self.risk):
            p.setMenuEnabled(False)
            p.hideButtons()
            p.getAxis("left").setWidth(150)
            for name in ("left", "bottom"):
                p.getAxis(name).setTextPen(pg.mkPen(TEXT))
                p.getAxis(name).setPen(pg.mkPen("#6f8793"))
        self.plot.setMouseEnabled(x=True, y=False)
        self.risk.setMouseEnabled(x=False, y=False)
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        self.risk.setTitle("Number at risk", size="9pt", color=TEXT, justify="left")
        self.risk.getAxis("bottom").setStyle(showValues=False)
        self.risk.getAxis("bottom").setPen(pg.mkPen(None))
        self.risk.getAxis("left").setPen(pg.mkPen(None))  # a table, not an axis: no line under the numbers
        self.plot.scene().sigMouseMoved.connect(self._hover)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addLayout(bar2)
        layout.addWidget(self.caption)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.note)
        for combo in (self.strata_combo, self.time_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.endpoint_combo.currentIndexChanged.connect(self._endpoint_changed)
        self.ci_combo.currentTextChanged.connect(lambda text: session.update_settings(ci_method=text))
        self.band_check.toggled.connect(self._show_bands)
        self._risk_texts: list[pg.TextItem] = []
        self._bands: list[Any] = []
        self._curves: list[CurveItems] = []  # one per curve drawn, reused by the next refresh
        self.stale = True
        self._sync_strata_choice()
        session.cohort_changed.connect(self.request_refresh)
        session.cohort_loaded.connect(self.request_refresh)
        session.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: Any) -> None:
        if self.ci_combo.currentText() != settings.ci_method:
            self.ci_combo.blockSignals(True)
            self.ci_combo.setCurrentText(settings.ci_method)
            self.ci_combo.blockSignals(False)
        self.request_refresh()

    def endpoint(self) -> str:
        return str(self.endpoint_combo.currentData())

    def _sync_strata_choice(self) -> None:
        """The landmark analysis is stratified by 3-month response by definition: no other choice."""
        landmark = self.endpoint() == LANDMARK
        self.strata_combo.setEnabled(not landmark)
        self.strata_combo.setVisible(not landmark)
        self._strata_caption.setVisible(not landmark)
        self.fixed_strata.setVisible(landmark)

    def _endpoint_changed(self) -> None:
        from y90gui.ui.settings import app_settings

        app_settings().setValue(ENDPOINT_KEY, self.endpoint())
        self._sync_strata_choice()
        self.refresh()

    # ------------------------------------------------------------------ describing
    def _universe(self, field: str) -> list[str]:
        """Every value of a field in its fixed order (colours by value), once per load and field."""
        from y90gui.figures.km import stratum_universe

        cohort = self.session.cohort
        if self._universe_of is not cohort:
            self._universes, self._universe_of = {}, cohort
        if field not in self._universes and cohort is not None:
            self._universes[field] = stratum_universe(cohort.frames, field)
        return self._universes.get(field, [])

    def describe_now(self) -> FigureDescription | None:
        """The figure description of the current filter and choices (None: nothing to draw)."""
        job = self._job()
        self._take(job() if job is not None else _NOTHING)
        return self.description

    def _take(self, out: Described) -> None:
        self.description, self.left_out, self.results, self.logrank = out

    def _job(self) -> Callable[[], Described] | None:
        """The description's computation as a closure over plain values (runs on a worker for a
        large cohort: it touches no widget): (description or None, patients left out, the fits
        it describes, the log-rank test)."""
        from y90gui.figures import km, palette

        cohort = self.session.cohort
        if cohort is None:
            return None
        ids = self.session.view.patient_ids
        ci, unit, endpoint = self.session.settings.ci_method, self.time_combo.currentText(), self.endpoint()
        if endpoint == LANDMARK:
            def landmark() -> Described:
                data = cohort.landmark(ids)
                left = data.not_alive_at_landmark + data.not_evaluable
                fitted = km.fit_groups(data.groups, ci_method=ci)
                if not fitted[0]:
                    return None, left, {}, None
                return km.landmark_description(data, ci_method=ci, time_unit=unit, fitted=fitted), left, *fitted
            return landmark
        key = self.strata_combo.currentData()
        field, label = _FIELD[key], _LABEL[key]
        universe = self._universe(field) if field is not None else []

        def stratified() -> Described:
            st = cohort.endpoint_strata(endpoint, field, ids)
            fitted = km.fit_groups(st.groups, ci_method=ci, stratified=field is not None)
            if not fitted[0]:
                return None, st.left_out, {}, None
            styles = ({km.ALL_KEY: palette.ALL} if field is None
                      else km.stratum_styles(field, list(st.groups), universe))
            desc = km.describe_groups(st.groups, styles, endpoint=endpoint, strata=field, strata_name=label,
                                      ci_method=ci, time_unit=unit, note=km.left_out_note(st.left_out, label),
                                      fitted=fitted)
            return desc, st.left_out, *fitted
        return stratified

    def request_refresh(self) -> None:
        """Refit now when shown; otherwise when the page is next shown (no work for hidden plots)."""
        if self.isVisible():
            self.refresh()
        else:
            self.stale = True

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        """Describe (the figure layer fits and formats) and draw, for the current filter and
        settings. A cohort above `SYNC_ROWS` patients is described on a worker (10,000 patients by
        RECIST take ~150 ms of lifelines fits); the last request wins, the figure stays meanwhile."""
        self.stale = False
        self._started = time.perf_counter()
        self._generation += 1
        generation = self._generation
        job = self._job()
        cohort = self.session.cohort
        if job is None or cohort is None or len(cohort.os) <= SYNC_ROWS:
            self._described(generation, job() if job is not None else _NOTHING)
            return
        self.session.tasks.start("km", lambda _progress: job(), lambda out: self._described(generation, out),
                                 self._failed)

    def _described(self, generation: int, out: Described) -> None:
        if generation != self._generation:
            return  # a newer filter or choice is on its way
        self._take(out)
        self._draw()
        self.last_refit_ms = (time.perf_counter() - self._started) * 1000
        self.redrawn.emit()

    def _failed(self, exc: BaseException) -> None:
        self.session.failed.emit("The survival curves could not be computed", exc)

    # ------------------------------------------------------------------ drawing
    def _curve_slots(self, n: int) -> list[CurveItems]:
        """`n` curves' items: the ones drawn last time, more made or the surplus removed."""
        while len(self._curves) > n:
            self._curves.pop().remove(self.plot)
        while len(self._curves) < n:
            self._curves.append(CurveItems(self.plot))
        return self._curves

    def _draw(self) -> None:
        self._bands = []
        desc = self.description
        cohort = self.session.cohort
        self.caption.setText(caption_text(self.session.view))
        if desc is None:
            self.summary.setText("Loading the case series…" if cohort is None
                                 else "No patients with a value for this endpoint in the current filter.")
            self.note.setText(self._left_out_text())
            self._curve_slots(0)
            self._at_risk(None)
            return
        for slot, c in zip(self._curve_slots(len(desc.curves)), desc.curves, strict=True):
            band = slot.show(desc, c, band=self.band_check.isChecked())
            if band is not None:
                self._bands.append(band)
        self.summary.setText(legend_html(desc))
        self.note.setText("\n".join(t for t in (desc.note, self._excluded_text(), desc.caption) if t))
        label = {"color": TEXT, "font-size": "10pt"}
        for side, text in (("bottom", desc.x.label), ("left", desc.y.label)):
            if self.plot.getAxis(side).labelText != text:  # setting a label lays the plot out again
                self.plot.setLabel(side, text, **label)
        span = desc.x.hi - desc.x.lo
        self.plot.setXRange(desc.x.lo - 0.02 * span, desc.x.hi + 0.02 * span, padding=0)
        self.plot.setYRange(desc.y.lo - 0.03 * (desc.y.hi - desc.y.lo), desc.y.hi * 1.04, padding=0)  # 0% shows
        _set_ticks(self.plot.getAxis("bottom"), [list(zip(desc.x.ticks, desc.x.tick_labels, strict=True)), []])
        _set_ticks(self.plot.getAxis("left"), [list(zip(desc.y.ticks, desc.y.tick_labels, strict=True)), []])
        self._at_risk(desc)
        # the new caption and legend lines resize the plot now, before it is painted (a posted
        # layout request after the first paint meant a second paint of the whole plot, issue 16)
        layout = self.layout()
        if layout is not None:
            layout.activate()
        # and the view boxes take their new ranges now: pyqtgraph maps them lazily, in the paint,
        # where the items' geometry change (curves, censor marks) scheduled a second paint of the
        # plot (~15 ms at 100,000 patients, issue 16)
        self.graphics.scene().prepareForPaint()

    def _excluded_text(self) -> str:
        """Patients of the filter excluded from analysis (`inclusion`): not drawn, and said so."""
        cohort = self.session.cohort
        n = cohort.excluded_in(self.session.view.patient_ids) if cohort is not None else 0
        return "" if not n else f"{n} patient{'s' if n != 1 else ''} excluded from analysis not shown."

    def _left_out_text(self) -> str:
        return "" if not self.left_out else f"{self.left_out} patients left out"

    def _show_bands(self, on: bool) -> None:
        for item in self._bands:
            item.setVisible(on)

    def _at_risk(self, desc: FigureDescription | None) -> None:
        """The numbers at risk under the ticks, in reused text items (creating dozens per refit is slow)."""
        rows = desc.under.rows if desc is not None and desc.under is not None else ()
        names = [name if len(name) <= 28 else name[:27] + "…" for _k, name, _n in rows]
        _set_ticks(self.risk.getAxis("left"), [[(-i, n) for i, n in enumerate(names)], []])
        # both plots' left axes as wide as the longest row label, so the columns stay aligned
        fm = QFontMetrics(self.font())
        width = max([fm.horizontalAdvance(n) for n in names] + [fm.horizontalAdvance("100%") + 40]) + 24
        for p in (self.plot, self.risk):
            if p.getAxis("left").fixedWidth != width:  # setting it, even unchanged, redraws the axis
                p.getAxis("left").setWidth(width)
        used = 0
        for i, (_key, _name, counts) in enumerate(rows):
            assert desc is not None and desc.under is not None
            for x, count in zip(desc.under.at, counts, strict=True):
                if used == len(self._risk_texts):
                    item = pg.TextItem("", anchor=(0.5, 0.5))
                    self.risk.addItem(item)
                    self._risk_texts.append(item)
                item = self._risk_texts[used]
                if item.toPlainText() != str(count):  # setText lays the text out again
                    item.setText(str(count), color=TEXT)  # black numbers, coloured row labels: the file's
                item.setPos(x, -i)
                item.setVisible(True)
                used += 1
        for item in self._risk_texts[used:]:
            item.setVisible(False)
        self.risk.setYRange(-max(len(rows), 1) + 0.4, 0.6, padding=0)

    # ------------------------------------------------------------------ reading what is drawn
    def band_items(self) -> list[Any]:
        """The band items drawn (one path per curve)."""
        return list(self._bands)

    def at_risk_texts(self) -> list[tuple[float, float, str]]:
        """(x, row, text) of the at-risk table as drawn."""
        return [(i.pos().x(), i.pos().y(), i.toPlainText()) for i in self._risk_texts if i.isVisible()]

    def describe_at(self, x: float) -> str:
        """Survival of each curve at time x (in the current unit): the step value, its band."""
        if self.description is None:
            return ""
        return survival_at(self.description, x, self.time_combo.currentText())

    def _hover(self, scene_pos: Any) -> None:
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QToolTip

        vb = self.plot.getViewBox()
        if self.description is None or not vb.sceneBoundingRect().contains(scene_pos):
            return
        QToolTip.showText(QCursor.pos(), self.describe_at(vb.mapSceneToView(scene_pos).x()), self.graphics)

    # ------------------------------------------------------------------ export
    def figure_name(self) -> str:
        """The figure's short name (the export dialog's title and file name)."""
        short = {"os": "OS", "pfs": "PFS", LANDMARK: "landmark OS by 3-month response"}[self.endpoint()]
        key = self.strata_combo.currentData()
        by = f" by {_LABEL[key]}" if key is not None and self.endpoint() != LANDMARK else ""
        return f"Kaplan-Meier {short}{by}"

    def export_dialog(self) -> Any:
        """Save the figure shown through the figure export dialog (size, dpi, font, format):
        the file is drawn by `figures.render` from this very description, not from the screen."""
        from y90gui.ui.dialogs.figure_export import cohort_of, export_figure

        desc = self.description
        if desc is None:
            self.session.message.emit("Nothing to save: no curve in the current filter.", 8000)
            return None
        path = export_figure(self, lambda: desc, name=self.figure_name(), cohort=cohort_of(self.session))
        if path is not None:
            self.session.message.emit(f"Figure saved: {path}", 8000)
        return path


def _set_ticks(axis: Any, ticks: list[list[tuple[float, str]]]) -> None:
    """`axis.setTicks(ticks)` unless it shows these ticks already (pyqtgraph keeps them in
    `_tickLevels`): setting them throws away the axis's drawing, and redrawing the four axes was
    ~8 ms of each refresh's paint (100,000 patients: one centre, then all again, keeps the
    survival axis and the row labels)."""
    if getattr(axis, "_tickLevels", None) != ticks:
        axis.setTicks(ticks)
