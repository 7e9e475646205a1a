"""The review window: patient list on the left, the selected patient or a cohort view on the right.

First paint needs only PySide6 and sqlite3: the patient table comes from one SQL query
(`store.summary`). After the window is shown, two workers start: one imports the plotting
stack (then the plot pages are built), one loads the whole case series and derives the
columns that need the analysis rules (that part lives in `window_background`; file commands,
message boxes and the title in `window_files`, the shown patient in `window_patient`, menus in
`window_actions`). Cohort panels follow the table's filter, debounced so typing in the search
box stays instant.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QWidget,
)

from y90gui.core.errors import Y90Error
from y90gui.store.store import Change, Store
from y90gui.store.summary import patient_summary
from y90gui.ui import settings as app_settings_mod
from y90gui.ui.cohort_tasks import CohortData
from y90gui.ui.detail_area import DetailArea, LazyPage
from y90gui.ui.patient_panel import PatientPanel
from y90gui.ui.tasks import TaskRunner
from y90gui.ui.window_actions import build_actions, build_menus
from y90gui.ui.window_background import BackgroundWorkMixin
from y90gui.ui.window_files import FileCommandsMixin
from y90gui.ui.window_patient import PatientSelectionMixin

log = logging.getLogger(__name__)
FILTER_DEBOUNCE_MS = 120
#: a patient's details load once the selection has rested this long (typing a filter that
#: moves the current row must not redraw the timeline on every keystroke)
PATIENT_DEBOUNCE_MS = 60
#: rows listed at the first paint of a large file at start-up (more than any screen shows); the
#: rest is read right after it, so 10,000 rows do not hold up the first paint (~20 ms)
FIRST_ROWS = 200


class MainWindow(FileCommandsMixin, PatientSelectionMixin, BackgroundWorkMixin, QMainWindow):
    store_changed = Signal(object)  # a store Change, after every write
    patient_selected = Signal(str)
    #: the cohort shown changed (filter or data); cohort panels refresh from filtered_patient_ids()
    cohort_changed = Signal()
    #: the plot pages exist (pyqtgraph imported)
    plots_ready = Signal()
    #: the whole case series is in memory (`cohort`)
    cohort_loaded = Signal()

    def __init__(self, settings: Any = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.settings = settings if settings is not None else app_settings_mod.app_settings()
        self.store: Store | None = None
        self.cohort: CohortData | None = None
        self._summary_rest: Any = None  # a SummaryPrefetch whose rows are not all listed yet
        self.tasks = TaskRunner(self)
        self.plots_built = False
        self.timeline: Any = None
        self.patient_toxicity: Any = None
        self.km: Any = None
        self.cohort_toxicity: Any = None

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
        from y90gui.ui.report_view import ReportView

        self.report_view = ReportView(self)
        self.views.addTab(self.report_view, "Report")

        self.banner = QLabel(self)
        self.banner.setObjectName("ReadOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("MainSplitter")
        self.splitter.addWidget(self.patient_panel)
        self.splitter.addWidget(self.views)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        central = QWidget(self)
        from PySide6.QtWidgets import QVBoxLayout

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

        # the API's `actions` dict deliberately shadows QWidget.actions() (not used by Qt itself)
        self.actions: dict[str, Any] = build_actions(self)  # type: ignore[assignment]
        self.edit_menu: Any = None
        self.recent_menu = build_menus(self)
        self.actions["new"].triggered.connect(self.new_file)
        self.actions["open"].triggered.connect(self.choose_file)
        self.actions["quit"].triggered.connect(self.close)
        self.actions["about"].triggered.connect(self.show_about)
        self.actions["export_report"].triggered.connect(self.report_view.export_dialog)
        self.recent_menu.aboutToShow.connect(self._fill_recent)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DEBOUNCE_MS)
        self._filter_timer.timeout.connect(self.cohort_changed)
        self.patient_panel.filter_changed.connect(self._filter_timer.start)
        self.patient_panel.patient_activated.connect(self._queue_patient)
        self.store_changed.connect(self._on_store_changed)
        self.cohort_changed.connect(self.report_view.request_refresh)
        self._started_background = False
        self._painted = False
        self._closed = False
        self._pending_patient: str | None = None
        self._pending_reload: set[str] = set()
        self._cohort_generation = 0
        self._patient_timer = QTimer(self)
        self._patient_timer.setSingleShot(True)
        self._patient_timer.setInterval(PATIENT_DEBOUNCE_MS)
        self._patient_timer.timeout.connect(self._apply_patient)
        self.views.currentChanged.connect(self._view_changed)

        self._editing: Any = None
        self._update_title()
        self._restore_layout()

    # ------------------------------------------------------------------ public API
    def current_patient_id(self) -> str | None:
        return self.patient_panel.current_patient_id()

    def filtered_patient_ids(self) -> list[str]:
        self._complete_summary()
        return self.patient_panel.filtered_ids()

    def open_file(self, path: str | Path, prefetched: Any = None) -> bool:
        """Open a case series (closing the current one); errors are shown, never raised.

        `prefetched`: a `store.summary.SummaryPrefetch` started early for this path (app start).
        """
        try:
            store = Store.open(Path(path))
        except Y90Error as exc:
            self.show_error(f"Cannot open {Path(path).name}", exc)
            return False
        except OSError as exc:
            self.show_error(f"Cannot open {Path(path).name}", exc)
            return False
        self._set_store(store, prefetched)
        app_settings_mod.add_recent(self.settings, str(Path(path).resolve()))
        self.settings.setValue("last_file", str(Path(path).resolve()))
        return True

    def close_store(self) -> None:
        self._drop_summary_rest()
        self.tasks.cancel("cohort")
        self.detail.set_store(None)
        if self.store is not None:
            self.store.close()
        self.store = None
        self.cohort = None

    def refresh_summary(self) -> None:
        """Re-read the table rows (cheap SQL) and reload the cohort in the background."""
        if self.store is None:
            return
        self._reread_rows()
        self.cohort_changed.emit()
        self._load_cohort()

    # ------------------------------------------------------------------ store
    def _set_store(self, store: Store, prefetched: Any = None) -> None:
        self.close_store()
        self.store = store
        self.detail.set_store(store)
        self._update_title()
        self._update_banner()
        self._show_rows(store, prefetched)
        self.cohort_changed.emit()
        if self._started_background:
            self._load_cohort()

    def _show_rows(self, store: Store, prefetched: Any) -> None:
        """The patient table's rows: all at once, or at start-up on a large file a first screenful
        now and the rest just after the first paint (`_complete_summary`)."""
        if prefetched is not None:
            first = prefetched.first_rows(store.conn, FIRST_ROWS)
            total = prefetched.patient_count
            if first is not None and total is not None and len(first.rows) < total and not self._painted:
                self.patient_panel.set_summary(first, loading_total=total)
                self._summary_rest = prefetched
                return
            summary = prefetched.result(store.conn)
            if summary is not None:
                self.patient_panel.set_summary(summary)
                return
        self.patient_panel.set_summary(patient_summary(store.conn))

    def _complete_summary(self) -> None:
        """List every patient if only the first rows are listed (after the first paint, or when asked)."""
        rest, self._summary_rest = self._summary_rest, None
        if rest is None:
            return
        if self.store is None:
            rest.close()
            return
        self.patient_panel.set_summary(rest.result(self.store.conn) or patient_summary(self.store.conn))
        self.cohort_changed.emit()

    def _drop_summary_rest(self) -> None:
        rest, self._summary_rest = self._summary_rest, None
        if rest is not None:
            rest.close()

    def _reread_rows(self) -> None:
        """Every patient's row from the file as it is now (a prefetch still pending is stale)."""
        assert self.store is not None
        self._drop_summary_rest()
        self.patient_panel.set_summary(patient_summary(self.store.conn))

    def _on_store_changed(self, change: Change) -> None:
        self.detail.on_store_changed(change)
        if self.store is not None:
            self._reread_rows()
            self._update_title()
        pid = self.current_patient_id()
        if pid and (not change.patient_ids or pid in change.patient_ids):
            self._show_patient_plots(pid)
        if self.cohort is not None and change.patient_ids and "reference_ranges" not in change.tables:
            self._reload_patients(set(change.patient_ids))
        else:
            self._load_cohort()

    # ------------------------------------------------------------------ lifecycle
    @property
    def editing(self) -> Any:
        """The editing controller (undo/redo, row edits, import/export dialogs, History tab)."""
        self.finish_building()
        return self._editing

    def finish_building(self) -> None:
        """Build what the first paint does not show: the sheet tables and editing (once).

        Runs right after the first paint (`_after_first_paint`), or earlier when something asks
        for `editing`. Until then the editing actions are disabled (`window_actions`).
        """
        if self._editing is not None or self._closed:
            return
        self.detail.build_tables()
        from y90gui.ui import editing

        self._editing = editing.install(self)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 840)
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
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()
        self.tasks.shutdown()
        self.close_store()
        super().closeEvent(event)
