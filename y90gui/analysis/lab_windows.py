"""The lab-window engine: every lab value paired with the procedures whose baseline window
(30 days before up to the procedure day) or post window (days 1..window after) holds it.

Vectorised with numpy on integer codes (patients, tests, units): a patient has a handful of
procedures, so one pass per procedure rank replaces a 400,000 x 13,000 join, and no string is
compared per row. `toxicity` turns the result into the report's figures and row lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from y90gui.analysis import ctcae
from y90gui.analysis.units import FACTOR
from y90gui.core.codes import LAB_TEST, UNIT

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames

BASELINE_DAYS = 30
WINDOW_DAYS = 90


@dataclass
class LabWindows:
    """Graded lab values in relation to procedures."""

    labs: pd.DataFrame  # every lab row, limits filled, graded without baseline ("grade0")
    baseline: pd.DataFrame  # one row per procedure x test: the baseline value and its grade
    post: pd.DataFrame  # one row per (lab row, procedure) with the value on days 1..window after it
    per_procedure: pd.DataFrame  # procedure x test: n values, worst grade (-1 = none gradable), baseline
    per_patient: pd.DataFrame  # patient x test: n values, worst grade over all procedures, baseline


class GradeTables(Protocol):
    """What every count of lab toxicity reads: the worst and baseline grades per procedure x
    test and per patient x test (`LabWindows` has them; `prepared_report.lab_tables` computes
    just these two, a slice of patients at a time)."""

    @property
    def per_procedure(self) -> pd.DataFrame: ...

    @property
    def per_patient(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class LabGrades:
    """The two `GradeTables` alone (rows slice by slice: consumers count and group them)."""

    per_procedure: pd.DataFrame
    per_patient: pd.DataFrame


def category_codes(values: Any, categories: Sequence[str]) -> Any:
    """Integer code of each value in `categories` (-1 when absent or missing), as
    `pd.Categorical(values, categories).codes`: the values factorized (one hash per row, no
    per-row Python work) and only their few distinct values looked up in `categories`."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(np.asarray(values, dtype=object))
    table = np.append(pd.Index(list(categories), dtype=object).get_indexer(distinct), -1)  # codes of -1: -1
    return table[codes].astype(np.int64)


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


def _size_max(keys: Any, values: Any) -> tuple[Any, Any, Any]:
    """(distinct keys ascending, rows per key, largest value per key): what
    `Series(values).groupby(keys, sort=True).agg(["size", "max"])` gives (the max in the values'
    dtype), by one stable sort and a reduceat instead of a pandas group-by."""
    import numpy as np

    keys = np.asarray(keys, dtype=np.int64)
    values = np.asarray(values)
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    if not len(k):
        return k, np.zeros(0, dtype=np.int64), values[:0]
    starts = np.flatnonzero(np.concatenate([[True], k[1:] != k[:-1]]))
    sizes = np.diff(np.append(starts, len(k))).astype(np.int64)
    return k[starts], sizes, np.maximum.reduceat(values[order], starts)


def _counts_on(agg: tuple[Any, Any, Any], keys: Any) -> dict[str, Any]:
    """`n_values` (0 where a key has no value) and `worst` of `_size_max` at `keys` (a superset):
    as pandas' reindex gives them, the worst grade in its own dtype unless a key is missing
    (then float, NaN there)."""
    import numpy as np

    distinct, sizes, maxes = agg
    pos = np.searchsorted(distinct, keys)
    hit = pos < len(distinct)
    hit[hit] = distinct[pos[hit]] == keys[hit]
    n_values = np.zeros(len(keys), dtype=np.int64)
    n_values[hit] = sizes[pos[hit]]
    if hit.all():
        return {"n_values": n_values, "worst": maxes[pos]}
    worst = np.full(len(keys), np.nan)
    worst[hit] = maxes[pos[hit]]
    return {"n_values": n_values, "worst": worst}


def filled_labs(fr: Frames) -> pd.DataFrame:
    """Lab rows with ULN/LLN completed from the centre's reference ranges (same test and unit),
    plus integer columns `test_code`, `unit_code` (indexes into codes.LAB_TEST / codes.UNIT)."""
    import numpy as np
    import pandas as pd

    labs = fr.labs.copy(deep=False)
    labs["uln"] = labs["uln"].astype(float)
    labs["lln"] = labs["lln"].astype(float)
    labs["test_code"] = category_codes(labs["test"], LAB_TEST)
    labs["unit_code"] = category_codes(labs["unit"], UNIT)
    ranges = fr.reference_ranges
    if len(labs) and len(ranges):
        centres = sorted({c for c in ranges["center"] if isinstance(c, str)})
        centre_of = dict(zip(fr.patients["patient_id"], fr.patients["center"], strict=True))
        # each lab patient's centre looked up once per patient, not once per lab row
        lab_pid, pids = pd.factorize(labs["patient_id"].to_numpy(dtype=object))
        pid_centre = np.append(category_codes([centre_of.get(p) for p in pids], centres), -1)
        lab_centre = pid_centre[lab_pid]
        size = len(LAB_TEST) * len(UNIT)
        lab_key = np.where(lab_centre >= 0, lab_centre * size + labs["test_code"] * len(UNIT) + labs["unit_code"], -1)
        range_key = (category_codes(ranges["center"], centres) * size
                     + category_codes(ranges["test"], LAB_TEST) * len(UNIT) + category_codes(ranges["unit"], UNIT))
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
    agg = _size_max(pkey, pgrade)
    keys = _union(agg[0], bkey_u)
    ri = keys // n_tests
    # rows by patient_id, procedure, test name: a stable lexsort of integer ranks (`re` is sorted
    # by patient_id, so its factorized codes are in that order; a missing ID sorts last), as
    # DataFrame.sort_values of the three columns ordered them, without comparing strings
    test_rank = np.argsort(np.argsort(np.asarray(LAB_TEST, dtype=object), kind="stable"), kind="stable")
    order = np.lexsort((test_rank[keys % n_tests], re["procedure"].to_numpy(dtype=float)[ri],
                        np.where(re_pid >= 0, re_pid, n_pat)[ri]))
    keys, ri = keys[order], ri[order]
    per_proc = pd.DataFrame({
        "patient_id": re["patient_id"].to_numpy()[ri],
        "procedure": re["procedure"].to_numpy()[ri],
        "proc_date": re_date[ri],
        "test": np.asarray(LAB_TEST, dtype=object)[keys % n_tests],
        **_counts_on(agg, keys),
        "baseline_grade": pd.Series(grade0[blab_u], index=bkey_u).reindex(keys).to_numpy(),
    })

    # per patient x test: worst over all procedures; baseline of the first procedure
    patkey = re_pid[post_re] * n_tests + tc[post_lab] if len(post_re) else np.array([], dtype=np.int64)
    agg = _size_max(patkey, pgrade)
    first_base = base_df[rank[bkey_u // n_tests] == 0]
    fkey = re_pid[first_base["key"].to_numpy() // n_tests] * n_tests + first_base["key"].to_numpy() % n_tests
    keys = _union(agg[0], fkey)
    per_pat = pd.DataFrame({
        "patient_id": np.asarray(patients, dtype=object)[keys // n_tests] if n_pat else np.array([], dtype=object),
        "test": np.asarray(LAB_TEST, dtype=object)[keys % n_tests],
        **_counts_on(agg, keys),
        "baseline_grade": pd.Series(first_base["baseline_grade"].to_numpy(), index=fkey).reindex(keys).to_numpy(),
    })
    return LabWindows(labs, base_df.drop(columns="key"), post.drop(columns="key"), per_proc, per_pat)
