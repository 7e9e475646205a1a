"""Editing in the review window: validated cells, add/delete rows, undo/redo, read-only files, safe quit."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from tests.ui import gui2_fixtures
from y90gui.store.store import Store
from y90gui.ui.editing.sheet_editor import SheetEditorWidget
from y90gui.ui.models.sheet_model import SORT_ROLE, PatientFieldsModel, SheetRowsModel

small_store = gui2_fixtures.small_store
store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
# The offscreen platform warns that it cannot resize or raise windows (the refusal tooltip
# raises one); nothing else may warn. A function mark wins over the folder-wide one.
OFFSCREEN = pytest.mark.qt_log_ignore("This plugin does not support")
pytestmark = OFFSCREEN


def _actions(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM actions").fetchone()[0])


def _lab_value(store: Store, test: str = "bilirubin") -> float:
    return store.conn.execute("SELECT value FROM labs WHERE patient_id='P01' AND test=?", (test,)).fetchone()[0]


def test_accepted_edit_is_one_action_broadcast_and_undoable(window, qtbot) -> None:
    store = window.store
    model = window.detail.models["labs"]
    row = model.row_for_key(store.read_table("labs", ["P01"], with_ids=True)[0]["id"])
    index = model.index(row, model.column_index("value"))
    before = _actions(store)
    with qtbot.waitSignal(window.store_changed, timeout=30000) as sig:
        assert model.setData(index, "13,5")
    assert sig.args[0].tables == {"labs"} and sig.args[0].patient_ids == {"P01"}
    assert _actions(store) == before + 1
    assert _lab_value(store) == 13.5
    assert model.data(index) == "13.5" and model.data(index, SORT_ROLE) == 13.5

    undo, redo = window.actions["undo"], window.actions["redo"]
    assert undo.isEnabled() and "value 12 → 13.5" in undo.text()
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        undo.trigger()
    assert _lab_value(store) == 12.0
    assert model.data(index) == "12"  # the view refreshed from the Change
    assert redo.isEnabled() and "value 12 → 13.5" in redo.text()
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        redo.trigger()
    assert _lab_value(store) == 13.5 and model.data(index) == "13.5"
    assert not redo.isEnabled()


def test_undo_redo_have_standard_shortcuts(window) -> None:
    assert window.actions["undo"].shortcut().toString() == "Ctrl+Z"
    assert window.actions["redo"].shortcut().toString() in ("Ctrl+Shift+Z", "Ctrl+Y")


@pytest.mark.parametrize(
    ("column", "typed", "reason"),
    [
        ("value", "abc", "not a number"),
        ("value", "-1", "must be ≥ 0"),
        ("unit", "U/L", "does not belong to test bilirubin"),
        ("date", "09-03-2017", "not a date"),
        ("date", "", "required value is missing"),
    ],
)
def test_refused_edit_keeps_the_stored_value_and_says_why(window, qtbot, column, typed, reason) -> None:
    store = window.store
    model = window.detail.models["labs"]
    index = model.index(0, model.column_index(column))
    shown = model.data(index)
    before = _actions(store)
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
        assert not model.setData(index, typed)
    assert reason in sig.args[0]
    assert _actions(store) == before  # nothing written, nothing in the audit trail
    assert model.data(index) == shown
    assert reason in model.data(index, Qt.ItemDataRole.ToolTipRole)  # at the field
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert window.editing.message.isVisibleTo(window) and reason in window.editing.message.text()
    # a good value clears the mark
    assert model.setData(index, {"value": "14", "unit": "mg/dL", "date": "2014-03-02"}[column])
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is None
    assert not window.editing.message.isVisibleTo(window)


def test_record_rules_refuse_patient_field_edits(window, qtbot) -> None:
    model: PatientFieldsModel = window.detail.models["patients"]
    fu = model.index(model.row_for_key("followup_date"), 1)
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
        assert not model.setData(fu, "2014-01-01")  # before the first RE (2014-03-05)
    assert "first radioembolization" in sig.args[0]
    status = model.index(model.row_for_key("vital_status"), 1)
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
        assert not model.setData(status, "alive")  # P01 has a cause of death
    assert "cause of death" in sig.args[0]
    assert model.values()["vital_status"] == "dead"
    assert not model.flags(model.index(model.row_for_key("patient_id"), 1)) & Qt.ItemFlag.ItemIsEditable


def test_duplicate_procedure_number_is_refused(window, qtbot) -> None:
    model = window.detail.models["radioembolization"]
    index = model.index(1, model.column_index("procedure"))
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
        assert not model.setData(index, "1")
    assert "duplicate procedure" in sig.args[0]


@OFFSCREEN
def test_typing_into_the_table_goes_through_the_delegate(window, qtbot) -> None:
    window.show()
    qtbot.waitExposed(window)
    view = window.detail.tables["labs"]
    window.detail_tabs.setCurrentWidget(view)
    model = window.detail.models["labs"]
    index = model.index(0, model.column_index("value"))
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.text() == "12"
    editor.selectAll()
    qtbot.keyClicks(editor, "12.5")
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert _lab_value(window.store) == 12.5

    unit = model.index(0, model.column_index("unit"))
    view.setCurrentIndex(unit)
    view.edit(unit)
    combo = view.findChild(QComboBox)
    assert combo is not None and combo.currentText() == "umol/L"
    assert [combo.itemText(i) for i in range(combo.count())][:3] == ["U/L", "umol/L", "mg/dL"]
    combo.setCurrentText("U/L")
    with qtbot.waitSignal(model.edit_refused, timeout=30000):
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert window.store.read_table("labs", ["P01"])[0]["unit"] == "umol/L"


def test_add_row_form_marks_each_bad_field_then_adds_one_action(window, qtbot) -> None:
    window.detail_tabs.setCurrentWidget(window.detail.tables["labs"])
    controller = window.editing
    assert controller.add_row_action.isEnabled()
    dialog = controller.add_row()
    assert dialog is not None
    dialog.set_value("date", "2014-13-01")
    dialog.set_value("test", "alt")
    dialog.set_value("value", "x")
    dialog.set_value("unit", "U/L")
    assert not dialog.try_accept()
    errors = dialog.field_errors()
    assert set(errors) == {"date", "value"}
    assert "not a valid date" in errors["date"] and "not a number" in errors["value"]
    before = _actions(window.store)
    dialog.set_value("date", "2014-05-01")
    dialog.set_value("value", "55")
    with qtbot.waitSignal(window.store_changed, timeout=30000) as sig:
        assert dialog.try_accept()
    assert sig.args[0].description == "add P01 labs alt 2014-05-01"
    assert _actions(window.store) == before + 1
    assert window.detail.models["labs"].rowCount() == 3
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        window.actions["undo"].trigger()
    assert window.detail.models["labs"].rowCount() == 2


@OFFSCREEN
def test_delete_row_refused_when_an_adverse_event_names_the_procedure(window, qtbot) -> None:
    controller = window.editing
    view = window.detail.tables["radioembolization"]
    window.detail_tabs.setCurrentWidget(view)
    model = window.detail.models["radioembolization"]
    view.setCurrentIndex(model.index(model.row_for_key(
        window.store.read_table("radioembolization", ["P01"], with_ids=True)[1]["id"]), 0))
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
        assert controller.delete_row() is None
    assert "has no procedure 2" in sig.args[0]
    assert model.rowCount() == 2

    ae_view = window.detail.tables["adverse_events"]
    window.detail_tabs.setCurrentWidget(ae_view)
    ae_view.setCurrentIndex(window.detail.models["adverse_events"].index(0, 0))
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert controller.delete_row() is not None
    window.detail_tabs.setCurrentWidget(view)
    view.setCurrentIndex(model.index(1, 0))
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert controller.delete_row() is not None
    assert model.rowCount() == 1
    assert "delete P01 radioembolization procedure 2" in window.actions["undo"].text()


def test_file_open_elsewhere_is_read_only_and_names_the_holder(window, qtbot, store_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.ui.main_window import MainWindow

    other = MainWindow()
    assert other.open_file(store_path)
    try:
        assert other.store.read_only and other.store.locked_by is not None
        assert other.banner.isVisibleTo(other) and other.store.locked_by.user in other.banner.text()
        gui2_fixtures.select(qtbot, other, "P01")
        gui2_fixtures.settle(qtbot, other)
        qtbot.waitUntil(lambda: other.editing.store is other.store, timeout=30000)
        model = other.detail.models["labs"]
        index = model.index(0, model.column_index("value"))
        assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
        with qtbot.waitSignal(model.edit_refused, timeout=30000) as sig:
            assert not model.setData(index, "20")
        assert "read-only" in sig.args[0] and other.store.locked_by.user in sig.args[0]
        assert not other.actions["undo"].isEnabled() and not other.actions["redo"].isEnabled()
        assert other.actions["export"].isEnabled()  # reading is fine
        assert not other.editing.add_row_action.isEnabled()
    finally:
        gui2_fixtures.close_window(qtbot, other)


def test_newer_file_is_refused_with_a_clear_message(qtbot, tmp_path: Path, store_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from y90gui.store import schema
    from y90gui.ui.main_window import MainWindow

    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path / "settings"))
    win = MainWindow()
    qtbot.addWidget(win)
    assert not win.open_file(store_path)
    assert win.store is None
    from PySide6.QtWidgets import QMessageBox

    box = win.findChild(QMessageBox, "ErrorBox")
    assert box is not None and "newer y90gui" in box.text() and "update y90gui" in box.text()
    box.close()
    assert not win.actions["undo"].isEnabled() and not win.actions["import"].isEnabled()


def test_quit_with_work_running_asks_and_shuts_the_worker_down(window, qtbot) -> None:
    started, stopped = threading.Event(), threading.Event()

    def long_work(progress) -> None:
        started.set()
        try:
            while True:
                progress.step(0, 1, "waiting")
                threading.Event().wait(0.01)
        finally:
            stopped.set()

    window.tasks.start("export", long_work)
    assert started.wait(5)
    asked: list[list[str]] = []
    window.editing.ask_quit = lambda running: asked.append(running) or False
    window.close()
    assert asked == [["export"]]
    assert window.store is not None and not stopped.is_set()  # refused: still open, still working
    window.editing.ask_quit = lambda running: True
    window.close()
    assert stopped.wait(5)
    assert window.store is None


def test_sheet_editor_widget_standalone(small_store: Store, qtbot) -> None:
    model = SheetRowsModel(small_store, "labs", "P01")
    widget = SheetEditorWidget(model)
    qtbot.addWidget(widget)
    committed: list = []
    widget.committed.connect(committed.append)
    widget.view.sortByColumn(model.column_index("value"), Qt.SortOrder.DescendingOrder)
    assert widget.proxy.index(0, model.column_index("value")).data() == "80"
    assert not model.setData(model.index(0, model.column_index("value")), "1e999")
    assert widget.message.isVisibleTo(widget) and "finite" in widget.message.text()
    assert model.setData(model.index(0, model.column_index("uln")), "")
    assert committed and widget.message.isHidden()
    assert small_store.read_table("labs", ["P01"])[0]["uln"] is None


def test_models_refresh_only_for_changes_that_touch_them(small_store: Store, qtbot) -> None:
    labs = SheetRowsModel(small_store, "labs", "P01")
    prrt = SheetRowsModel(small_store, "prrt", "P01")
    resets = {"labs": 0, "prrt": 0}
    labs.modelReset.connect(lambda: resets.__setitem__("labs", resets["labs"] + 1))
    prrt.modelReset.connect(lambda: resets.__setitem__("prrt", resets["prrt"] + 1))
    first_lab = small_store.read_table("labs", ["P01"], with_ids=True)[0]["id"]
    other = small_store.update_row("labs", first_lab, {"uln": 22.0})
    p02 = small_store.update_row("prrt", small_store.read_table("prrt", ["P02"], with_ids=True)[0]["id"],
                                 {"activity_gbq": 3.5})
    for model in (labs, prrt):
        model.on_store_changed(other)
        model.on_store_changed(p02)
    assert resets == {"labs": 1, "prrt": 0}  # P01's labs changed; P02's PRRT is not shown here
    assert labs.data(labs.index(0, labs.column_index("uln"))) == "22"

    own = []
    labs.committed.connect(own.append)
    assert labs.setData(labs.index(0, labs.column_index("uln")), "23")
    labs.on_store_changed(own[0])  # the window echoes our own edit back: no needless reset
    assert resets["labs"] == 1
    # dates sort as ISO text, numbers as numbers, blanks first
    assert labs.data(labs.index(0, labs.column_index("date")), SORT_ROLE) == "2014-03-01"
    assert labs.data(labs.index(0, labs.column_index("lln")), SORT_ROLE) is None
    assert labs.row_for_key(first_lab) == 0 and labs.row_for_key(-5) is None


def test_reference_ranges_are_editable_without_a_patient(small_store: Store, qtbot) -> None:
    model = SheetRowsModel(small_store, "reference_ranges")
    assert model.rowCount() == 0
    change, _ = model.insert_record({"center": "Munich", "test": "alt", "unit": "U/L", "uln": "40"})
    assert change.tables == {"reference_ranges"} and model.rowCount() == 1
    with pytest.raises(Exception, match="unit"):
        model.insert_record({"center": "Munich", "test": "alt", "unit": "g/L"})
    index = model.index(0, model.column_index("lln"))
    assert not model.setData(index, "50")  # above the upper limit
    assert model.setData(index, "5")
    assert small_store.read_table("reference_ranges")[0]["lln"] == 5.0
