"""The forest plot of a Cox analysis: hazard ratios with their 95 % CI on a log axis.

One row per term, the univariable models first (each covariate alone), then the multivariable
model; a dashed line at HR = 1 (no effect). Right of the axis: N, events and the patients left
out for a missing value of each model (on the model's first row), HR (95 % CI) and the Wald p,
formatted by `analysis.tables_format` like every table. The numbers are the `CoxResult`'s
(`analysis.cox`, checked against R's `coxph`); nothing is recomputed here. A CI beyond the
axis (a huge or tiny HR of a sparse level) is clipped at the axis and drawn with an arrow head;
its text still gives the true limits.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from y90gui.figures.model import Axis, Estimate, FigureDescription, RefLine, Style

if TYPE_CHECKING:
    from y90gui.analysis.cox import CoxModel, CoxResult

COLUMNS = ("N", "Events", "Missing", "HR (95% CI)", "p")
STYLES = {"univariable": Style("#000000", "#000000", "solid"),
          "multivariable": Style("#0072B2", "#555555", "solid")}
#: the log axis never reaches beyond these (a sparse level's CI can span 1e-5 .. 1e5)
AXIS_LIMITS = (0.01, 100.0)
CANDIDATE_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
ENDPOINT_WORDS = {"os": ("overall survival", "deaths"),
                  "pfs": ("progression-free survival", "progressions or deaths")}


def _model_cells(model: CoxModel) -> tuple[str, str, str]:
    return str(model.n), str(model.events), str(model.excluded_missing)


def _term_rows(model: CoxModel, key: str, with_counts: bool) -> list[tuple[str, Estimate]]:
    from y90gui.analysis.tables_format import p_cell, ratio_ci

    out = []
    for i, t in enumerate(model.terms):
        counts = _model_cells(model) if with_counts and i == 0 else ("", "", "")
        out.append((key, Estimate(key, 0.0, t.label, t.hr, t.ci95[0], t.ci95[1],
                                  (*counts, ratio_ci(t.hr, t.ci95), p_cell(t.p)))))
    return out


def log_axis(values: list[float]) -> Axis:
    """A log x axis around 1 covering `values` (within `AXIS_LIMITS`), ticks at 1-2-5 steps."""
    finite = [v for v in values if v > 0 and math.isfinite(v)] + [1.0]
    lo = max(AXIS_LIMITS[0], min(finite) / 1.15)
    hi = min(AXIS_LIMITS[1], max(finite) * 1.15)
    ticks = [t for t in CANDIDATE_TICKS if lo <= t <= hi]
    if len(ticks) > 7:
        ticks = [t for t in ticks if t in (0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0)]
    return Axis("Hazard ratio (95% CI), log scale", lo, hi, tuple(ticks), tuple(f"{t:g}" for t in ticks),
                log=True)


def forest_description(result: CoxResult, *, scope: str = "") -> FigureDescription:
    """The forest plot of `result`; `scope` ("12 of 44 patients (centre = Bonn)") goes into the
    caption, so a figure says which patients it was computed on."""
    from y90gui.analysis.tables_format import DASH

    endpoint, events = ENDPOINT_WORDS.get(result.endpoint, (result.endpoint, "events"))
    rows: list[tuple[str, Estimate]] = [("univariable", Estimate("univariable", 0.0, "Univariable", heading=True))]
    for m in result.univariable:
        rows += _term_rows(m, "univariable", True)
    multi = result.multivariable
    rows.append(("multivariable", Estimate("multivariable", 0.0, "Multivariable", heading=True,
                                           cells=(*_model_cells(multi), "", ""))))
    rows += _term_rows(multi, "multivariable", False)
    n = len(rows)
    estimates = [Estimate(e.key, float(n - i), e.label, e.value, e.lo, e.hi, e.cells, e.heading)
                 for i, (_, e) in enumerate(rows)]
    values = [v for e in estimates for v in (e.lo, e.hi) if v is not None]
    x = log_axis(values)
    where = f" {DASH} {scope}" if scope else ""
    caption = (f"Cox proportional hazards models of {endpoint} from the first radioembolization (Efron ties){where}. "
               f"HR = exp(\u03b2), 95% CI exp(\u03b2 \u00b1 1.96 se), Wald p; numbers per unit, factors against "
               f"their first level. Univariable: each covariate alone; multivariable: all together "
               f"(N = {multi.n}, {multi.events} {events}). Missing: patients left out of a model for a missing "
               f"value; dashed: HR = 1.")
    return FigureDescription(
        kind="forest",
        title=f"Hazard ratios for {endpoint}",
        caption=caption,
        x=x,
        y=Axis("", 0.4, n + 0.6, tuple(e.row for e in estimates), tuple(e.label for e in estimates)),
        styles=dict(STYLES),
        lines=[RefLine("x", 1.0, "", "dashed")],
        estimates=estimates,
        columns=COLUMNS,
    )
