"""The window's Import, Export, snapshot, Undo/Redo and named cohorts on a registry, against the
real throw-away server: the same dialogs as for a file, driven as a user drives them, with the
registry checked afterwards as another login would see it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox

from tests.registry.conftest import AURORA, OFFSCREEN, run_cli
from y90gui.core.validate import CaseData
from y90gui.demo.cohort import build_demo
from y90gui.io.exporter import write_workbook
from y90gui.registry.database import Registry
from y90gui.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from ui_helpers import close_window  # noqa: E402

pytestmark = [pytest.mark.qt_log_ignore(OFFSCREEN), pytest.mark.usefixtures("ui_settings")]


@pytest.fixture
def win(qtbot):  # type: ignore[no-untyped-def]
    from y90gui.ui.main_window import MainWindow

    w = MainWindow()
    w.show()
    qtbot.waitUntil(lambda: w.plots_built, timeout=60000)
    yield w
    close_window(qtbot, w)


def _centre(data: CaseData, centre: str) -> CaseData:
    """The demo's patients (and reference ranges) of one centre."""
    mine = {r["patient_id"] for r in data["patients"] if r["center"] == centre}
    return {name: [r for r in rows if (r["center"] == centre if name == "reference_ranges"
                                       else r["patient_id"] in mine)] for name, rows in data.items()}


AURORA_IDS = sorted(r["patient_id"] for r in _centre(build_demo(), AURORA)["patients"])


def _editor(registry_url: str, login: Any, name: str = "ed") -> str:
    user = login(name)
    assert run_cli("registry", "grant", "--db", registry_url, "--user", user, "--role", "editor",
                   "--center", AURORA)[0] == 0
    return str(user)


def _connect(qtbot, win, url: str) -> None:  # type: ignore[no-untyped-def]
    assert win.registry.connect_to(url)
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)


def _wait_plan(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.plan is not None or "Cannot" in dialog.status.text(), timeout=30000)


def _actions(url: str) -> list[tuple[str, str, str]]:
    with Registry.open(url) as reg:
        return [(str(u), str(k), str(d)) for u, k, d in
                reg.conn.execute('SELECT "user", kind, description FROM y90.actions ORDER BY id')]


def test_an_editor_imports_their_centre_through_the_preview_and_undoes_it(  # type: ignore[no-untyped-def]
        qtbot, win, registry_url: str, login, url_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(registry_url, login)
    workbook = write_workbook(_centre(build_demo(), AURORA), tmp_path / "aurora.xlsx")
    _connect(qtbot, win, url_of(editor))
    assert win.actions["import"].isEnabled()
    dialog = win.editing.open_import(workbook)
    _wait_plan(qtbot, dialog)
    assert dialog.plan.ok and dialog.pages.currentIndex() == dialog.PAGE_PREVIEW
    assert f"goes into {editor}@127.0.0.1" in dialog.status.text()
    assert f"{len(AURORA_IDS)} new patient(s)" in dialog.preview.summary.text()
    new = dialog.preview.groups["new"]
    assert sorted(new.child(i).text(0) for i in range(new.childCount())) == AURORA_IDS
    assert _actions(registry_url) == []  # the preview wrote nothing
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == f"Import {len(AURORA_IDS)} patient(s)"
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        dialog.import_button.click()
    assert [(u, k) for u, k, _ in _actions(registry_url)] == [(editor, "import")]
    with Registry.open(registry_url) as reg:
        assert reg.patient_ids() == AURORA_IDS
    qtbot.waitUntil(lambda: win.patient_panel.filtered_ids() == AURORA_IDS, timeout=30000)
    assert win.actions["undo"].isEnabled() and win.actions["undo"].text().startswith("&Undo import aurora.xlsx")

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        win.actions["undo"].trigger()
    assert asked and f"removes {len(AURORA_IDS)} patients" in asked[0]  # the registry's undo preview
    with Registry.open(registry_url) as reg:
        assert reg.patient_ids() == []
    assert [k for _, k, _ in _actions(registry_url)] == ["import", "undo"]
    qtbot.waitUntil(lambda: win.patient_panel.filtered_ids() == [], timeout=30000)
    assert win.actions["redo"].isEnabled() and not win.actions["undo"].isEnabled()


def test_another_centres_rows_are_errors_of_the_preview(  # type: ignore[no-untyped-def]
        qtbot, win, registry_url: str, login, url_of, tmp_path: Path) -> None:
    editor = _editor(registry_url, login)
    workbook = write_workbook(build_demo(), tmp_path / "all-centres.xlsx")
    _connect(qtbot, win, url_of(editor))
    dialog = win.editing.open_import(workbook)
    _wait_plan(qtbot, dialog)
    assert not dialog.plan.ok and dialog.pages.currentIndex() == dialog.PAGE_ERRORS
    others = [r for r in build_demo()["patients"] if r["center"] != AURORA]
    assert len(dialog.plan.errors) == len(others) + sum(r["center"] != AURORA for r in build_demo()["reference_ranges"])
    first = others[0]
    assert f"{first['patient_id']} belongs to centre {first['center']}" in str(dialog.plan.errors[0])
    assert "may write only" in str(dialog.plan.errors[0])
    assert not dialog.import_button.isEnabled() and "nothing will be imported" in dialog.status.text()
    assert _actions(registry_url) == []


def test_an_import_is_refused_when_someone_saved_after_the_preview(  # type: ignore[no-untyped-def]
        qtbot, win, registry_url: str, login, url_of, tmp_path: Path) -> None:
    anna, ben = _editor(registry_url, login, "anna"), _editor(registry_url, login, "ben")
    data = _centre(build_demo(), AURORA)
    with Registry.open(url_of(anna)) as reg:
        reg.replace_patients(data, "first import")
    data["patients"][0]["notes"] = "corrected in the workbook"
    workbook = write_workbook(data, tmp_path / "aurora.xlsx")
    _connect(qtbot, win, url_of(anna))
    dialog = win.editing.open_import(workbook)
    _wait_plan(qtbot, dialog)
    assert dialog.plan.ok and list(dialog.plan.changed) == [AURORA_IDS[0]]
    with Registry.open(url_of(ben)) as reg:  # ben saves while anna looks at the preview
        seen = reg.read_table("patients", [AURORA_IDS[1]], with_versions=True)[0]["row_version"]
        reg.update_row("patients", AURORA_IDS[1], {"notes": "ben's note"}, seen)
    before = _actions(registry_url)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import failed" in dialog.status.text(), timeout=30000)
    assert "changed since aurora.xlsx was checked" in dialog.status.text()
    assert "Nothing was written" in dialog.status.text() and dialog.isVisible()
    assert _actions(registry_url) == before
    with Registry.open(registry_url) as reg:
        assert reg.read_table("patients", [AURORA_IDS[0]])[0]["notes"] != "corrected in the workbook"


@pytest.fixture
def filled(registry_url: str) -> str:
    with Registry.open(registry_url) as reg:
        reg.replace_patients(build_demo(), "demo")
    return registry_url


def test_export_full_and_deidentified_hold_what_the_login_sees(  # type: ignore[no-untyped-def]
        qtbot, win, filled: str, login, url_of, tmp_path: Path) -> None:
    editor = _editor(filled, login)
    _connect(qtbot, win, url_of(editor))
    for name, deidentify in (("full.xlsx", False), ("coded.xlsx", True)):
        dialog = win.editing.open_export()
        assert dialog.path_edit.text().endswith(".xlsx")
        dialog.path_edit.setText(str(tmp_path / name))
        dialog.deidentify_box.setChecked(deidentify)
        dialog.export_button.click()
        qtbot.waitUntil(lambda d=dialog: d.written is not None or "failed" in d.status.text(), timeout=60000)
        assert dialog.written == tmp_path / name, dialog.status.text()
        wb = openpyxl.load_workbook(dialog.written, read_only=True)
        ids = sorted(str(row[0]) for row in wb["patients"].iter_rows(min_row=2, values_only=True) if row[0])
        wb.close()
        assert len(ids) == len(AURORA_IDS)  # row-level security: centre Aurora only
        assert (ids == AURORA_IDS) is not deidentify  # de-identified: codes, not the IDs
        dialog.close()
    assert not list(tmp_path.glob("*.partial"))


def test_save_snapshot_writes_a_y90_with_the_logins_patients_and_cohorts(  # type: ignore[no-untyped-def]
        qtbot, win, filled: str, login, url_of, tmp_path: Path) -> None:
    demo = build_demo()
    other = next(r["patient_id"] for r in demo["patients"] if r["center"] != AURORA)
    with Registry.open(filled) as reg:  # a study-wide cohort, saved by the owner
        reg.save_cohort("mixed", search="", filters={}, description="two centres",
                        patient_ids=[AURORA_IDS[0], other, AURORA_IDS[1]])
    editor = _editor(filled, login)
    _connect(qtbot, win, url_of(editor))
    assert win.actions["backup"].text() == "Save &snapshot as .y90…"
    target = tmp_path / "offline.y90"
    dialog = win.editing.backup(target)
    qtbot.waitUntil(lambda: target.exists() and not win.tasks.running(), timeout=60000)
    assert dialog is not None and "Snapshot written" in win.statusBar().currentMessage()
    with Store.open(target, read_only=True) as store:
        assert store.patient_ids() == AURORA_IDS
        (cohort,) = store.saved_cohorts()
        assert cohort.name == "mixed" and cohort.patient_ids == (AURORA_IDS[0], AURORA_IDS[1])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "settings") == ["offline.y90"]  # no leftovers


def _select(qtbot, win, patient_id: str) -> None:  # type: ignore[no-untyped-def]
    assert win.patient_panel.select_patient(patient_id)
    qtbot.waitUntil(lambda: win.detail.patient_id == patient_id, timeout=30000)


def _notes(win):  # type: ignore[no-untyped-def]
    model = win.detail.models["patients"]
    return model, model.index(model.row_for_key("notes"), 1)


def _notes_in(url: str, pid: str) -> Any:
    with Registry.open(url) as reg:
        return reg.read_table("patients", [pid])[0]["notes"]


def test_undo_redo_of_ones_own_edit(qtbot, win, filled: str, login, url_of) -> None:  # type: ignore[no-untyped-def]
    anna = _editor(filled, login, "anna")
    _connect(qtbot, win, url_of(anna))
    pid = AURORA_IDS[0]
    before = _notes_in(filled, pid)
    _select(qtbot, win, pid)
    model, index = _notes(win)
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert model.setData(index, "anna's note")
    assert win.actions["undo"].isEnabled() and win.actions["undo"].text().startswith(f"&Undo {pid}: notes")
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        win.actions["undo"].trigger()
    assert _notes_in(filled, pid) == before
    qtbot.waitUntil(lambda: model.data(index) == (before or ""), timeout=30000)
    assert win.actions["redo"].isEnabled()
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        win.actions["redo"].trigger()
    assert _notes_in(filled, pid) == "anna's note"
    # an edit after the redo goes through on the version the window now holds
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert model.setData(index, "anna's second note")
    assert [k for _, k, _ in _actions(filled)] == ["import", "edit", "undo", "redo", "edit"]


def test_undo_over_someone_elses_later_change_is_refused_naming_them(  # type: ignore[no-untyped-def]
        qtbot, win, filled: str, login, url_of) -> None:
    anna, ben = _editor(filled, login, "anna"), _editor(filled, login, "ben")
    _connect(qtbot, win, url_of(anna))
    pid = AURORA_IDS[0]
    _select(qtbot, win, pid)
    model, index = _notes(win)
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert model.setData(index, "anna's note")
    with Registry.open(url_of(ben)) as reg:  # ben changes the same row afterwards
        seen = reg.read_table("patients", [pid], with_versions=True)[0]["row_version"]
        reg.update_row("patients", pid, {"notes": "ben's note"}, seen)
    before = _actions(filled)
    win.actions["undo"].trigger()
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "UndoRefused") is not None, timeout=30000)
    box = win.findChild(QMessageBox, "UndoRefused")
    assert box.isVisible()
    assert "someone else changed those rows later" in box.text()
    assert f"Patients row {pid} was changed by {ben} at " in box.informativeText()
    assert "nothing was undone" in box.informativeText()
    assert _notes_in(filled, pid) == "ben's note" and _actions(filled) == before
    assert "Cannot undo" in win.statusBar().currentMessage()


def test_a_cohort_saved_in_the_window_is_reused_and_reported(  # type: ignore[no-untyped-def]
        qtbot, win, filled: str, login, url_of) -> None:
    import json

    editor = _editor(filled, login)
    _connect(qtbot, win, url_of(editor))
    menu = win.cohort_menu
    menu.rebuild()
    assert menu.findChild(type(menu.actions()[0]), "action_save_cohort").isEnabled()
    win.patient_panel.apply_criteria(AURORA_IDS[0], {})  # search for one patient
    qtbot.waitUntil(lambda: win.patient_panel.filtered_ids() == [AURORA_IDS[0]], timeout=30000)
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert menu.save_current("first of Aurora")
    with Registry.open(filled) as reg:
        (saved,) = reg.saved_cohorts()
    assert (saved.name, saved.owner, saved.patient_ids) == ("first of Aurora", editor, (AURORA_IDS[0],))
    win.patient_panel.apply_criteria("", {})
    qtbot.waitUntil(lambda: win.patient_panel.filtered_ids() == AURORA_IDS, timeout=30000)
    menu.rebuild()
    entry = next(a for a in menu.actions() if "first of Aurora" in a.text())
    assert "(1 patients when saved)" in entry.text() and not entry.isChecked()
    entry.trigger()
    qtbot.waitUntil(lambda: win.patient_panel.filtered_ids() == [AURORA_IDS[0]], timeout=30000)
    with Registry.open(filled) as reg:  # the owner's study-wide cohort: the editor may not change it
        reg.save_cohort("owner's", search="", filters={}, description="", patient_ids=None)
    menu.rebuild()
    delete = next(a.menu() for a in menu.actions() if a.menu() and "Delete" in a.text())
    allowed = {a.text(): a.isEnabled() for a in delete.actions()}
    assert allowed == {"first of Aurora": True, "owner's": False}
    code, out, err = run_cli("report", "--db", url_of(editor), "--json", "--cohort", "first of aurora")
    assert code == 0, err
    report = json.loads(out)
    assert report["cohort"]["name"] == "first of Aurora" and report["patients"] == 1


def test_a_connection_dropped_mid_import_is_one_message_and_nothing_written(  # type: ignore[no-untyped-def]
        qtbot, win, registry_url: str, login, url_of, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = _editor(registry_url, login)
    workbook = write_workbook(_centre(build_demo(), AURORA), tmp_path / "aurora.xlsx")
    _connect(qtbot, win, url_of(editor))
    dialog = win.editing.open_import(workbook)
    _wait_plan(qtbot, dialog)
    assert dialog.plan.ok
    write = Registry.write_patients

    def write_then_drop(self: Registry, data: CaseData, change: Any) -> None:
        write(self, data, change)  # every row written inside the transaction, then the server goes
        self.conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(Registry, "write_patients", write_then_drop)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Import failed" in dialog.status.text(), timeout=30000)
    text = dialog.status.text()
    assert "the connection to the registry was lost" in text and "Nothing was written" in text
    assert "Traceback" not in text and dialog.import_button.isEnabled()  # may be tried again
    with Registry.open(registry_url) as reg:
        assert reg.patient_ids() == [] and reg.counts()["labs"] == 0
    assert _actions(registry_url) == []
    assert win.registry.check_connection()  # the window's own connection is still there
