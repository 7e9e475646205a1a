"""The study report split in two: per-patient derivations ONCE, then counts for any set of patients.

Every figure of spec/report.md is a count, a quantile or a Kaplan-Meier fit over per-patient (or
per-procedure, per-event) values that depend on that patient's rows alone: the first
radioembolization, the 3-month response, the lab windows, OS and PFS times, the adverse events
with their procedure. `prepare(frames, window_days)` derives all of them for the whole case series
(the analysis modules' own functions: `report.treated`, `recist.three_month_frame`,
`toxicity.lab_windows`, `pfs.pfs_frame`, ...) into arrays that carry each row's patient index;
`PreparedReport.report(patient_ids)` masks those arrays with one boolean per patient and
aggregates. A filter change in the window is then milliseconds of numpy, not a new report.

`report.compute_from_frames` is `prepare(frames).report(None)`, so the command line, the report
workbook and the window run the same code; the report of a subset equals the report computed from
scratch on the subset's frames (tests/analysis/test_prepared_report.py) because no derivation
looks across patients (reference ranges are kept whole by `inclusion.subset` as well). The mask
applies `inclusion.analysed` (the excluded patients are masked out) after the filter, as
`compute_from_frames` applies it to the filtered frames.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.analysis.fractions import fraction
from y90gui.analysis.frames_memo import FramesMemo
from y90gui.core.codes import TREATMENT

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.analysis.lab_windows import LabGrades

_RECIST = ("CR", "PR", "SD", "PD", "NE")


@dataclass
class _Rows:
    """Rows of one derivation: `code` = index of each row's patient in `PreparedReport.ids`
    (the orphan slot `len(ids)` for a patient id without a patients row)."""

    code: np.ndarray

    def keep(self, mask: np.ndarray) -> np.ndarray:
        out: np.ndarray = mask[self.code]
        return out


@dataclass
class PreparedReport:
    """The whole case series' per-patient derivations for one lab/clinical window."""

    frames: Frames
    window_days: int
    ids: pd.Index
    excluded: np.ndarray  # bool per patient: `inclusion` FLAG
    treated: np.ndarray  # codes of `report.treated` patients, in its order
    #: OS (`survival.os_arrays`) and PFS (`pfs.pfs_frame`) of the treated patients, each in time
    #: order (a fit counts sorted input in one pass; a Kaplan-Meier fit does not depend on row order)
    os_codes: np.ndarray
    os_days: np.ndarray
    os_dead: np.ndarray
    symptomatic: np.ndarray  # per treated patient: functional_syndrome == 1
    procs: np.ndarray  # codes of `report.treated` procedures
    whole_liver: np.ndarray  # per procedure
    interval: np.ndarray  # codes of patients with prior PRRT (`prior_prrt`)
    interval_days: np.ndarray
    tm: np.ndarray  # codes of patients with a 3-month assessment (`recist.three_month_frame`)
    tm_recist: np.ndarray  # index into _RECIST (-1: other / none)
    tm_clinical: np.ndarray  # 1 yes, 0 no, -1 other / none
    clin_pairs: tuple[np.ndarray, np.ndarray]  # (codes of distinct (patient, procedure), of distinct patients)
    comp_pairs: tuple[np.ndarray, np.ndarray]
    reild_any: np.ndarray  # codes of distinct patients with REILD
    reild_fatal: np.ndarray
    lab_procedure: tuple[np.ndarray, np.ndarray]  # (codes, cells) of `toxicity.grade_cells`
    lab_patient: tuple[np.ndarray, np.ndarray]
    pfs_codes: np.ndarray
    pfs_days: np.ndarray
    pfs_event: np.ndarray
    landmark: Any  # `landmark.LandmarkData` of every treated patient, each group in time order
    landmark_codes: dict[str, np.ndarray]  # codes of `landmark.ids` and of its excluded_ids
    treatments: dict[str, np.ndarray]  # treatment -> codes of distinct patients, on or after the first RE
    #: `recist.three_month_frame` and the lab windows' per-procedure table, kept for the window's
    #: derived table columns (`services.cohort.columns_from`), so a load derives them once
    three_month: pd.DataFrame
    lab_per_procedure: pd.DataFrame

    # ------------------------------------------------------------------ masks
    def mask(self, patient_ids: Iterable[str] | None) -> np.ndarray:
        """One boolean per patient (+ the orphan slot): in the filter (None: everyone)."""
        import numpy as np

        out = np.zeros(len(self.ids) + 1, dtype=bool)
        if patient_ids is None:
            out[:] = True
            return out
        ids = patient_ids if isinstance(patient_ids, (list, tuple)) else list(patient_ids)
        found = self.ids.get_indexer(ids) if len(ids) else np.array([], dtype=np.int64)
        out[found[found >= 0]] = True
        return out

    def analysed_mask(self, patient_ids: Iterable[str] | None) -> tuple[np.ndarray, np.ndarray]:
        """(in the filter, in the filter and analysed): `inclusion.analysed` of the filtered frames.
        Every figure counts `report.treated` patients, who have a patients row, so the orphan slot
        (rows of an id without one) never reaches a figure."""
        shown = self.mask(patient_ids)
        analysed = shown.copy()
        analysed[:-1] &= ~self.excluded
        return shown, analysed

    # ------------------------------------------------------------------ the report
    def report(self, patient_ids: Iterable[str] | None = None, *, ci_method: str = "log-log",
               basis: str = "procedures") -> dict[str, Any]:
        """The report (spec/report.md) of these patients (None: all); `report.compute_from_frames`
        of their frames, key for key."""
        import numpy as np

        from y90gui.analysis import inclusion, landmark, pfs, survival, toxicity
        from y90gui.analysis.options import BASES, CI_METHODS
        from y90gui.analysis.report import FORMAT, _quantiles, km_block

        shown, m = self.analysed_mask(patient_ids)
        if basis not in BASES:
            raise ValueError(f"unknown basis {basis!r}; use one of {', '.join(BASES)}")
        if ci_method not in CI_METHODS:
            raise ValueError(f"unknown CI method {ci_method!r}; use one of {', '.join(CI_METHODS)}")
        in_t = m[self.treated]
        treated = np.zeros_like(m)
        treated[self.treated[in_t]] = True
        n_pats = int(in_t.sum())
        in_p = m[self.procs]
        n_procs = int(in_p.sum())

        tm = treated[self.tm]
        rec_codes = self.tm_recist[tm]
        rec: dict[str, Any] = {k: int((rec_codes == i).sum()) for i, k in enumerate(_RECIST)}
        rec["not_assessed"] = n_pats - sum(rec.values())
        evaluable = rec["CR"] + rec["PR"] + rec["SD"] + rec["PD"]
        rec["orr"] = fraction(rec["CR"] + rec["PR"], evaluable)
        rec["dcr"] = fraction(rec["CR"] + rec["PR"] + rec["SD"], evaluable)
        symptomatic = np.zeros_like(m)
        symptomatic[self.treated[in_t & self.symptomatic]] = True
        clinical = self.tm_clinical[symptomatic[self.tm]]
        answered = clinical >= 0

        def per_basis(pairs: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
            if basis == "procedures":
                return {"basis": basis, **fraction(int(treated[pairs[0]].sum()), n_procs)}
            return {"basis": basis, **fraction(int(treated[pairs[1]].sum()), n_pats)}

        table = self.lab_procedure if basis == "procedures" else self.lab_patient
        in_os, in_pfs = m[self.os_codes], m[self.pfs_codes]
        km = survival.kaplan_meier(self.os_days[in_os], self.os_dead[in_os], ci_method=ci_method)
        pfs_km = survival.kaplan_meier(self.pfs_days[in_pfs], self.pfs_event[in_pfs], ci_method=ci_method)

        out: dict[str, Any] = {
            "format": FORMAT,
            "patients": n_pats,
            "procedures": n_procs,
            "whole_liver": fraction(int((self.whole_liver & in_p).sum()), n_procs),
            "prrt_to_re_days": _quantiles(self.interval_days[treated[self.interval]]),
            "recist_3m": rec,
            "clinical_response_3m": fraction(int((clinical == 1).sum()), int(answered.sum())),
            "clinical_toxicity_3m": per_basis(self.clin_pairs),
            "lab_toxicity": {"basis": basis, "window_days": self.window_days,
                             "tests": toxicity.tests_json(toxicity.grade_counts(table[1][treated[table[0]]]))},
            "complications": per_basis(self.comp_pairs),
            "reild": {"any": fraction(int(treated[self.reild_any].sum()), n_pats),
                      "fatal": fraction(int(treated[self.reild_fatal].sum()), n_pats)},
            "os": km_block(km, "first_radioembolization"),
            "pfs": km_block(pfs_km, "first_radioembolization", event_definition=pfs.EVENT_DEFINITION),
            "os_landmark_3m": landmark.landmark_json(self.landmark_subset(treated), ci_method),
            "post_re_treatments": {t: fraction(int(treated[self.treatments[t]].sum()), n_pats) for t in TREATMENT},
        }
        left_out = inclusion.exclusions(dataclasses.replace(
            self.frames, patients=self.frames.patients[shown[:-1] & self.excluded]))
        if left_out["n"]:  # extension key, only when someone is excluded (docs/FORMAT-EXTENSIONS.md)
            out[inclusion.REPORT_KEY] = left_out
        return out

    def landmark_subset(self, treated: np.ndarray) -> Any:
        """`landmark.LandmarkData` of the masked patients (what `landmark_data` gives on their frames)."""
        from y90gui.analysis.landmark import LandmarkData

        data = self.landmark
        out = LandmarkData()
        for name, (days, dead) in data.groups.items():
            keep = treated[self.landmark_codes[name]]
            out.groups[name] = (days[keep], dead[keep])
            out.ids[name] = data.ids[name][keep]
        for reason, ids in data.excluded_ids.items():
            out.excluded_ids[reason] = ids[treated[self.landmark_codes["excluded:" + reason]]]
        out.not_alive_at_landmark = len(out.excluded_ids.get("not_alive_at_landmark", ()))
        out.not_evaluable = len(out.excluded_ids.get("not_evaluable", ()))
        return out


def prepare(fr: Frames, window_days: int = 90) -> PreparedReport:
    """Every per-patient derivation of the report for the whole case series (`fr` as read, with
    the patients excluded from analysis: they are masked out per report)."""
    from y90gui.analysis import recist

    with recist.judged_once():  # the 3-month assessment and PFS's assessments judged once
        return _prepare(fr, window_days)


def _prepare(fr: Frames, window_days: int) -> PreparedReport:
    """The body of `prepare`, inside its `judged_once` block."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis import inclusion, landmark, pfs, recist, survival, toxicity
    from y90gui.analysis.prior_prrt import prior_prrt
    from y90gui.analysis.report import REILD_TERMS, ae_with_procedure, treated

    ids = pd.Index(fr.patients["patient_id"].to_numpy(dtype=object))
    orphan = len(ids)

    def codes(values: Any) -> np.ndarray:
        found = np.asarray(ids.get_indexer(np.asarray(values, dtype=object)), dtype=np.int64)
        found[found < 0] = orphan
        return found

    def distinct(values: Any) -> np.ndarray:
        return np.unique(codes(values))

    pats, procs = treated(fr)
    first = pats.set_index("patient_id")["first_re"]
    os_days, os_dead = survival.os_arrays(pats)
    flag = fr.patients[inclusion.FLAG] if inclusion.FLAG in fr.patients.columns else None
    excluded = np.zeros(len(ids), dtype=bool) if flag is None else (flag == 1).to_numpy(dtype=bool)

    interval = prior_prrt(fr, first)["days_to_re"]
    tm = recist.three_month_frame(fr)
    rec_index = {k: i for i, k in enumerate(_RECIST)}
    tm_recist = np.fromiter((rec_index.get(v, -1) if isinstance(v, str) else -1 for v in tm["recist"]),
                            dtype=np.int64, count=len(tm))
    clin_resp = tm["clinical_response"].to_numpy(dtype=object)
    tm_clinical = np.where(clin_resp == "yes", 1, np.where(clin_resp == "no", 0, -1))

    ae = ae_with_procedure(fr, procs)
    with_proc = ae["proc"].notna()
    gap = ae["onset_date"] - ae["proc_date"]
    clin = ae[(ae["category"] == "clinical") & with_proc & (gap >= 0) & (gap <= window_days)]
    comp = ae[(ae["category"] == "complication") & with_proc]
    terms = ae["term"].astype(str).str.strip().str.lower()
    reild = ae[terms.isin(REILD_TERMS)]

    def pairs(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        unique = df[["patient_id", "proc"]].drop_duplicates()
        return codes(unique["patient_id"]), distinct(df["patient_id"])

    grades = lab_tables(fr, window_days)
    per_procedure, per_patient = grades.per_procedure, grades.per_patient

    def lab_cells(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        pids, cells = toxicity.grade_cells(table)
        return codes(pids), cells

    pf = pfs.pfs_frame(fr, pats)
    lm = landmark.landmark_data(pats, tm)
    for name, (days, dead) in lm.groups.items():
        order = np.argsort(days, kind="stable")
        lm.groups[name] = (days[order], dead[order])
        lm.ids[name] = lm.ids[name][order]
    treated_codes = codes(pats["patient_id"])
    os_order = np.argsort(os_days, kind="stable")
    pfs_days = pf["days"].to_numpy(dtype=float)
    pfs_order = np.argsort(pfs_days, kind="stable")
    lm_codes = {name: codes(v) for name, v in lm.ids.items()}
    lm_codes.update({"excluded:" + reason: codes(v) for reason, v in lm.excluded_ids.items()})
    ta = fr.treatments_after.merge(first.reset_index(), on="patient_id")
    ta = ta[ta["start_date"] >= ta["first_re"]]

    return PreparedReport(
        frames=fr, window_days=window_days, ids=ids, excluded=excluded,
        treated=treated_codes, os_codes=treated_codes[os_order], os_days=os_days[os_order],
        os_dead=os_dead[os_order],
        symptomatic=(pats["functional_syndrome"] == 1).to_numpy(dtype=bool),
        procs=codes(procs["patient_id"]), whole_liver=(procs["extent"] == "whole_liver").to_numpy(dtype=bool),
        interval=codes(interval.index), interval_days=interval.to_numpy(dtype=float),
        tm=codes(tm.index), tm_recist=tm_recist, tm_clinical=tm_clinical,
        clin_pairs=pairs(clin), comp_pairs=pairs(comp),
        reild_any=distinct(reild["patient_id"]), reild_fatal=distinct(reild.loc[reild["grade"] == 5, "patient_id"]),
        lab_procedure=lab_cells(per_procedure), lab_patient=lab_cells(per_patient),
        pfs_codes=treated_codes[pfs_order], pfs_days=pfs_days[pfs_order],
        pfs_event=pf["event"].to_numpy(dtype=bool)[pfs_order],
        landmark=lm, landmark_codes=lm_codes,
        treatments={t: distinct(ta.loc[ta["treatment"] == t, "patient_id"]) for t in TREATMENT},
        three_month=tm, lab_per_procedure=per_procedure,
    )


#: Patients per `lab_windows` call: its pairings of lab rows with procedures are the largest
#: temporaries of a load (about 1.1 GB for the 3.9 million lab rows of 100,000 patients at once).
LAB_CHUNK_PATIENTS = 10_000


_LAB_TABLES = FramesMemo("lab_tables_memo")


def lab_tables_once() -> AbstractContextManager[None]:
    """Within the block, `lab_tables` of one frames object and window is computed once.

    `report --out` computes the report (`prepare`) and then the workbook from the same frames:
    both need the same grade tables (0.23 s of lab pairing at 10,000 patients, ten slices of it at
    100,000)."""
    return _LAB_TABLES.scope()


def lab_tables(fr: Frames, window_days: int) -> LabGrades:
    """The grade tables of `fr` (`_lab_tables`: a slice of patients at a time), once per frames
    object and window inside `lab_tables_once()`."""
    return _LAB_TABLES.get(fr, window_days, lambda: _lab_tables(fr, window_days))


def _lab_tables(fr: Frames, window_days: int) -> LabGrades:
    """`toxicity.lab_windows(fr).per_procedure` and `.per_patient`, computed for a slice of
    `LAB_CHUNK_PATIENTS` patients at a time (every row of those tables is one patient's, and the
    reference ranges are whole in each slice), so the peak memory of a load, or of the report
    workbook, is a fraction of it (the workbook of 100,000 patients: +1.1 GB at once). Rows
    come slice by slice: every consumer counts or groups them (no row order is relied on)."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis import toxicity
    from y90gui.analysis.lab_windows import LabGrades

    n = len(fr.patients)
    if n <= LAB_CHUNK_PATIENTS:
        w = toxicity.lab_windows(fr, window_days)
        return LabGrades(w.per_procedure, w.per_patient)
    ids = pd.Index(fr.patients["patient_id"].to_numpy(dtype=object))
    sheets = {name: fr.sheet(name) for name in ("patients", "labs", "radioembolization")}
    codes = {name: np.asarray(ids.get_indexer(df["patient_id"].to_numpy(dtype=object))) for name, df in sheets.items()}
    procedures, patients = [], []
    for lo in range(0, n, LAB_CHUNK_PATIENTS):
        hi = lo + LAB_CHUNK_PATIENTS
        part = dataclasses.replace(fr, **{name: df[(codes[name] >= lo) & (codes[name] < hi)]
                                          for name, df in sheets.items()})
        w = toxicity.lab_windows(part, window_days)
        procedures.append(w.per_procedure)
        patients.append(w.per_patient)
        del w, part
    return LabGrades(pd.concat(procedures, ignore_index=True), pd.concat(patients, ignore_index=True))
