"""The add-row form gives each column the editor its description in `core.sheets` calls for:
drop-downs of codes (labels shown, code stored), spin boxes for grades, the patient's own
procedures, a CTCAE completer for terms; a short window title with the full heading inside;
reasons that wrap and vanish as soon as the value is given."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from tests.ui import gui2_fixtures
from y90gui.core.sheets import SHEETS

store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _open(window, sheet: str):  # type: ignore[no-untyped-def]
    window.detail_tabs.setCurrentWidget(window.detail.tables[sheet])
    action = window.editing.add_row_action
    assert action.isEnabled()
    action.trigger()
    dialog = window.editing.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_adverse_event_dialog_has_the_right_editor_per_column(window, qtbot) -> None:
    dialog = _open(window, "adverse_events")
    e = dialog.editors
    assert dialog.windowTitle() == "Add adverse event"
    assert dialog.heading.text() == "<b>Add adverse event</b> for patient <b>P01</b>"
    assert dialog.heading.wordWrap()

    category = e["category"]
    assert isinstance(category, QComboBox)
    assert [category.itemData(i) for i in range(category.count())] == [None, "clinical", "complication"]
    assert category.currentText() == "— choose —"
    grade = e["grade"]
    assert isinstance(grade, QSpinBox) and (grade.minimum(), grade.maximum()) == (0, 5)
    assert grade.text() == "—"  # blank until chosen: a forgotten grade is not silently 1
    procedure = e["procedure"]
    assert isinstance(procedure, QComboBox)
    items = [procedure.itemText(i) for i in range(procedure.count())]
    assert items == ["— none —", "Procedure 1 — 2014-03-05 (right lobe)", "Procedure 2 — 2014-04-02 (left lobe)"]
    term = e["term"]
    assert isinstance(term, QLineEdit) and term.completer() is not None
    completions = term.completer().model()
    words = [completions.index(i, 0).data() for i in range(completions.rowCount())]
    assert len(words) > 700 and "Fatigue" in words and "REILD" in words
    assert isinstance(e["onset_date"], QLineEdit) and isinstance(e["notes"], QLineEdit)

    # a required value missing: the reason is shown, wraps, and goes as soon as it is given
    assert not dialog.try_accept()
    errors = dialog.field_errors()
    assert errors["grade"] == "required value is missing" and errors["category"] == "required value is missing"
    label = dialog.errors["grade"]
    assert label.wordWrap() and label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    qtbot.keyClick(grade, Qt.Key.Key_Up)  # 1
    qtbot.keyClick(grade, Qt.Key.Key_Up)
    qtbot.keyClick(grade, Qt.Key.Key_Up)  # 3
    assert "grade" not in dialog.field_errors()
    assert "category" in dialog.field_errors()
    category.setCurrentIndex(category.findData("complication"))
    assert "category" not in dialog.field_errors()

    before = window.detail.models["adverse_events"].rowCount()
    qtbot.keyClicks(term, "nausea")
    procedure.setCurrentIndex(2)
    dialog.set_value("onset_date", "2014-04-10")
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert dialog.try_accept()
    rows = window.store.read_table("adverse_events", ["P01"])
    added = [r for r in rows if r["term"] == "nausea"]
    assert len(added) == 1
    assert (added[0]["procedure"], added[0]["grade"], added[0]["category"]) == (2, 3, "complication")
    assert window.detail.models["adverse_events"].rowCount() == before + 1


def test_free_text_terms_are_still_allowed(window, qtbot) -> None:
    dialog = _open(window, "adverse_events")
    for name, value in (("onset_date", "2014-04-11"), ("term", "hiccups after RE"), ("category", "clinical"),
                        ("grade", "1"), ("procedure", "1")):
        dialog.set_value(name, value)
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert dialog.try_accept()
    assert any(r["term"] == "hiccups after RE" for r in window.store.read_table("adverse_events", ["P01"]))


@pytest.mark.parametrize("sheet", [s.name for s in SHEETS[1:7]])
def test_every_add_row_dialog_uses_the_column_types(window, qtbot, sheet: str) -> None:
    dialog = _open(window, sheet)
    spec = next(s for s in SHEETS if s.name == sheet)
    assert "patient_id" not in dialog.editors
    for column in spec.columns:
        if column.name == "patient_id":
            continue
        editor = dialog.editors[column.name]
        if column.type in ("code", "yesno") or (sheet, column.name) == ("adverse_events", "procedure"):
            assert isinstance(editor, QComboBox), column.name
        elif column.type == "integer":
            assert isinstance(editor, QSpinBox), column.name
            if column.maximum is not None:
                assert editor.maximum() == column.maximum
        else:
            assert isinstance(editor, QLineEdit), column.name
        if column.type == "code":
            shown = [editor.itemText(i) for i in range(1, editor.count())]
            assert [editor.itemData(i) for i in range(1, editor.count())] == list(column.codes)
            assert all("_" not in text for text in shown)
    if sheet == "radioembolization":  # the next free procedure number is proposed
        assert dialog.editors["procedure"].value() == 3
    dialog.reject()
