"""Named cohorts in the `.y90` file: a saved filter of the window (format 3's `cohorts` table).

Each save, rename and delete is one `Store.action`, audited by the table's triggers like any
edit, so it is undone with Ctrl+Z and travels with the file (backups, copies). The filter is
kept as data (`search`, `filters` as JSON) together with the patients it showed when saved;
`services.named_cohorts` turns it back into a filter of the table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from y90gui.store.errors import StoreError

if TYPE_CHECKING:
    from y90gui.store.store import Change, Store

TABLE = "cohorts"
MAX_NAME = 80


class CohortNameError(StoreError):
    """A name that is empty, too long or taken: said in one sentence."""


@dataclass(frozen=True)
class SavedCohort:
    name: str
    search: str
    #: the active filters of the table, {column key: value} (None = "not recorded")
    filters: dict[str, Any]
    description: str
    patient_ids: tuple[str, ...] | None
    saved: str
    #: who saved it (a registry's login; a file's cohorts are the file's: "")
    owner: str = ""


def clean_name(name: str) -> str:
    text = " ".join(str(name).split())
    if not text:
        raise CohortNameError("a cohort needs a name")
    if len(text) > MAX_NAME:
        raise CohortNameError(f"a cohort name has at most {MAX_NAME} characters")
    return text


def list_cohorts(store: Store) -> list[SavedCohort]:
    """Every saved cohort, by name (case-insensitive)."""
    rows = store.conn.execute(
        "SELECT name, search, filters, description, patient_ids, saved FROM cohorts ORDER BY lower(name), name"
    ).fetchall()
    out = []
    for name, search, filters, description, ids, saved in rows:
        pids = json.loads(ids) if ids else None
        out.append(SavedCohort(name, search or "", json.loads(filters) if filters else {}, description or "",
                               tuple(pids) if pids is not None else None, saved or ""))
    return out


def find_cohort(store: Store, name: str) -> SavedCohort | None:
    wanted = " ".join(str(name).split()).casefold()
    return next((c for c in list_cohorts(store) if c.name.casefold() == wanted), None)


def _taken(store: Store, name: str, but: str | None = None) -> bool:
    other = find_cohort(store, name)
    return other is not None and (but is None or other.name.casefold() != but.casefold())


def save_cohort(store: Store, name: str, *, search: str, filters: dict[str, Any], description: str,
                patient_ids: Sequence[str] | None, replace: bool = False) -> Change:
    """Save (or, with `replace`, overwrite) a cohort under `name`; one undoable action."""
    name = clean_name(name)
    existing = find_cohort(store, name)
    if existing is not None and not replace:
        raise CohortNameError(f"a cohort named “{existing.name}” exists already: choose another name or replace it")
    values = (search.strip() or None, json.dumps(filters, sort_keys=True), description.strip() or None,
              None if patient_ids is None else json.dumps(list(patient_ids)),
              dt.datetime.now().astimezone().isoformat(timespec="seconds"))
    with store.action(f"save cohort “{name}”") as change:
        if existing is not None:
            store.conn.execute(
                "UPDATE cohorts SET name = ?, search = ?, filters = ?, description = ?, patient_ids = ?, saved = ? "
                "WHERE name = ?", (name, *values, existing.name))
        else:
            store.conn.execute(
                "INSERT INTO cohorts(name, search, filters, description, patient_ids, saved) VALUES (?, ?, ?, ?, ?, ?)",
                (name, *values))
        change.tables.add(TABLE)
    return change


def rename_cohort(store: Store, old: str, new: str) -> Change:
    current = find_cohort(store, old)
    if current is None:
        raise CohortNameError(f"there is no cohort named “{old}”")
    new = clean_name(new)
    if _taken(store, new, but=current.name):
        raise CohortNameError(f"a cohort named “{new}” exists already")
    with store.action(f"rename cohort “{current.name}” to “{new}”") as change:
        store.conn.execute("UPDATE cohorts SET name = ? WHERE name = ?", (new, current.name))
        change.tables.add(TABLE)
    return change


def delete_cohort(store: Store, name: str) -> Change:
    current = find_cohort(store, name)
    if current is None:
        raise CohortNameError(f"there is no cohort named “{name}”")
    with store.action(f"delete cohort “{current.name}”") as change:
        store.conn.execute("DELETE FROM cohorts WHERE name = ?", (current.name,))
        change.tables.add(TABLE)
    return change


class CohortsMixin:
    """`Store`'s side of the named cohorts the window and `report --cohort` call on either back
    end (`registry.database.Registry` has the same four methods, over `registry.cohorts`)."""

    def saved_cohorts(self) -> list[SavedCohort]:
        return list_cohorts(cast("Store", self))

    def save_cohort(self, name: str, *, search: str, filters: dict[str, Any], description: str,
                    patient_ids: Sequence[str] | None, replace: bool = False) -> Change:
        return save_cohort(cast("Store", self), name, search=search, filters=filters, description=description,
                           patient_ids=patient_ids, replace=replace)

    def rename_cohort(self, old: str, new: str) -> Change:
        return rename_cohort(cast("Store", self), old, new)

    def delete_cohort(self, name: str) -> Change:
        return delete_cohort(cast("Store", self), name)
