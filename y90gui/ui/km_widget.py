"""Kaplan–Meier overall survival of the filtered cohort, drawn with pyqtgraph.

The analysis layer computes everything (`survival.kaplan_meier`, `logrank`): curve, pointwise
band, censor marks, median with CI, numbers at risk. This widget only draws them: a step
curve per stratum, the band as a `FillBetweenItem`, a dashed median line, and the at-risk
table in a second plot whose x axis is linked to the curve's, so the columns stay aligned.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from y90gui.analysis.survival import CI_METHODS
from y90gui.ui.km_export import export_png, export_svg
from y90gui.ui.km_items import add_band, add_median, describe, fmt_p, step_xy, survival_at
from y90gui.ui.palette import SERIES

if TYPE_CHECKING:
    from y90gui.ui.session import Session

#: (key of the combo = the patient table's column, field of `analysis.strata`, label)
STRATA: tuple[tuple[str | None, str | None, str], ...] = (
    (None, None, "none"),
    ("center", "center", "centre"),
    ("sex", "sex", "sex"),
    ("primary_site", "primary_site", "primary site"),
    ("who_grade", "who_grade", "WHO grade"),
    ("first_extent", "extent", "extent of the first RE"),
    ("recist_3m", "recist_3m", "RECIST at 3 months"),
)
_FIELD = {key: field for key, field, _label in STRATA}


class KaplanMeierWidget(QWidget):
    redrawn = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.results: dict[str, Any] = {}
        self.left_out = 0
        self.logrank: Any = None
        self.last_refit_ms = 0.0
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
        self.png_button = QPushButton("Save &PNG…", self)
        self.svg_button = QPushButton("Save SV&G…", self)
        self.png_button.clicked.connect(lambda: self.export_dialog("png"))
        self.svg_button.clicked.connect(lambda: self.export_dialog("svg"))
        bar = QHBoxLayout()
        for text, widget in (("Stratify &by:", self.strata_combo), ("&Time in:", self.time_combo),
                             ("CI &method:", self.ci_combo)):
            caption = QLabel(text, self)
            caption.setBuddy(widget)
            bar.addWidget(caption)
            bar.addWidget(widget)
        bar.addStretch(1)
        bar2 = QHBoxLayout()
        bar2.addWidget(self.band_check)
        bar2.addStretch(1)
        bar2.addWidget(self.png_button)
        bar2.addWidget(self.svg_button)
        self.summary = QLabel(self)
        self.summary.setObjectName("KMSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)

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
                p.getAxis(name).setTextPen(pg.mkPen("#2c3d47"))
                p.getAxis(name).setPen(pg.mkPen("#9fb5bf"))
        self.plot.setMouseEnabled(x=True, y=False)
        self.risk.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("left", "overall survival")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.risk.setTitle("Number at risk", size="9pt", color="#2c3d47", justify="left")
        self.risk.getAxis("bottom").setStyle(showValues=False)
        self.risk.getAxis("bottom").setPen(pg.mkPen(None))
        self.legend = self.plot.addLegend(offset=(-10, 10), labelTextColor="#2c3d47",
                                          brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#c9d6dc"))
        self.plot.scene().sigMouseMoved.connect(self._hover)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addLayout(bar2)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphics, 1)
        for combo in (self.strata_combo, self.time_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.ci_combo.currentTextChanged.connect(lambda text: session.update_settings(ci_method=text))
        self.band_check.toggled.connect(self.refresh)
        self._risk_texts: list[pg.TextItem] = []
        self.stale = True
        session.cohort_changed.connect(self.request_refresh)
        session.cohort_loaded.connect(self.request_refresh)
        session.settings_changed.connect(self._settings_changed)

    def _settings_changed(self, settings: Any) -> None:
        if self.ci_combo.currentText() != settings.ci_method:
            self.ci_combo.blockSignals(True)
            self.ci_combo.setCurrentText(settings.ci_method)
            self.ci_combo.blockSignals(False)
        self.request_refresh()

    # ------------------------------------------------------------------ fitting
    def groups(self) -> dict[str, tuple[Any, Any]]:
        """OS rows of the filtered patients, split by the chosen stratum (`analysis.strata`: the
        patients without a value are left out and counted in `left_out`, as in the report)."""
        cohort = self.session.cohort
        if cohort is None:
            self.left_out = 0
            return {}
        st = cohort.strata(_FIELD[self.strata_combo.currentData()], self.session.view.patient_ids,
                           keep_missing=False)
        self.left_out = st.left_out
        return {str(label).replace("_", " "): g for label, g in st.groups.items()}

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
        """Refit and redraw for the current filter and settings (the analysis layer computes)."""
        self.stale = False
        from y90gui.analysis import survival

        started = time.perf_counter()
        groups = self.groups()
        ci = self.session.settings.ci_method
        self.results = {name: survival.kaplan_meier(d, e, ci_method=ci) for name, (d, e) in groups.items()}
        self.logrank = survival.logrank(dict(groups)) if len(groups) > 1 else None
        self._draw()
        self.last_refit_ms = (time.perf_counter() - started) * 1000
        self.redrawn.emit()

    # ------------------------------------------------------------------ drawing
    def scale(self) -> float:
        return 12.0 if self.time_combo.currentText() == "months" else 1.0

    def _draw(self) -> None:
        self.plot.clear()
        self.legend.clear()
        unit = self.time_combo.currentText()
        k = self.scale()
        self.plot.setLabel("bottom", f"{unit} since the first radioembolization")
        x_max = 0.0
        for res in self.results.values():
            if res.n:
                x_max = max(x_max, float(np.nanmax(res.times_years)))
        x_end = x_max * k if x_max else k
        lines: list[str] = []
        for i, (name, res) in enumerate(self.results.items()):
            if not res.n:
                continue
            colour = SERIES[i % len(SERIES)]
            x = np.asarray(res.times_years, dtype=float) * k
            last = max(float(x[-1]), float(np.max(res.censor_years)) * k if len(res.censor_years) else 0.0)
            xs, ys = step_xy(x, np.asarray(res.survival, dtype=float), last)
            if self.band_check.isChecked():
                add_band(self.plot, x, res, last, colour, alpha=45 if len(self.results) == 1 else 28)
            curve = self.plot.plot(xs, ys, pen=pg.mkPen(colour, width=2.2),
                                   name=f"{name}  (n = {res.n}, events = {res.events})")
            curve.setObjectName(f"km_{name}")
            if len(res.censor_years):
                self.plot.addItem(pg.ScatterPlotItem(
                    x=np.asarray(res.censor_years) * k, y=np.asarray(res.censor_survival), symbol="+", size=10,
                    pen=pg.mkPen(colour, width=1.5), brush=pg.mkBrush(colour)))
            add_median(self.plot, res, colour, k, labelled=len(self.results) == 1)
            lines.append(describe(name, res, colour, unit, k))
        self._at_risk(k, x_end)
        if self.left_out:
            lines.append(f"{self.left_out} patient{'s' if self.left_out != 1 else ''} without a value of "
                         f"{self.strata_combo.currentText()} left out (as R's survdiff does).")
        cohort = self.session.cohort
        excluded = cohort.excluded_in(self.session.view.patient_ids) if cohort is not None else 0
        if excluded:
            lines.append(f"{excluded} patient{'s' if excluded != 1 else ''} excluded from analysis not shown.")
        if self.logrank is not None:
            lines.append(f"log-rank p = {fmt_p(self.logrank.p_value)} (χ² = "
                         f"{'—' if self.logrank.statistic is None else f'{self.logrank.statistic:.2f}'}, "
                         f"df = {self.logrank.df})")
        if not self.results:
            lines.append("Loading the case series…" if self.session.cohort is None
                         else "No patients with a radioembolization in the current filter.")
        self.summary.setText("<br>".join(lines))
        self.plot.setYRange(0, 1.04, padding=0)
        self.plot.setXRange(-0.03 * x_end, x_end * 1.03, padding=0)
        ticks = [(i * k, str(int(i * k))) for i in range(int(x_max) + 2)]
        self.plot.getAxis("bottom").setTicks([ticks, []])
        self.plot.getAxis("left").setTicks([[(v / 10, f"{v * 10} %") for v in range(0, 11, 2)], []])

    def _at_risk(self, k: float, x_end: float) -> None:
        """The at-risk numbers, in reused text items (creating dozens per refit is the slow part)."""
        names = [n for n, r in self.results.items() if r.n]
        self.risk.getAxis("left").setTicks([[(-i, n if len(n) <= 20 else n[:19] + "…")
                                             for i, n in enumerate(names)], []])
        used = 0
        for i, name in enumerate(names):
            res = self.results[name]
            colour = SERIES[list(self.results).index(name) % len(SERIES)]
            for year, count in res.at_risk.items():
                if year * k > x_end * 1.02:
                    continue
                if used == len(self._risk_texts):
                    item = pg.TextItem("", anchor=(0.5, 0.5))
                    self.risk.addItem(item)
                    self._risk_texts.append(item)
                item = self._risk_texts[used]
                item.setText(str(count), color=colour)
                item.setPos(year * k, -i)
                item.setVisible(True)
                used += 1
        for item in self._risk_texts[used:]:
            item.setVisible(False)
        self.risk.setYRange(-max(len(names), 1) + 0.4, 0.6, padding=0)

    # ------------------------------------------------------------------ hover
    def describe_at(self, x: float) -> str:
        """Survival of each curve at time x (in the current unit): the step value, its band."""
        return survival_at(self.results, x, self.scale(), self.time_combo.currentText())

    def _hover(self, scene_pos: Any) -> None:
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QToolTip

        vb = self.plot.getViewBox()
        if not self.results or not vb.sceneBoundingRect().contains(scene_pos):
            return
        QToolTip.showText(QCursor.pos(), self.describe_at(vb.mapSceneToView(scene_pos).x()), self.graphics)

    # ------------------------------------------------------------------ export
    def export_dialog(self, kind: str) -> None:
        store = self.session.store
        start = (str(store.path.with_suffix("")) + f"-survival.{kind}") if store else f"survival.{kind}"
        flt = "PNG image, 300 dpi (*.png)" if kind == "png" else "SVG vector image (*.svg)"
        path, _ = QFileDialog.getSaveFileName(self, "Save the survival figure", start, flt)
        if path:
            self.export(path)

    def export(self, path: str | Path, dpi: int = 300) -> Any:
        """PNG at `dpi` (rendered here, encoded and written on a worker: returns that task) or SVG
        (written here: returns None)."""
        path = Path(path)
        if path.suffix.lower() == ".svg":
            export_svg(self.graphics.scene(), path)
            self.session.message.emit(f"Figure saved: {path}", 8000)
            return None
        return export_png(self.session, self.graphics.scene(), path, dpi)

    def at_risk_texts(self) -> list[tuple[float, float, str]]:
        """(x, row, text) of the at-risk table as drawn (for tests)."""
        return [(i.pos().x(), i.pos().y(), i.toPlainText()) for i in self._risk_texts if i.isVisible()]



