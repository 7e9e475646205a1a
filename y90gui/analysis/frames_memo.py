"""A cache of what is derived from one frames object, alive only inside a `with` block.

One command or one write derives the same things from the same frames several times (the
report workbook's sheets each ask for the treated patients; `report --out` grades the labs for
the report and again for the workbook). Scoped to the block, the cache cannot go stale —
nobody edits the frames meanwhile — and holds nothing afterwards: the window, which keeps a
cohort for hours, never fills one. Callers must not modify what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")


class FramesMemo:
    """(frames, key) -> value inside `scope()`; outside it `get` computes afresh every time.

    Entries hold their frames, so an `id` is never reused while its entry lives."""

    def __init__(self, name: str) -> None:
        self._memo: ContextVar[dict[tuple[int, Hashable], tuple[Any, Any]] | None] = ContextVar(name, default=None)

    @contextmanager
    def scope(self) -> Iterator[None]:
        """Keep what `get` computes until the block ends; a block inside another one shares the
        outer one's entries (a command's scope around `prepare`, which opens its own)."""
        if self.active:
            yield
            return
        token = self._memo.set({})
        try:
            yield
        finally:
            self._memo.reset(token)

    @property
    def active(self) -> bool:
        """Inside `scope()`: what `get` computes is kept until the block ends."""
        return self._memo.get() is not None

    def get(self, fr: Any, key: Hashable, compute: Callable[[], T]) -> T:
        memo = self._memo.get()
        if memo is None:
            return compute()
        hit = memo.get((id(fr), key))
        if hit is None or hit[0] is not fr:
            hit = memo[(id(fr), key)] = (fr, compute())
        return cast(T, hit[1])
