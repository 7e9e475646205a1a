"""The Cox page: choose an endpoint and covariates, fit, read the tables and the forest plot.

The fit is `analysis.cox.cox_analysis` (statsmodels PHReg, Efron ties, checked against R) of the
patients the table's filter shows, run on a worker (`Session.tasks`, progress and Cancel); the
forest plot is `figures.forest.forest_description` of the same result, drawn on screen by
`ForestView` (on its own tab next to the tables, so its rows have room at 1366 x 768) and saved
through the export dialog from that very description. A filter change
refits when the page is visible, else the results are marked stale (and say so) and refitted
when the page is next shown. A model that cannot be fitted (no covariate chosen, one level, no
events, no convergence) is one message inside the page, never a dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from y90gui.analysis.covariates import COVARIATES, covariate_label
from y90gui.ui.flow_layout import FlowLayout
from y90gui.ui.forest_view import ForestView

if TYPE_CHECKING:
    from y90gui.analysis.cox import CoxModel, CoxResult
    from y90gui.core.progress import Progress
    from y90gui.figures.model import FigureDescription
    from y90gui.services.cohort_view import CohortView
    from y90gui.ui.session import Session

ENDPOINT_CHOICES = (("Overall survival (OS)", "os"), ("Progression-free survival (PFS)", "pfs"))
HEADERS = ("Term", "HR", "95% CI", "p", "N", "Events", "Missing")
HEADER_TIPS = ("", "hazard ratio, exp(\u03b2)", "exp(\u03b2 \u00b1 1.96 se)", "Wald test",
               "patients in the model", "deaths (OS) or progressions or deaths (PFS) in the model",
               "patients excluded from the model for a missing value of its covariates")
DEFAULT_COVARIATES = ("age", "sex")


def fit(frames: Any, covariates: list[str], endpoint: str, scope: str,
        progress: Progress) -> tuple[CoxResult, FigureDescription]:
    """The worker's job: the Cox models of `frames` and their forest plot (no widget touched)."""
    from y90gui.analysis.cox import cox_analysis
    from y90gui.figures.forest import forest_description

    result = cox_analysis(frames, covariates, endpoint, progress)
    return result, forest_description(result, scope=scope)


def model_rows(model: CoxModel, *, counts_per_term: bool) -> list[list[str]]:
    """A model's table rows: term, HR, CI, p (`analysis.tables_format`), N, events, excluded."""
    from y90gui.analysis.tables_format import DASH, p_cell, round_half_up

    rows = []
    for i, t in enumerate(model.terms):
        counts = [str(model.n), str(model.events), str(model.excluded_missing)] \
            if counts_per_term or i == 0 else ["", "", ""]
        rows.append([t.label, round_half_up(t.hr, 2),
                     f"{round_half_up(t.ci95[0], 2)}{DASH}{round_half_up(t.ci95[1], 2)}", p_cell(t.p), *counts])
    return rows


class CoxPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result: CoxResult | None = None
        self.description: FigureDescription | None = None
        self.stale = False
        self._fit_view: CohortView | None = None
        self._generation = 0  # only the newest fit's outcome is shown
        self.endpoint = QComboBox(self)
        for label, key in ENDPOINT_CHOICES:
            self.endpoint.addItem(label, key)
        self.endpoint.setAccessibleName("endpoint")
        endpoint_label = QLabel("En&dpoint:", self)
        endpoint_label.setBuddy(self.endpoint)
        self.fit_button = QPushButton("F&it", self)
        self.fit_button.setDefault(True)
        self.fit_button.clicked.connect(self.fit)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda: self.session.tasks.cancel("cox"))
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.export_button = QPushButton("E&xport figure…", self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.covariates_button = QToolButton(self)
        self.covariates_button.setText("Cova&riates \u25be")
        self.covariates_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.covariates_button)
        self.covariates = QListWidget(menu)
        self.covariates.setAccessibleName("covariates")
        self.covariates.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for name, cov in COVARIATES.items():
            item = QListWidgetItem(covariate_label(name), self.covariates)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in DEFAULT_COVARIATES else Qt.CheckState.Unchecked)
            kind = (f"factor, reference {cov.levels[0]}" if cov.levels else "number, per unit (linear)")
            item.setToolTip(f"{name}: {cov.help}; {kind}")
        self.covariates.setMinimumSize(self.covariates.sizeHintForColumn(0) + 24,
                                       self.covariates.sizeHintForRow(0) * self.covariates.count() + 8)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.covariates)
        menu.addAction(holder)
        self.covariates_button.setMenu(menu)
        self.chosen_label = QLabel(self)
        self.chosen_label.setObjectName("CoxChosen")
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.covariates.itemChanged.connect(lambda _item: self._show_chosen())
        self.caption = QLabel(self)
        self.caption.setObjectName("CoxCaption")
        self.caption.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setObjectName("CoxMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel#CoxMessage { color: #9b1c1c; font-weight: 600; }")
        self.message.hide()
        self.uni_table = self._table("univariable models", "Univariable (each covariate alone)")
        self.multi_table = self._table("multivariable model", "Multivariable (all together)")
        self.multi_summary = QLabel(self)
        self.multi_summary.setObjectName("SubtleLabel")
        self.multi_summary.setWordWrap(True)
        self.forest = ForestView(self)
        self.forest.setMinimumHeight(120)

        tables = QWidget(self)
        tl = QVBoxLayout(tables)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(4)
        tl.addWidget(self.uni_table)
        tl.addWidget(self.multi_table)
        tl.addWidget(self.multi_summary)
        tl.addStretch(1)  # the summary right under the tables, the room below them empty
        self.tables = tables
        # the tables scroll on a small screen (200 %: 960 x 540) rather than set the window's height
        from PySide6.QtWidgets import QFrame, QScrollArea

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(tables)
        # tables and forest plot on tabs: under the two tables the plot had ~190 px at 1366 x 768
        # for 12 rows (labels on top of each other); on its tab it has the page's whole height
        self.results = QTabWidget(self)
        self.results.setDocumentMode(True)
        self.results.addTab(scroll, "&Tables")
        self.results.addTab(self.forest, "F&orest plot")
        self.results.setAccessibleName("Cox results")
        bar = FlowLayout()  # wraps, so the page never sets the window's minimum width
        for w in (endpoint_label, self.endpoint, self.covariates_button, self.fit_button, self.cancel_button,
                  self.progress, self.export_button):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.caption)
        layout.addWidget(self.message)
        layout.addWidget(self.results, 1)
        self._show_chosen()
        session.cohort_changed.connect(lambda _view: self._data_changed())
        session.cohort_loaded.connect(lambda _cohort: self._data_changed())
        self._show_scope()

    def _table(self, name: str, title: str) -> QTableWidget:
        t = QTableWidget(0, len(HEADERS), self)
        t.setAccessibleName(name)
        t.setHorizontalHeaderLabels([title, *HEADERS[1:]])
        for i, tip in enumerate(HEADER_TIPS):
            head = t.horizontalHeaderItem(i)
            if tip and head is not None:
                head.setToolTip(tip)
        t.setFrameShape(QFrame.Shape.StyledPanel)
        t.verticalHeader().hide()
        t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 6)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setAlternatingRowColors(True)
        header = t.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(HEADERS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        return t

    # ------------------------------------------------------------------ choices
    def chosen(self) -> list[str]:
        out = []
        for i in range(self.covariates.count()):
            item = self.covariates.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def set_chosen(self, names: list[str]) -> None:
        for i in range(self.covariates.count()):
            item = self.covariates.item(i)
            name = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if name in names else Qt.CheckState.Unchecked)

    def _show_chosen(self) -> None:
        names = self.chosen()
        self.covariates_button.setText(f"Cova&riates ({len(names)}) \u25be")
        self.chosen_label.setText("Covariates: " + (", ".join(map(covariate_label, names)) if names
                                                    else "none chosen"))

    def endpoint_key(self) -> str:
        return str(self.endpoint.currentData())

    # ------------------------------------------------------------------ fitting
    def fit(self) -> None:
        """Fit the chosen model for the patients the table shows (on a worker; a newer fit wins)."""
        names = self.chosen()
        if not names:
            self._say("Choose at least one covariate, then press Fit.")
            return
        cohort = self.session.cohort
        if cohort is None:
            self._say("The case series is still loading; press Fit again in a moment.")
            return
        view = self.session.view
        ids = None if view.patient_ids is None else self.session.shown_ids()
        scope = self._scope_text(view)
        endpoint = self.endpoint_key()
        self.stale = False
        self._fit_view = view
        self._generation += 1
        generation = self._generation
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setFormat("fitting…")
        self.progress.show()

        def work(progress: Progress) -> tuple[CoxResult, FigureDescription]:
            progress.step(0, 1, "selecting the patients")
            return fit(cohort.subset(ids), names, endpoint, scope, progress)

        def newest(slot: Any) -> Any:
            return lambda *args: slot(*args) if generation == self._generation else None

        self.session.tasks.start("cox", work, newest(self._fitted), newest(self._failed), newest(self._progressed),
                                 newest(self._cancelled))

    def _progressed(self, fraction: float, text: str) -> None:
        self.progress.setValue(int(round(100 * fraction)))
        self.progress.setFormat(f"{text} (%p%)" if text else "%p%")

    def _done(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.hide()

    def _cancelled(self) -> None:
        self._done()
        self._say("Fit cancelled.")

    def _fitted(self, out: tuple[CoxResult, FigureDescription]) -> None:
        self._done()
        result, desc = out
        self.result, self.description = result, desc
        self.message.hide()
        self._fill(self.uni_table, [r for m in result.univariable for r in model_rows(m, counts_per_term=False)])
        self._fill(self.multi_table, model_rows(result.multivariable, counts_per_term=False))
        from y90gui.analysis.tables_format import p_value

        m = result.multivariable
        self.multi_summary.setText(
            f"Multivariable: N = {m.n}, events = {m.events}, excluded for missing values = {m.excluded_missing}; "
            f"likelihood-ratio test \u03c7\u00b2 = {m.lr_chi2:.2f} (df {m.lr_df}), {p_value(m.lr_p)}; "
            f"concordance {m.concordance:.3f}.")
        self.multi_summary.setToolTip("Efron ties; HR = exp(\u03b2), 95% CI exp(\u03b2 \u00b1 1.96 se), Wald p; "
                                      "numbers per unit, factors against their first level.")
        self.forest.show_description(desc)
        self.export_button.setEnabled(True)
        self._show_scope()

    def _failed(self, exc: BaseException) -> None:
        from y90gui.core.errors import Y90Error

        self._done()
        if isinstance(exc, Y90Error):  # the user's model: one message here, the old results cleared
            self._clear_results()
            self._show_scope()
            self._say(f"The model cannot be fitted: {exc}")
        else:
            self._say("The fit failed unexpectedly (details in the log).")
            self.session.failed.emit("The Cox model failed", exc)

    def _clear_results(self) -> None:
        self.result, self.description = None, None
        self._fill(self.uni_table, [])
        self._fill(self.multi_table, [])
        self.multi_summary.setText("")
        self.forest.show_description(None)
        self.export_button.setEnabled(False)

    def _fill(self, table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        # as tall as its rows (up to 8): both tables and the summary above the fold at 1366 x 768
        shown = max(1, min(len(rows), 8))
        bar = table.horizontalScrollBar()
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + shown * table.verticalHeader().defaultSectionSize()
                             + 2 * table.frameWidth() + (bar.height() if bar.isVisible() else 0))

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # ------------------------------------------------------------------ the filter
    def _scope_text(self, view: CohortView) -> str:
        """The one cohort phrasing, `cohort_caption.session_scope` ("12 of 44 patients (centre = Bonn)")."""
        from y90gui.ui.cohort_caption import session_scope

        return session_scope(self.session, view)

    def _show_scope(self) -> None:
        view = self._fit_view or self.session.view
        words = ("Cox proportional hazards" if self.result is None
                 else next(label for label, key in ENDPOINT_CHOICES if key == self.result.endpoint))
        self.caption.setText(f"{words} \u2014 {self._scope_text(view)}")

    def _data_changed(self) -> None:
        """The filter or the data changed: refit when shown, else mark the results stale."""
        if self._fit_view is None:  # nothing fitted yet: only the caption follows the filter
            self._show_scope()
            return
        if self.isVisible():
            self.fit()
        else:
            self.stale = True
            self._say("The table's filter or the data changed since this fit: these results are stale "
                      "and are refitted when this page is shown.")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.fit()

    # ------------------------------------------------------------------ export
    def export(self) -> None:
        desc = self.description
        if desc is None:
            return
        from y90gui.ui.dialogs.figure_export import cohort_of, export_figure

        export_figure(self, lambda: desc, name=f"forest-{self.endpoint_key()}", cohort=cohort_of(self.session))
