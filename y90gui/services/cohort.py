"""The whole case series in memory for the window: its analysis frames, derived ONCE per load.

Plain functions of a path and a `Progress` (no Qt), run by the window on a worker: the worker
reads through its own read-only connection (a sqlite3 connection belongs to its thread). The
frames come straight from SQL (`analysis.frames.from_store`) and every figure the window shows
is computed from them with the analysis layer's own functions: the table's derived columns
(RECIST at 3 months, worst lab grade), the OS rows of the KM view (`survival.os_frame`), its
strata (`strata.stratum_values` / `strata.split`) and the report: `prepared_report.prepare` derives
every per-patient figure of the report once per load (`CohortData.prepared`), and a filter change
only masks and counts (`PreparedReport.report`, milliseconds at 100,000 patients), the same code
`report --json` runs.
An earlier version kept `CaseData` dicts and rebuilt frames from them twice per load (3.1 GB
for 50,000 patients); an import error of the analysis package now fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.analysis import inclusion, landmark, recist, strata, survival, toxicity
from y90gui.analysis.frames import Frames, from_store
from y90gui.analysis.prepared_report import PreparedReport, prepare
from y90gui.analysis.strata import Strata
from y90gui.core.progress import Progress
from y90gui.core.sheets import SHEETS
from y90gui.store.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.store.backend import CaseSeries


def subset_frames(fr: Frames, patient_ids: Iterable[str] | None) -> Frames:
    """The frames of some patients (None: all); reference ranges are always kept whole."""
    return inclusion.subset(fr, patient_ids)


def derive_columns(fr: Frames) -> dict[str, dict[str, Any]]:
    """The table's columns that need the analysis rules: RECIST at 3 months and the worst lab
    grade on days 1..90 after any procedure, per patient (the report's own functions)."""
    return columns_from(recist.three_month_frame(fr), toxicity.lab_windows(fr, toxicity.WINDOW_DAYS).per_procedure)


def columns_from(three_month: pd.DataFrame, per_procedure: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """`derive_columns` from `recist.three_month_frame` and the lab windows' per-procedure table
    (also what `prepare` derived for the report: one derivation per load)."""
    tm, pp = three_month, per_procedure
    recist_3m = {str(pid): (v if isinstance(v, str) else None)
                 for pid, v in zip(tm.index, tm["recist"].to_numpy(), strict=True)}
    graded = pp[(pp["n_values"] > 0) & pp["worst"].notna() & (pp["worst"] >= 0)]
    worst = graded.groupby("patient_id")["worst"].max()
    return {"recist_3m": recist_3m,
            "worst_lab_grade": {str(p): int(g) for p, g in zip(worst.index, worst.to_numpy(), strict=True)}}


@dataclass
class CohortData:
    """The case series as analysis frames plus what the table and the KM view need."""

    frames: Frames
    #: derived table columns: {"recist_3m": {pid: code}, "worst_lab_grade": {pid: int}}
    derived: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: `survival.os_frame`: (patient_id, days from first RE, event) of every treated patient not
    #: excluded from analysis (`inclusion.analysed`; the table still lists the excluded ones)
    os: Any = None
    _values: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _endpoints: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def os_rows(self) -> list[tuple[str, float, bool]]:
        """The OS rows as tuples (tests, the self-test)."""
        return [(str(p), float(d), bool(e)) for p, d, e in zip(self.os["patient_id"], self.os["days"],
                                                                self.os["event"], strict=True)]

    def subset(self, patient_ids: Iterable[str] | None) -> Frames:
        return subset_frames(self.frames, patient_ids)

    def prepared(self, window_days: int = toxicity.WINDOW_DAYS) -> PreparedReport:
        """The report's per-patient derivations of the whole case series (`prepared_report`),
        once per load and window; the report of any filter is `.report(patient_ids)` of it.
        Computed with the load for the default window; another window (or after an edit) on the
        first request, which runs on a worker (the report view's task)."""
        key = f"prepared:{window_days}"
        if key not in self._endpoints:
            self._endpoints[key] = prepare(self.frames, window_days)
        out: PreparedReport = self._endpoints[key]
        return out

    def report(self, patient_ids: Iterable[str] | None, *, ci_method: str = "log-log", basis: str = "procedures",
               window_days: int = toxicity.WINDOW_DAYS) -> dict[str, Any]:
        """The report of these patients (None: all): `report.compute_from_frames` of their frames."""
        return self.prepared(window_days).report(patient_ids, ci_method=ci_method, basis=basis)

    def analysed(self) -> Frames:
        """The frames without the patients excluded from analysis (`inclusion.analysed`, the one
        rule): what every endpoint of the window is computed from (the table lists everyone)."""
        if "analysed" not in self._endpoints:
            self._endpoints["analysed"] = inclusion.analysed(self.frames)
        fr: Frames = self._endpoints["analysed"]
        return fr

    def excluded_in(self, patient_ids: Iterable[str] | None) -> int:
        """How many of these patients (None: all) are excluded from analysis (`inclusion`); the
        excluded set is derived once per load (it was ~6 ms of every 100,000-patient KM refresh)."""
        if "excluded" not in self._endpoints:
            self._endpoints["excluded"] = inclusion.excluded_ids(self.frames)
        out: set[str] = self._endpoints["excluded"]
        return len(out) if patient_ids is None else len(out.intersection(patient_ids))

    def stratum_values(self, field_name: str) -> dict[str, str]:
        """{patient_id: label} of a stratification field, computed once per load and field."""
        if field_name not in self._values:
            self._values[field_name] = strata.stratum_values(self.frames, field_name)
        return self._values[field_name]

    def strata(self, field_name: str | None, patient_ids: Iterable[str] | None, *,
               keep_missing: bool = False) -> strata.Strata:
        """OS of these patients (None: all) split by `field_name` (None: one group, "all patients")."""
        return self.endpoint_strata("os", field_name, patient_ids, keep_missing=keep_missing, whole="all patients")

    def endpoint_rows(self, endpoint: str) -> pd.DataFrame:
        """A registered endpoint's (patient_id, days, event) rows (`survival.endpoint_rows`),
        computed once per load (OS is `os`, computed with the load)."""
        if endpoint == "os":
            return self.os
        if endpoint not in self._endpoints:
            self._endpoints[endpoint] = survival.endpoint_rows(self.analysed(), endpoint)
        rows: pd.DataFrame = self._endpoints[endpoint]
        return rows

    def time_ordered_rows(self, endpoint: str) -> pd.DataFrame:
        """`endpoint_rows` in time order (stable), once per load: a Kaplan-Meier fit counts
        time-ordered rows in one pass (`survival._distinct_times`) instead of sorting 100,000
        of them twice on every filter change; no fit depends on the order of its rows."""
        key = f"time_ordered:{endpoint}"
        if key not in self._endpoints:
            rows = self.endpoint_rows(endpoint)
            self._endpoints[key] = rows.iloc[rows["days"].to_numpy(dtype=float).argsort(kind="stable")]
        out: pd.DataFrame = self._endpoints[key]
        return out

    def endpoint_strata(self, endpoint: str, field_name: str | None, patient_ids: Iterable[str] | None, *,
                        keep_missing: bool = False, whole: str = "all") -> Strata:
        """An endpoint's rows of these patients split by `field_name` (None: one group, key
        `whole`); without a value left out and counted, or kept (`strata.split`, as everywhere)."""
        rows = self.time_ordered_rows(endpoint)
        if patient_ids is not None:
            rows = rows[rows["patient_id"].isin(set(patient_ids))]
        if field_name is None:
            days, events = rows["days"].to_numpy(dtype=float), rows["event"].to_numpy(dtype=bool)
            return Strata("", {whole: (days, events)} if len(rows) else {}, 0, keep_missing)
        return strata.split(rows, self.stratum_values(field_name), field_name, keep_missing=keep_missing)

    def landmark(self, patient_ids: Iterable[str] | None) -> landmark.LandmarkData:
        """Landmark OS by 3-month response (`landmark.landmark_data`) of these patients; the
        whole cohort's analysis once per load, then restricted to the filter."""
        if "landmark" not in self._endpoints:
            from y90gui.analysis.report import treated

            fr = self.analysed()
            self._endpoints["landmark"] = landmark.landmark_data(treated(fr)[0], recist.three_month_frame(fr))
        data: landmark.LandmarkData = self._endpoints["landmark"]
        return data.subset(patient_ids)


def cohort_from_frames(fr: Frames, progress: Progress | None = None) -> CohortData:
    if progress is not None:
        progress.step(0.5, 1, "grading labs and responses")
    prepared = prepare(fr, toxicity.WINDOW_DAYS)
    derived = columns_from(prepared.three_month, prepared.lab_per_procedure)
    if progress is not None:
        progress.step(0.9, 1, "survival data")
    cohort = CohortData(fr, derived, survival.os_frame(inclusion.analysed(fr)))
    cohort._endpoints[f"prepared:{toxicity.WINDOW_DAYS}"] = prepared
    return cohort


def load_cohort(path: Path | CaseSeries, progress: Progress) -> CohortData:
    """A file (opened read-only on this worker) or an open registry (`CaseSeries`, read in one snapshot)."""
    progress.step(0, 1, "reading the case series")
    if not isinstance(path, Path):
        fr = from_store(path)
    else:
        with Store.open(path, read_only=True) as store:
            fr = from_store(store)
    cohort = cohort_from_frames(fr, progress)
    progress.step(1, 1, "ready")
    return cohort


def reload_patients(path: Path | CaseSeries, cohort: CohortData, patient_ids: set[str],
                    progress: Progress) -> CohortData:
    """A new `CohortData` with just these patients re-read and re-derived (after an edit).

    Re-reading 10,000 patients after every cell edit would keep a worker busy for seconds; one
    patient's rows take milliseconds. The old object is not modified (other workers may hold it).
    """
    import pandas as pd

    progress.step(0, 1, "reading the changed patients")
    if not isinstance(path, Path):
        fresh = from_store(path, sorted(patient_ids))
    else:
        with Store.open(path, read_only=True) as store:
            fresh = from_store(store, sorted(patient_ids))
    parts = {}
    for s in SHEETS:
        old, new = cohort.frames.sheet(s.name), fresh.sheet(s.name)
        if s.name == "reference_ranges":
            parts[s.name] = new
            continue
        merged = pd.concat([old[~old["patient_id"].isin(patient_ids)], new], ignore_index=True)
        merged["_row"] = range(len(merged))
        parts[s.name] = merged
    frames = Frames(**parts, source=cohort.frames.source)
    derived = {k: {p: v for p, v in values.items() if p not in patient_ids} for k, values in cohort.derived.items()}
    for key, values in derive_columns(fresh).items():
        derived.setdefault(key, {}).update(values)
    kept = cohort.os[~cohort.os["patient_id"].isin(patient_ids)]
    os_ = pd.concat([kept, survival.os_frame(inclusion.analysed(fresh))], ignore_index=True)
    progress.step(1, 1, "ready")
    return CohortData(frames, derived, os_)
