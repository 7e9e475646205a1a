"""A file handed over by the desktop (macOS Finder's QFileOpenEvent) opens in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from y90gui.ui.file_open import install_file_open


def test_file_open_event_opens_the_file(window, qtbot, small_store_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other centre.y90"
    shutil.copy(small_store_path, other)
    handler = install_file_open(QApplication.instance(), window)
    try:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(other)))
        qtbot.waitUntil(lambda: window.store is not None and window.store.path == other, timeout=30000)
        assert "other centre.y90" in window.windowTitle()
    finally:
        QApplication.instance().removeEventFilter(handler)
