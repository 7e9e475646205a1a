"""The patient editor names fields in words from `core.sheets`, not raw column names (issue 12)."""

from __future__ import annotations


def test_patient_editor_shows_labels_not_column_names(window, qtbot):
    pid = window.current_patient_id() or "T001"
    window.patient_panel.select_patient(pid)
    qtbot.waitUntil(lambda: window.detail.patient_id == pid, timeout=30000)
    model = window.detail.models["patients"]
    fields = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert "Ki-67 index [%]" in fields and "Centre" in fields and "Year of birth" in fields
    assert not any("_" in f for f in fields), fields
