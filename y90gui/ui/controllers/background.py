"""The window's work after the first paint: plot pages, the case series on a worker.

A controller object of `MainWindow`. Nothing here runs before the window has been painted once
(or, for a window that is never painted, 1.5 s after it was shown): then one worker imports the
plotting stack and the plot pages are built, another loads the whole case series
(`services.cohort.load_cohort`: frames derived once). Only the newest cohort task's result
counts. After a write it re-reads only the touched patients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from y90gui.core.gc_pause import settle_long_lived
from y90gui.core.progress import Progress
from y90gui.store.store import Change
from y90gui.ui.controllers.patient import PatientController
from y90gui.ui.detail_area import DetailArea, LazyPage
from y90gui.ui.report_view import ReportView
from y90gui.ui.session import Session


def warm_up(progress: Progress) -> bool:
    """Import the plotting stack so the first plot does not freeze the window."""
    import numpy  # noqa: F401
    import pyqtgraph  # noqa: F401

    progress.step(1, 1, "plotting ready")
    return True


class BackgroundController(QObject):
    #: the plot pages exist (pyqtgraph imported)
    plots_ready = Signal()

    def __init__(self, parent: QObject, session: Session, patients: PatientController, detail: DetailArea,
                 survival_page: LazyPage, cohort_toxicity_page: LazyPage, report_view: ReportView,
                 first_paint_work: Callable[[], None]) -> None:
        super().__init__(parent)
        self.session = session
        self.patients = patients
        self.detail = detail
        self.survival_page = survival_page
        self.cohort_toxicity_page = cohort_toxicity_page
        self.report_view = report_view
        self.first_paint_work = first_paint_work
        self.painted = False
        self.closed = False
        self.started = False
        self.plots_built = False
        self.km: Any = None
        #: the Cox page's tab (set by the window), filled with a `ui.cox_page.CoxPage` with the plot pages
        self.cox_page: LazyPage | None = None
        self.cox: Any = None
        self.cohort_toxicity: Any = None
        self._pending_reload: set[str] = set()
        self._generation = 0
        session.changed.connect(self._on_changed)

    # ------------------------------------------------------------------ case series
    def load_cohort(self) -> None:
        store = self.session.store
        if store is None or not self.started:
            return
        path = getattr(store, "path", store)  # a file is re-opened on the worker; a registry is shared
        self.session.busy.emit("Loading the case series…")
        from y90gui.services.cohort import load_cohort

        self._start(lambda p: load_cohort(path, p))

    def _on_changed(self, change: Change) -> None:
        if self.session.cohort is not None and change.patient_ids and "reference_ranges" not in change.tables:
            self._reload(set(change.patient_ids))
        else:
            self.load_cohort()

    def _reload(self, patient_ids: set[str]) -> None:
        """Re-read only the patients a write touched (an edit must not reload 10,000 patients)."""
        store, cohort = self.session.store, self.session.cohort
        if store is None or cohort is None:
            return
        from y90gui.services.cohort import reload_patients

        # a reload still running for an earlier edit is superseded: redo its patients too
        self._pending_reload |= patient_ids
        path, pids = getattr(store, "path", store), set(self._pending_reload)
        self._start(lambda p: reload_patients(path, cohort, pids, p))

    def _start(self, fn: Any) -> None:
        """Only the newest cohort task's result counts (a late result of a superseded one is dropped)."""
        self._generation += 1
        generation = self._generation

        def finished(cohort: Any) -> None:
            if generation == self._generation:
                self._loaded(cohort)

        self.session.tasks.start("cohort", fn, finished, self._failed, on_cancelled=self.session.idle.emit)

    def _loaded(self, cohort: Any) -> None:
        self._pending_reload.clear()
        self.session.idle.emit()
        if self.session.store is None:
            return
        self.session.set_cohort(cohort)
        settle_long_lived()  # the new cohort out of later full collections (core.gc_pause)

    def _failed(self, exc: BaseException) -> None:
        self.session.idle.emit()
        self.session.failed.emit("A background task failed", exc)  # shown, and a bug logged, by the window

    # ------------------------------------------------------------------ first paint
    def window_painted(self) -> None:
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, self, self._after_first_paint)

    def window_shown(self) -> None:
        # a window shown minimised (or on a platform that does not paint it) must load anyway
        QTimer.singleShot(1500, self, self._paint_fallback)

    def _paint_fallback(self) -> None:
        if not self.painted and not self.closed:
            self.painted = True
            self._after_first_paint()

    def _after_first_paint(self) -> None:
        """Only now: the first patient's details and the background work (imports, cohort load)."""
        if self.closed:
            return
        self.patients.painted = True
        self.first_paint_work()
        if self.patients.has_pending():
            self.patients.apply_pending()
        if not self.started:
            self.started = True
            QTimer.singleShot(30, self, self._start_background)

    def _start_background(self) -> None:
        if self.closed:
            return
        self.session.tasks.start("warmup", warm_up, lambda _r: self._build_plot_pages(), self._failed)
        self.load_cohort()

    def _build_plot_pages(self) -> None:
        if self.plots_built or self.closed:
            return
        from y90gui.ui.km_widget import KaplanMeierWidget
        from y90gui.ui.timeline import TimelineWidget
        from y90gui.ui.toxicity_panels import CohortToxicityPanel, PatientToxicityPanel

        timeline = TimelineWidget(self.detail)
        timeline.item_clicked.connect(self.detail.show_row)
        self.detail.timeline_page.set_content(timeline)
        patient_toxicity = PatientToxicityPanel(self.detail)
        self.detail.toxicity_page.set_content(patient_toxicity)
        self.km = KaplanMeierWidget(self.session, self.survival_page)
        self.survival_page.set_content(self.km)
        self.cohort_toxicity = CohortToxicityPanel(self.session, self.cohort_toxicity_page)
        self.cohort_toxicity_page.set_content(self.cohort_toxicity)
        self.report_view.report_ready.connect(self.cohort_toxicity.set_report)
        if self.cox_page is not None:
            from y90gui.ui.cox_page import CoxPage

            self.cox = CoxPage(self.session, self.cox_page)
            self.cox_page.set_content(self.cox)
        self.plots_built = True
        self.patients.set_plots(timeline, patient_toxicity)
        self.plots_ready.emit()
        self.km.request_refresh()
        if self.report_view.report is not None:
            self.cohort_toxicity.set_report(self.report_view.report)

    def view_changed(self, page: Any) -> None:
        if page is self.survival_page and self.km is not None:
            self.km.refresh_if_stale()
        elif page in (self.report_view, self.cohort_toxicity_page):
            self.report_view.refresh_if_stale()
