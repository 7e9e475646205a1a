"""Cox proportional hazards models of OS or PFS: univariable per covariate and multivariable.

The fit is statsmodels' `PHReg(ties="efron")`: on the R fixture (tests/analysis/test_cox_r.py) its
coefficients, SEs and Wald p agree with R's `coxph(..., ties = "efron")` to ~1e-11, where
lifelines' `CoxPHFitter` stops short of R's optimum (up to 1e-3 relative in a coefficient with
its default tolerances, still 1.7e-6 in a p value with the tightest ones). From statsmodels:
HR and CI (`conf_int`, exp(beta +- z se) with z = qnorm(0.975), as R's summary), Wald p
(`pvalues`) and the partial log-likelihood at the estimate (`llf`) and at beta = 0 (`loglike`),
whose difference is R's likelihood-ratio test; Harrell's concordance is lifelines'
`concordance_index` (it equals R's `concordance` on every fixture). Nothing of these is
computed here.

Refused with a `CoxError` naming the cause: an unknown covariate, a covariate with one level
(or one value) among the model's patients, no events, a model that does not converge (the
optimiser says so, or R's own check flags a coefficient that may be infinite: the next Newton
step |u I^-1| > eps and > sqrt(eps) |beta|, eps = 1e-9, as coxph warns).
Patients with a missing covariate are left out of that model and counted (`excluded_missing`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from y90gui.core.errors import Y90Error

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames
    from y90gui.core.progress import Progress
    from y90gui.store.backend import CaseSeries

FORMAT = "y90gui-cox/1"
ENDPOINTS = ("os", "pfs")
R_EPS = 1e-9  # coxph.control eps; toler.inf = sqrt(eps)


class CoxError(Y90Error):
    """A Cox model that cannot be fitted; the message names the covariate or the cause."""


@dataclass(frozen=True)
class CoxTerm:
    """One coefficient: a number (level and reference None) or a factor level vs the reference."""

    covariate: str
    level: str | None
    reference: str | None
    hr: float
    ci95: tuple[float, float]
    p: float
    coef: float
    se: float

    @property
    def label(self) -> str:
        """`sex: M vs F`, or the covariate's name for a number (tables, forest plot, CLI)."""
        return term_label(self.covariate, self.level, self.reference)

    def to_json(self) -> dict[str, Any]:
        return {"covariate": self.covariate, "level": self.level, "reference": self.reference, "hr": self.hr,
                "ci95": list(self.ci95), "p": self.p}


@dataclass(frozen=True)
class CoxModel:
    """One fitted model with everything a table row or a forest plot needs."""

    covariates: tuple[str, ...]
    n: int
    events: int
    excluded_missing: int
    terms: tuple[CoxTerm, ...]
    lr_chi2: float
    lr_df: int
    lr_p: float
    concordance: float

    def to_json(self) -> dict[str, Any]:
        return {"N": self.n, "events": self.events, "excluded_missing": self.excluded_missing,
                "terms": [t.to_json() for t in self.terms],
                "lr_test": {"chi2": self.lr_chi2, "df": self.lr_df, "p": self.lr_p},
                "concordance": self.concordance}


@dataclass(frozen=True)
class CoxResult:
    """The `y90gui-cox/1` object: a univariable model per covariate and the multivariable one."""

    endpoint: str
    univariable: tuple[CoxModel, ...]
    multivariable: CoxModel
    patient_ids: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "endpoint": self.endpoint, "univariable": [m.to_json() for m in self.univariable],
                "multivariable": self.multivariable.to_json()}


def term_label(covariate: str, level: str | None, reference: str | None) -> str:
    """How a term is named wherever it is shown (Cox page, forest plot, `analyse cox` text):
    `Sex: M vs F`; a number by its covariate, `Ki-67 index [%]` (`covariates.covariate_label`,
    the patient editor's words). The JSON keeps the spec's names."""
    from y90gui.analysis.covariates import covariate_label

    name = covariate_label(covariate)
    return name if level is None else f"{name}: {level} vs {reference}"


def parse_covariates(text: str | Sequence[str]) -> list[str]:
    """`"age, sex"` or a list -> known covariate names in order (duplicates dropped)."""
    from y90gui.analysis.covariates import COVARIATES

    names = [n.strip() for n in (text.split(",") if isinstance(text, str) else text) if n.strip()]
    if not names:
        raise CoxError("no covariate given")
    unknown = [n for n in names if n not in COVARIATES]
    if unknown:
        raise CoxError(f"unknown covariate {unknown[0]!r}; covariates: {', '.join(COVARIATES)}")
    return list(dict.fromkeys(names))


def fit_cox(table: pd.DataFrame, covariates: Sequence[str], levels: Mapping[str, Sequence[str]] | None = None,
            *, endpoint_label: str = "events") -> CoxModel:
    """Fit one model on `table` (columns `time`, `event` and the covariates; a covariate named
    in `levels` is a factor with those levels, the first the reference; None / NaN = missing)."""
    import numpy as np
    import pandas as pd

    try:
        from statsmodels.duration.hazard_regression import PHReg  # type: ignore[import-untyped]
    except ImportError:  # a third-party package a partial installation may lack (the installers bundle it)
        raise CoxError("Cox regression needs the statsmodels package, which this installation lacks: "
                       "install y90gui with pip (pip install y90gui), or use the installer") from None
    from lifelines.utils import concordance_index
    from scipy.stats import chi2  # type: ignore[import-untyped]

    levels = levels or {}
    covariates = list(covariates)
    sub = table[["time", "event", *covariates]]
    complete = sub[covariates].notna().all(axis=1).to_numpy()
    data = sub[complete]
    if data.empty:
        raise CoxError(f"no patient has a value of every covariate of the model {' + '.join(covariates)}")
    columns: dict[str, Any] = {}
    meta: list[tuple[str, str | None, str | None]] = []
    for name in covariates:
        values = data[name]
        if name in levels:
            present = [lv for lv in levels[name] if (values == lv).any()]
            if len(present) < 2:
                only = f" ({present[0]})" if present else ""
                raise CoxError(f"covariate {name!r} has only one level{only} among the {len(data)} patients "
                               f"of the model: it cannot be estimated")
            for lv in present[1:]:
                columns[f"{name}={lv}"] = (values == lv).to_numpy(dtype=float)
                meta.append((name, lv, present[0]))
        else:
            x = values.to_numpy(dtype=float)
            if len(np.unique(x)) < 2:
                raise CoxError(f"covariate {name!r} has only one value among the {len(data)} patients of the "
                               f"model: it cannot be estimated")
            columns[name] = x
            meta.append((name, None, None))
    time = data["time"].to_numpy(dtype=float)
    event = data["event"].to_numpy(dtype=float)
    label = " + ".join(covariates)
    if not event.any():
        raise CoxError(f"no {endpoint_label} among the {len(data)} patients of the model {label}: "
                       f"a Cox model needs at least one")
    x = pd.DataFrame(columns).to_numpy(dtype=float)
    model = PHReg(time, x, status=event, ties="efron")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence is judged below, the way R judges it
        try:
            res = model.fit()
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise CoxError(f"the model {label} does not converge ({exc})") from None
        beta = np.asarray(res.params, dtype=float)
        se = np.asarray(res.bse, dtype=float)
        converged = bool(getattr(res, "mle_retvals", {}).get("converged", True))
        try:
            step = np.linalg.solve(-model.hessian(beta), model.score(beta))
        except np.linalg.LinAlgError:
            step = np.full_like(beta, np.inf)
    suspect = (np.abs(step) > R_EPS) & (np.abs(step) > math.sqrt(R_EPS) * np.abs(beta))
    if not converged or not np.all(np.isfinite(beta)) or not np.all(np.isfinite(se)) or suspect.any():
        bad = sorted({meta[i][0] for i in np.nonzero(suspect | ~np.isfinite(se))[0]}) or covariates
        raise CoxError(f"the model {label} does not converge: the coefficient of {', '.join(bad)} may be "
                       f"infinite (e.g. a level without {endpoint_label}, or one that separates them)")
    ci = np.exp(np.asarray(res.conf_int(alpha=0.05), dtype=float))
    p = np.asarray(res.pvalues, dtype=float)
    lr = float(2 * (res.llf - model.loglike(np.zeros_like(beta))))
    terms = tuple(CoxTerm(c, lv, ref, float(np.exp(b)), (float(lo), float(hi)), float(pv), float(b), float(s))
                  for (c, lv, ref), b, s, (lo, hi), pv in zip(meta, beta, se, ci, p, strict=True))
    return CoxModel(
        covariates=tuple(covariates), n=len(data), events=int(event.sum()), excluded_missing=int((~complete).sum()),
        terms=terms, lr_chi2=lr, lr_df=len(beta), lr_p=float(chi2.sf(lr, len(beta))),
        concordance=float(concordance_index(time, -(x @ beta), event)),
    )


def endpoint_table(fr: Frames, covariates: Sequence[str], endpoint: str = "os") -> pd.DataFrame:
    """One row per treated patient: `patient_id`, `time` (days), `event` and the covariates."""
    from y90gui.analysis.covariates import covariate_frame
    from y90gui.analysis.inclusion import analysed
    from y90gui.analysis.pfs import pfs_frame
    from y90gui.analysis.report import treated
    from y90gui.analysis.survival import os_arrays

    if endpoint not in ENDPOINTS:
        raise CoxError(f"unknown endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}")
    fr = analysed(fr)
    pats = treated(fr)[0]
    table = covariate_frame(fr, list(covariates), pats)
    table.insert(0, "patient_id", pats["patient_id"].to_numpy())
    if endpoint == "os":
        days, dead = os_arrays(pats)
        table.insert(1, "time", days)
        table.insert(2, "event", dead)
    else:
        pf = pfs_frame(fr, pats)
        table.insert(1, "time", pf["days"].to_numpy())
        table.insert(2, "event", pf["event"].to_numpy())
    return table


def cox_analysis(fr: Frames, covariates: str | Sequence[str], endpoint: str = "os",
                 progress: Progress | None = None) -> CoxResult:
    """Univariable models (one per covariate) and the multivariable model of all of them."""
    from y90gui.analysis.covariates import COVARIATES

    names = parse_covariates(covariates)
    step = progress.step if progress is not None else (lambda *a: None)
    step(0, len(names) + 2, "building the covariates")
    table = endpoint_table(fr, names, endpoint)
    levels = {n: COVARIATES[n].levels or () for n in names if COVARIATES[n].is_factor}
    label = "deaths" if endpoint == "os" else "progressions or deaths"
    uni = []
    for i, name in enumerate(names):
        step(i + 1, len(names) + 2, f"univariable model: {name}")
        uni.append(fit_cox(table, [name], levels, endpoint_label=label))
    step(len(names) + 1, len(names) + 2, "multivariable model")
    multi = fit_cox(table, names, levels, endpoint_label=label)
    step(len(names) + 2, len(names) + 2, "done")
    return CoxResult(endpoint, tuple(uni), multi, tuple(table["patient_id"]))


def cox_for_store(store: CaseSeries, covariates: str | Sequence[str], endpoint: str = "os",
                  patient_ids: Sequence[str] | None = None, progress: Progress | None = None) -> CoxResult:
    """`cox_analysis` on the store's data (optionally only the table's filtered patients)."""
    from y90gui.analysis.frames import from_store

    names = parse_covariates(covariates)  # a typo fails before the data are read
    if endpoint not in ENDPOINTS:
        raise CoxError(f"unknown endpoint {endpoint!r}; use one of {', '.join(ENDPOINTS)}")
    if progress is not None:
        progress.step(0, 1, "reading the case series")
    return cox_analysis(from_store(store, patient_ids), names, endpoint, progress)
