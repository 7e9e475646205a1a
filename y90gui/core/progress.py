"""Progress and cancellation for long work, without Qt.

Long core functions (import, export, report, figure export) take a `Progress` and call
`progress.step(done, total, message)` now and then; that call raises `Cancelled` once the user
has pressed Cancel, so work stops at a safe point (before a transaction commits or a file is
renamed into place). The GUI passes one whose callback emits a Qt signal; the CLI passes none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from y90gui.core.errors import Y90Error


class Cancelled(Y90Error):
    """The user cancelled; whatever was half done has been rolled back or removed."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class Progress:
    """Thread-safe progress sink; `callback(fraction, message)` is called from the worker thread."""

    def __init__(self, callback: Callable[[float, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def step(self, done: float, total: float = 1.0, message: str = "") -> None:
        self.check()
        if self._callback is not None:
            self._callback(min(1.0, done / total) if total else 0.0, message)


NO_PROGRESS = Progress()
