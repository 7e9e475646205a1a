"""Named cohorts for the window, without Qt: a `CohortView` saved under a name, recognised again.

`store.cohorts` keeps them in the file, `registry.cohorts` in a registry (shared, the patients
of each as row-level security lets the login see them); both answer `saved_cohorts`,
`save_cohort`, `rename_cohort`, `delete_cohort`, which this module is what the Cohort menu (`ui.cohort_menu`)
and the cohort views call. A view "is" a saved cohort when its filter (search text and column
filters) equals the saved one, so a report, a figure or a document computed on it states that
cohort's name (`cohort_key` -> the report's `cohort` extension key, `analysis.cohort_label`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.analysis.cohort_label import cohort_key, cohort_label
from y90gui.services.cohort_view import CohortView
from y90gui.store.cohorts import SavedCohort

if TYPE_CHECKING:
    from y90gui.store.store import Change

__all__ = ["cohort_info", "delete", "label_for", "matching", "rename", "save_view", "saved", "supported"]


def _criteria(search: str, filters: dict[str, Any] | tuple[tuple[str, Any], ...]) -> tuple[str, tuple[Any, ...]]:
    items = filters.items() if isinstance(filters, dict) else filters
    return " ".join(search.split()).casefold(), tuple(sorted((str(k), repr(v)) for k, v in items))


def supported(store: Any) -> bool:
    """Whether the case series keeps named cohorts (a .y90 file and a registry both do)."""
    return store is not None and hasattr(store, "saved_cohorts")


def saved(store: Any) -> list[SavedCohort]:
    return list(store.saved_cohorts()) if store is not None and supported(store) else []


def save_view(store: Any, name: str, view: CohortView, *, replace: bool = False) -> Change:
    """Save the view's filter and the patients it shows (None: every patient) under `name`."""
    change: Change = store.save_cohort(name, search=view.search, filters=dict(view.filters),
                                       description=view.description, patient_ids=view.patient_ids, replace=replace)
    return change


def rename(store: Any, old: str, new: str) -> Change:
    change: Change = store.rename_cohort(old, new)
    return change


def delete(store: Any, name: str) -> Change:
    change: Change = store.delete_cohort(name)
    return change


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
