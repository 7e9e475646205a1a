"""Progress and Cancel in the status bar for long work that has no dialog of its own.

The report and figure exports run on the window's TaskRunner like everything else; this
strip shows their progress and lets the user cancel them, the same way the import and export
dialogs do for theirs. It appears only for work that lasts longer than half a second, and
ignores the window's background recomputations (cohort load, report refresh), which a newer
request cancels on its own.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from y90gui.ui.dialogs.progress import SHOW_AFTER_MS
from y90gui.ui.tasks import Task, TaskRunner

#: Keys whose progress a dialog of this package shows already.
DIALOG_TASKS = frozenset({"import", "export", "backup", "template", "undo"})
_NAMES = {"export_report": "Saving the report", "export_figure": "Saving the figure"}


def describe(key: str) -> str:
    if key in _NAMES:
        return _NAMES[key]
    if key.startswith("export:"):
        return f"Saving {key.split('/')[-1].split(chr(92))[-1]}"
    return key.replace("_", " ").capitalize()


class WorkStrip(QWidget):
    """A label, a progress bar and Cancel for the newest long task; hidden when none runs."""

    def __init__(self, runner: TaskRunner, background: frozenset[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WorkStrip")
        self.runner = runner
        self.background = background
        self.tasks: dict[str, Task] = {}
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop this work; nothing half-done is kept")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()
        runner.started.connect(self._started)

    def watches(self, key: str) -> bool:
        return key not in self.background and key not in DIALOG_TASKS

    def _started(self, key: str, task: Any) -> None:
        if not self.watches(key):
            return
        self.tasks[key] = task
        task.signals.progressed.connect(lambda f, m, key=key: self._progressed(key, f, m))
        for signal in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            signal.connect(lambda *_a, key=key, task=task: self._ended(key, task))
        self.label.setText(describe(key) + "…")
        self.bar.setValue(0)
        QTimer.singleShot(SHOW_AFTER_MS, self, self._show_if_running)

    def _show_if_running(self) -> None:
        if any(not t.done for t in self.tasks.values()):
            self.cancel_button.setEnabled(True)
            self.show()

    def _progressed(self, key: str, fraction: float, message: str) -> None:
        if key in self.tasks:
            self.bar.setValue(int(fraction * 1000))
            self.label.setText(f"{describe(key)}: {message}" if message else describe(key) + "…")

    def _ended(self, key: str, task: Task) -> None:
        if self.tasks.get(key) is task:
            del self.tasks[key]
        if not self.tasks:
            self.hide()

    def cancel(self) -> None:
        for task in self.tasks.values():
            task.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText("cancelling…")
