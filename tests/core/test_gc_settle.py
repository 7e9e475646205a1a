"""`settle_long_lived`: garbage cycles made before it are collected, not frozen; what is alive
afterwards is out of the collector's view until the next call hands it back."""

from __future__ import annotations

import gc
import weakref

from y90gui.core.gc_pause import settle_long_lived


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_cycles_made_before_are_collected_and_the_living_are_frozen() -> None:
    try:
        dropped = _cycle()  # unreachable at once, alive until a collection
        kept = _Node()
        kept.other = kept
        settle_long_lived()
        assert dropped() is None
        assert gc.get_freeze_count() > 0
        assert not any(o is kept for o in gc.get_objects())  # frozen: not in any generation
        # dropped after being frozen: a cycle waits for the next call, which collects it
        ref = weakref.ref(kept)
        del kept
        gc.collect()
        assert ref() is not None
        settle_long_lived()
        assert ref() is None
    finally:
        gc.unfreeze()
