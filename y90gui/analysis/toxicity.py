"""Lab toxicity around each radioembolization: baseline, worst grade in the window, per test.

Definitions (spec/report.md): a procedure's baseline value of a test is the last value from 30
days before up to the procedure day; its toxicity is the worst CTCAE grade of the values on days
1..window (default 90) after it. A value that cannot be graded counts as "not gradable", never
as grade 0; a procedure with values of which some are gradable takes the worst gradable grade.
A missing ULN/LLN on a lab row is taken from `reference_ranges` for the patient's centre (same
test and unit). Creatinine is graded with the procedure's baseline (converted to the row's
unit), the other tests do not use it (CTCAE v4.03).

Everything is vectorised over pandas frames (`frames.Frames`): 400,000 lab rows grade in well
under a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.analysis import ctcae
from y90gui.analysis.units import FACTOR
from y90gui.core.codes import LAB_TEST

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.core.validate import CaseData

BASELINE_DAYS = 30
WINDOW_DAYS = 90
PKEY = ["patient_id", "procedure"]


@dataclass
class LabWindows:
    """Graded lab values in relation to procedures."""

    labs: pd.DataFrame  # every lab row, limits filled, graded without baseline ("grade0")
    baseline: pd.DataFrame  # one row per procedure x test: the baseline value and its grade
    post: pd.DataFrame  # one row per (lab row, procedure) with the value on days 1..window after it
    per_procedure: pd.DataFrame  # procedure x test: n values, worst grade (-1 = none gradable), baseline
    per_patient: pd.DataFrame  # patient x test: n values, worst grade over all procedures, baseline


def _factor_series(tests: pd.Series, units: pd.Series) -> Any:
    import numpy as np

    lookup = {(t, u): f for t, us in FACTOR.items() for u, f in us.items()}
    return np.array([lookup.get(k, np.nan) for k in zip(tests, units, strict=True)], dtype=float)


def filled_labs(fr: Frames) -> pd.DataFrame:
    """Lab rows with ULN/LLN completed from the centre's reference ranges."""
    labs = fr.labs
    if labs.empty:
        return labs.assign(uln=labs["uln"].astype(float), lln=labs["lln"].astype(float))
    centre = fr.patients[["patient_id", "center"]]
    ranges = fr.reference_ranges[["center", "test", "unit", "lln", "uln"]].rename(
        columns={"lln": "lln_ref", "uln": "uln_ref"})
    out = labs.merge(centre, on="patient_id", how="left").merge(ranges, on=["center", "test", "unit"], how="left")
    out["uln"] = out["uln"].fillna(out["uln_ref"]).astype(float)
    out["lln"] = out["lln"].fillna(out["lln_ref"]).astype(float)
    return out.drop(columns=["uln_ref", "lln_ref"]).sort_values("_row").reset_index(drop=True)


def lab_windows(fr: Frames, window_days: int = WINDOW_DAYS, baseline_days: int = BASELINE_DAYS) -> LabWindows:
    import numpy as np

    labs = filled_labs(fr)
    labs["grade0"] = ctcae.grade_frame(labs)
    procs = fr.radioembolization[["patient_id", "procedure", "date"]].rename(columns={"date": "proc_date"})
    cols = ["patient_id", "date", "test", "value", "unit", "uln", "lln", "_row", "grade0"]
    m = labs[cols].merge(procs, on="patient_id", how="inner")
    m["day"] = m["date"] - m["proc_date"]

    base = m[(m["day"] >= -baseline_days) & (m["day"] <= 0)]
    base = base.sort_values(["patient_id", "procedure", "test", "date", "_row"])
    base = base.groupby(["patient_id", "procedure", "test"], sort=False).tail(1)
    base = base.rename(columns={"value": "baseline_value", "unit": "baseline_unit", "grade0": "baseline_grade",
                                "_row": "baseline_row"})
    base = base[["patient_id", "procedure", "test", "baseline_value", "baseline_unit", "baseline_grade",
                 "baseline_row", "proc_date"]].reset_index(drop=True)

    post = m[(m["day"] >= 1) & (m["day"] <= window_days)].copy()
    post = post.merge(base[["patient_id", "procedure", "test", "baseline_value", "baseline_unit"]],
                      on=["patient_id", "procedure", "test"], how="left")
    post["baseline"] = post["baseline_value"] * (
        _factor_series(post["test"], post["baseline_unit"]) / _factor_series(post["test"], post["unit"]))
    post["grade"] = ctcae.grade_frame(post[["test", "value", "unit", "uln", "lln", "baseline"]])

    keys = ["patient_id", "procedure", "test"]
    per_proc = post.groupby(keys, sort=False).agg(n_values=("grade", "size"), worst=("grade", "max")).reset_index()
    per_proc = per_proc.merge(base[keys + ["baseline_grade"]], on=keys, how="outer")
    per_proc["n_values"] = per_proc["n_values"].fillna(0).astype(int)
    per_proc = per_proc.merge(procs, on=PKEY, how="left").sort_values(["patient_id", "procedure", "test"])

    per_pat = post.groupby(["patient_id", "test"], sort=False).agg(
        n_values=("grade", "size"), worst=("grade", "max")).reset_index()
    if len(procs):
        first = procs.sort_values(["patient_id", "proc_date", "procedure"]).groupby("patient_id").head(1)
        first_base = base.merge(first[PKEY], on=PKEY)[["patient_id", "test", "baseline_grade"]]
        per_pat = per_pat.merge(first_base, on=["patient_id", "test"], how="outer")
    else:
        per_pat["baseline_grade"] = np.nan
    per_pat["n_values"] = per_pat["n_values"].fillna(0).astype(int)
    return LabWindows(labs, base, post, per_proc.reset_index(drop=True), per_pat.reset_index(drop=True))


def summary_by_test(w: LabWindows, basis: str, n_procedures: int, n_patients: int) -> dict[str, Any]:
    """The report's lab_toxicity.tests object: grade counts per test on the chosen basis."""
    from y90gui.analysis.fractions import fraction

    table = w.per_procedure if basis == "procedures" else w.per_patient
    out: dict[str, Any] = {}
    with_values = table[table["n_values"] > 0]
    for test in LAB_TEST:
        worst = with_values.loc[with_values["test"] == test, "worst"].astype(int)
        counts = worst.value_counts()
        grades = {str(g): int(counts.get(g, 0)) for g in range(5)}
        n34 = grades["3"] + grades["4"]
        out[test] = {"grades": grades, "not_gradable": int(counts.get(-1, 0)),
                     "grade3_4": fraction(n34, int(len(worst)))}
    return out


def _opt_int(x: Any) -> int | None:
    return None if x is None or x != x or int(x) < 0 else int(x)


def worst_after_procedures(data: CaseData, window_days: int = WINDOW_DAYS) -> list[dict[str, Any]]:
    """Per procedure x test: baseline, number of values on days 1..window, worst grade, worsened."""
    from y90gui.analysis.frames import from_case_data, to_date

    w = lab_windows(from_case_data(data), window_days)
    return [_procedure_row(r, to_date) for r in w.per_procedure.to_dict("records")]


def _procedure_row(r: dict[str, Any], to_date: Any) -> dict[str, Any]:
    base = _opt_int(r.get("baseline_grade"))
    worst = _opt_int(r.get("worst")) if r["n_values"] else None
    return {
        "patient_id": r["patient_id"],
        "procedure": int(r["procedure"]),
        "date": to_date(r.get("proc_date")),
        "test": r["test"],
        "baseline_grade": base,
        "n_values": int(r["n_values"]),
        "worst_grade": worst,
        "not_gradable": bool(r["n_values"]) and worst is None,
        "worsened": None if base is None or worst is None else worst > base,
    }


def procedure_rows(w: LabWindows) -> list[dict[str, Any]]:
    from y90gui.analysis.frames import to_date

    return [_procedure_row(r, to_date) for r in w.per_procedure.to_dict("records")]


def graded_labs(data: CaseData, window_days: int = WINDOW_DAYS) -> list[dict[str, Any]]:
    """Every lab row with "grade" (int | None), the "procedure" it belongs to (or None) and
    "baseline" (True when it is a procedure's baseline value).

    A baseline value belongs to the procedure it is the baseline of and is graded without a
    baseline; a value on days 1..window after procedures belongs to the latest of them and is
    graded with that procedure's baseline; any other value belongs to none.
    """
    from y90gui.analysis.frames import from_case_data

    w = lab_windows(from_case_data(data), window_days)
    grade = w.labs["grade0"].to_numpy().astype(int).tolist()
    proc: list[int | None] = [None] * len(grade)
    is_base = [False] * len(grade)
    latest_post = w.post.sort_values(["_row", "proc_date", "procedure"]).groupby("_row").tail(1)
    for row, p, g in zip(latest_post["_row"], latest_post["procedure"], latest_post["grade"], strict=True):
        proc[int(row)] = int(p)
        grade[int(row)] = int(g)
    latest_base = w.baseline.sort_values(["baseline_row", "proc_date"]).groupby("baseline_row").tail(1)
    for row, p, g in zip(latest_base["baseline_row"], latest_base["procedure"], latest_base["baseline_grade"],
                         strict=True):
        proc[int(row)] = int(p)
        is_base[int(row)] = True
        grade[int(row)] = int(g)
    rows = data.get("labs", [])
    return [{**r, "grade": None if g < 0 else g, "procedure": p, "baseline": b}
            for r, g, p, b in zip(rows, grade, proc, is_base, strict=True)]
