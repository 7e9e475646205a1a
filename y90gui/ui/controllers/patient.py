"""The table's filter as data and the shown patient: a controller object of `MainWindow`.

Every filter change of the patient panel becomes one `CohortView` (the IDs shown and what the
filter says), handed to the session after a short debounce, so typing in the search box stays
instant and the cohort views refit once. Selecting a row only queues the patient; the details
load once the selection has rested (`PATIENT_DEBOUNCE_MS`) and never before the first paint.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from y90gui.ui.detail_area import DetailArea
from y90gui.ui.patient_panel import PatientPanel
from y90gui.ui.richtext import esc
from y90gui.ui.session import Session

FILTER_DEBOUNCE_MS = 120
#: a patient's details load once the selection has rested this long (typing a filter that
#: moves the current row must not redraw the timeline on every keystroke)
PATIENT_DEBOUNCE_MS = 60
#: the sheets a patient's timeline and toxicity grid are drawn from
PATIENT_SHEETS = ("patients", "prrt", "radioembolization", "response", "labs", "adverse_events",
                  "treatments_after", "reference_ranges")


class PatientController(QObject):
    def __init__(self, parent: QObject, session: Session, panel: PatientPanel, detail: DetailArea) -> None:
        super().__init__(parent)
        self.session = session
        self.panel = panel
        self.detail = detail
        self.painted = False
        self.timeline: Any = None
        self.patient_toxicity: Any = None
        self._pending: str | None = None
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DEBOUNCE_MS)
        self._filter_timer.timeout.connect(self.publish_view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PATIENT_DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply_pending)
        panel.filter_changed.connect(self._filter_timer.start)
        panel.patient_activated.connect(self.queue)
        session.changed.connect(self._on_changed)

    # ------------------------------------------------------------------ the filter
    def publish_view(self) -> None:
        """The table's current filter, as data, to every cohort view (through the session)."""
        self._filter_timer.stop()
        self.session.set_view(self.panel.cohort_view())

    # ------------------------------------------------------------------ the patient
    def current(self) -> str | None:
        return self.panel.current_patient_id()

    def queue(self, pid: str) -> None:
        if pid == self.detail.patient_id and self._pending is None:
            return  # re-selected after a filter reset: already shown
        self._pending = pid
        if self.painted:
            self._timer.start()

    def apply_pending(self) -> None:
        pid, self._pending = self._pending, None
        if pid is not None and pid == self.current():
            self.show(pid)

    def has_pending(self) -> bool:
        return self._pending is not None

    def show(self, pid: str) -> None:
        self.detail.set_patient(pid, self.header(pid))
        self.show_plots(pid)
        self.session.select_patient(pid)

    def set_plots(self, timeline: Any, patient_toxicity: Any) -> None:
        self.timeline, self.patient_toxicity = timeline, patient_toxicity
        pid = self.current()
        if pid:
            self.show_plots(pid)

    def show_plots(self, pid: str) -> None:
        store = self.session.store
        if store is None or self.timeline is None:
            return
        data = {name: store.read_table(name, None if name == "reference_ranges" else [pid], with_ids=True)
                for name in PATIENT_SHEETS}
        self.timeline.set_patient(data)
        self.patient_toxicity.set_patient(data)

    def _on_changed(self, change: Any) -> None:
        pid = self.current()
        if pid and (not change.patient_ids or pid in change.patient_ids):
            self.show_plots(pid)
        shown = self.detail.patient_id
        if shown and (not change.patient_ids or shown in change.patient_ids):
            # after the table has re-read its rows (a later slot of the same signal)
            QTimer.singleShot(0, self._follow_removed)

    def _follow_removed(self) -> None:
        """The shown patient was deleted (an undo of its import): show the table's current
        patient instead, or nothing, never the header of a patient the file no longer has."""
        store, shown = self.session.store, self.detail.patient_id
        if store is None or shown is None or store.read_table("patients", [shown]):
            return  # through the case-series interface: the same on a file and on a registry
        pid = self.current()
        if pid is not None and pid != shown:
            self.show(pid)
        else:
            self.detail.set_patient(None)

    def header(self, pid: str) -> str:
        m = self.panel.model

        def v(key: str) -> str:
            value = m.value(pid, key)
            return "—" if value is None else esc(str(value).replace("_", " "))

        return (f"<b style='font-size:13pt'>{esc(pid)}</b> &nbsp; {v('center')} · {v('sex')} · {v('primary_site')} "
                f"{v('who_grade')} · {v('re_procedures')} RE · {v('vital_status')}")

    def step(self, delta: int) -> None:
        table = self.panel.table
        row = table.currentIndex().row() + delta
        if 0 <= row < self.panel.proxy.rowCount():
            table.selectRow(row)
