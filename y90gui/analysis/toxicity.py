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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.analysis import ctcae
from y90gui.analysis.units import FACTOR
from y90gui.core.codes import LAB_TEST, UNIT

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


def _codes(values: Any, categories: Sequence[str]) -> Any:
    """Integer code of each value in `categories` (-1 when absent): no per-row Python work."""
    import numpy as np
    import pandas as pd

    return np.asarray(pd.Categorical(values, categories=list(categories)).codes, dtype=np.int64)


def _factor_table() -> Any:
    """FACTOR as an array [test code, unit code] (NaN where the unit does not belong to the test)."""
    import numpy as np

    table = np.full((len(LAB_TEST), len(UNIT)), np.nan)
    for i, test in enumerate(LAB_TEST):
        for j, unit in enumerate(UNIT):
            if unit in FACTOR.get(test, {}):
                table[i, j] = FACTOR[test][unit]
    return table


def _union(a: Any, b: Any) -> Any:
    """Sorted union of two int arrays (sort-based: much faster than hashing here)."""
    import numpy as np

    keys = np.concatenate([np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)])
    keys.sort(kind="stable")
    if len(keys) == 0:
        return keys
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])]


def filled_labs(fr: Frames) -> pd.DataFrame:
    """Lab rows with ULN/LLN completed from the centre's reference ranges (same test and unit),
    plus integer columns `test_code`, `unit_code` (indexes into codes.LAB_TEST / codes.UNIT)."""
    import numpy as np

    labs = fr.labs.copy(deep=False)
    labs["uln"] = labs["uln"].astype(float)
    labs["lln"] = labs["lln"].astype(float)
    labs["test_code"] = _codes(labs["test"], LAB_TEST)
    labs["unit_code"] = _codes(labs["unit"], UNIT)
    ranges = fr.reference_ranges
    if len(labs) and len(ranges):
        centres = sorted({c for c in ranges["center"] if isinstance(c, str)})
        centre_of = dict(zip(fr.patients["patient_id"], fr.patients["center"], strict=True))
        lab_centre = _codes(labs["patient_id"].map(centre_of), centres)
        size = len(LAB_TEST) * len(UNIT)
        lab_key = np.where(lab_centre >= 0, lab_centre * size + labs["test_code"] * len(UNIT) + labs["unit_code"], -1)
        range_key = (_codes(ranges["center"], centres) * size + _codes(ranges["test"], LAB_TEST) * len(UNIT)
                     + _codes(ranges["unit"], UNIT))
        order = np.argsort(range_key)
        sorted_keys = range_key[order]
        pos = np.clip(np.searchsorted(sorted_keys, lab_key), 0, len(sorted_keys) - 1)
        hit = (lab_key >= 0) & (sorted_keys[pos] == lab_key)
        for col in ("uln", "lln"):
            ref = ranges[col].to_numpy(dtype=float)[order][pos]
            current = labs[col].to_numpy(dtype=float)
            labs[col] = np.where(np.isnan(current) & hit, ref, current)
    return labs


def lab_windows(fr: Frames, window_days: int = WINDOW_DAYS, baseline_days: int = BASELINE_DAYS) -> LabWindows:
    """Pair every lab value with the procedures whose baseline or post window holds it (numpy; a
    patient has a handful of procedures, so one pass per procedure rank replaces a join)."""
    import numpy as np
    import pandas as pd

    labs = filled_labs(fr)
    tc, uc = labs["test_code"].to_numpy(), labs["unit_code"].to_numpy()
    value = labs["value"].to_numpy(dtype=float)
    uln, lln = labs["uln"].to_numpy(dtype=float), labs["lln"].to_numpy(dtype=float)
    grade0 = ctcae.grade_codes(LAB_TEST, UNIT, tc, uc, value, uln, lln)
    labs["grade0"] = grade0
    lab_date = labs["date"].to_numpy(dtype=float)

    re = fr.radioembolization.sort_values(["patient_id", "date", "procedure"]).reset_index(drop=True)
    re_pid, patients = pd.factorize(re["patient_id"])
    rank = re.groupby("patient_id", sort=False).cumcount().to_numpy()
    n_pat, n_rank = len(patients), (int(rank.max()) + 1 if len(re) else 0)
    re_at = np.full((max(n_rank, 1), max(n_pat, 1)), -1, dtype=np.int64)  # [rank, patient] -> re row
    re_at[rank, re_pid] = np.arange(len(re))
    re_date = re["date"].to_numpy(dtype=float)
    lab_pat = patients.get_indexer(labs["patient_id"]) if n_pat else np.full(len(labs), -1)

    parts: dict[str, list[Any]] = {"base_lab": [], "base_re": [], "post_lab": [], "post_re": []}
    known = lab_pat >= 0
    for k in range(n_rank):
        r = np.where(known, re_at[k, np.where(known, lab_pat, 0)], -1)
        has = r >= 0
        day = np.where(has, lab_date - re_date[np.where(has, r, 0)], np.nan)
        b = has & (day >= -baseline_days) & (day <= 0)
        p = has & (day >= 1) & (day <= window_days)
        parts["base_lab"].append(np.nonzero(b)[0])
        parts["base_re"].append(r[b])
        parts["post_lab"].append(np.nonzero(p)[0])
        parts["post_re"].append(r[p])
    base_lab, base_re, post_lab, post_re = (
        np.concatenate(v).astype(np.int64) if v else np.array([], dtype=np.int64) for v in parts.values())

    # baseline: the last value (by date, then row order) per procedure x test
    n_tests = len(LAB_TEST)
    bkey = base_re * n_tests + tc[base_lab]
    order = np.lexsort((base_lab, lab_date[base_lab], bkey))
    bkey_s, blab_s = bkey[order], base_lab[order]
    last = np.ones(len(bkey_s), dtype=bool)
    last[:-1] = bkey_s[:-1] != bkey_s[1:]
    bkey_u, blab_u = bkey_s[last], blab_s[last]
    base_df = pd.DataFrame({
        "patient_id": re["patient_id"].to_numpy()[bkey_u // n_tests],
        "procedure": re["procedure"].to_numpy()[bkey_u // n_tests],
        "proc_date": re_date[bkey_u // n_tests],
        "test": np.asarray(LAB_TEST, dtype=object)[bkey_u % n_tests],
        "baseline_value": value[blab_u],
        "baseline_unit": labs["unit"].to_numpy()[blab_u],
        "baseline_grade": grade0[blab_u],
        "baseline_row": labs["_row"].to_numpy()[blab_u],
        "key": bkey_u,
    })

    # post values: grade0, except creatinine, which is graded with its procedure's baseline
    pkey = post_re * n_tests + tc[post_lab]
    pgrade = grade0[post_lab].copy()
    pos = np.clip(np.searchsorted(bkey_u, pkey), 0, max(len(bkey_u) - 1, 0))
    has_base = (len(bkey_u) > 0) & (bkey_u[pos] == pkey) if len(bkey_u) else np.zeros(len(pkey), dtype=bool)
    crea = (tc[post_lab] == LAB_TEST.index("creatinine")) & has_base
    if crea.any():
        factors = _factor_table()
        li, bl = post_lab[crea], blab_u[pos[crea]]
        baseline = value[bl] * factors[tc[bl], uc[bl]] / factors[tc[li], uc[li]]
        pgrade[crea] = ctcae.grade_codes(LAB_TEST, UNIT, tc[li], uc[li], value[li], uln[li], lln[li], baseline)
    post = pd.DataFrame({
        "_row": labs["_row"].to_numpy()[post_lab],
        "patient_id": re["patient_id"].to_numpy()[post_re],
        "procedure": re["procedure"].to_numpy()[post_re],
        "proc_date": re_date[post_re],
        "test": np.asarray(LAB_TEST, dtype=object)[tc[post_lab]],
        "grade": pgrade,
        "key": pkey,
    })

    # per procedure x test
    agg = post.groupby("key", sort=True)["grade"].agg(["size", "max"])
    keys = _union(agg.index.to_numpy(dtype=np.int64), bkey_u)
    per_proc = pd.DataFrame({"key": keys})
    per_proc["n_values"] = agg["size"].reindex(keys).fillna(0).astype(int).to_numpy()
    per_proc["worst"] = agg["max"].reindex(keys).to_numpy()
    per_proc["baseline_grade"] = pd.Series(grade0[blab_u], index=bkey_u).reindex(keys).to_numpy()
    ri = keys // n_tests
    per_proc.insert(0, "patient_id", re["patient_id"].to_numpy()[ri])
    per_proc.insert(1, "procedure", re["procedure"].to_numpy()[ri])
    per_proc.insert(2, "proc_date", re_date[ri])
    per_proc.insert(3, "test", np.asarray(LAB_TEST, dtype=object)[keys % n_tests])
    per_proc = per_proc.sort_values(["patient_id", "procedure", "test"]).drop(columns="key").reset_index(drop=True)

    # per patient x test: worst over all procedures; baseline of the first procedure
    patkey = re_pid[post_re] * n_tests + tc[post_lab] if len(post_re) else np.array([], dtype=np.int64)
    agg = pd.Series(pgrade).groupby(patkey, sort=True).agg(["size", "max"])
    first_base = base_df[rank[bkey_u // n_tests] == 0]
    fkey = re_pid[first_base["key"].to_numpy() // n_tests] * n_tests + first_base["key"].to_numpy() % n_tests
    keys = _union(agg.index.to_numpy(dtype=np.int64), fkey)
    per_pat = pd.DataFrame({
        "patient_id": np.asarray(patients, dtype=object)[keys // n_tests] if n_pat else np.array([], dtype=object),
        "test": np.asarray(LAB_TEST, dtype=object)[keys % n_tests],
        "n_values": agg["size"].reindex(keys).fillna(0).astype(int).to_numpy(),
        "worst": agg["max"].reindex(keys).to_numpy(),
        "baseline_grade": pd.Series(first_base["baseline_grade"].to_numpy(), index=fkey).reindex(keys).to_numpy(),
    })
    return LabWindows(labs, base_df.drop(columns="key"), post.drop(columns="key"), per_proc, per_pat)


def summary_by_test(w: LabWindows, basis: str, n_procedures: int, n_patients: int) -> dict[str, Any]:
    """The report's lab_toxicity.tests object: grade counts per test on the chosen basis."""
    from y90gui.analysis.fractions import fraction

    table = w.per_procedure if basis == "procedures" else w.per_patient
    with_values = table[table["n_values"] > 0]
    counts = with_values.groupby(["test", with_values["worst"].astype(int)]).size()
    out: dict[str, Any] = {}
    for test in LAB_TEST:
        c = counts[test] if test in counts.index.get_level_values(0) else {}
        grades = {str(g): int(c.get(g, 0)) for g in range(5)}
        not_gradable = int(c.get(-1, 0))
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
