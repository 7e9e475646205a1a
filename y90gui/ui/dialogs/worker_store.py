"""A store connection of the worker thread's own.

A Python sqlite3 connection may only be used by the thread that opened it, so long work on a
worker never borrows the window's `Store`: reads (preview, export, backup) open the same file
read-only, which in WAL mode sees every committed action; the import's one write opens a
second connection that shares this process's write lock (the window's store holds the lock
file, this connection never touches it). The dialogs that use it are modal, so no GUI edit
competes with the worker's transaction; SQLite's busy timeout would serialise them anyway.
A registry gives the worker a connection of its own as the same login
(`services.registry_session.worker_series`; reads inside one snapshot).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from y90gui.services.registry_session import is_registry, worker_series
from y90gui.store.errors import ReadOnlyError
from y90gui.store.lock import current_user
from y90gui.store.store import Store


@contextmanager
def reading(store: Store) -> Iterator[Any]:
    """A read-only Store on `store`'s file, opened and closed in the calling (worker) thread."""
    if is_registry(store):
        with worker_series(store, write=False) as own:
            yield own
        return
    worker = Store.open(store.path, read_only=True)
    try:
        yield worker
    finally:
        worker.close()


@contextmanager
def writing(store: Store) -> Iterator[Any]:
    """A writable Store on the file `store` holds the write lock of, for one worker task."""
    if is_registry(store):
        if store.read_only:
            raise ReadOnlyError(f"{store.name}: {store.read_only_reason}")
        with worker_series(store, write=True) as own:
            yield own
        return
    if store.read_only:
        who = f" ({store.locked_by.describe()} has it open)" if store.locked_by else ""
        raise ReadOnlyError(f"{store.path.name} is open read-only{who}")
    conn = sqlite3.connect(store.path, isolation_level=None)
    user = current_user()
    conn.create_function("y90_user", 0, lambda: user)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA synchronous = FULL")
    worker = Store(store.path, conn, read_only=False, lock=None, locked_by=None)
    try:
        yield worker
    finally:
        worker.close()
