"""The main window's work after the first paint: plot pages, the case series in the background.

A mixin of `MainWindow`, kept apart so the window module holds layout and data flow only.
Nothing here runs before the window has been painted once (or, for a window that is never
painted, 1.5 s after it was shown): then one worker imports the plotting stack and the plot
pages are built, another loads the whole case series. Only the newest cohort task's result
counts; the busy bar shows while one runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent, QShowEvent

from y90gui.ui.cohort_tasks import CohortData, load_cohort, reload_patients, warm_up

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressBar

    from y90gui.store.store import Store
    from y90gui.ui.detail_area import DetailArea, LazyPage
    from y90gui.ui.patient_panel import PatientPanel
    from y90gui.ui.report_view import ReportView
    from y90gui.ui.tasks import TaskRunner

log = logging.getLogger("y90gui.ui.main_window")


class BackgroundWorkMixin:
    """Needs the window's pages, `tasks`, `store`, `cohort` and its signals (see `MainWindow`)."""

    store: Store | None
    cohort: CohortData | None
    tasks: TaskRunner
    busy: QProgressBar
    detail: DetailArea
    patient_panel: PatientPanel
    report_view: ReportView
    views: Any
    survival_page: LazyPage
    cohort_toxicity_page: LazyPage
    plots_built: bool
    timeline: Any
    patient_toxicity: Any
    km: Any
    cohort_toxicity: Any
    cohort_loaded: Any
    cohort_changed: Any
    plots_ready: Any
    _painted: bool
    _closed: bool
    _started_background: bool
    _pending_patient: str | None
    _pending_reload: set[str]
    _cohort_generation: int
    if TYPE_CHECKING:  # provided by MainWindow / QMainWindow (a stub here would shadow Qt's method)
        def current_patient_id(self) -> str | None: ...
        def show_error(self, title: str, exc: BaseException) -> None: ...
        def statusBar(self) -> Any: ...  # noqa: N802
        def _apply_patient(self) -> None: ...
        def _show_patient_plots(self, pid: str) -> None: ...
        def finish_building(self) -> None: ...
        def _complete_summary(self) -> None: ...

    def _qt(self) -> Any:
        """This window as the QWidget it is at run time (the mixin alone is not one, for mypy)."""
        return self

    # ------------------------------------------------------------------ case series
    def _reload_patients(self, patient_ids: set[str]) -> None:
        """Re-read only the patients a write touched (an edit must not reload 10,000 patients)."""
        if self.store is None or self.cohort is None:
            return
        # a reload still running for an earlier edit is superseded: redo its patients too
        self._pending_reload |= patient_ids
        path, cohort, pids = self.store.path, self.cohort, set(self._pending_reload)
        self._start_cohort_task(lambda p: reload_patients(path, cohort, pids, p))

    def _load_cohort(self) -> None:
        if self.store is None:
            return
        path = self.store.path
        self._busy("Loading the case series…")
        self._start_cohort_task(lambda p: load_cohort(path, p))

    def _start_cohort_task(self, fn: Any) -> None:
        """Only the newest cohort task's result counts (a late result of a superseded one is dropped)."""
        self._cohort_generation += 1
        generation = self._cohort_generation

        def finished(cohort: CohortData) -> None:
            if generation == self._cohort_generation:
                self._cohort_loaded(cohort)

        self.tasks.start("cohort", fn, finished, self._task_failed, on_cancelled=self._idle)

    def _cohort_loaded(self, cohort: CohortData) -> None:
        self._pending_reload.clear()
        self._idle()
        if self.store is None:
            return
        self.cohort = cohort
        self.patient_panel.set_derived(cohort.derived)
        self.cohort_loaded.emit()
        self.cohort_changed.emit()

    def _task_failed(self, exc: BaseException) -> None:
        self._idle()
        log.error("background task failed", exc_info=exc)
        self.show_error("A background task failed", exc)

    # ------------------------------------------------------------------ lazy plots
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # type: ignore[misc]
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._qt(), self._after_first_paint)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)  # type: ignore[misc]
        # a window shown minimised (or on a platform that does not paint it) must load anyway
        QTimer.singleShot(1500, self._qt(), self._paint_fallback)

    def _paint_fallback(self) -> None:
        if not self._painted and not self._closed:
            self._painted = True
            self._after_first_paint()

    def _after_first_paint(self) -> None:
        """Only now: the first patient's details and the background work (imports, cohort load)."""
        if self._closed:
            return
        self._complete_summary()
        self.finish_building()
        if self._pending_patient is not None:
            self._apply_patient()
        if not self._started_background:
            self._started_background = True
            QTimer.singleShot(30, self._qt(), self._start_background)

    def _view_changed(self, _index: int) -> None:
        page = self.views.currentWidget()
        if page is self.survival_page and self.km is not None:
            self.km.refresh_if_stale()
        elif page in (self.report_view, self.cohort_toxicity_page):
            self.report_view.refresh_if_stale()

    def _start_background(self) -> None:
        if self._closed:
            return
        self.tasks.start("warmup", warm_up, lambda _r: self._build_plot_pages(), self._task_failed)
        self._load_cohort()

    def _build_plot_pages(self) -> None:
        if self.plots_built:
            return
        from y90gui.ui.km_widget import KaplanMeierWidget
        from y90gui.ui.timeline import TimelineWidget
        from y90gui.ui.toxicity_panels import CohortToxicityPanel, PatientToxicityPanel

        self.timeline = TimelineWidget(self._qt())
        self.timeline.item_clicked.connect(self.detail.show_row)
        self.detail.timeline_page.set_content(self.timeline)
        self.patient_toxicity = PatientToxicityPanel(self._qt())
        self.detail.toxicity_page.set_content(self.patient_toxicity)
        self.km = KaplanMeierWidget(self._qt())
        self.survival_page.set_content(self.km)
        self.cohort_toxicity = CohortToxicityPanel(self._qt())
        self.cohort_toxicity_page.set_content(self.cohort_toxicity)
        self.report_view.report_ready.connect(self.cohort_toxicity.set_report)
        self.cohort_toxicity.basis_changed.connect(self.report_view.set_basis)
        self.plots_built = True
        pid = self.current_patient_id()
        if pid:
            self._show_patient_plots(pid)
        self.plots_ready.emit()
        self.km.request_refresh()
        if self.report_view.report is not None:
            self.cohort_toxicity.set_report(self.report_view.report)

    # ------------------------------------------------------------------ status
    def _busy(self, message: str) -> None:
        self.statusBar().showMessage(message)
        self.busy.setRange(0, 0)
        self.busy.show()

    def _idle(self) -> None:
        if not self.tasks.running() or self.tasks.running() == ["warmup"]:
            self.busy.hide()
            self.statusBar().clearMessage()
