"""Named cohorts on a registry (schema 3): the file's saved filters (`store.cohorts`), shared.

A cohort is a row of `cohorts` (name, the table's search and filters, description, owner) and
its patients are rows of `cohort_patients`. Row-level security (`access._policies`) decides what
a login sees and may change, so the rules hold for every client, not only this one:
- every member sees every cohort's name and filter (a coordinator's "PRRT ≥ 4 cycles" is meant
  for the whole study), but a cohort's patients only where they see the patient: an editor of
  centre A applying a cohort of all centres gets its centre-A patients, and the count shown is
  that, never the others';
- a cohort is saved by a coordinator or an editor (a reviewer reads only, as everywhere) and
  renamed, replaced or deleted by its owner or a coordinator; an editor can put only patients
  they see into it (the policy's WITH CHECK).
Each save, rename and delete is one action of kind 'cohort' (who and when in `actions`); the
cohort tables carry no audit rows and these actions are not undone with the patients' Undo
(`registry.undo` replays audit rows), nor do they count as a change of the case series for an
import's "changed since the preview" (`last_action`). Names are unique, case-insensitively.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from y90gui.registry.connection import translated
from y90gui.registry.errors import RegistryAccessError
from y90gui.registry.schema import SCHEMA
from y90gui.store.cohorts import CohortNameError, SavedCohort, clean_name

if TYPE_CHECKING:
    from y90gui.registry.database import Registry
    from y90gui.store.store import Change

TABLE = "cohorts"


def list_cohorts(reg: Registry) -> list[SavedCohort]:
    """Every cohort, by name (case-insensitive), with the patients of it this login sees."""
    with translated("reading the cohorts"):
        rows = reg.conn.execute(
            f"SELECT c.name, c.search, c.filters, c.description, c.all_patients, c.saved, c.owner, "
            f"array(SELECT m.patient_id FROM {SCHEMA}.cohort_patients m WHERE m.cohort_id = c.id "
            f"ORDER BY m.position) FROM {SCHEMA}.cohorts c ORDER BY lower(c.name), c.name").fetchall()
    out = []
    for name, search, filters, description, everyone, saved, owner, ids in rows:
        out.append(SavedCohort(name, search or "", dict(filters or {}), description or "",
                               None if everyone else tuple(ids), saved.astimezone().isoformat(timespec="seconds"),
                               owner))
    return out


def find_cohort(reg: Registry, name: str) -> SavedCohort | None:
    wanted = " ".join(str(name).split()).casefold()
    return next((c for c in list_cohorts(reg) if c.name.casefold() == wanted), None)


def _refuse_unless_mine(reg: Registry, cohort: SavedCohort, what: str) -> None:
    """Say who may, before the server's policy would quietly change no row."""
    me = reg.membership()
    if cohort.owner != me.login and not (me.admin or me.role == "coordinator"):
        raise RegistryAccessError(f"the cohort “{cohort.name}” is {cohort.owner}'s: only they or a coordinator "
                                  f"may {what} it")


def save_cohort(reg: Registry, name: str, *, search: str, filters: dict[str, Any], description: str,
                patient_ids: Sequence[str] | None, replace: bool = False) -> Change:
    """Save (or, with `replace`, overwrite) a cohort under `name`; one action."""
    name = clean_name(name)
    existing = find_cohort(reg, name)
    if existing is not None and not replace:
        raise CohortNameError(f"a cohort named “{existing.name}” exists already: choose another name or replace it")
    if existing is not None:
        _refuse_unless_mine(reg, existing, "replace")
    values = (search.strip() or None, json.dumps(filters, sort_keys=True), description.strip() or None,
              patient_ids is None)
    conn = reg.conn
    with reg.action(f"save cohort “{name}”", kind="cohort") as change:
        if existing is not None:
            row = conn.execute(
                f"UPDATE {SCHEMA}.cohorts SET name = %s, search = %s, filters = %s::jsonb, description = %s, "
                "all_patients = %s, saved = now() WHERE name = %s RETURNING id",
                (name, *values, existing.name)).fetchone()
            assert row is not None
            conn.execute(f"DELETE FROM {SCHEMA}.cohort_patients WHERE cohort_id = %s", (row[0],))
        else:
            row = conn.execute(
                f"INSERT INTO {SCHEMA}.cohorts(name, search, filters, description, all_patients) "
                "VALUES (%s, %s, %s::jsonb, %s, %s) RETURNING id", (name, *values)).fetchone()
            assert row is not None
        if patient_ids:
            conn.execute(
                f"INSERT INTO {SCHEMA}.cohort_patients(cohort_id, patient_id, position) "
                "SELECT %s, p, n FROM unnest(%s::text[]) WITH ORDINALITY AS u(p, n)", (row[0], list(patient_ids)))
        change.tables.add(TABLE)
    return change


def rename_cohort(reg: Registry, old: str, new: str) -> Change:
    current = find_cohort(reg, old)
    if current is None:
        raise CohortNameError(f"there is no cohort named “{old}”")
    new = clean_name(new)
    other = find_cohort(reg, new)
    if other is not None and other.name.casefold() != current.name.casefold():
        raise CohortNameError(f"a cohort named “{new}” exists already")
    _refuse_unless_mine(reg, current, "rename")
    with reg.action(f"rename cohort “{current.name}” to “{new}”", kind="cohort") as change:
        reg.conn.execute(f"UPDATE {SCHEMA}.cohorts SET name = %s WHERE name = %s", (new, current.name))
        change.tables.add(TABLE)
    return change


def delete_cohort(reg: Registry, name: str) -> Change:
    current = find_cohort(reg, name)
    if current is None:
        raise CohortNameError(f"there is no cohort named “{name}”")
    _refuse_unless_mine(reg, current, "delete")
    with reg.action(f"delete cohort “{current.name}”", kind="cohort") as change:
        reg.conn.execute(f"DELETE FROM {SCHEMA}.cohorts WHERE name = %s", (current.name,))
        change.tables.add(TABLE)
    return change
