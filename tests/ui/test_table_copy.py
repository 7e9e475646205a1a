"""Ctrl+C copies the selection of any table (not one cell) as tab-separated text and an HTML
table; the context menu's "Export view…" writes the view to CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QTableView

from tests.ui import gui2_fixtures

store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _select_block(view: QTableView, rows: range, cols: range) -> None:
    model = view.model()
    block = QItemSelection(model.index(rows.start, cols.start), model.index(rows.stop - 1, cols.stop - 1))
    view.selectionModel().select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    view.setCurrentIndex(model.index(rows.start, cols.start))
    view.selectionModel().select(block, QItemSelectionModel.SelectionFlag.ClearAndSelect)


def _ctrl_c(qtbot, view: QTableView) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    QApplication.clipboard().clear()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QApplication.clipboard().mimeData()
    return mime.text(), mime.html()


def _shown(view: QTableView, r: int, c: int) -> str:
    return str(view.model().index(r, c).data() or "")


def test_ctrl_c_copies_a_block_of_the_labs_table_as_text_and_html(window, qtbot) -> None:
    view = window.detail.tables["labs"]
    window.detail_tabs.setCurrentWidget(view)
    model = view.model()
    assert model.rowCount() >= 2 and model.columnCount() >= 3
    assert model.rowCount() == 2
    _select_block(view, range(1, 2), range(1, 3))  # one row, two columns: neither whole rows nor columns
    text, html = _ctrl_c(qtbot, view)
    expected = [[_shown(view, 1, c) for c in (1, 2)]]
    assert text == "\t".join(expected[0]) + "\n"
    assert html.count("<tr>") == 1 and "<th>" not in html
    assert all(f"<td>{cell}</td>" in html for cell in expected[0])

    _select_block(view, range(0, 2), range(1, 3))  # both rows of two columns: whole columns
    text, html = _ctrl_c(qtbot, view)
    header = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in (1, 2)]
    expected = [header] + [[_shown(view, r, c) for c in (1, 2)] for r in (0, 1)]
    assert text == "".join("\t".join(row) + "\n" for row in expected)
    assert html.count("<tr>") == 3 and html.count("<th>") == 2


def test_whole_rows_are_copied_with_the_header(window, qtbot) -> None:
    view = window.detail.tables["labs"]
    window.detail_tabs.setCurrentWidget(view)
    model = view.model()
    view.selectAll()
    text, html = _ctrl_c(qtbot, view)
    lines = text.splitlines()
    header = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
              if not view.horizontalHeader().isSectionHidden(c)]
    assert lines[0] == "\t".join(header) and len(lines) == model.rowCount() + 1
    assert html.count("<th>") == len(header)


def test_the_patient_table_copies_its_selected_row_not_one_cell(window, qtbot) -> None:
    view = window.patient_panel.table
    text, _html = _ctrl_c(qtbot, view)
    lines = text.splitlines()
    assert len(lines) == 2 and "P01" in lines[1].split("\t")
    assert len(lines[1].split("\t")) > 3


def test_context_menu_exports_the_view_to_csv_and_xlsx(window, qtbot, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.ui.table_copy import install_table_copy

    view = window.detail.tables["labs"]
    window.detail_tabs.setCurrentWidget(view)
    model = view.model()
    for name in ("labs.csv", "labs.xlsx"):
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
        at = QPoint(5, 5)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, view.viewport().mapToGlobal(at))
        QApplication.sendEvent(view.viewport(), event)
        menu = install_table_copy().last_menu
        actions = {a.text(): a for a in menu.actions()}
        assert set(actions) == {"Copy", "Export view…"}
        actions["Export view…"].trigger()
        menu.close()
        assert target.exists()
    header = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    csv_lines = (tmp_path / "labs.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv_lines[0].split(",") == header and len(csv_lines) == model.rowCount() + 1
    ws = openpyxl.load_workbook(tmp_path / "labs.xlsx").active
    got = [[c.value for c in r] for r in ws.iter_rows()]
    assert got[0] == header and len(got) == model.rowCount() + 1
    value_col = header.index(next(h for h in header if h.startswith("value")))
    assert isinstance(got[1][value_col], int | float)  # numbers stay numbers
    assert str(got[1][value_col]).rstrip("0").rstrip(".") == _shown(view, 0, value_col).rstrip("0").rstrip(".")


def test_toxicity_grade_tables_copy_too(window, qtbot) -> None:
    view = window.patient_toxicity.lab_view
    model = view.model()
    assert model is not None and model.rowCount() > 0
    view.selectAll()
    text, html = _ctrl_c(qtbot, view)
    lines = text.splitlines()
    assert len(lines) == model.rowCount() + 1
    assert lines[1].split("\t") == [_shown(view, 0, c) for c in range(model.columnCount())]
    assert html.count("<tr>") == model.rowCount() + 1


def test_the_import_preview_tree_and_the_history_copy_too(window, qtbot, tmp_path: Path) -> None:
    from y90gui.io.exporter import export_store

    path = export_store(window.store, tmp_path / "centre.xlsx")
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["patients"][1]]
    wb["patients"].cell(2, header.index("ki67_pct") + 1, 15)
    wb.save(path)
    dialog = window.editing.open_import(path)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    tree = dialog.preview.tree
    tree.expandAll()
    group = dialog.preview.groups["changed"]
    tree.setCurrentItem(group)  # one row at a time: the group is copied with what is under it
    text, html = _ctrl_c(qtbot, tree)
    lines = text.splitlines()
    assert any(line.startswith("Changed patients (1)") for line in lines)
    assert any("ki67_pct" in line and "12" in line and "15" in line for line in lines)
    assert "<table>" in html
    dialog.reject()

    history = window.editing.history.view
    window.detail_tabs.setCurrentWidget(window.editing.history)
    history.selectRow(0)
    text, _html = _ctrl_c(qtbot, history)
    assert text.splitlines()[0].split("\t")[:3] == ["Time", "Operation", "Row"]


def _click(qtbot, view: QTableView, row: int, col: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    index = view.model().index(row, col)
    view.scrollTo(index)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # not a double click with the last one
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(index).center())


def test_the_patient_table_copies_a_block_of_cells_as_selected(window, qtbot) -> None:
    """A researcher selects a block of cells as in Excel: Ctrl+C copies that block (text + HTML),
    not whole rows; a plain click still selects the patient's row, and the patient shown is the
    current row's."""
    panel = window.patient_panel
    view = panel.table
    assert view.model().rowCount() == 2
    _click(qtbot, view, 0, 1)
    assert {i.row() for i in view.selectionModel().selectedIndexes()} == {0}
    assert len(view.selectionModel().selectedIndexes()) == view.model().columnCount()  # the whole row
    assert panel.current_patient_id() == view.model().index(0, 0).data()
    _click(qtbot, view, 0, 3, Qt.KeyboardModifier.ShiftModifier)  # three cells of one row
    text, html = _ctrl_c(qtbot, view)
    cells = [_shown(view, 0, c) for c in (1, 2, 3)]
    assert all(cells) and text == "\t".join(cells) + "\n"
    assert html.count("<tr>") == 1 and "<th>" not in html and all(f"<td>{c}</td>" in html for c in cells)
    _click(qtbot, view, 1, 3, Qt.KeyboardModifier.ShiftModifier)  # 2 x 3: every row, so with its header
    text, html = _ctrl_c(qtbot, view)
    header = [str(view.model().headerData(c, Qt.Orientation.Horizontal)) for c in (1, 2, 3)]
    expected = [header] + [[_shown(view, r, c) for c in (1, 2, 3)] for r in (0, 1)]
    assert text == "".join("\t".join(row) + "\n" for row in expected)
    assert html.count("<tr>") == 3 and html.count("<th>") == 3
    assert panel.current_patient_id() == view.model().index(1, 0).data()  # row-based navigation
    qtbot.waitUntil(lambda: window.detail.patient_id == panel.current_patient_id(), timeout=10000)
    # keyboard: Up moves to the other patient and selects its whole row again
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert panel.current_patient_id() == view.model().index(0, 0).data()
    assert {i.row() for i in view.selectionModel().selectedIndexes()} == {0}
    assert len(view.selectionModel().selectedIndexes()) == view.model().columnCount()
    # Shift+Right extends a block from the current cell: two cells
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    text, _html = _ctrl_c(qtbot, view)
    assert text == "\t".join(_shown(view, 0, c) for c in (3, 4)) + "\n"
