"""The exclusion flag in the window: edited in the patient editor, marked in the patient table,
honoured by the KM view and the report ("1 excluded from analysis (…)")."""

from __future__ import annotations

from PySide6.QtCore import Qt

from y90gui.ui.patient_model import COLUMN_KEYS


def _open_survival(window, qtbot):
    window.views.setCurrentWidget(window.survival_page)
    qtbot.waitUntil(lambda: window.km is not None, timeout=30000)
    return window.km


def _table_text(window, pid: str, key: str) -> str:
    panel = window.patient_panel
    proxy = panel.table.model()
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data() == pid:
            return str(proxy.index(row, COLUMN_KEYS.index(key)).data() or "")
    raise AssertionError(pid)


def test_excluding_a_patient_marks_the_row_and_leaves_the_analyses(window, qtbot) -> None:
    km = _open_survival(window, qtbot)
    n_before = km.results["all"].n
    qtbot.waitUntil(lambda: window.detail.models["patients"].values().get("patient_id") == "T001", timeout=30000)
    model = window.detail.models["patients"]
    reason = model.index(model.row_for_key("exclusion_reason"), 1)
    flag = model.index(model.row_for_key("excluded_from_analysis"), 1)
    with qtbot.waitSignal(window.cohort_loaded, timeout=60000):
        assert model.setData(reason, "lost to follow-up")
        assert model.setData(flag, "yes")
    assert model.data(flag) == "yes"
    qtbot.waitUntil(lambda: _table_text(window, "T001", "excluded") == "excluded: lost to follow-up", timeout=30000)
    proxy = window.patient_panel.table.model()
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "T001")
    assert proxy.index(row, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert not proxy.index(row, 0).data(Qt.ItemDataRole.DecorationRole).isNull()  # the ⊘ by the ID
    assert proxy.index(row, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    other = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "T002")
    assert proxy.index(other, 0).data(Qt.ItemDataRole.FontRole) is None
    assert proxy.index(other, 0).data(Qt.ItemDataRole.DecorationRole) is None
    km.refresh()
    assert km.results["all"].n == n_before - 1
    assert "1 patient excluded from analysis not shown." in km.note.text()

    window.views.setCurrentWidget(window.report_view)
    qtbot.waitUntil(lambda: window.report_view.report is not None and not window.report_view.stale
                    and "excluded_from_analysis" in window.report_view.report, timeout=60000)
    assert "1 excluded from analysis (lost to follow-up 1)" in window.report_view.text()
