"""Helpers of the review-window tests that test modules import by name.

Not in conftest.py: when the whole suite runs, `import conftest` finds whichever of the
several conftest modules was loaded first (tests/store's, say), so shared helpers live in a
module with a name of its own.
"""

from __future__ import annotations


def close_window(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QThreadPool

    window.close()
    assert window.tasks.shutdown(20000)
    assert QThreadPool.globalInstance().activeThreadCount() == 0  # no worker outlives the window
    # their queued outcome signals reach the window before it is deleted
    qtbot.waitUntil(lambda: not window.tasks.running(), timeout=30000)
    window.deleteLater()
    qtbot.wait(10)
