"""The History tab: the audit trail of the selected patient, field by field, newest first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui import gui2_fixtures
from y90gui.store.history import changes_page
from y90gui.store.store import Store
from y90gui.ui.history import HistoryModel, HistoryPanel, history_lines

small_store = gui2_fixtures.small_store
store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _rows(panel: HistoryPanel) -> list[dict[str, str]]:
    proxy = panel.proxy
    headers = [h for h, _ in [(proxy.headerData(c, Qt.Orientation.Horizontal), c)
                              for c in range(proxy.columnCount())]]
    return [{headers[c]: proxy.index(r, c).data() for c in range(proxy.columnCount())}
            for r in range(proxy.rowCount())]


def test_an_edit_and_its_undo_appear_in_the_history_tab(window, qtbot) -> None:
    panel = window.editing.history
    assert window.detail_tabs.indexOf(panel) >= 0
    assert "Hi&story" in [window.detail_tabs.tabText(i) for i in range(window.detail_tabs.count())]
    initial = len(_rows(panel))
    assert initial > 0 and all(r["Operation"] == "added" for r in _rows(panel))  # the initial import

    model = window.detail.models["patients"]
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert model.setData(model.index(model.row_for_key("ki67_pct"), 1), "15")
    rows = _rows(panel)
    assert len(rows) == initial + 1
    top = rows[0]
    assert (top["Operation"], top["Table"], top["Field"], top["Old"], top["New"]) == (
        "changed", "patients", "ki67_pct", "12", "15")
    assert top["Action"] == "P01: ki67_pct 12 → 15"
    assert top["User"] == window.store.history("P01")[0]["user"] and top["Time"]

    with qtbot.waitSignal(window.store_changed, timeout=30000):
        window.actions["undo"].trigger()
    top = _rows(panel)[0]
    assert (top["Field"], top["Old"], top["New"]) == ("ki67_pct", "15", "12")
    assert top["Action"].startswith("undo: P01: ki67_pct")


def test_history_follows_the_selected_patient(window, qtbot) -> None:
    panel = window.editing.history
    labs_p01 = window.detail.models["labs"]
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert labs_p01.setData(labs_p01.index(0, labs_p01.column_index("value")), "13")
    gui2_fixtures.select(qtbot, window, "P02")
    rows = _rows(panel)
    assert rows and "P02" in panel.title.text()
    assert not any(r["Field"] == "value" for r in rows)  # P01's lab edit is not P02's history
    model = window.detail.models["patients"]
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert model.setData(model.index(model.row_for_key("functional_syndrome"), 1), "no")
    top = _rows(panel)[0]
    assert (top["Field"], top["Old"], top["New"]) == ("functional_syndrome", "yes", "no")
    panel.all_box.setChecked(True)
    assert "History of all patients: loading…" in panel.title.text()  # on a worker
    qtbot.waitUntil(lambda: not panel.model.loading, timeout=30000)
    assert "History of all patients:" in panel.title.text() and "loading" not in panel.title.text()
    fields = [r["Field"] for r in _rows(panel)]
    assert "value" in fields and "functional_syndrome" in fields


def test_history_lines_for_added_changed_and_deleted_rows(small_store: Store) -> None:
    lab = small_store.read_table("labs", ["P01"], with_ids=True)[1]
    small_store.update_row("labs", lab["id"], {"value": 90.0, "uln": 35.0}, "two fields")
    small_store.delete_row("labs", lab["id"], "drop lab")
    lines = history_lines(changes_page(small_store.conn, "P01"))
    assert lines[0]["op"] == "deleted" and "test alt" in lines[0]["old"] and "value 90" in lines[0]["old"]
    changed = [(line["field"], line["old"], line["new"]) for line in lines if line["action"] == "two fields"]
    assert sorted(changed) == [("uln", "40", "35"), ("value", "80", "90")]
    assert all(line["op"] == "added" for line in lines if line["action"] == "initial import")
    model = HistoryModel(small_store, "P01")
    assert model.rowCount() == len(lines)
    assert model.index(0, 8).data() == "drop lab"


def test_history_panel_sorts_by_time_newest_first(small_store: Store, qtbot) -> None:
    panel = HistoryPanel(small_store)
    qtbot.addWidget(panel)
    panel.set_patient("P01")
    small_store.update_row("patients", "P01", {"notes": "reviewed"}, "note")
    panel.on_store_changed(small_store.update_row("patients", "P01", {"notes": "reviewed twice"}, "note 2"))
    assert [panel.proxy.index(r, 8).data() for r in range(2)] == ["note 2", "note"]
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert panel.proxy.index(0, 8).data() == "initial import"


def test_undo_brings_up_the_patient_whose_edit_it_undoes(window, qtbot) -> None:
    model = window.detail.models["patients"]
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert model.setData(model.index(model.row_for_key("ki67_pct"), 1), "13")
    gui2_fixtures.select(qtbot, window, "P02")
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        window.actions["undo"].trigger()
    qtbot.waitUntil(lambda: window.detail.patient_id == "P01", timeout=30000)
    assert window.current_patient_id() == "P01"
    assert window.detail.models["patients"].values()["ki67_pct"] == 12.0
    top = _rows(window.editing.history)[0]
    assert (top["Field"], top["Old"], top["New"]) == ("ki67_pct", "13", "12")


def _import_two_field_changes(window, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    from y90gui.io.exporter import export_store

    path = export_store(window.store, tmp_path / "centre.xlsx")
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["patients"][1]]
    wb["patients"].cell(2, header.index("ki67_pct") + 1, 15)  # P01: 12 → 15
    lab_header = [c.value for c in wb["labs"][1]]
    wb["labs"].cell(2, lab_header.index("value") + 1, 14)  # P01's first lab value
    wb.save(path)
    dialog = window.editing.open_import(path)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    with qtbot.waitSignal(window.store_changed, timeout=20000):
        dialog.import_button.click()


def test_an_import_of_two_changed_fields_shows_two_field_changes(window, qtbot, tmp_path) -> None:
    panel = window.editing.history
    before = len(_rows(panel))
    _import_two_field_changes(window, qtbot, tmp_path)
    rows = _rows(panel)
    new = [r for r in rows if r["Action"].startswith("import centre.xlsx")]
    assert sorted((r["Operation"], r["Table"], r["Row"], r["Field"], r["Old"], r["New"]) for r in new) == [
        ("changed", "labs", "2014-03-01 bilirubin", "value", "12", "14"),
        ("changed", "patients", "P01", "ki67_pct", "12", "15")]
    assert len(rows) == before + 2  # not a delete and an insert of every row of P01
    assert "History of P01:" in panel.title.text() and f"{before + 2} change(s)" in panel.title.text()


def test_all_patients_says_when_the_list_is_paged_and_pages_it(small_store: Store, qtbot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.ui import history

    monkeypatch.setattr(history, "PAGE_ROWS", 5)
    panel = HistoryPanel(small_store)
    qtbot.addWidget(panel)
    panel.all_box.setChecked(True)
    total = small_store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert total > 10
    assert panel.title.text() == f"History of all patients: showing 1–5 of {total} changes, newest first"
    assert panel.model.rowCount() == 5 and not panel.newer.isEnabled() and panel.older.isEnabled()
    first_page = [panel.model.index(r, 0).data(history.SORT_ROLE) for r in range(5)]
    qtbot.mouseClick(panel.older, Qt.MouseButton.LeftButton)
    assert panel.title.text().startswith(f"History of all patients: showing 6–10 of {total} changes")
    second = [panel.model.index(r, 0).data(history.SORT_ROLE) for r in range(panel.model.rowCount())]
    assert max(second) < min(first_page)  # older changes, none repeated
    while panel.older.isEnabled():
        qtbot.mouseClick(panel.older, Qt.MouseButton.LeftButton)
    last = (total - 1) // 5 * 5
    assert panel.title.text().startswith(f"History of all patients: showing {last + 1}–{total} of {total}")
    qtbot.mouseClick(panel.newer, Qt.MouseButton.LeftButton)
    assert panel.title.text().startswith(f"History of all patients: showing {last - 4}–{last} of")
