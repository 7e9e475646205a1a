"""Lab toxicity around each radioembolization: baseline, worst grade in the window, per test.

Definitions (spec/report.md): a procedure's baseline value of a test is the last value from 30
days before up to the procedure day; its toxicity is the worst CTCAE grade of the values on days
1..window (default 90) after it. A value that cannot be graded counts as "not gradable", never
as grade 0; a procedure with values of which some are gradable takes the worst gradable grade.
A missing ULN/LLN on a lab row is taken from `reference_ranges` for the patient's centre (same
test and unit). Creatinine is graded with the procedure's baseline (converted to the row's
unit), the other tests do not use it (CTCAE v4.03).

The pairing of values with procedures is `lab_windows` (vectorised); this module holds the
public row lists and the report's per-test counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.analysis.lab_windows import BASELINE_DAYS, WINDOW_DAYS, LabWindows, filled_labs, lab_windows
from y90gui.core.codes import LAB_TEST

if TYPE_CHECKING:
    from y90gui.core.validate import CaseData

__all__ = ["BASELINE_DAYS", "WINDOW_DAYS", "LabWindows", "filled_labs", "graded_labs", "lab_windows",
           "grade_cells", "grade_counts", "patient_rows", "procedure_rows", "summary_by_test", "tests_json",
           "worsened_by_test", "worst_after_procedures",
           "worst_per_patient"]


def summary_by_test(w: LabWindows, basis: str, n_procedures: int, n_patients: int) -> dict[str, Any]:
    """The report's lab_toxicity.tests object: grade counts per test on the chosen basis."""
    table = w.per_procedure if basis == "procedures" else w.per_patient
    return tests_json(grade_counts(grade_cells(table)[1]))


#: the columns of a per-test count row: not gradable (-1), grades 0..4
GRADE_CELLS = 6


def grade_cells(table: Any) -> tuple[Any, Any]:
    """(patient_id, count cell) of each row of a `LabWindows` per-procedure or per-patient table
    that counts: with values, a test of `LAB_TEST`, worst grade -1 (not gradable) .. 4; the cell
    is test index x `GRADE_CELLS` + worst + 1. `prepared_report` masks these by patient."""
    import numpy as np

    rows = table[table["n_values"] > 0]
    index = {c: i for i, c in enumerate(LAB_TEST)}
    test = np.fromiter((index.get(v, -1) for v in rows["test"]), dtype=np.int64, count=len(rows))
    worst = rows["worst"].to_numpy(dtype=float).astype(int)
    counted = (test >= 0) & (worst >= -1) & (worst <= 4)
    return rows["patient_id"].to_numpy(dtype=object)[counted], test[counted] * GRADE_CELLS + worst[counted] + 1


def grade_counts(cells: Any) -> Any:
    """The (test) x (not gradable, grade 0..4) count matrix of `grade_cells` cells."""
    import numpy as np

    return np.bincount(cells, minlength=len(LAB_TEST) * GRADE_CELLS).reshape(len(LAB_TEST), GRADE_CELLS)


def tests_json(counts: Any) -> dict[str, Any]:
    """lab_toxicity.tests from a (test of `LAB_TEST`) x (not gradable, grade 0..4) count matrix:
    the one place the grades, not gradable and grade 3-4 n/N are spelled out (the report and
    `prepared_report`, which counts masked rows)."""
    from y90gui.analysis.fractions import fraction

    out: dict[str, Any] = {}
    for i, test in enumerate(LAB_TEST):
        row = [int(x) for x in counts[i]]
        grades = {str(g): row[g + 1] for g in range(5)}
        not_gradable = row[0]
        n34 = grades["3"] + grades["4"]
        out[test] = {"grades": grades, "not_gradable": not_gradable,
                     "grade3_4": fraction(n34, sum(grades.values()) + not_gradable)}
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


def patient_rows(w: LabWindows) -> list[dict[str, Any]]:
    """Per patient x test: baseline grade (first procedure), values after any procedure, worst."""
    out = []
    for r in w.per_patient.sort_values(["patient_id", "test"]).to_dict("records"):
        base = _opt_int(r.get("baseline_grade"))
        worst = _opt_int(r.get("worst")) if r["n_values"] else None
        out.append({"patient_id": r["patient_id"], "test": r["test"], "baseline_grade": base,
                    "n_values": int(r["n_values"]), "worst_grade": worst,
                    "not_gradable": bool(r["n_values"]) and worst is None,
                    "worsened": None if base is None or worst is None else worst > base})
    return out


def worst_per_patient(data: CaseData, window_days: int = WINDOW_DAYS) -> list[dict[str, Any]]:
    """`worst_after_procedures` on the patient basis (worst over all of a patient's procedures)."""
    from y90gui.analysis.frames import from_case_data

    return patient_rows(lab_windows(from_case_data(data), window_days))


def worsened_by_test(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per test: rows whose worst grade is above their baseline grade / rows with both graded."""
    from y90gui.analysis.fractions import fraction

    out = {}
    for test in LAB_TEST:
        both = [r for r in rows if r["test"] == test and r["worsened"] is not None]
        out[test] = fraction(sum(1 for r in both if r["worsened"]), len(both))
    return out


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
