"""RECIST 1.1 at 3 months after the first radioembolization (spec/report.md).

The 3-month assessment of a patient is the response row closest to day 90 after the first
radioembolization among rows on days 45..135 (a tie goes to the earlier row). Its `recist` is the
response; when empty, it is derived from the target-lesion sums, with baseline = the last row
with a sum on or before the first radioembolization:

- PD: new lesions, non-target PD, or a sum >= 20 % and >= 5 mm above the smallest sum so far
  (baseline and the rows between it and the assessment);
- CR: sum 0 and non-target CR or absent;   PR: sum 0 with non-target not CR, or >= 30 % below
  baseline;   otherwise SD.
Percent thresholds are exact decimals and compared with the same relative tolerance as CTCAE.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from y90gui.analysis.frames_memo import FramesMemo

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.core.validate import CaseData

TARGET_DAY = 90
WINDOW = (45, 135)
REL_TOL = 1e-12


def _ge(a: Any, b: Any) -> Any:
    import numpy as np

    return (a - b) >= -REL_TOL * np.maximum(np.abs(a), np.abs(b))


def derive(baseline: Any, nadir: Any, current: Any, new_lesions: Any, non_target: Any) -> Any:
    """Vectorised RECIST 1.1 overall response from sums (mm) and the non-target / new-lesion
    findings. Arrays of equal length; returns an object array of "CR"/"PR"/"SD"/"PD"/None
    (None where the baseline or current sum is missing)."""
    import numpy as np

    baseline = np.asarray(baseline, dtype=float)
    nadir = np.asarray(nadir, dtype=float)
    current = np.asarray(current, dtype=float)
    new = np.asarray([bool(x) if x == x and x is not None else False for x in new_lesions], dtype=bool)
    nt = np.asarray([x if isinstance(x, str) else None for x in non_target], dtype=object)
    nadir = np.where(np.isnan(nadir), baseline, np.fmin(nadir, baseline))
    rise = current - nadir
    pd_ = new | (nt == "PD") | (_ge(rise, 0.2 * nadir) & _ge(rise, 5.0))
    zero = current == 0
    nt_cr_or_absent = (nt == "CR") | np.array([x is None for x in nt], dtype=bool)
    cr = zero & nt_cr_or_absent
    pr = (zero & ~nt_cr_or_absent) | _ge(baseline - current, 0.3 * baseline)
    out = np.where(pd_, "PD", np.where(cr, "CR", np.where(pr, "PR", "SD"))).astype(object)
    out[np.isnan(baseline) | np.isnan(current)] = None
    return out


_AFTER = FramesMemo("judged_after_memo")


def judged_once() -> AbstractContextManager[None]:
    """Within the block, every assessment after the first RE of one frames object is judged once
    (`judged_after`), and the 3-month frame takes its rows from there.

    The report (`prepared_report.prepare`) and the report workbook need both the 3-month
    assessment and, for PFS, every assessment after the first RE (`pfs.assessed_after`): judged
    apart, the second set repeats all the work of the first."""
    return _AFTER.scope()


def judged_after(fr: Frames) -> pd.DataFrame:
    """`response_days(fr)` rows after the first RE (day > 0), each with its response (`judged`),
    once per frames object inside `judged_once()`. Callers must not modify it."""
    def compute() -> pd.DataFrame:
        resp = response_days(fr)
        return judged(resp[resp["day"] > 0], resp)

    return _AFTER.get(fr, None, compute)


def three_month_frame(fr: Frames) -> pd.DataFrame:
    """One row per treated patient that has a 3-month assessment: the row's columns plus `day`,
    `recorded` (the recist cell), `recist` (recorded or derived), `derived` (bool).

    Inside `judged_once()` the chosen rows are taken from `judged_after` (the 3-month window lies
    after the first RE, and `judged` judges each row on its own: the same values); outside, only
    the chosen rows are judged."""
    if _AFTER.active:
        after = judged_after(fr)
        chosen = _chosen(after)
        own = [c for c in chosen.columns if c not in JUDGED_COLUMNS and c != "dist"]
        return chosen.reset_index(drop=True)[[*own, "dist", *JUDGED_COLUMNS]].set_index("patient_id")
    resp = response_days(fr)
    return judged(_chosen(resp), resp).set_index("patient_id")


def _chosen(rows: pd.DataFrame) -> pd.DataFrame:
    """Per patient, the row of `rows` on days 45..135 closest to day 90 (ties: the earlier day,
    then the earlier row), with its distance `dist`."""
    cand = rows[(rows["day"] >= WINDOW[0]) & (rows["day"] <= WINDOW[1])].copy()
    cand["dist"] = (cand["day"] - TARGET_DAY).abs()
    return cand.sort_values(["patient_id", "dist", "day", "_row"]).groupby("patient_id", sort=False).head(1)


#: The columns `judged` adds after a row's own (`recist` is overwritten where it stands).
JUDGED_COLUMNS = ("base_date", "baseline_sum", "nadir_sum", "recorded", "derived")


def response_days(fr: Frames) -> pd.DataFrame:
    """The response rows of treated patients with `first_re` and `day` (days after it)."""
    re = fr.radioembolization
    first = re.groupby("patient_id")["date"].min().rename("first_re")
    resp = fr.response.merge(first.reset_index(), on="patient_id", how="inner")
    resp["day"] = resp["date"] - resp["first_re"]
    return resp


def judged(rows: pd.DataFrame, resp: pd.DataFrame) -> pd.DataFrame:
    """`rows` (assessments taken from `response_days`) with their RECIST 1.1 response: `recorded`,
    `recist` (recorded, else derived from the sums), `derived`, `baseline_sum`, `nadir_sum`.
    Baseline = the patient's last row with a sum on or before the first RE; the smallest sum so
    far = rows from the baseline up to (not including) the assessment."""
    import numpy as np

    chosen = rows.reset_index(drop=True)
    sums = resp[resp["target_sum_mm"].notna()]
    base = sums[sums["day"] <= 0].sort_values(["patient_id", "date", "_row"]).groupby("patient_id").tail(1)
    base = base.set_index("patient_id")[["date", "target_sum_mm"]].rename(
        columns={"date": "base_date", "target_sum_mm": "baseline_sum"})
    chosen = chosen.join(base, on="patient_id", how="left")
    chosen["nadir_sum"] = _smallest_between(sums, chosen["patient_id"].to_numpy(dtype=object),
                                            chosen["base_date"].to_numpy(dtype=float),
                                            chosen["date"].to_numpy(dtype=float))

    derived = derive(chosen["baseline_sum"].to_numpy(dtype=float),
                     chosen["nadir_sum"].to_numpy(dtype=float),
                     chosen["target_sum_mm"].to_numpy(dtype=float),
                     chosen["new_lesions"].to_numpy(), chosen["non_target"].to_numpy())
    recorded = chosen["recist"].to_numpy(dtype=object)
    has = np.array([isinstance(x, str) for x in recorded], dtype=bool)
    chosen["recorded"] = recorded
    chosen["recist"] = np.where(has, recorded, derived)
    chosen["derived"] = ~has & np.array([x is not None for x in derived], dtype=bool)
    return chosen


def _smallest_between(sums: pd.DataFrame, patient: Any, start: Any, end: Any) -> Any:
    """Per query i: the smallest `target_sum_mm` of `sums` rows of `patient[i]` dated from
    `start[i]` up to, not including, `end[i]` (NaN when none; a NaN limit matches nothing).

    The rows sorted once by (patient, date rank) and each query's rows found by two binary
    searches, then one `np.minimum.reduceat`: a merge of every sum with every assessment of its
    patient was most of `judged`."""
    import numpy as np
    import pandas as pd

    s_date = sums["date"].to_numpy(dtype=float)
    dated = ~np.isnan(s_date)  # an undated sum is in no interval
    s_pid = sums["patient_id"].to_numpy(dtype=object)[dated]
    s_date, s_sum = s_date[dated], sums["target_sum_mm"].to_numpy(dtype=float)[dated]
    pcode, _ = pd.factorize(np.concatenate([s_pid, np.asarray(patient, dtype=object)]), use_na_sentinel=False)
    n, q = len(s_pid), len(start)
    days, rank = np.unique(np.concatenate([s_date, start, end]), return_inverse=True)  # exact integer keys
    rank = rank.reshape(-1).astype(np.int64)
    pcode = pcode.astype(np.int64) * (len(days) + 1)
    s_key = pcode[:n] + rank[:n]
    order = np.argsort(s_key, kind="stable")
    s_key, s_sum = s_key[order], np.append(s_sum[order], np.inf)  # one past the end for reduceat
    lo = np.searchsorted(s_key, pcode[n:] + rank[n:n + q], side="left")
    hi = np.searchsorted(s_key, pcode[n:] + rank[n + q:], side="left")
    some = (hi > lo) & ~np.isnan(start) & ~np.isnan(end)
    out = np.full(len(lo), np.nan)
    if some.any():
        bounds = np.column_stack([lo[some], hi[some]]).ravel()
        out[some] = np.minimum.reduceat(s_sum, bounds)[::2]
    return out


def three_month(data: CaseData) -> dict[str, dict[str, Any]]:
    """patient_id -> the 3-month assessment (row values, "day", "recist" recorded or derived,
    "derived" bool, "baseline_sum", "nadir_sum")."""
    from y90gui.analysis.frames import from_case_data, to_date

    df = three_month_frame(from_case_data(data))
    # Column by column (no iterrows: 100,000 patients took 100 s as Series per row).
    cols = {c: df[c].to_numpy(dtype=object) for c in ("recist", "recorded", "non_target", "clinical_response")}
    floats = {c: df[c].to_numpy(dtype=float) for c in ("date", "day", "target_sum_mm", "baseline_sum",
                                                       "nadir_sum", "new_lesions")}
    derived = df["derived"].to_numpy(dtype=bool)
    out: dict[str, dict[str, Any]] = {}
    for i, pid in enumerate(df.index):
        nl = floats["new_lesions"][i]
        nt, cr = cols["non_target"][i], cols["clinical_response"][i]
        out[str(pid)] = {
            "date": to_date(floats["date"][i]),
            "day": int(floats["day"][i]),
            "recist": cols["recist"][i],
            "recorded": cols["recorded"][i],
            "derived": bool(derived[i]),
            "target_sum_mm": _f(floats["target_sum_mm"][i]),
            "baseline_sum": _f(floats["baseline_sum"][i]),
            "nadir_sum": _f(floats["nadir_sum"][i]),
            "new_lesions": None if nl != nl else bool(nl),
            "non_target": nt if isinstance(nt, str) else None,
            "clinical_response": cr if isinstance(cr, str) else None,
        }
    return out


def _f(x: Any) -> float | None:
    return None if x is None or x != x else float(x)
