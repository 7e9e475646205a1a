"""Undo of an action that would delete a cohort asks first, says what it removes, and the views
follow: "Undo demo cohort" right after opening the demo must not silently empty the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from ui_helpers import close_window, open_ready_window

from y90gui.demo.commands import write_demo

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def demo_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    win = open_ready_window(qtbot, write_demo(tmp_path / "demo.y90"))
    first = win.patient_panel.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole) or win.store.patient_ids()[0]
    assert win.patient_panel.select_patient(first)
    qtbot.waitUntil(lambda: win.detail.patient_id == first, timeout=30000)
    yield win
    win.editing.ask_quit = lambda running: True
    close_window(qtbot, win)


def _answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """Replace the modal box's event loop (offscreen nobody can click it) with an answer."""
    asked: list[str] = []

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        return int(button)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def _ctrl_z(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    win.activateWindow()
    win.patient_panel.table.setFocus()
    qtbot.keyClick(win.patient_panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_no_keeps_the_cohort(demo_window, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    win = demo_window
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    before = win.store.counts()
    _ctrl_z(qtbot, win)
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    assert asked[0].startswith(f"Undo “demo cohort” removes 44 patients, {before['prrt']} PRRT cycles, "
                               f"{before['radioembolization']} procedures")
    qtbot.wait(200)
    assert win.store.counts() == before
    assert win.actions["undo"].isEnabled()
    assert "Not undone" in win.statusBar().currentMessage()


def test_yes_undoes_and_the_header_follows(demo_window, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    win = demo_window
    shown = win.detail.patient_id
    assert shown in win.detail.header.text()
    asked = _answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(win.store_changed, timeout=60000):
        _ctrl_z(qtbot, win)
    assert len(asked) == 1
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=60000)
    assert win.store.counts()["patients"] == 0
    assert win.patient_panel.proxy.rowCount() == 0
    qtbot.waitUntil(lambda: shown not in win.detail.header.text(), timeout=10000)
    assert win.detail.patient_id is None
    assert win.current_patient_id() is None

    # redo brings the cohort back without asking (it removes nothing)
    with qtbot.waitSignal(win.store_changed, timeout=60000):
        win.actions["redo"].trigger()
    assert len(asked) == 1
    qtbot.waitUntil(lambda: win.patient_panel.proxy.rowCount() == 44, timeout=30000)
    assert QApplication.instance() is not None


def test_a_big_undo_is_counted_on_a_worker_before_the_question(demo_window, qtbot,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.ui.editing import undo

    win = demo_window
    monkeypatch.setattr(undo, "SYNC_PREVIEW_ROWS", 0)  # every action counts as big
    asked = _answer(monkeypatch, QMessageBox.StandardButton.No)
    assert win.editing.undo() is None
    assert not asked  # not yet: the worker counts first, the window stays responsive
    assert "Checking what the undo changes" in win.statusBar().currentMessage()
    qtbot.waitUntil(lambda: bool(asked), timeout=30000)
    assert asked[0].startswith("Undo “demo cohort” removes 44 patients")
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=30000)
    assert win.store.counts()["patients"] == 44
