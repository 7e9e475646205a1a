"""Named cohorts for the window, without Qt: a `CohortView` saved under a name, recognised again.

`store.cohorts` keeps them in the file; this module is what the Cohort menu (`ui.cohort_menu`)
and the cohort views call. A view "is" a saved cohort when its filter (search text and column
filters) equals the saved one, so a report, a figure or a document computed on it states that
cohort's name (`cohort_key` -> the report's `cohort` extension key, `analysis.cohort_label`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.analysis.cohort_label import cohort_key, cohort_label
from y90gui.services.cohort_view import CohortView
from y90gui.store.cohorts import SavedCohort, delete_cohort, list_cohorts, rename_cohort, save_cohort

if TYPE_CHECKING:
    from y90gui.store.store import Change, Store

__all__ = ["cohort_info", "delete", "label_for", "matching", "rename", "save_view", "saved", "supported"]


def _criteria(search: str, filters: dict[str, Any] | tuple[tuple[str, Any], ...]) -> tuple[str, tuple[Any, ...]]:
    items = filters.items() if isinstance(filters, dict) else filters
    return " ".join(search.split()).casefold(), tuple(sorted((str(k), repr(v)) for k, v in items))


def supported(store: Any) -> bool:
    """Named cohorts live in a .y90 file (its `cohorts` table); a registry keeps none."""
    from y90gui.store.store import Store

    return isinstance(store, Store)


def saved(store: Store | None) -> list[SavedCohort]:
    return list_cohorts(store) if store is not None and supported(store) else []


def save_view(store: Store, name: str, view: CohortView, *, replace: bool = False) -> Change:
    """Save the view's filter and the patients it shows (None: every patient) under `name`."""
    return save_cohort(store, name, search=view.search, filters=dict(view.filters), description=view.description,
                       patient_ids=view.patient_ids, replace=replace)


def rename(store: Store, old: str, new: str) -> Change:
    return rename_cohort(store, old, new)


def delete(store: Store, name: str) -> Change:
    return delete_cohort(store, name)


def matching(view: CohortView, cohorts: list[SavedCohort]) -> SavedCohort | None:
    """The saved cohort whose filter is the view's (search compared trimmed and case-insensitively)."""
    mine = _criteria(view.search, view.filters)
    return next((c for c in cohorts if _criteria(c.search, c.filters) == mine), None)


def cohort_info(view: CohortView, cohorts: list[SavedCohort]) -> dict[str, Any]:
    """The report's `cohort` key for this view: name (None when unsaved), filter, n, total."""
    found = matching(view, cohorts)
    return cohort_key(found.name if found else None, view.description, view.shown, view.total)


def label_for(view: CohortView, cohorts: list[SavedCohort]) -> str:
    return cohort_label(cohort_info(view, cohorts))
