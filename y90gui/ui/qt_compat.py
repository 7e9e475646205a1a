"""Work around a PySide6 6.12 reference-count bug that crashes Python 3.11 processes.

With PySide6 6.12 on Python < 3.12, every `Signal.emit()` called from Python loses one
reference to `True` (measured: 100 emits -> refcount of True down by 100; C++-emitted signals
are fine). True starts with ~12,000 references, so a session that emits that many signals
(pyqtgraph emits dozens per redraw) aborts with "Fatal Python error: bool_dealloc", at exit or
mid-session. Python 3.12 made True immortal, which is exactly the remedy applied here: give
True, False and None (also seen going to zero) so many references that they can never reach zero. The objects
are never freed anyway; this changes nothing else.
"""

from __future__ import annotations

import sys

_DONE = False
_BOOST = 1 << 40


def immortalize_bools() -> bool:
    """Apply the workaround once (CPython < 3.12 only); returns whether it was applied."""
    global _DONE
    if _DONE or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    import ctypes

    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST
    _DONE = True
    return True
