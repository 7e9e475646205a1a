"""The main window: title, menus, patient table, filters and the 'N of M shown' line."""

from __future__ import annotations

from cohort_fixture import build_small_cohort
from PySide6.QtCore import Qt

from y90gui.store.store import Store
from y90gui.ui.patient_model import ALL, COLUMN_KEYS

API_ACTIONS = {"new", "open", "backup", "import", "export", "template", "export_report", "quit", "undo", "redo",
               "about"}


def _column(window, key):
    proxy = window.patient_panel.proxy
    c = COLUMN_KEYS.index(key)
    return [proxy.index(r, c).data() for r in range(proxy.rowCount())]


def test_window_api_title_and_menus(window, small_store_path):
    assert set(window.actions) >= API_ACTIONS
    assert window.windowTitle().startswith(small_store_path.name)
    assert "read-only" not in window.windowTitle()
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&View", "&Help"]
    assert window.store is not None and window.current_patient_id() == "T001"
    assert window.detail_tabs.count() >= 9


def test_table_shows_every_patient_and_the_count(window):
    assert window.patient_panel.proxy.rowCount() == 12
    assert window.patient_panel.count_label.text() == "12 of 12 patients shown"
    assert _column(window, "patient_id")[:3] == ["T001", "T002", "T003"]
    assert _column(window, "first_extent")[0] == "whole liver"


def test_search_filters_by_id_centre_and_notes(window, qtbot):
    panel = window.patient_panel
    qtbot.keyClicks(panel.search, "bonn")
    assert sorted(_column(window, "center")) == ["Bonn"] * 4
    assert panel.count_label.text() == "4 of 12 patients shown"
    assert window.filtered_patient_ids() == ["T001", "T004", "T007", "T010"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "carcinoid")  # in the notes only
    assert window.filtered_patient_ids() == ["T004"]
    panel.search.clear()
    assert panel.proxy.rowCount() == 12


def test_combo_filters_combine(window):
    panel = window.patient_panel
    panel.set_filter("vital_status", "dead")
    dead = [p["patient_id"] for p in build_small_cohort()["patients"] if p["vital_status"] == "dead"]
    assert window.filtered_patient_ids() == dead
    panel.set_filter("center", "Utrecht")
    assert window.filtered_patient_ids() == [p for p in dead if p not in ("T001", "T004", "T007", "T010")]
    panel.clear_filters()
    assert len(window.filtered_patient_ids()) == 12
    assert panel.combos["center"].currentData() is ALL


def test_sorting_by_a_numeric_column_keeps_empty_last_and_the_selection(window, qtbot):
    panel = window.patient_panel
    panel.select_patient("T005")
    c = COLUMN_KEYS.index("followup_years")
    panel.table.sortByColumn(c, Qt.SortOrder.DescendingOrder)
    values = [panel.proxy.index(r, c).data() for r in range(panel.proxy.rowCount())]
    numbers = [float(v) for v in values]
    assert numbers == sorted(numbers, reverse=True)
    assert window.current_patient_id() == "T005"
    panel.set_filter("first_extent", "right_lobe")
    shown = [panel.proxy.index(r, c).data() for r in range(panel.proxy.rowCount())]
    assert [float(v) for v in shown] == sorted((float(v) for v in shown), reverse=True)


def test_derived_columns_filled_after_load(window):
    from y90gui.analysis import recist

    data = build_small_cohort()
    expected = {pid: a.get("recist") for pid, a in recist.three_month(data).items() if a}
    model = window.patient_panel.model
    for pid in model.patient_ids():
        assert model.value(pid, "recist_3m") == expected.get(pid)
    window.patient_panel.set_filter("recist_3m", "PD")
    assert window.filtered_patient_ids() == sorted(p for p, r in expected.items() if r == "PD")


def test_selecting_a_row_emits_patient_selected_and_fills_details(window, qtbot):
    panel = window.patient_panel
    with qtbot.waitSignal(window.patient_selected, timeout=30000) as blocker:
        panel.table.selectRow(2)
    assert blocker.args == ["T003"]
    assert "T003" in window.detail.header.text()
    assert window.detail.models["radioembolization"].rowCount() == 2
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert window.current_patient_id() == "T004"


def test_read_only_file_shows_banner_and_title(qtbot, small_store_path):
    from ui_helpers import close_window

    from y90gui.ui.main_window import MainWindow

    holder = Store.open(small_store_path)  # this process holds the write lock ...
    try:
        win = MainWindow()
        assert win.open_file(small_store_path)  # ... so the window gets it read-only
        win.show()
        assert win.store.read_only
        assert "read-only" in win.windowTitle()
        assert win.banner.isVisible() and "has this file open" in win.banner.text()
        close_window(qtbot, win)
    finally:
        holder.close()


def test_store_errors_become_a_message_box_not_a_traceback(window, tmp_path, qtbot):
    bad = tmp_path / "not-a-db.y90"
    bad.write_bytes(b"this is not sqlite" * 100)
    old = window.store.path
    assert window.open_file(bad) is False
    from PySide6.QtWidgets import QMessageBox

    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "not-a-db.y90" in boxes[0].text()
    for b in boxes:
        b.close()
    assert window.store.path == old


def test_layout_and_recent_files_are_remembered(qtbot, small_store_path):
    from ui_helpers import close_window

    from y90gui.ui.main_window import MainWindow
    from y90gui.ui.settings import app_settings, recent_files

    win = MainWindow()
    win.open_file(small_store_path)
    win.resize(701, 501)
    win.show()
    close_window(qtbot, win)
    settings = app_settings()
    assert recent_files(settings)[0] == str(small_store_path.resolve())
    win2 = MainWindow()
    assert win2.size().height() == 501  # (the width is clamped to the minimum layout width)
    close_window(qtbot, win2)


def test_a_write_refreshes_table_cohort_and_survival_for_just_that_patient(window, qtbot):
    before = dict((pid, ev) for pid, _d, ev in window.cohort.os_rows)
    assert before["T002"] is True
    change = window.store.update_row("patients", "T002", {"vital_status": "alive"})
    with qtbot.waitSignal(window.cohort_loaded, timeout=30000):
        window.store_changed.emit(change)
    model = window.patient_panel.model
    assert model.value("T002", "vital_status") == "alive"
    after = dict((pid, ev) for pid, _d, ev in window.cohort.os_rows)
    assert after["T002"] is False
    assert {k: v for k, v in after.items() if k != "T002"} == {k: v for k, v in before.items() if k != "T002"}
    patients = window.cohort.frames.patients  # (the cohort holds analysis frames, not CaseData, since issue 11)
    assert len(patients) == 12
    assert patients.loc[patients["patient_id"] == "T002", "vital_status"].tolist() == ["alive"]
    window.views.setCurrentWidget(window.survival_page)
    qtbot.waitUntil(lambda: window.km.results["all"].events == 2, timeout=30000)


def test_an_empty_case_series_opens_and_every_view_copes(qtbot, tmp_path):
    from ui_helpers import close_window

    from y90gui.ui.main_window import MainWindow

    path = tmp_path / "empty.y90"
    Store.create(path).close()
    win = MainWindow()
    assert win.open_file(path)
    win.show()
    qtbot.waitUntil(lambda: win.plots_built and win.cohort is not None and not win.tasks.running(), timeout=60000)
    assert win.patient_panel.count_label.text() == "0 of 0 patients shown"
    assert win.current_patient_id() is None and win.filtered_patient_ids() == []
    for i in range(win.views.count()):
        win.views.setCurrentIndex(i)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=60000)
    assert "No patients" in win.km.summary.text()
    assert win.report_view.report is not None and win.report_view.report["patients"] == 0
    assert "0 of 0" in win.report_view.status.text()
    close_window(qtbot, win)
