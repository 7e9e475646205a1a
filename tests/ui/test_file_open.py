"""A file handed over by the desktop (macOS Finder's QFileOpenEvent) opens in the window; a file
damaged inside says so in one box with its name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
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


@pytest.mark.qt_no_exception_capture  # the app's own hook takes what escapes a slot, as in the product
def test_a_file_damaged_inside_says_so_with_its_name(window, qtbot, tmp_path: Path, monkeypatch) -> None:
    """The header is intact, so the file opens; reading its labs fails, in the background load
    and in the patient's Labs panel on the GUI thread: one box names the file and its backups
    folder, and does not call the damage unexpected."""
    import sqlite3
    import sys

    from PySide6.QtWidgets import QMessageBox

    from y90gui.demo.cohort import build_demo
    from y90gui.store.store import Store
    from y90gui.ui.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    install_excepthook(window)

    db = tmp_path / "centre.y90"
    with Store.create(db) as store:
        store.replace_patients(build_demo(), "demo")
    conn = sqlite3.connect(db)
    size, root = conn.execute("SELECT (SELECT page_size FROM pragma_page_size), rootpage FROM sqlite_master "
                              "WHERE name = 'labs'").fetchone()
    conn.close()
    with open(db, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\xde\xad\xbe\xef" * (size // 4))
    assert window.open_file(db)

    def shown() -> list[str]:
        return [b.text() for b in window.findChildren(QMessageBox, "ErrorBox") if b.isVisible()]

    qtbot.waitUntil(lambda: any("centre.y90" in t for t in shown()), timeout=30000)
    qtbot.wait(300)  # the other reads that fail alike
    texts = shown()
    assert len(texts) == 1, texts
    assert texts[0].startswith("centre.y90: it is damaged (SQLite: database disk image is malformed)")
    assert "centre.y90.backups" in texts[0] and "Unexpected" not in texts[0]
