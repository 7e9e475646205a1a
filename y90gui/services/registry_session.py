"""A registry as the window edits it: the file's calls, with the row versions kept on the side.

The window's models write as they do to a file (`update_row(table, key, values, description)`,
`insert_row`, `delete_row(table, key, description)`) and read with `read_table`. A registry
wants, for each write, the row version the user saw (optimistic concurrency,
`registry.database.Registry.update_row`). `WindowRegistry` wraps the open `Registry`, remembers
the version of every row the window read, and sends it with the write: a row someone else
changed since is refused by the server with who and when (`ConflictError`, shown by the
model as the cell's refusal), and `on_conflict` is told which patient to re-read, so the view
reloads that row instead of showing stale values. Everything else is the registry's own
(`__getattr__`): undo and redo (`Registry.undo_stack`, one's own actions only, `registry.undo`),
named cohorts (`registry.cohorts`).

The window's long work (the import dialog's check and write, export, snapshot, a big undo) runs
on a worker with a connection of its own: `worker_series` opens it (`Registry.reopen`, the same
login), `importer_for` gives the import pair of the back end (`io.importer` for a file,
`registry.imports` for a registry, called alike), and `backup_to` writes a file's backup or a
registry's snapshot. The dialogs call these and never ask which back end they have.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from y90gui.registry.errors import ConflictError

if TYPE_CHECKING:
    from pathlib import Path

    from y90gui.core.progress import Progress
    from y90gui.io.importer import ImportPlan
    from y90gui.registry.database import Membership, Registry
    from y90gui.store.backend import CaseSeries
    from y90gui.store.store import Change

#: The roles whose logins may edit (an editor: their centre's rows only, as the server enforces).
WRITING_ROLES = ("coordinator", "editor")


class WindowRegistry:
    """`Registry` for the window's models (see the module docstring)."""

    def __init__(self, registry: Registry, membership: Membership,
                 on_conflict: Callable[[str, str | None], None] | None = None) -> None:
        self.registry = registry
        self.membership = membership
        self.on_conflict = on_conflict
        self.read_only = not (membership.admin or membership.role in WRITING_ROLES)
        self.review_only = False  # import, export, snapshot and undo all work on a registry
        self.locked_by = None
        where = "" if self.read_only else "; edits are saved at once, checked against the row versions"
        self.read_only_reason: str | None = (f"connected as {membership.describe()}"
                                             + ("; a reviewer reads only" if self.read_only else where))
        self._versions: dict[tuple[str, str], int] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.registry, name)

    # ------------------------------------------------------------------ reading, versions remembered
    def read_table(self, table_name: str, patient_ids: Iterable[str] | None = None, *,
                   with_ids: bool = False) -> list[dict[str, Any]]:
        rows = self.registry.read_table(table_name, patient_ids, with_ids=True, with_versions=True)
        key_col = "patient_id" if table_name == "patients" else "id"
        for r in rows:
            self._versions[(table_name, str(r[key_col]))] = int(r.pop("row_version"))
            r.pop("changed_by", None)
            r.pop("changed_at", None)
            if not with_ids and table_name != "patients":
                r.pop("id", None)
        return rows

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """`CaseSeries.reader`: on the window's thread the registry's connection, on a worker
        (the cohort load) a connection of its own, so the window's reads never land inside the
        worker's snapshot transaction."""
        if threading.current_thread() is threading.main_thread():
            with self.registry.reader() as reg:
                yield reg
            return
        with self.registry.reopen() as own, own.reader() as reg:
            yield reg

    def read_for_check(self, table_name: str, patient_ids: Iterable[str] | None = None, *,
                       with_ids: bool = False) -> list[dict[str, Any]]:
        """The rows as they are now, for an edit's checks (`services.edit_rules`): not what the
        user saw, so the versions remembered stay those of the view's last read; otherwise a
        concurrent change would slip through between the check and the write."""
        return self.registry.read_table(table_name, patient_ids, with_ids=with_ids)

    def history(self, patient_id: str | None = None, limit: int = 5000) -> list[dict[str, Any]]:
        rows = self.registry.history(patient_id, limit)
        for r in rows:
            if isinstance(r["time"], dt.datetime):
                r["time"] = r["time"].astimezone().isoformat(timespec="seconds")
        return rows

    # ------------------------------------------------------------------ writing with the version seen
    def _seen(self, table_name: str, key: str | int) -> int:
        """The version the window read (the row's current one if it somehow never read it)."""
        seen = self._versions.get((table_name, str(key)))
        if seen is not None:
            return seen
        key_col = "patient_id" if table_name == "patients" else "id"
        row = self.registry.conn.execute(
            f"SELECT row_version FROM {self._table(table_name)} WHERE {key_col} = %s", (key,)).fetchone()
        return int(row[0]) if row else 0

    def update_row(self, table_name: str, key: str | int, values: dict[str, Any],
                   description: str | None = None) -> Change:
        try:
            change, version = self.registry.update_row_change(table_name, key, values, self._seen(table_name, key),
                                                              description)
        except ConflictError:
            self._versions.pop((table_name, str(key)), None)
            if self.on_conflict is not None:
                self.on_conflict(table_name, self._patient_of(table_name, key))
            raise
        self._versions[(table_name, str(key))] = version
        return change

    def insert_row(self, table_name: str, values: dict[str, Any], description: str | None = None
                   ) -> tuple[Change, str]:
        change, key = self.registry.insert_row(table_name, values, description)
        self._versions[(table_name, key)] = 1
        return change, key

    def delete_row(self, table_name: str, key: str | int, description: str | None = None) -> Change:
        try:
            return self.registry.delete_row(table_name, key, self._seen(table_name, key), description)
        except ConflictError:
            if self.on_conflict is not None:
                self.on_conflict(table_name, self._patient_of(table_name, key))
            raise

    def _patient_of(self, table_name: str, key: str | int) -> str | None:
        if table_name == "patients":
            return str(key)
        if table_name == "reference_ranges":
            return None
        found = self.registry.conn.execute(
            f"SELECT patient_id FROM {self._table(table_name)} WHERE id = %s", (int(key),)).fetchone()
        return str(found[0]) if found else None

    @staticmethod
    def _table(table_name: str) -> str:
        from y90gui.registry.schema import table

        return table(table_name)


def is_registry(series: object) -> bool:
    """Whether the open case series is a registry (the window's `WindowRegistry` or a `Registry`)."""
    return isinstance(series, WindowRegistry) or bool(getattr(type(series), "is_registry", False))


@contextmanager
def worker_series(series: Any, *, write: bool) -> Iterator[Any]:
    """A registry connection of the worker's own, as the same login; `write=False` reads one
    consistent snapshot (an export's sheets all from the same moment)."""
    registry = series.registry if isinstance(series, WindowRegistry) else series
    own = registry.reopen()
    try:
        if write:
            yield own
        else:
            with own.snapshot():
                yield own
    finally:
        own.close()


def importer_for(series: object) -> tuple[Callable[[Path, Any, Progress | None], ImportPlan],
                                          Callable[[Any, ImportPlan, Progress | None], Change | None]]:
    """(prepare, apply) of the series' back end, both called as `io.importer`'s pair."""
    if is_registry(series):
        from y90gui.registry import imports

        return imports.prepare, imports.apply
    from y90gui.io.importer import apply_import, prepare_import

    return prepare_import, apply_import


def backup_to(series: CaseSeries, target: Path, progress: Progress) -> Path:
    """A file's backup (SQLite online backup) or a registry's snapshot as a new `.y90`; the
    series is the worker's own connection."""
    if is_registry(series):
        from y90gui.registry.snapshot import snapshot

        return snapshot(series, target, progress=progress)[0]  # type: ignore[arg-type]
    progress.step(0, 1, "copying…")
    result: Path = series.backup(target)  # type: ignore[attr-defined]
    progress.step(1, 1, "done")
    return result


def default_file(series: Any, suffix: str, tail: str = "") -> Path:
    """Where a save dialog starts for this series: beside the file (`<stem><tail><suffix>`), or
    for a registry `<database><tail><suffix>` in the home folder (a registry has no folder)."""
    from pathlib import Path

    if is_registry(series):
        return Path.home() / f"{series.url.dbname}{tail}{suffix}"
    path = Path(series.path)
    return path.with_name(f"{path.stem}{tail}{suffix}")
