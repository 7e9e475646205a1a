"""Work the window runs off its thread: load the whole case series and derive per-patient figures.

Plain functions of a path and a `Progress` (no Qt): the worker opens its own read-only
connection, because a sqlite3 connection belongs to the thread that made it. The analysis
package (pandas, lifelines) is imported here, on the worker, never on the first-paint path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from y90gui.core.progress import Progress
from y90gui.core.validate import CaseData
from y90gui.store.store import Store

log = logging.getLogger(__name__)


@dataclass
class CohortData:
    """The whole case series in memory, plus what the table and the survival panel need."""

    data: CaseData
    #: derived table columns: {"recist_3m": {pid: code}, "worst_lab_grade": {pid: int}}
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (patient_id, days from first RE, death) for every patient with a first RE
    os_rows: list[tuple[str, float, bool]] = field(default_factory=list)

    def subset(self, patient_ids: list[str] | set[str] | None) -> CaseData:
        """The case data of some patients (reference ranges always kept whole)."""
        if patient_ids is None:
            return self.data
        keep = set(patient_ids)
        return {
            sheet: (rows if sheet == "reference_ranges" else [r for r in rows if r.get("patient_id") in keep])
            for sheet, rows in self.data.items()
        }


def warm_up(progress: Progress) -> bool:
    """Import the plotting stack so the first plot does not freeze the window."""
    import numpy  # noqa: F401
    import pyqtgraph  # noqa: F401

    progress.step(1, 1, "plotting ready")
    return True


def derive_columns(data: CaseData) -> dict[str, dict[str, Any]]:
    """RECIST at 3 months and the worst lab grade after any procedure, per patient."""
    from y90gui.analysis import recist, toxicity

    three = recist.three_month(data)
    recist_3m = {pid: a.get("recist") for pid, a in three.items() if a}
    worst: dict[str, Any] = {}
    for row in toxicity.worst_after_procedures(data):
        grade = row.get("grade", row.get("worst_grade"))
        if grade is None:
            continue
        pid = row["patient_id"]
        worst[pid] = max(worst.get(pid, grade), grade)
    return {"recist_3m": recist_3m, "worst_lab_grade": worst}


def load_cohort(path: Path, progress: Progress) -> CohortData:
    progress.step(0, 1, "reading the case series")
    with Store.open(path, read_only=True) as store:
        data = store.read_case_data()
    progress.step(0.4, 1, "grading labs and responses")
    cohort = CohortData(data)
    try:
        cohort.derived = derive_columns(data)
        progress.step(0.8, 1, "survival data")
        from y90gui.analysis import survival

        cohort.os_rows = [(pid, float(days), bool(ev)) for pid, days, ev in survival.os_data(data)]
    except ImportError as exc:  # analysis package not installed in this build
        log.warning("analysis unavailable: %s", exc)
    progress.step(1, 1, "ready")
    return cohort


def reload_patients(path: Path, cohort: CohortData, patient_ids: set[str], progress: Progress) -> CohortData:
    """A new `CohortData` with just these patients re-read and re-derived (after an edit).

    Re-reading 10,000 patients after every cell edit would keep a worker busy for seconds; one
    patient's rows take milliseconds. The old object is not modified (other workers may hold it).
    """
    progress.step(0, 1, "reading the changed patients")
    with Store.open(path, read_only=True) as store:
        fresh = store.read_case_data(sorted(patient_ids))
    data = {
        sheet: ([r for r in rows if r.get("patient_id") not in patient_ids] + fresh.get(sheet, [])
                if sheet != "reference_ranges" else fresh.get(sheet, rows))
        for sheet, rows in cohort.data.items()
    }
    out = CohortData(data, {k: dict(v) for k, v in cohort.derived.items()},
                     [r for r in cohort.os_rows if r[0] not in patient_ids])
    try:
        derived = derive_columns(fresh)
        for key, values in out.derived.items():
            for pid in patient_ids:
                values.pop(pid, None)
            values.update(derived.get(key, {}))
        from y90gui.analysis import survival

        out.os_rows.extend((pid, float(days), bool(ev)) for pid, days, ev in survival.os_data(fresh))
    except ImportError as exc:
        log.warning("analysis unavailable: %s", exc)
    progress.step(1, 1, "ready")
    return out
