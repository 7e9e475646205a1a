"""Export from the window: progress on a worker, Cancel leaves no file; template and backup."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from ui_helpers import held_progress

from tests.ui import gui2_fixtures
from y90gui.core.progress import Progress
from y90gui.store.store import Store

store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def test_export_runs_with_progress_and_reimports_unchanged(window, qtbot, tmp_path: Path) -> None:
    dialog = window.editing.open_export()
    target = tmp_path / "out" / "series.xlsx"
    target.parent.mkdir()
    dialog.path_edit.setText(str(target))
    seen: list[float] = []
    dialog.progress.bar.valueChanged.connect(seen.append)
    dialog.export_button.click()
    assert dialog.progress.isVisibleTo(dialog) and dialog.progress.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert dialog.written == target and target.exists()
    assert seen and max(seen) == 1000
    assert "Exported to" in dialog.status.text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["series.xlsx"]

    from y90gui.io.importer import prepare_import

    plan = prepare_import(target, window.store)
    assert plan.ok and sorted(plan.unchanged) == ["P01", "P02"] and not plan.has_changes


def test_export_of_the_patients_shown(window, qtbot, tmp_path: Path) -> None:
    window.patient_panel.search.setText("P02")
    qtbot.waitUntil(lambda: window.filtered_patient_ids() == ["P02"], timeout=30000)
    dialog = window.editing.open_export()
    assert dialog.shown_radio.isEnabled()
    dialog.shown_radio.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "men"))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.written is not None, timeout=20000)
    assert dialog.written == tmp_path / "men.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(dialog.written, read_only=True)
    ids = [r[0] for r in wb["patients"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert ids == ["P02"]


def test_cancelling_a_long_export_leaves_no_file(window, qtbot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The real exporter runs; its first progress step is held until Cancel has been pressed,
    so the cancel lands mid-export on every machine, however fast."""
    import y90gui.io.exporter as exporter

    real = exporter.export_store
    reached = threading.Event()
    during: list[str] = []

    def held_export(store, path, patient_ids=None, deidentify=False, progress=None):
        held = held_progress(progress, reached, lambda: during.extend(p.name for p in folder.iterdir()))
        return real(store, path, patient_ids=patient_ids, deidentify=deidentify, progress=held)

    monkeypatch.setattr(exporter, "export_store", held_export)
    dialog = window.editing.open_export()
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "series.xlsx"
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    assert reached.wait(10)
    assert dialog.progress.running
    with qtbot.waitSignal(dialog.progress.cancelled, timeout=20000):
        dialog.progress.cancel_button.click()
    assert during and all(name.endswith(".partial") for name in during)  # cancelled mid-write
    assert list(folder.iterdir()) == []  # neither the workbook nor a temporary part of it
    assert "cancelled" in dialog.status.text() and "No file was written" in dialog.status.text()
    assert dialog.written is None and dialog.export_button.isEnabled()


def test_cancelled_export_keeps_an_existing_file_as_it_was(window, qtbot, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import y90gui.io.exporter as exporter

    target = tmp_path / "series.xlsx"
    target.write_bytes(b"previous export")

    def cancelled_export(store, path, patient_ids=None, deidentify=False, progress=None):
        progress.cancel()
        progress.step(0.1, 1, "")

    monkeypatch.setattr(exporter, "export_store", cancelled_export)
    dialog = window.editing.open_export()
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.progress.cancelled, timeout=30000):
        dialog.export_button.click()
    assert target.read_bytes() == b"previous export"
    assert "left as it was" in dialog.status.text()


def test_template_and_backup_from_the_file_menu(window, qtbot, tmp_path: Path) -> None:
    controller = window.editing
    assert window.actions["template"].isEnabled() and window.actions["backup"].isEnabled()
    template = tmp_path / "template.xlsx"
    task = controller.export_template(template)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=20000)
    assert task.outcome == "finished" and template.exists()
    import openpyxl

    wb = openpyxl.load_workbook(template, read_only=True)
    assert "patients" in wb.sheetnames and "labs" in wb.sheetnames

    model = window.detail.models["labs"]
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        assert model.setData(model.index(0, model.column_index("value")), "19")
    copy = tmp_path / "copy.y90"
    task = controller.backup(copy)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=20000)
    assert task.outcome == "finished"
    with Store.open(copy, read_only=True) as backup:
        assert backup.counts() == window.store.counts()
        assert backup.read_table("labs", ["P01"])[0]["value"] == 19.0  # the edit just made is in it
        assert backup.integrity() == "ok"
    assert task.result_value == copy


def test_backup_onto_the_open_file_is_refused(window, qtbot) -> None:
    task = window.editing.backup(window.store.path)
    qtbot.waitUntil(lambda: task.outcome is not None, timeout=20000)
    assert task.outcome == "failed"
    assert "cannot overwrite" in task.progress.message.text()
    assert window.store.integrity() == "ok"
    task.buttons.button(task.buttons.StandardButton.Close).click()


def test_close_while_exporting_cancels_then_closes(window, qtbot, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import y90gui.io.exporter as exporter

    started = threading.Event()

    def slow_export(store, path, patient_ids=None, deidentify=False, progress=None):
        started.set()
        while True:
            progress.step(0.5, 1, "writing")
            threading.Event().wait(0.01)

    monkeypatch.setattr(exporter, "export_store", slow_export)
    dialog = window.editing.open_export()
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    dialog.export_button.click()
    assert started.wait(10)
    dialog.close_button.click()
    assert dialog.isVisible()  # stays until the worker has really stopped
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30000)
    assert dialog.result() == dialog.DialogCode.Rejected
    assert "export" not in window.tasks.running()


def test_report_and_figure_exports_get_progress_and_cancel_in_the_status_bar(window, qtbot) -> None:
    strip = window.editing.work_strip
    assert strip is not None and not strip.isVisibleTo(window)
    stopped = threading.Event()

    def long_save(progress: Progress) -> None:
        try:
            for i in range(100000):
                progress.step(min(i, 50), 100, "writing sheets")
                threading.Event().wait(0.01)
        finally:
            stopped.set()

    cancelled: list[bool] = []
    window.tasks.start("export_report", long_save, on_cancelled=lambda: cancelled.append(True))
    qtbot.waitUntil(lambda: strip.isVisibleTo(window), timeout=30000)
    qtbot.waitUntil(lambda: strip.bar.value() == 500, timeout=30000)
    assert strip.label.text() == "Saving the report: writing sheets"
    strip.cancel_button.click()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=30000)
    assert stopped.is_set() and not strip.isVisibleTo(window)
    # background recomputations and work with a dialog of its own do not use the strip
    assert not strip.watches("cohort") and not strip.watches("report") and not strip.watches("export")
    assert strip.watches("export:/tmp/km.png")
