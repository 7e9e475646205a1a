"""Which patient the window shows: the debounced selection, its header line and its plots.

A mixin of `MainWindow`, kept apart so the window module holds layout and data flow only.
Selecting a row only queues the patient; the details load once the selection has rested
(`main_window.PATIENT_DEBOUNCE_MS`) and never before the first paint, so typing a filter that
moves the current row does not redraw the timeline on every keystroke.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from y90gui.store.store import Store
    from y90gui.ui.detail_area import DetailArea
    from y90gui.ui.patient_panel import PatientPanel

#: the sheets a patient's timeline and toxicity grid are drawn from
PATIENT_SHEETS = ("patients", "prrt", "radioembolization", "response", "labs", "adverse_events",
                  "treatments_after", "reference_ranges")


class PatientSelectionMixin:
    """Needs the window's `store`, `detail`, `patient_panel`, plot widgets and `patient_selected`."""

    store: Store | None
    detail: DetailArea
    patient_panel: PatientPanel
    plots_built: bool
    timeline: Any
    patient_toxicity: Any
    patient_selected: Any
    _painted: bool
    _pending_patient: str | None
    _patient_timer: Any
    if TYPE_CHECKING:  # provided by MainWindow
        def current_patient_id(self) -> str | None: ...

    def _queue_patient(self, pid: str) -> None:
        if pid == self.detail.patient_id and self._pending_patient is None:
            return  # re-selected after a filter reset: already shown
        self._pending_patient = pid
        if self._painted:
            self._patient_timer.start()

    def _apply_patient(self) -> None:
        pid, self._pending_patient = self._pending_patient, None
        if pid is not None and pid == self.current_patient_id():
            self._on_patient(pid)

    def _on_patient(self, pid: str) -> None:
        self.detail.set_patient(pid, self._patient_header(pid))
        self._show_patient_plots(pid)
        self.patient_selected.emit(pid)

    def _show_patient_plots(self, pid: str) -> None:
        if self.store is None or not self.plots_built:
            return
        data = {name: self.store.read_table(name, None if name == "reference_ranges" else [pid], with_ids=True)
                for name in PATIENT_SHEETS}
        self.timeline.set_patient(data)
        self.patient_toxicity.set_patient(data)

    def _patient_header(self, pid: str) -> str:
        m = self.patient_panel.model

        def v(key: str) -> str:
            value = m.value(pid, key)
            return "—" if value is None else str(value).replace("_", " ")

        return (f"<b style='font-size:13pt'>{pid}</b> &nbsp; {v('center')} · {v('sex')} · {v('primary_site')} "
                f"{v('who_grade')} · {v('re_procedures')} RE · {v('vital_status')}")

    def step_patient(self, delta: int) -> None:
        table = self.patient_panel.table
        row = table.currentIndex().row() + delta
        if 0 <= row < self.patient_panel.proxy.rowCount():
            table.selectRow(row)
