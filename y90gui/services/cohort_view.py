"""The current filter as data: which patients every cohort view shows, and how to say so.

The patient table's search box and filter combos produce one `CohortView`; the session hands it
to every view (KM plot, cohort toxicity, report) with its `cohort_changed` signal, so no view
asks the table or the window which patients are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CohortView:
    """`patient_ids`: the patients shown, in table order (None: every patient of the file)."""

    patient_ids: tuple[str, ...] | None
    description: str
    total: int
    #: the filter itself (search text, active column filters), so it can be saved under a name
    #: (`services.named_cohorts`) and recognised again
    search: str = ""
    filters: tuple[tuple[str, Any], ...] = ()

    @property
    def shown(self) -> int:
        return self.total if self.patient_ids is None else len(self.patient_ids)

    def ids(self, every: Iterable[str]) -> list[str]:
        """The shown patients as a list (`every`: all patients, used when no filter is active)."""
        return list(every) if self.patient_ids is None else list(self.patient_ids)

    def scope(self) -> str:
        """'all 44 patients' or '12 of 44 patients (centre = Bonn)' for a view's header."""
        if self.patient_ids is None:
            return f"all {self.total} patients"
        return f"{self.shown} of {self.total} patients ({self.description})"


EVERYONE = CohortView(None, "all patients", 0)
