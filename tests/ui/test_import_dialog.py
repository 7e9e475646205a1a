"""Import from the window: a bad workbook shows every error and writes nothing; a good one goes
through the change preview and is written as one undoable action."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from ui_helpers import held_progress

from tests.ui import gui2_fixtures
from y90gui.store.store import Store

store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
small_store = gui2_fixtures.small_store
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _exported(store: Store, path: Path) -> Path:
    from y90gui.io.exporter import export_store

    return export_store(store, path)


def _edit_cells(path: Path, edits: dict[str, dict[str, object]], append: dict[str, list[list[object]]] | None = None
                ) -> Path:
    wb = openpyxl.load_workbook(path)
    for sheet, cells in edits.items():
        for ref, value in cells.items():
            wb[sheet][ref] = value
    for sheet, rows in (append or {}).items():
        for row in rows:
            wb[sheet].append(row)
    wb.save(path)
    return path


def _actions(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM actions").fetchone()[0])


def _wait_plan(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.plan is not None or "Cannot" in dialog.status.text(), timeout=20000)


def test_bad_workbook_shows_every_error_and_writes_nothing(window, qtbot, tmp_path: Path) -> None:
    store = window.store
    path = _exported(store, tmp_path / "centre.xlsx")
    # patients!G2 = ki67_pct of P01, M3 = followup_date of P02; labs!E2 = unit of P01's bilirubin
    _edit_cells(path, {"patients": {"G2": "abc", "M3": "09-03-2017"}, "labs": {"E2": "U/L"}},
                append={"adverse_events": [["P99", None, "2015-01-01", "nausea", "clinical", 2, None]]})
    before = (_actions(store), store.counts())
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    assert dialog.pages.currentIndex() == dialog.PAGE_ERRORS
    assert not dialog.import_button.isEnabled()
    assert "nothing will be imported" in dialog.status.text()
    model = dialog.errors.model
    found = {tuple(model.cell(r, c) for c in range(1, 6)) for r in range(model.rowCount())
             if model.cell(r, 0) == "error"}
    by_cell = {(s, row, col): (value, msg) for s, row, col, value, msg in found}
    assert by_cell[("patients", "2", "ki67_pct")][0] == "abc"
    assert "not a number" in by_cell[("patients", "2", "ki67_pct")][1]
    assert by_cell[("patients", "3", "followup_date")][0] == "09-03-2017"
    assert "does not belong to test bilirubin" in by_cell[("labs", "2", "unit")][1]
    assert by_cell[("adverse_events", "3", "patient_id")][0] == "P99"

    # sortable by row number (numerically), copyable as a table with Ctrl+C and the Copy button
    table = dialog.errors
    table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    rows = [table.proxy.index(r, 2).data() for r in range(table.proxy.rowCount())]
    assert rows == sorted(rows, key=lambda x: int(x or -1), reverse=True)
    table.copy_button.click()
    text = QGuiApplication.clipboard().text()
    lines = text.splitlines()
    assert lines[0].split("\t") == ["level", "sheet", "row", "column", "value", "message"]
    assert len(lines) == 1 + model.rowCount()
    assert any(line.startswith("error\tpatients\t2\tki67_pct\tabc\t") for line in lines)
    table.view.selectRow(0)
    QGuiApplication.clipboard().clear()
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert len(QGuiApplication.clipboard().text().splitlines()) == 2

    assert (_actions(store), store.counts()) == before
    dialog.reject()


def test_good_workbook_goes_through_the_preview_and_imports_as_one_action(window, qtbot, tmp_path: Path) -> None:
    store = window.store
    path = _exported(store, tmp_path / "centre.xlsx")
    _edit_cells(path, {"patients": {"G2": 15}},
                append={"patients": [["P03", "Essen", "F", 1958, "lung", "G2", 8, None, "no", "no", 15,
                                      "alive", "2020-01-01", None, None]]})
    before = _actions(store)
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    assert dialog.plan.ok and dialog.pages.currentIndex() == dialog.PAGE_PREVIEW
    preview = dialog.preview
    assert "1 new patient(s), 1 changed (1 field change(s)), 1 unchanged" in preview.summary.text()
    assert [c[0] + " " + c[2:][0] for c in preview.field_changes()] == ["patients ki67_pct"]
    sheet, _key, column, old, new = preview.field_changes()[0]
    assert (sheet, column, old, new) == ("patients", "ki67_pct", "12", "15")
    new_group = preview.groups["new"]
    assert [new_group.child(i).text(0) for i in range(new_group.childCount())] == ["P03"]
    unchanged = preview.groups["unchanged"]
    assert [unchanged.child(i).text(0) for i in range(unchanged.childCount())] == ["P02"]
    assert _actions(store) == before  # previewing writes nothing

    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 2 patient(s)"
    with qtbot.waitSignal(window.store_changed, timeout=20000) as sig:
        dialog.import_button.click()
    change = sig.args[0]
    assert change.patient_ids == {"P01", "P03"}
    assert _actions(store) == before + 1
    assert store.read_table("patients", ["P01"])[0]["ki67_pct"] == 15.0
    assert "P03" in store.patient_ids()
    assert window.patient_panel.model.row_of("P03") >= 0  # the table refreshed from the Change
    assert dialog.result() == dialog.DialogCode.Accepted
    assert window.actions["undo"].text().startswith("&Undo import centre.xlsx")
    assert list((store.path.parent / (store.path.name + ".backups")).glob("*.y90"))  # backed up first

    with qtbot.waitSignal(window.store_changed, timeout=30000):
        window.actions["undo"].trigger()
    assert "P03" not in store.patient_ids()
    assert store.read_table("patients", ["P01"])[0]["ki67_pct"] == 12.0


def test_undo_of_a_big_import_runs_on_a_worker_behind_a_modal_dialog(window, qtbot, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.ui.editing import undo

    store = window.store
    path = _exported(store, tmp_path / "centre.xlsx")
    _edit_cells(path, {"patients": {"G2": 15}})
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    with qtbot.waitSignal(window.store_changed, timeout=20000):
        dialog.import_button.click()
    monkeypatch.setattr(undo, "SYNC_REVERSE_ROWS", 0)  # every action counts as big
    with qtbot.waitSignal(window.store_changed, timeout=20000) as sig:
        assert window.editing.undo() is None  # returns at once; the worker reports back
        task = window.editing.dialog
        assert task.isVisible() and task.windowModality() == Qt.WindowModality.WindowModal
        task.reject()  # Esc cannot interrupt one transaction
    assert task.outcome == "finished"
    assert sig.args[0].description.startswith("undo: import centre.xlsx")
    assert store.read_table("patients", ["P01"])[0]["ki67_pct"] == 12.0
    assert window.detail.models["patients"].values()["ki67_pct"] == 12.0  # refreshed from the Change
    with qtbot.waitSignal(window.store_changed, timeout=20000):
        window.actions["redo"].trigger()
    assert store.read_table("patients", ["P01"])[0]["ki67_pct"] == 15.0


def test_unchanged_workbook_has_nothing_to_import(window, qtbot, tmp_path: Path) -> None:
    dialog = window.editing.open_import(_exported(window.store, tmp_path / "same.xlsx"))
    _wait_plan(qtbot, dialog)
    assert "nothing to import" in dialog.status.text()
    assert not dialog.import_button.isEnabled()


def test_unreadable_file_is_reported_in_one_line(window, qtbot, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("this is not a workbook", encoding="utf-8")
    dialog = window.editing.open_import(bogus)
    _wait_plan(qtbot, dialog)
    assert dialog.plan is None
    assert dialog.status.text().startswith("Cannot read the workbook: ")
    assert "Traceback" not in dialog.status.text()
    assert not dialog.import_button.isEnabled()


def test_import_dialog_standalone_on_a_read_only_store(qtbot, store_path: Path, tmp_path: Path) -> None:
    from y90gui.ui.dialogs.import_dialog import ImportDialog
    from y90gui.ui.tasks import TaskRunner

    with Store.open(store_path) as writer:
        path = _exported(writer, tmp_path / "x.xlsx")
        _edit_cells(path, {"patients": {"G2": 14}})
        reader = Store.open(store_path, read_only=True)
        runner = TaskRunner()
        dialog = ImportDialog(reader, runner)
        qtbot.addWidget(dialog)
        dialog.check(path)
        _wait_plan(qtbot, dialog)
        assert dialog.plan.changed and not dialog.import_button.isEnabled()
        assert "read-only" in dialog.status.text()
        runner.shutdown()
        reader.close()


def _checked_dialog(window, qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = _exported(window.store, tmp_path / "centre.xlsx")
    _edit_cells(path, {"patients": {"G2": 15}})
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    assert dialog.import_button.isEnabled()
    return dialog


def test_cancel_during_the_import_writes_nothing(window, qtbot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import y90gui.io.importer as importer

    real = importer.apply_import
    reached = threading.Event()
    monkeypatch.setattr(importer, "apply_import",
                        lambda s, plan, progress=None: real(s, plan, held_progress(progress, reached)))
    store = window.store
    before = (_actions(store), store.read_case_data())
    dialog = _checked_dialog(window, qtbot, tmp_path)
    dialog.import_button.click()
    assert reached.wait(10)
    with qtbot.waitSignal(dialog.progress.cancelled, timeout=20000):
        dialog.progress.cancel_button.click()
    assert dialog.status.text() == "Import cancelled: nothing was written."
    assert (_actions(store), store.read_case_data()) == before
    assert dialog.isVisible() and dialog.import_button.isEnabled()  # can still be imported


def test_cancel_that_arrives_after_the_commit_still_reports_the_import(window, qtbot, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import y90gui.io.importer as importer
    from y90gui.core.progress import Progress

    real = importer.apply_import

    class LateCancel(Progress):
        """Presses Cancel at the importer's last step, i.e. after its transaction committed."""

        def __init__(self, outer: Progress) -> None:
            super().__init__(None)
            self.outer = outer

        def step(self, done: float, total: float = 1.0, message: str = "") -> None:
            if done >= total:
                self.outer.cancel()
            self.outer.step(done, total, message)

    monkeypatch.setattr(importer, "apply_import", lambda s, plan, progress=None: real(s, plan, LateCancel(progress)))
    dialog = _checked_dialog(window, qtbot, tmp_path)
    with qtbot.waitSignal(window.store_changed, timeout=20000) as sig:
        dialog.import_button.click()
    assert sig.args[0].description.startswith("import centre.xlsx")
    assert window.store.read_table("patients", ["P01"])[0]["ki67_pct"] == 15.0
    assert dialog.result() == dialog.DialogCode.Accepted


# ---------------------------------------------------------------- issue 12 (helper gui1)
def test_preview_row_column_is_the_sheet_row(window, qtbot, tmp_path: Path) -> None:
    path = _exported(window.store, tmp_path / "centre.xlsx")
    _edit_cells(path, {"patients": {"G2": 15}})  # row 2 of the patients sheet
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    sheet, row, column, _old, _new = dialog.preview.field_changes()[0]
    assert (sheet, row, column) == ("patients", "2", "ki67_pct")  # the sheet row, not the patient ID
    dialog.reject()


def test_import_with_errors_is_disabled_and_says_why(window, qtbot, tmp_path: Path) -> None:
    path = _exported(window.store, tmp_path / "centre.xlsx")
    _edit_cells(path, {"patients": {"G2": "abc", "G3": "xyz"}})
    dialog = window.editing.open_import(path)
    _wait_plan(qtbot, dialog)
    button = dialog.import_button
    assert not button.isEnabled()
    assert "2 error(s)" in button.toolTip() and "not possible" in button.toolTip()
    # a long message is read whole in the details pane (its cell cuts it with "…")
    table = dialog.errors
    table.view.selectRow(0)
    qtbot.waitUntil(lambda: "row" in table.details.text(), timeout=5000)
    source = table.proxy.mapToSource(table.proxy.index(0, 0)).row()
    assert table.model.cell(source, 5) in table.details.text()
    assert table.details.wordWrap()
    dialog.reject()


def test_a_disabled_default_button_looks_disabled(qapp, qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    from y90gui.ui.app import apply_look

    old = qapp.styleSheet()
    apply_look(qapp)
    try:
        button = QPushButton("Import")
        qtbot.addWidget(button)
        button.setDefault(True)
        button.resize(120, 32)
        button.show()
        qtbot.wait(20)
        active = button.grab().toImage().pixelColor(60, 4)
        button.setEnabled(False)
        qtbot.wait(20)
        disabled = button.grab().toImage().pixelColor(60, 4)
        assert active.lightness() < 140 < disabled.lightness(), (active.name(), disabled.name())
    finally:
        qapp.setStyleSheet(old)
