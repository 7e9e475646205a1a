"""Open a `.y90` handed over by the desktop while y90gui runs.

On macOS a double-click in Finder does not start a new process with the file as an argument: it
sends the running application a `QFileOpenEvent`. Without a handler such a double-click would
bring y90gui to the front and do nothing.

The application started by `y90gui.ui.app` is a `Y90Application`, whose `event()` sees only the
events addressed to the application object itself. An application-wide event filter would do
the same job but puts a Python call in front of every event of every widget: measured, that
was 10 ms of the window's first paint. `install_file_open` remains for an application created
elsewhere (tests, an embedding host).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication


def _open_from(event: QEvent, window: Any) -> bool:
    if window is not None and event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
        path = event.file()
        if path:
            window.open_file(path)
            return True
    return False


class Y90Application(QApplication):
    """The application: a FileOpen event opens that file in `file_open_window` once it is set."""

    file_open_window: Any = None

    def event(self, event: QEvent) -> bool:
        if _open_from(event, self.file_open_window):
            return True
        return super().event(event)


class FileOpenFilter(QObject):
    """Application-wide event filter: a FileOpen event opens that file in `window`."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        return _open_from(event, self._window)


def install_file_open(app: Any, window: Any) -> FileOpenFilter | None:
    """Route FileOpen events to `window`: directly on a `Y90Application`, else by an event filter."""
    if isinstance(app, Y90Application):
        app.file_open_window = window
        return None
    handler = FileOpenFilter(window)
    app.installEventFilter(handler)
    return handler
