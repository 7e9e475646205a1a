"""Open a `.y90` handed over by the desktop while y90gui runs.

On macOS a double-click in Finder does not start a new process with the file as an argument: it
sends the running application a `QFileOpenEvent`. Without this filter such a double-click would
bring y90gui to the front and do nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent


class FileOpenFilter(QObject):
    """Application-wide event filter: a FileOpen event opens that file in `window`."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()
            if path:
                self._window.open_file(path)
                return True
        return False


def install_file_open(app: Any, window: Any) -> FileOpenFilter:
    handler = FileOpenFilter(window)
    app.installEventFilter(handler)
    return handler
