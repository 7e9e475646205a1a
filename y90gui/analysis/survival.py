"""Kaplan-Meier overall survival and the log-rank test, following R's `survival` package.

The risk sets are lifelines' event table (its counts, built with numpy) and the log-rank test
is lifelines' arithmetic on tables built the same way; the pointwise bands, the median with its
confidence interval, landmarks and numbers at risk are computed here from that table with R's
rules, because lifelines differs from R on exactly the points reviewers
check (spec/report.md):

- Greenwood variance of log S: sum d / (n (n - d)); bands as R's ``survfit_confint``:
  ``plain`` S +- z se S clipped to [0, 1]; ``log`` S exp(+-z se), upper clipped at 1, undefined
  at S = 0; ``log-log`` exp(-exp(log(-log S) -+ z se / log S)), undefined at S = 0 and S = 1.
- median and its limits as R prints them (``survmean``): the first time the curve (band) is
  <= 0.5 + sqrt(machine epsilon); when it is 0.5 within that tolerance and the curve drops later,
  the midpoint between that time and the time of the next drop. A median or limit never reached,
  or only on an undefined stretch of the band, is None, never infinity, never the last follow-up.
- time in days; years = days / 365.25; landmarks at k x 365.25 days take the values of the last
  time <= the landmark (before the first time: S = 1, band [1, 1]); after the last follow-up the
  landmark is not estimable (None). At risk at t = number with time >= t.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

from y90gui.analysis.options import CI_METHODS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.core.validate import CaseData

DAYS_PER_YEAR = 365.25
LANDMARK_YEARS = (1, 2, 3, 5)
TOLERANCE = math.sqrt(2.220446049250313e-16)  # R: sqrt(.Machine$double.eps)
Z95 = NormalDist().inv_cdf(0.975)


@dataclass
class KMResult:
    """A fitted curve with everything the report and the figure need (times in years)."""

    n: int
    events: int
    ci_method: str
    times_years: Any  # np.ndarray, step x including 0
    survival: Any
    ci_lower: Any  # NaN where the band is not defined
    ci_upper: Any
    censor_years: Any
    censor_survival: Any
    median_years: float | None
    median_ci_years: tuple[float | None, float | None]
    at_risk: dict[int, int] = field(default_factory=dict)
    landmarks: dict[int, dict[str, Any]] = field(default_factory=dict)
    median_days: float | None = None
    median_ci_days: tuple[float | None, float | None] = (None, None)
    deaths: Any = None  # deaths at each time of times_years (0 at the prepended 0)
    std_err: Any = None  # Greenwood standard error of S at each time of times_years (SPSS's median SE)


@dataclass(frozen=True)
class LogRankResult:
    statistic: float | None
    df: int
    p_value: float | None


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def r_median(times: np.ndarray, curve: np.ndarray, p: float = 0.5) -> float | None:
    """R survmean's ``minmin``: first time the curve is < p + tol, midpoint rule at exactly p."""
    import numpy as np

    keep = ~np.isnan(curve) & (curve < p + TOLERANCE)
    if not keep.any():
        return None
    x, y = times[keep], curve[keep]
    if abs(y[0] - p) < TOLERANCE:
        lower = np.nonzero(y < y[0])[0]
        if len(lower):
            return float((x[0] + x[lower[0]]) / 2)
    return float(x[0])


def bands(s: np.ndarray, se: np.ndarray, ci_method: str) -> tuple[np.ndarray, np.ndarray]:
    """R's survfit_confint for Kaplan-Meier (se = standard error of log S)."""
    import numpy as np

    z = Z95
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ci_method == "plain":
            se2 = se * s * z
            return np.maximum(s - se2, 0.0), np.minimum(s + se2, 1.0)
        if ci_method == "log":
            xx = np.where(s == 0, np.nan, s)
            return np.exp(np.log(xx) - z * se), np.minimum(np.exp(np.log(xx) + z * se), 1.0)
        if ci_method == "log-log":
            xx = np.where((s == 0) | (s == 1), np.nan, s)
            se2 = z * se / np.log(xx)
            return np.exp(-np.exp(np.log(-np.log(xx)) - se2)), np.exp(-np.exp(np.log(-np.log(xx)) + se2))
    raise ValueError(f"unknown CI method {ci_method!r}; use one of {', '.join(CI_METHODS)}")


def _distinct_times(durations: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct times ascending, rows removed at each, deaths at each): whole numbers in floats,
    so exactly the sums lifelines' group-bys give. Input already in time order (the report's
    prepared arrays are) is counted in one pass; other input is sorted first."""
    import numpy as np

    d = np.asarray(durations, dtype=float)
    e = np.asarray(events, dtype=float)
    if len(d) > 1 and not (d[1:] >= d[:-1]).all():
        order = np.argsort(d, kind="stable")
        d, e = d[order], e[order]
    if not len(d):
        return d, d.copy(), d.copy()
    starts = np.flatnonzero(np.concatenate([[True], d[1:] != d[:-1]]))
    removed = np.diff(np.append(starts, len(d))).astype(float)
    return d[starts], removed, np.add.reduceat(e, starts)


def _event_table(durations: np.ndarray, events: np.ndarray) -> tuple[np.ndarray, ...]:
    """(times, at risk, deaths, censored) at each distinct time: lifelines' event table (the
    rows with a removal), built with numpy (`_distinct_times`): the same whole-number counts, so
    exactly lifelines' (tests/analysis/test_prepared_report.py compares the two); a fit of
    100,000 patients no longer spends 100 ms in pandas group-bys and joins."""
    import numpy as np

    t, removed, deaths = _distinct_times(durations, events)
    left_before = np.concatenate([[0.0], np.cumsum(removed)[:-1]])
    return t, float(len(durations)) - left_before, deaths, removed - deaths


def kaplan_meier(durations_days: Sequence[float] | Any, events: Sequence[bool] | Any,
                 ci_method: str = "log-log") -> KMResult:
    """Kaplan-Meier estimate with R's median, CI, landmarks and at-risk rules (module docstring)."""
    import numpy as np

    if ci_method not in CI_METHODS:
        raise ValueError(f"unknown CI method {ci_method!r}; use one of {', '.join(CI_METHODS)}")
    d = np.asarray(durations_days, dtype=float)
    e = np.asarray(events, dtype=bool)
    if d.shape != e.shape or d.ndim != 1:
        raise ValueError("durations and events must be 1-D and of the same length")
    if len(d) and (np.isnan(d).any() or (d < 0).any()):
        raise ValueError("durations must be known and >= 0 days")
    empty = np.array([], dtype=float)
    if len(d) == 0:
        return KMResult(0, 0, ci_method, np.array([0.0]), np.array([1.0]), np.array([np.nan]),
                        np.array([np.nan]), empty, empty, None, (None, None),
                        {}, {k: {"s": None, "ci95": [None, None]} for k in LANDMARK_YEARS})
    t, n_risk, deaths, censored = _event_table(d, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.cumprod(1.0 - deaths / n_risk)
        var = np.cumsum(np.where(deaths > 0, deaths / (n_risk * (n_risk - deaths)), 0.0))
    se = np.sqrt(var)
    lower, upper = bands(s, se, ci_method)

    median = r_median(t, s)
    med_lo, med_hi = r_median(t, lower), r_median(t, upper)

    landmarks: dict[int, dict[str, Any]] = {}
    t_max = float(t[-1])
    for k in LANDMARK_YEARS:
        at = k * DAYS_PER_YEAR
        if at > t_max:
            landmarks[k] = {"s": None, "ci95": [None, None]}
            continue
        i = int(np.searchsorted(t, at, side="right")) - 1
        if i < 0:
            landmarks[k] = {"s": 1.0, "ci95": [1.0, 1.0]}
        else:
            landmarks[k] = {"s": float(s[i]), "ci95": [_none_if_nan(lower[i]), _none_if_nan(upper[i])]}

    years_at = range(int(math.floor(t_max / DAYS_PER_YEAR)) + 1)
    at_risk = dict(zip(years_at, number_at_risk(d, [y * DAYS_PER_YEAR for y in years_at]), strict=True))

    cens = censored > 0

    def years(days: float | None) -> float | None:
        return None if days is None else days / DAYS_PER_YEAR

    return KMResult(
        n=len(d),
        events=int(e.sum()),
        ci_method=ci_method,
        times_years=np.concatenate([[0.0], t / DAYS_PER_YEAR]),
        survival=np.concatenate([[1.0], s]),
        ci_lower=np.concatenate([[1.0], lower]),
        ci_upper=np.concatenate([[1.0], upper]),
        censor_years=t[cens] / DAYS_PER_YEAR,
        censor_survival=s[cens],
        median_years=years(median),
        median_ci_years=(years(med_lo), years(med_hi)),
        at_risk=at_risk,
        landmarks=landmarks,
        median_days=median,
        median_ci_days=(med_lo, med_hi),
        deaths=np.concatenate([[0.0], deaths]),
        std_err=np.concatenate([[0.0], _times(s, se)]),
    )


def _times(s: np.ndarray, se: np.ndarray) -> np.ndarray:
    """S x se(log S), NaN where S = 0 and se is infinite (everyone dead: Greenwood undefined),
    without numpy's warning for that 0 x inf."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        out: np.ndarray = s * se
    return out


def number_at_risk(durations_days: Sequence[float] | Any, at_days: Sequence[float]) -> list[int]:
    """Number at risk at each time t (days) = patients with time >= t, as R's survfit counts it
    (0 once every patient of the group has left: after a stratum ended)."""
    import numpy as np

    sorted_d = np.asarray(durations_days, dtype=float)
    if len(sorted_d) > 1 and not (sorted_d[1:] >= sorted_d[:-1]).all():  # time-ordered input needs no sort
        sorted_d = np.sort(sorted_d)
    return [int(len(sorted_d) - np.searchsorted(sorted_d, t, side="left")) for t in at_days]


def logrank(groups: dict[str, tuple[Sequence[float], Sequence[bool]]]) -> LogRankResult:
    """Log-rank test between strata (R's survdiff, rho = 0). Fewer than two non-empty strata: None."""
    import numpy as np

    parts = {k: (np.asarray(v[0], dtype=float), np.asarray(v[1], dtype=bool)) for k, v in groups.items()
             if len(v[0])}
    if len(parts) < 2:
        return LogRankResult(None, max(len(parts) - 1, 0), None)
    durations = np.concatenate([p[0] for p in parts.values()])
    events = np.concatenate([p[1] for p in parts.values()])
    if not events.any():
        return LogRankResult(None, len(parts) - 1, None)
    statistic, df, p_value = _multivariate_logrank(durations, [len(p[0]) for p in parts.values()], events)
    return LogRankResult(_none_if_nan(statistic), df, _none_if_nan(p_value))


def _multivariate_logrank(durations: np.ndarray, sizes: list[int], events: np.ndarray) -> tuple[float, int, float]:
    """lifelines' `multivariate_logrank_test` (unweighted) on groups stored one after another
    (`sizes`): its removed / observed tables (one column per group, a row per distinct time of
    any group, 0 where a group has none) built with numpy, then lifelines' own arithmetic on
    them, step for step (so the statistic and p are its numbers to the last bit;
    tests/analysis/test_prepared_report.py). lifelines joins one pandas survival table per
    group; so did this function until the report's five stratified tests spent 0.4 s in joins."""
    import numpy as np
    from scipy import stats  # type: ignore[import-untyped]

    bounds = np.cumsum([0, *sizes])
    tables = [_distinct_times(durations[a:b], events[a:b]) for a, b in zip(bounds, bounds[1:])]
    # the outer join of every group's times: the distinct times of the groups' distinct times
    # (a few thousand days), not a sort of every patient's (~4 ms at 100,000 patients)
    times = np.unique(np.concatenate([t for t, _, _ in tables]))
    removed = np.zeros((len(sizes), len(times)))
    observed = np.zeros((len(sizes), len(times)))
    for i, (t, rem, obs_) in enumerate(tables):
        at = np.searchsorted(times, t)
        removed[i, at], observed[i, at] = rem, obs_
    rm, obs = _joined_layout(removed, times, "removed"), _joined_layout(observed, times, "observed")
    n_groups = len(sizes)
    n_ij = rm.sum(0).values - rm.cumsum(0).shift(1).fillna(0)
    d_i = obs.sum(1)
    n_i = rm.values.sum() - rm.sum(1).cumsum().shift(1).fillna(0)
    ev_i = n_ij.mul(d_i / n_i, axis="index")
    w_i = np.ones(d_i.shape[0])
    n_j = obs.mul(w_i, axis=0).sum(0).values
    ev = ev_i.mul(w_i, axis=0).sum(0)
    z_j = n_j - ev
    factor = (((n_i - d_i) / (n_i - 1)).replace([np.inf, np.nan], 1)) * d_i / n_i**2
    n_ij["_"] = n_i.values
    v_ = (n_ij.mul(w_i, axis=0)).mul(np.sqrt(factor), axis="index").fillna(0)
    v = -np.dot(v_.T, v_)
    ix = np.arange(n_groups)
    v[ix, ix] = v[ix, ix] - v[-1, ix]
    v = v[:-1, :-1]
    u = z_j.iloc[:-1] @ np.linalg.pinv(v[:-1, :-1]) @ z_j.iloc[:-1]
    return float(u), n_groups - 1, float(stats.chi2.sf(u, n_groups - 1))


def _joined_layout(values: np.ndarray, times: np.ndarray, name: str) -> pd.DataFrame:
    """Groups x times `values` as the frame lifelines' joins leave: one column per group, the
    first groups' columns in one 2-D block and the last group's in a block of its own. The
    layout is part of the result: pandas sums a column of a one-column block pairwise, a column
    of a wider block (after the broadcast multiplication) one value after the other, and the
    expected events' sums are not whole numbers (one block for all groups changed the last bits
    of two-group tests)."""
    import pandas as pd

    index = pd.Index(times, name="event_at")
    k = len(values)
    head = pd.DataFrame(values[:-1].T, index=index, columns=[f"{name}:{i}" for i in range(k - 1)])
    tail = pd.DataFrame(values[-1:].T, index=index, columns=[f"{name}:{k - 1}"])
    return pd.concat([head, tail], axis=1)


def os_arrays(pats: pd.DataFrame) -> tuple[Any, Any]:
    """(days from the first RE to death or last follow-up, died) of `report.treated` patients, as
    arrays: overall survival as spec/report.md defines it (end - start, no +1). Every OS consumer
    (os_frame, report, PFS, landmark, Cox, figures, tables) calls this."""
    days = (pats["followup_date"] - pats["first_re"]).to_numpy(dtype=float)
    return days, (pats["vital_status"] == "dead").to_numpy(dtype=bool)


def os_frame(fr: Frames, treated_patients: pd.DataFrame | None = None) -> pd.DataFrame:
    """Overall survival, the one definition every consumer uses (table, KM view, report, workbook).

    One row per patient with a radioembolization: `patient_id`, `days` from the first RE to death
    or last follow-up (end - start, no +1), `event` (died). `treated_patients` is
    `report.treated(fr)[0]` when the caller has it already (saves a sort of the RE sheet).
    """
    import numpy as np
    import pandas as pd

    from y90gui.analysis.report import treated

    pats = treated(fr)[0] if treated_patients is None else treated_patients
    days, died = os_arrays(pats)
    out = pd.DataFrame({"patient_id": pats["patient_id"].to_numpy(dtype=object), "days": days, "event": died})
    return out[~np.isnan(days)].reset_index(drop=True)


#: Time-to-event endpoints by name: frames -> (patient_id, days, event) rows. Stratification,
#: the KM view and the report take an endpoint name, so PFS is one more entry (analysis owns it).
def _pfs_rows(fr: Frames) -> pd.DataFrame:
    from y90gui.analysis.pfs import pfs_frame

    return pfs_frame(fr)[["patient_id", "days", "event"]]


ENDPOINTS: dict[str, Callable[[Frames], pd.DataFrame]] = {"os": os_frame, "pfs": _pfs_rows}


def endpoint_rows(fr: Frames, endpoint: str = "os") -> pd.DataFrame:
    """The (patient_id, days, event) rows of a registered endpoint (`ENDPOINTS`)."""
    try:
        rows = ENDPOINTS[endpoint]
    except KeyError:
        raise ValueError(f"unknown endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}") from None
    return rows(fr)


def os_data(data: CaseData) -> list[tuple[str, int, bool]]:
    """Overall survival from the first radioembolization: (patient_id, days, event), from `os_frame`."""
    from y90gui.analysis.frames import from_case_data

    rows = os_frame(from_case_data(data))
    return [(str(p), int(d), bool(e)) for p, d, e in zip(rows["patient_id"], rows["days"], rows["event"],
                                                          strict=True)]


def plotted_band(km: KMResult) -> tuple[np.ndarray, np.ndarray]:
    """The band as a figure draws it (screen and file): R's survfit plots it as 1 while S = 1.

    Before the first death S = 1 and the log-log band is undefined (NaN in `KMResult`, and
    `null` in the report's landmarks, as R's summary gives NA); a plot shows it as [1, 1] there.
    Where the band becomes undefined later (S = 0) it stays NaN: the figure stops drawing it.
    """
    import numpy as np

    s = np.asarray(km.survival, dtype=float)
    lo = np.asarray(km.ci_lower, dtype=float).copy()
    hi = np.asarray(km.ci_upper, dtype=float).copy()
    flat = s >= 1.0
    lo[flat & np.isnan(lo)] = 1.0
    hi[flat & np.isnan(hi)] = 1.0
    return lo, hi


def os_json(km: KMResult) -> dict[str, Any]:
    """The report's "os" object (without origin / N / events, which the caller adds)."""
    lo, hi = km.median_ci_years
    return {
        "ci_method": km.ci_method,
        "median_years": km.median_years,
        "ci95_years": [lo, hi],
        "survival": {str(k): v for k, v in km.landmarks.items()},
        "at_risk": {str(k): v for k, v in km.at_risk.items()},
    }
