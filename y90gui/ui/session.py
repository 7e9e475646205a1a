"""The review session: the one object every view observes (after napari's ViewerModel).

It holds the open store, the case series in memory (`cohort`), the current filter as data
(`view`, a `services.cohort_view.CohortView`), the selected patient and the analysis settings
(CI method, basis, windows). Views get the session, never the main window, and nobody reaches
into another widget. Writes go through one path, `run_op` / `apply` (Anki's CollectionOp ->
OpChanges): the core function runs off the GUI thread with progress (or, for a cell edit of a few
milliseconds, has just run), then the session emits one `changed(Change)`. Nothing else emits
store changes. (The import dialog runs its check and write stages with its own progress strip
and hands the write's Change to `apply`.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from y90gui.services.cohort_view import EVERYONE, CohortView
from y90gui.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from y90gui.core.progress import Progress
    from y90gui.services.cohort import CohortData
    from y90gui.store.store import Change, Store
    from y90gui.ui.dialogs.progress import TaskDialog


@dataclass(frozen=True)
class AnalysisSettings:
    """What every cohort view computes with; `analysis.survival.CI_METHODS`, `report.BASES`."""

    ci_method: str = "log-log"
    basis: str = "procedures"
    window_days: int = 90


class Session(QObject):
    opened = Signal(object)  # the Store
    closed = Signal()
    #: the filter changed (or the table's rows did): every cohort view re-reads `view`
    cohort_changed = Signal(object)  # CohortView
    #: the case series in memory is new or updated (`cohort`)
    cohort_loaded = Signal(object)  # CohortData
    patient_selected = Signal(str)
    #: after every write, exactly once: a store `Change` (tables and patients touched)
    changed = Signal(object)
    settings_changed = Signal(object)  # AnalysisSettings
    #: status for the window to show: (message, timeout ms; 0 = until replaced)
    message = Signal(str, int)
    #: work the user waits for started (text) / ended
    busy = Signal(str)
    idle = Signal()
    #: an error the user must see: (title, exception)
    failed = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store: Store | None = None
        self.cohort: CohortData | None = None
        self.view: CohortView = EVERYONE
        self.patient_id: str | None = None
        self.settings = AnalysisSettings()
        self.tasks = TaskRunner(self)
        self._every: tuple[Any, tuple[str, ...]] = (None, ())  # (patients frame, its IDs)

    # ------------------------------------------------------------------ state
    def set_store(self, store: Store | None) -> None:
        if self.store is not None:
            self.tasks.cancel("cohort")
            self.store.close()
            self.store = None
            self.cohort = None
            self.patient_id = None
            self.closed.emit()
        self.store = store
        if store is not None:
            self.opened.emit(store)

    def set_view(self, view: CohortView) -> None:
        self.view = view
        self.cohort_changed.emit(view)

    def set_cohort(self, cohort: CohortData) -> None:
        self.cohort = cohort
        self.cohort_loaded.emit(cohort)

    def select_patient(self, patient_id: str) -> None:
        self.patient_id = patient_id
        self.patient_selected.emit(patient_id)

    def update_settings(self, **changes: Any) -> None:
        new = replace(self.settings, **changes)
        if new != self.settings:
            self.settings = new
            self.settings_changed.emit(new)

    def shown_ids(self) -> list[str]:
        """The patients of the current filter (every patient of the cohort when none is active)."""
        if self.cohort is None:
            return self.view.ids([])
        patients = self.cohort.frames.patients
        if self._every[0] is not patients:  # once per load: listing 100,000 IDs took ~20 ms a refresh
            self._every = (patients, tuple(patients["patient_id"].tolist()))
        return self.view.ids(self._every[1])

    # ------------------------------------------------------------------ the write path
    def apply(self, change: Change) -> None:
        """A write has happened (a cell edit on the GUI thread, or an op's result): tell every view once."""
        self.changed.emit(change)

    def run_op(self, key: str, title: str, fn: Callable[[Progress], Change], parent: QWidget | None, *,
               on_success: Callable[[Change], None] | None = None, show_after_ms: int | None = None,
               cancellable: bool = True) -> TaskDialog:
        """Run a core write `fn(progress) -> Change` on a worker behind a progress dialog, then
        `apply` its Change (the one broadcast), then `on_success(change)`. Anki's CollectionOp."""
        from y90gui.ui.dialogs.progress import SHOW_AFTER_MS, run_task

        def done(change: Change) -> None:
            self.apply(change)
            if on_success is not None:
                on_success(change)

        return run_task(parent, self.tasks, key, title, fn, done,
                        show_after_ms=SHOW_AFTER_MS if show_after_ms is None else show_after_ms,
                        cancellable=cancellable)
