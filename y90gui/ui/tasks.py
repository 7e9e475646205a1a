"""Run core work off the GUI thread, with progress and cancel (after Orange3's concurrent utils).

A task is a plain function `fn(progress: Progress) -> result` from the core; it never touches
widgets. `TaskRunner.start` runs it on the global thread pool and delivers `progressed`,
`finished(result)` or `failed(exception)` on the GUI thread through queued signals. Starting a
new task with the same key cancels the stale one (a newer filter supersedes an older refit).

A task counts as running (`TaskRunner.running()`) until its outcome has been *delivered* on
the GUI thread, not merely until the worker returned: whoever waits for "no work running"
(a test, quitting, the busy indicator) must also see the effects of the result callbacks,
which only run when the queued signal arrives. Inside its own callback a task no longer
counts (the callback that ends the loading may ask whether anything else still runs).
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from y90gui.core.progress import Cancelled, Progress


class _Signals(QObject):
    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = _Signals()
        self.progress = Progress(lambda f, m: self.signals.progressed.emit(f, m))
        self.done = False  # the worker returned (GUI callbacks may still be queued)
        self.delivered = False  # the outcome reached the GUI thread (its callback runs in the same event)

    def deliver(self, callback: Callable[..., Any] | None) -> Callable[..., None]:
        """The GUI-thread slot of one outcome: the task counts as delivered, then `callback` runs.

        One slot, in one queued event: a separate marker slot was an event of its own, so a
        waiter pumping events between the two saw "not running" before the callback's effects
        (a status message, a refreshed view), or, marked after, the callback saw its own task
        still running (the window's idle check then left the busy bar up for good). A bound
        method of a QObject deleted meanwhile (a dialog closed during its task) is not called:
        Qt drops such a connection by itself, this slot checks the object."""
        if not (isinstance(callback, types.MethodType) and isinstance(callback.__self__, QObject)):
            def slot(*args: Any) -> None:
                self.delivered = True
                if callback is not None:
                    callback(*args)
            return slot
        # a method of a QObject, held weakly (as Qt holds a receiver): a dialog's task must not
        # keep the dialog's Python object, and with it the dialog, alive
        method = weakref.WeakMethod(callback)

        def bound_slot(*args: Any) -> None:
            self.delivered = True
            live = method()
            if live is not None and shiboken6.isValid(live.__self__):
                live(*args)
        return bound_slot

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except BaseException as exc:  # delivered to the GUI thread, shown there
            self.signals.failed.emit(exc)
        else:
            if self.progress.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        finally:
            self.done = True

    def cancel(self) -> None:
        self.progress.cancel()


class TaskRunner(QObject):
    """Owns the running tasks of one window; `shutdown()` cancels and waits for them on close."""

    #: (key, Task) after every start: lets the window show progress and Cancel for any long work.
    started = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self._tasks: dict[str, Task] = {}

    def start(
        self,
        key: str,
        fn: Callable[[Progress], Any],
        on_finished: Callable[[Any], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[float, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
    ) -> Task:
        old = self._tasks.get(key)
        if old is not None and not old.done:
            old.cancel()
        task = Task(fn)
        task.signals.finished.connect(task.deliver(on_finished))
        task.signals.failed.connect(task.deliver(on_failed))
        task.signals.cancelled.connect(task.deliver(on_cancelled))
        if on_progress:
            task.signals.progressed.connect(on_progress)
        self._tasks[key] = task
        self.pool.start(task)
        self.started.emit(key, task)
        return task

    def running(self) -> list[str]:
        """Keys of the tasks whose outcome has not reached the GUI thread yet."""
        return [k for k, t in self._tasks.items() if not t.delivered]

    def cancel(self, key: str) -> None:
        task = self._tasks.get(key)
        if task is not None:
            task.cancel()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        for task in self._tasks.values():
            task.cancel()
        return self.pool.waitForDone(timeout_ms)
