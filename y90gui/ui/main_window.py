"""The review window: patient list on the left, the selected patient or a cohort view on the right.

This module only builds the layout and wires signals. State lives in the `Session` (store, case
series, the filter as a `CohortView`, the selected patient, settings); the work lives in composed
controllers (`controllers.files`, `controllers.patient`, `controllers.background`, `editing`).
First paint needs only PySide6 and sqlite3: the patient table comes from one SQL query
(`store.summary`); after it the plot pages and the case series follow (`controllers.background`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QCloseEvent, QPaintEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget

from y90gui.core.errors import Y90Error
from y90gui.store.store import Store
from y90gui.ui import settings as app_settings_mod
from y90gui.ui.actions import build_actions, build_menus
from y90gui.ui.controllers.background import BackgroundController
from y90gui.ui.controllers.drop import DropController
from y90gui.ui.controllers.files import FileController
from y90gui.ui.controllers.patient import FILTER_DEBOUNCE_MS, PATIENT_DEBOUNCE_MS, PatientController
from y90gui.ui.controllers.registry import RegistryController
from y90gui.ui.detail_area import DetailArea, LazyPage
from y90gui.ui.patient_panel import PatientPanel
from y90gui.ui.report_view import ReportView
from y90gui.ui.session import Session

log = logging.getLogger(__name__)
__all__ = ["FILTER_DEBOUNCE_MS", "FIRST_ROWS", "PATIENT_DEBOUNCE_MS", "MainWindow"]
#: rows listed at the first paint of a large file at start-up (more than any screen shows); the
#: rest is read right after it, so 10,000 rows do not hold up the first paint (~20 ms)
FIRST_ROWS = 200


class MainWindow(QMainWindow):
    def __init__(self, settings: Any = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings if settings is not None else app_settings_mod.app_settings()
        self.session = Session(self)
        s = self.session
        # the session's signals under the names the window always had (tests, scripts)
        self.store_changed = s.changed
        self.patient_selected = s.patient_selected
        self.cohort_changed = s.cohort_changed
        self.cohort_loaded = s.cohort_loaded
        self.tasks = s.tasks
        self._summary_rest: Any = None  # a SummaryPrefetch whose rows are not all listed yet
        self._closed = False
        self._busy_message = ""  # what `_busy` put in the status bar, which `_idle` may clear

        self.patient_panel = PatientPanel(self)
        self.detail = DetailArea(self)
        self.detail_tabs: QTabWidget = self.detail.tabs
        self.views = QTabWidget(self)
        self.views.setObjectName("Views")
        self.views.addTab(self.detail, "Patient")
        self.survival_page = LazyPage(parent=self)
        self.cohort_toxicity_page = LazyPage(parent=self)
        self.views.addTab(self.survival_page, "Survival")
        self.views.addTab(self.cohort_toxicity_page, "Cohort toxicity")
        # the publication pages (issue 13), built with the plot pages (`_build_publication_pages`)
        self.swimmer_page = LazyPage(parent=self)
        self.waterfall_page = LazyPage(parent=self)
        self.tables_page = LazyPage(parent=self)
        self.swimmer: Any = None
        self.waterfall: Any = None
        self.tables_view: Any = None
        self.lab_course: Any = None
        self.report_view = ReportView(s, self, extra_pages=(self.cohort_toxicity_page,))
        self.views.addTab(self.report_view, "Report")
        # after Report, so Ctrl+1..4 stay what they were (Ctrl+5..7 for these)
        self.views.addTab(self.swimmer_page, "Swimmer")
        self.views.addTab(self.waterfall_page, "Waterfall")
        self.views.addTab(self.tables_page, "Tables")

        self.banner = QLabel(self)
        self.banner.setObjectName("ReadOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # names a user and a reason: data text
        self.banner.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.patient_panel)
        self.splitter.addWidget(self.views)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.busy = QProgressBar(self)
        self.busy.setObjectName("BusyBar")
        self.busy.setMaximumWidth(180)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)

        self.patients = PatientController(self, s, self.patient_panel, self.detail)
        self.background = BackgroundController(self, s, self.patients, self.detail, self.survival_page,
                                               self.cohort_toxicity_page, self.report_view, self._first_paint_work)
        self.plots_ready = self.background.plots_ready
        self.cox_page = self.background.cox_page = LazyPage(parent=self)  # ui.cox_page.CoxPage, built lazily
        self.views.addTab(self.cox_page, "Cox")
        self.plots_ready.connect(self._build_publication_pages)
        # the API's `actions` dict deliberately shadows QWidget.actions() (not used by Qt itself)
        self.actions: dict[str, Any] = build_actions(self)  # type: ignore[assignment]
        self.edit_menu: Any = None
        self.recent_menu = build_menus(self, self.patient_panel, self.patients.step)
        self.files = FileController(self, s, self.settings, self.banner, self.recent_menu, self.open_file)
        from y90gui.ui import cohort_menu, printing, user_guide

        self.cohort_menu = cohort_menu.install(self, s, self.patient_panel)
        self.user_guide = user_guide.install(self)
        self.printing = printing.install(self, s, self.report_view, self.views, lambda: [self.survival_page])
        self.actions["new"].triggered.connect(self.files.new_file)
        self.actions["open"].triggered.connect(self.files.choose_file)
        self.actions["quit"].triggered.connect(self.close)
        self.actions["about"].triggered.connect(self.files.show_about)
        self.registry = RegistryController(self, s, self.settings, self.open_series, self.close_store)
        self.actions["connect_registry"].triggered.connect(self.registry.connect_dialog)
        self.actions["export_report"].triggered.connect(self.report_view.export_dialog)
        self.drops = DropController(self)  # a dropped .xlsx opens the import preview, a .y90 opens
        s.busy.connect(self._busy)
        s.idle.connect(self._idle)
        s.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        s.changed.connect(self._on_changed)
        s.cohort_loaded.connect(self._on_cohort_loaded)
        self.views.currentChanged.connect(lambda _i: self.background.view_changed(self.views.currentWidget()))

        self._editing: Any = None
        self.files.update_status()
        self._restore_layout()

    # ------------------------------------------------------------------ public API
    @property
    def store(self) -> Store | None:
        return self.session.store

    @property
    def cohort(self) -> Any:
        return self.session.cohort

    @property
    def plots_built(self) -> bool:
        return self.background.plots_built

    @property
    def km(self) -> Any:
        return self.background.km

    @property
    def cohort_toxicity(self) -> Any:
        return self.background.cohort_toxicity

    @property
    def timeline(self) -> Any:
        return self.patients.timeline

    @property
    def patient_toxicity(self) -> Any:
        return self.patients.patient_toxicity

    def current_patient_id(self) -> str | None:
        return self.patients.current()

    def filtered_patient_ids(self) -> list[str]:
        """The patients of the table's filter (every row listed first, if only a first screenful is)."""
        self._complete_summary()
        return self.patient_panel.filtered_ids()

    def show_error(self, title: str, exc: BaseException) -> None:
        self.files.show_error(title, exc)

    def step_patient(self, delta: int) -> None:
        self.patients.step(delta)

    def open_file(self, path: str | Path, prefetched: Any = None) -> bool:
        """Open a case series (closing the current one); errors are shown, never raised.

        `prefetched`: a `store.summary.SummaryPrefetch` started early for this path (app start).
        """
        try:
            store = Store.open(Path(path))
        except (Y90Error, OSError) as exc:
            self.show_error(f"Cannot open {Path(path).name}", exc)
            return False
        self.open_series(store, prefetched)
        app_settings_mod.add_recent(self.settings, str(Path(path).resolve()))
        self.settings.setValue("last_file", str(Path(path).resolve()))
        return True

    def open_series(self, store: Any, prefetched: Any = None) -> None:
        """Make an open case series (a `Store`, or a registry: `store.backend.CaseSeries`) the session's."""
        self.close_store()
        self.detail.set_store(store)
        self.session.set_store(store)
        self._show_rows(store, prefetched)
        self.patients.publish_view()
        self.background.load_cohort()

    def close_store(self) -> None:
        from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary

        self._drop_summary_rest()
        self.detail.set_store(None)
        had = self.session.store is not None
        self.session.set_store(None)
        if had:  # a closed series (a registry whose connection dropped) leaves no rows behind
            self.patient_panel.set_summary(PatientSummary(SUMMARY_COLUMNS, []))

    def refresh_summary(self) -> None:
        """Re-read the table rows (cheap SQL) and reload the cohort in the background."""
        if self.store is None:
            return
        self._reread_rows()
        self.patients.publish_view()
        self.background.load_cohort()

    # ------------------------------------------------------------------ table rows
    def _show_rows(self, store: Store, prefetched: Any) -> None:
        """The patient table's rows: all at once, or at start-up on a large file a first screenful
        now and the rest just after the first paint (`_complete_summary`)."""
        if prefetched is not None:
            first = prefetched.first_rows(store.conn, FIRST_ROWS)
            total = prefetched.patient_count
            if first is not None and total is not None and len(first.rows) < total and not self.background.painted:
                self.patient_panel.set_summary(first, loading_total=total)
                self._summary_rest = prefetched
                return
            summary = prefetched.result(store.conn)
            if summary is not None:
                self.patient_panel.set_summary(summary, index_later=not self.background.painted)
                return
        # before the first paint (the demo, a small file at start-up) the search index waits for it
        self.patient_panel.set_summary(store.patient_summary(), index_later=not self.background.painted)

    def _complete_summary(self) -> None:
        """List every patient if only the first rows are listed (after the first paint, or when asked)."""
        rest, self._summary_rest = self._summary_rest, None
        if rest is None:
            return
        if self.store is None:
            rest.close()
            return
        self.patient_panel.set_summary(rest.result(self.store.conn) or self.store.patient_summary())
        self.patients.publish_view()

    def _drop_summary_rest(self) -> None:
        rest, self._summary_rest = self._summary_rest, None
        if rest is not None:
            rest.close()

    def _reread_rows(self) -> None:
        """Every patient's row from the file as it is now (a prefetch still pending is stale)."""
        assert self.store is not None
        self._drop_summary_rest()
        self.patient_panel.set_summary(self.store.patient_summary())

    def _on_changed(self, change: Any) -> None:
        self.detail.on_store_changed(change)
        if self.store is not None:
            self._reread_rows()

    def _on_cohort_loaded(self, cohort: Any) -> None:
        self.patient_panel.set_derived(cohort.derived)

    def _build_publication_pages(self) -> None:
        """Swimmer, Waterfall and Tables pages and the laboratory course (pyqtgraph is imported now)."""
        from y90gui.ui.cohort_figures import SwimmerPage, WaterfallPage
        from y90gui.ui.lab_course_view import LabCourseView
        from y90gui.ui.tables_view import TablesView

        self.swimmer = SwimmerPage(self.session, self.swimmer_page)
        self.swimmer_page.set_content(self.swimmer)
        self.waterfall = WaterfallPage(self.session, self.waterfall_page)
        self.waterfall_page.set_content(self.waterfall)
        self.tables_view = TablesView(self.session, self.tables_page)
        self.tables_page.set_content(self.tables_view)
        self.lab_course = LabCourseView(self.session, self.cohort_toxicity)
        self.cohort_toxicity.add_section(self.lab_course, "Laboratory course")

    # ------------------------------------------------------------------ lifecycle
    @property
    def editing(self) -> Any:
        """The editing controller (undo/redo, row edits, import/export dialogs, History tab)."""
        self.finish_building()
        return self._editing

    def finish_building(self) -> None:
        """Build what the first paint does not show: the sheet tables and editing (once).

        Runs right after the first paint, or earlier when something asks for `editing`. Until
        then the editing actions are disabled (`actions.EDITING_KEYS`).
        """
        if self._editing is not None or self._closed:
            return
        self.detail.build_tables()
        from y90gui.ui import editing

        self._editing = editing.install(self)

    def _first_paint_work(self) -> None:
        self._complete_summary()
        self.patient_panel.build_search_index()
        self.finish_building()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.background.window_painted()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.background.window_shown()

    def _busy(self, message: str) -> None:
        self._busy_message = message
        self.statusBar().showMessage(message)
        self.busy.setRange(0, 0)
        self.busy.show()

    def _idle(self) -> None:
        if not self.tasks.running() or self.tasks.running() == ["warmup"]:
            self.busy.hide()
            # only the busy message: an outcome shown meanwhile ("Snapshot written: …") stays
            if self.statusBar().currentMessage() == self._busy_message:
                self.statusBar().clearMessage()

    def _restore_layout(self) -> None:
        from y90gui.ui.window_geometry import place_window

        place_window(self, self.settings.value("window/geometry"))  # saved size only if it fits this screen
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        split = self.settings.value("window/splitter")
        if isinstance(split, QByteArray):
            self.splitter.restoreState(split)
        else:
            self.splitter.setSizes([600, 760])

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.background.closed = True
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        self.tasks.shutdown()
        self.close_store()
        super().closeEvent(event)
