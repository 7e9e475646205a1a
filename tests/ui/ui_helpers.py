"""Helpers of the review-window tests that test modules import by name.

Not in conftest.py: when the whole suite runs, `import conftest` finds whichever of the
several conftest modules was loaded first (tests/store's, say), so shared helpers live in a
module with a name of its own.
"""

from __future__ import annotations


def open_ready_window(qtbot, path):  # type: ignore[no-untyped-def]
    """A shown MainWindow on `path`, once its plot pages are built and its cohort is loaded."""
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    assert win.open_file(path)
    win.show()
    qtbot.waitUntil(lambda: win.plots_built and win.cohort is not None, timeout=60000)
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=60000)
    return win


def close_window(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QThreadPool

    window.close()
    assert window.tasks.shutdown(20000)
    assert QThreadPool.globalInstance().activeThreadCount() == 0  # no worker outlives the window
    # their queued outcome signals reach the window before it is deleted
    qtbot.waitUntil(lambda: not window.tasks.running(), timeout=30000)
    window.deleteLater()
    qtbot.wait(10)


def held_progress(outer, reached, on_first=None):  # type: ignore[no-untyped-def]
    """A Progress that holds the worker at its first step until Cancel (or 10 s), so a cancel
    lands mid-work on every machine, however fast. `reached` (a threading.Event) is set at that
    step; `on_first()` runs there once, seeing the work half done."""
    import threading

    from y90gui.core.progress import Progress

    class HeldProgress(Progress):
        def step(self, done: float, total: float = 1.0, message: str = "") -> None:
            if not reached.is_set() and on_first is not None:
                on_first()
            reached.set()
            for _ in range(1000):
                if outer.cancelled:
                    break
                threading.Event().wait(0.01)
            outer.step(done, total, message)

    return HeldProgress(None)


def shown(text, fmt=None):  # type: ignore[no-untyped-def]
    """What Qt shows for `text`: rich text is rendered to its plain text, plain text stays."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import Qt as GuiQt
    from PySide6.QtGui import QTextDocument

    fmt = Qt.TextFormat.AutoText if fmt is None else fmt
    if fmt == Qt.TextFormat.PlainText or (fmt == Qt.TextFormat.AutoText and not GuiQt.mightBeRichText(text)):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()
