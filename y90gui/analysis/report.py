"""The study report as one JSON-ready dict, exactly the object of spec/report.md.

`compute_report(data)` takes `CaseData`; `report_for_store(store)` reads the store with SQL and
is what the CLI and the GUI use. Both end in `compute_from_frames`, which applies the
definitions of spec/report.md (each one is named where it is computed). Percentages come with
their numerator and denominator (`fractions.fraction`); every other number is unrounded.

Readings where spec/report.md leaves a detail open:
- an adverse event "within 90 days after the procedure" has onset on days 0..90 (the procedure
  day counts: post-embolisation syndrome starts there); lab toxicity uses days 1..90, as written;
- on the patient basis a patient counts when any of their procedures counts, N = patients;
- the PRRT -> RE interval uses PRRT cycles strictly before the first radioembolization; quartiles
  are R's default (type 7, numpy's linear);
- post-RE treatments count treatments starting on or after the first radioembolization;
- REILD is the term "REILD" (or "radioembolization-induced liver disease"), case-insensitive;
- patients without a radioembolization are not part of any figure;
- patients marked `excluded_from_analysis` are not part of any figure either (`inclusion.analysed`);
  the extension key `excluded_from_analysis` counts them by reason when there are any.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from y90gui.analysis.frames_memo import FramesMemo
from y90gui.analysis.options import BASES, CI_METHODS

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.core.progress import Progress
    from y90gui.core.validate import CaseData
    from y90gui.store.backend import CaseSeries

FORMAT = "y90gui-report/1"
REILD_TERMS = frozenset({"reild", "radioembolization-induced liver disease", "radioembolisation-induced liver disease"})


def compute_report(data: CaseData, *, ci_method: str = "log-log", basis: str = "procedures",
                   window_days: int = 90) -> dict[str, Any]:
    from y90gui.analysis.frames import from_case_data

    return compute_from_frames(from_case_data(data), ci_method=ci_method, basis=basis, window_days=window_days)


def report_for_store(store: CaseSeries, patient_ids: Iterable[str] | None = None, *, ci_method: str = "log-log",
                     basis: str = "procedures", window_days: int = 90,
                     progress: Progress | None = None) -> dict[str, Any]:
    from y90gui.analysis.frames import from_store

    if progress is not None:
        progress.step(0, 1, "reading the case series")
    frames = from_store(store, patient_ids)
    if progress is not None:
        progress.step(0.4, 1, "computing the report")
    return compute_from_frames(frames, ci_method=ci_method, basis=basis, window_days=window_days)


_TREATED = FramesMemo("treated_memo")


def treated_once() -> AbstractContextManager[None]:
    """Within the block, `treated(fr)` of one frames object is derived once and shared.

    The report workbook's sheets and paper tables each ask for the treated patients of the same
    frames (15 sorts, group-bys and merges of the radioembolization sheet at 10,000 patients)."""
    return _TREATED.scope()


def treated(fr: Frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(patients with at least one radioembolization + `first_re`, their procedures)."""
    return _TREATED.get(fr, None, lambda: _treated(fr))


def _treated(fr: Frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    re = fr.radioembolization.sort_values(["patient_id", "date", "procedure"])
    first = re.groupby("patient_id")["date"].min().rename("first_re")
    pats = fr.patients.merge(first.reset_index(), on="patient_id", how="inner")
    procs = re[re["patient_id"].isin(pats["patient_id"])]
    return pats.reset_index(drop=True), procs.reset_index(drop=True)


def km_block(km: Any, origin: str, **extra: Any) -> dict[str, Any]:
    """The shape of the report's "os" object for any Kaplan-Meier endpoint (os, pfs, landmark
    groups): origin, N, events, the R figures of `survival.os_json` and SPSS's median."""
    from y90gui.analysis import survival
    from y90gui.analysis.spss_median import spss_median

    return {"origin": origin, **extra, "N": km.n, "events": km.events, **survival.os_json(km),
            "spss_median": spss_median(km).to_json()}


def ae_with_procedure(fr: Frames, procs: pd.DataFrame) -> pd.DataFrame:
    """Adverse events with the procedure they belong to (`proc`, `proc_date`; NaN = none):
    the `procedure` column when filled, else the latest procedure on or before the onset."""
    import pandas as pd

    ae = fr.adverse_events.copy()
    p = procs[["patient_id", "procedure", "date"]]
    named = ae[ae["procedure"].notna()].merge(p.rename(columns={"procedure": "proc", "date": "proc_date"}),
                                              left_on=["patient_id", "procedure"],
                                              right_on=["patient_id", "proc"], how="left")
    unnamed = ae[ae["procedure"].isna()].sort_values("onset_date")
    if len(unnamed) and len(p):
        right = p.rename(columns={"procedure": "proc", "date": "proc_date"}).sort_values(["proc_date", "proc"])
        unnamed = pd.merge_asof(unnamed, right, left_on="onset_date", right_on="proc_date", by="patient_id",
                                direction="backward")
    else:
        unnamed = unnamed.assign(proc=float("nan"), proc_date=float("nan"))
    return pd.concat([named, unnamed], ignore_index=True).sort_values("_row").reset_index(drop=True)


def _quantiles(values: Any) -> dict[str, Any]:
    import numpy as np

    if len(values) == 0:
        return {"median": None, "q1": None, "q3": None, "N": 0}
    q1, med, q3 = np.quantile(np.asarray(values, dtype=float), [0.25, 0.5, 0.75])  # R type 7
    return {"median": _num(med), "q1": _num(q1), "q3": _num(q3), "N": int(len(values))}


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def compute_from_frames(fr: Frames, *, ci_method: str = "log-log", basis: str = "procedures",
                        window_days: int = 90) -> dict[str, Any]:
    """The report of these frames: `prepared_report.prepare` (every per-patient derivation) and
    its `report` for all of them; the window keeps the prepared form and reports any filter."""
    from y90gui.analysis.prepared_report import prepare

    if basis not in BASES:
        raise ValueError(f"unknown basis {basis!r}; use one of {', '.join(BASES)}")
    if ci_method not in CI_METHODS:
        raise ValueError(f"unknown CI method {ci_method!r}; use one of {', '.join(CI_METHODS)}")
    return prepare(fr, window_days).report(None, ci_method=ci_method, basis=basis)
