"""Progress bar and Cancel for work that runs on a worker (`ui.tasks.TaskRunner`).

`TaskProgress` is the strip a dialog embeds (import, export); `run_task` wraps one in a small
dialog of its own for menu commands (backup, template, report and figure export) that appears
only when the work takes longer than half a second. Either way the window stays responsive,
Cancel stops the work at its next progress step (the core functions roll back or remove what
was half done), and a failure is shown in the strip as one line, never as a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.errors import user_error
from y90gui.core.progress import Cancelled, Progress
from y90gui.ui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)
SHOW_AFTER_MS = 500


def describe_failure(exc: BaseException, context: str = "a background task", name: str | None = None) -> str:
    """One line for the user about a failure: what `core.errors.user_error` says of it; anything
    else is a bug, logged with its traceback (the line says where).
    Every error the window shows is worded here (this dialog's line, `FileController.show_error`);
    `name`: the open case series' file name, for an error of the file itself."""
    said = user_error(exc, name)  # a mistake, a folder or disk, a damaged file or one another program holds
    if said is not None:
        return str(said)
    log.error("unexpected error in %s", context, exc_info=exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}; details are in the log file"


class CommitSafeProgress(Progress):
    """Forwards to the task's progress, but never cancels on the final step.

    Core writers report their last step after the transaction has committed; a Cancel that
    arrives in that moment must not make the GUI say "nothing was written".
    """

    def __init__(self, outer: Progress) -> None:
        super().__init__(None)
        self.outer = outer

    def cancel(self) -> None:
        self.outer.cancel()

    @property
    def cancelled(self) -> bool:
        return self.outer.cancelled

    def check(self) -> None:
        self.outer.check()

    def step(self, done: float, total: float = 1.0, message: str = "") -> None:
        if total and done >= total:
            try:
                self.outer.step(done, total, message)
            except Cancelled:
                pass
            return
        self.outer.step(done, total, message)


class TaskProgress(QWidget):
    """A progress bar, its message and a Cancel button bound to one task key of a runner."""

    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, runner: TaskRunner, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.key = key
        self.task: Task | None = None
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.message = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.setVisible(False)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done

    def start(self, fn: Callable[[Progress], Any], message: str = "working…") -> Task:
        self.bar.setValue(0)
        self.message.setText(message)
        self.cancel_button.setEnabled(True)
        self.setVisible(True)
        self.task = self.runner.start(self.key, fn, on_finished=self._finished, on_failed=self._failed,
                                      on_progress=self._progressed, on_cancelled=self._cancelled)
        return self.task

    def cancel(self) -> None:
        if self.running and self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("cancelling…")

    def _progressed(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        if message and not (self.task and self.task.progress.cancelled):
            self.message.setText(message)

    def _finished(self, result: Any) -> None:
        self.bar.setValue(1000)
        self.cancel_button.setEnabled(False)
        self.finished.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.cancel_button.setEnabled(False)
        self.message.setText(describe_failure(exc))
        self.failed.emit(exc)

    def _cancelled(self) -> None:
        self.cancel_button.setEnabled(False)
        self.bar.setValue(0)
        self.message.setText("cancelled")
        self.cancelled.emit()


class TaskDialog(QDialog):
    """A task's own small dialog: shown after SHOW_AFTER_MS, closed when the work succeeded."""

    def __init__(self, runner: TaskRunner, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.progress = TaskProgress(runner, key, self)
        self.cancellable = True
        self.outcome: str | None = None
        self.result_value: Any = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.progress.finished.connect(self._on_finished)
        self.progress.failed.connect(self._on_failed)
        self.progress.cancelled.connect(self._on_cancelled)

    def start(self, fn: Callable[[Progress], Any], message: str = "working…", show_after_ms: int = SHOW_AFTER_MS
              ) -> Task:
        task = self.progress.start(fn, message)
        if show_after_ms <= 0:
            self.open()  # at once: the work must not race with the user's next click
        else:
            QTimer.singleShot(show_after_ms, self, self._show_if_running)
        return task

    def _show_if_running(self) -> None:
        if self.progress.running and not self.isVisible():
            self.open()

    def _on_finished(self, result: Any) -> None:
        self.outcome, self.result_value = "finished", result
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.outcome = "failed"
        self.buttons.setVisible(True)
        if not self.isVisible():
            self.open()

    def _on_cancelled(self) -> None:
        self.outcome = "cancelled"
        self.reject()

    def reject(self) -> None:
        if self.progress.running:
            if self.cancellable:
                self.progress.cancel()  # closing the dialog means "stop"; the task reports back
            return
        super().reject()


def run_task(parent: QWidget | None, runner: TaskRunner, key: str, title: str, fn: Callable[[Progress], Any],
             on_finished: Callable[[Any], None] | None = None, message: str = "working…", *,
             show_after_ms: int = SHOW_AFTER_MS, cancellable: bool = True) -> TaskDialog:
    """Run `fn(progress)` on a worker with a progress dialog; `on_finished(result)` on success.

    `show_after_ms=0` shows the (window-modal) dialog at once, for work during which the user
    must not edit; `cancellable=False` for one transaction that cannot stop half-way.
    """
    dialog = TaskDialog(runner, key, title, parent)
    if on_finished is not None:
        dialog.progress.finished.connect(on_finished)
    if not cancellable:
        dialog.cancellable = False
        dialog.progress.cancel_button.hide()
        dialog.progress.bar.setRange(0, 0)  # busy indicator: one transaction has no steps
    dialog.start(fn, message, show_after_ms=show_after_ms)
    return dialog
