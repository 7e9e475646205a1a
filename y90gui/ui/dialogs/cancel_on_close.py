"""A dialog whose work runs on a worker: Close while working means "stop, then close".

Import and export share this: pressing Close (or Escape) during the work cancels it and the
dialog stays until the worker has really stopped, so no worker outlives the dialog that shows
its progress.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from y90gui.ui.dialogs.progress import TaskProgress
from y90gui.ui.tasks import TaskRunner


class CancelOnCloseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._close_when_stopped = False

    def attach_progress(self, progress: TaskProgress, finished: Callable[[Any], None],
                        failed: Callable[[BaseException], None], cancelled: Callable[[], None]) -> TaskProgress:
        """Connect the outcome handlers, then the deferred close (which must run after them)."""
        self.progress = progress
        progress.finished.connect(finished)
        progress.failed.connect(failed)
        progress.cancelled.connect(cancelled)
        for signal in (progress.cancelled, progress.failed, progress.finished):
            signal.connect(self._maybe_close)
        return progress

    def make_progress(self, runner: TaskRunner, key: str, finished: Callable[[Any], None],
                      failed: Callable[[BaseException], None], cancelled: Callable[[], None]) -> TaskProgress:
        return self.attach_progress(TaskProgress(runner, key, self), finished, failed, cancelled)

    def make_buttons(self, label: str, slot: Callable[[], None]) -> QPushButton:
        """The dialog's action button plus Close (which, while working, cancels first)."""
        self.buttons = QDialogButtonBox()
        action = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        action.clicked.connect(slot)
        self.close_button.clicked.connect(self.reject)
        return action

    def reject(self) -> None:
        if self.progress.running:
            self._close_when_stopped = True
            self.progress.cancel()  # the dialog stays until the work has stopped
            return
        super().reject()

    def _maybe_close(self, *_args: object) -> None:
        if self._close_when_stopped and self.isVisible():
            self._close_when_stopped = False
            super().reject()
