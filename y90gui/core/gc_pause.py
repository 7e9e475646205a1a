"""The cyclic garbage collector paused for a block that makes many objects and no garbage cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for the block, back as it was afterwards.

    For work that allocates a great many objects that live on or are freed by reference
    counting (an import's cells, rows and tuples; the modules, classes and widgets of start-up):
    each collection on the way would walk all of them again for nothing (a third of an import's
    parsing time at 100,000 patients; ~70 young and 6 older collections before the first paint).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle_long_lived() -> None:
    """One full collection now, then every object still alive kept out of later collections
    (`gc.freeze`); the objects frozen the time before are handed back first (`gc.unfreeze`), so
    the garbage cycles of a cohort replaced since are collected here, not kept.

    For the moment a cohort has been loaded: its rows, frames and indexes are ~250,000 tracked
    objects at 100,000 patients, and every full collection after that walked all of them again,
    ~130 ms each on the GUI thread, at whatever moment Python's thresholds chose: measured inside
    a first keystroke in the patient search (65-350 ms) and inside cohort refreshes. Here the
    pause is paid once, while the window is busy with the new cohort anyway, and later full
    collections walk only what was made since. Frozen objects are still freed as soon as nothing
    refers to them (reference counting); only a cycle among them waits for the next call.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
