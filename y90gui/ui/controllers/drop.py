"""Drag and drop onto the window: a workbook opens the import preview, a `.y90` is opened.

A controller object of `MainWindow` (one line wires it). It only decides what a dropped file
is and calls the entry points the menus use: `editing.open_import(path)` (File → Import) and
`files.open_file(path)` (File → Open), so a drop goes through exactly their checks. Anything
else is refused with one line in the status bar, never a dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

#: What a dropped file does, by suffix.
IMPORT_SUFFIXES = (".xlsx",)
OPEN_SUFFIXES = (".y90",)


def dropped_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropController(QObject):
    """Accepts local files dragged over `window` and acts on the dropped one."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is not self.window:
            return False
        kind = event.type()
        dragging = kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove)
        if dragging and isinstance(event, QDragMoveEvent | QDragEnterEvent):
            if dropped_paths(event):
                event.acceptProposedAction()
                return True
            event.ignore()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            paths = dropped_paths(event)
            if paths:
                event.acceptProposedAction()
                self.handle(paths)
            return True
        return False

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def handle(self, paths: list[Path]) -> Any:
        """Act on dropped files: one workbook or one case series; say why anything else is not."""
        if len(paths) > 1:
            self._say(f"Dropped {len(paths)} files: drop one workbook (.xlsx) or one case series (.y90) at a time.")
            return None
        path = paths[0]
        suffix = path.suffix.lower()
        if suffix in IMPORT_SUFFIXES:
            if not self.window.actions["import"].isEnabled() or self.window.store is None:
                self._say(f"Cannot import “{path.name}”: open or create a case series first.")
                return None
            if self.window.store.read_only:
                self._say(f"Cannot import “{path.name}”: this case series is open read-only.")
                return None
            return self.window.editing.open_import(path)
        if suffix in OPEN_SUFFIXES:
            return self.window.files.open_file(path)
        self._say(f"Cannot use “{path.name}”: drop an Excel workbook (.xlsx) to import it, "
                  "or a case series (.y90) to open it.")
        return None
