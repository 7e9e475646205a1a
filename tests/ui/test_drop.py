"""Dropping files onto the window: a workbook opens the import preview for it, a .y90 is
opened like File → Open, anything else is refused with a status-bar message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.ui import gui2_fixtures

store_path = gui2_fixtures.store_path
window = gui2_fixtures.window
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


def _drop(win, *paths: Path) -> QDropEvent:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = win.rect().center()
    enter = QDragEnterEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win, drop)
    return drop


def test_a_dropped_workbook_opens_the_import_preview(window, qtbot, tmp_path: Path) -> None:
    from y90gui.io.exporter import export_store

    workbook = export_store(window.store, tmp_path / "centre.xlsx")
    before = window.store.counts()
    assert window.acceptDrops()
    _drop(window, workbook)
    dialog = window.editing.dialog
    assert dialog is not None and type(dialog).__name__ == "ImportDialog"
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20000)
    assert dialog.isVisible() and dialog.plan.workbook == workbook
    assert window.store.counts() == before  # previewed, nothing written
    dialog.reject()


def test_a_dropped_case_series_is_opened(window, qtbot, tmp_path: Path, store_path: Path) -> None:
    other = tmp_path / "other" / "second.y90"
    other.parent.mkdir()
    window.close_store()
    shutil.copy(store_path, other)
    _drop(window, other)
    assert window.store is not None and window.store.path == other
    assert "second.y90" in window.windowTitle()


def test_other_files_are_refused_with_a_status_message(window, qtbot, tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    path = window.store.path
    _drop(window, pdf)
    assert "Cannot use “paper.pdf”" in window.statusBar().currentMessage()
    assert window.store.path == path
    _drop(window, pdf, pdf)
    assert "one workbook (.xlsx) or one case series (.y90) at a time" in window.statusBar().currentMessage()
