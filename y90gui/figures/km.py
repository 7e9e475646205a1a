"""Figure 1: the Kaplan-Meier description of overall survival (all patients or by stratum).

The curves are `survival.kaplan_meier` of the same (days, event) pairs the report uses
(`survival.os_arrays` / `strata.os_by_stratum`), the p-value is `survival.logrank`, the numbers at
risk are `survival.number_at_risk` at the tick times (patients with time >= t; 0 once a stratum
has ended), and every number in the legend is formatted by `analysis.tables_format`, so the
figure, Table 4 and `report --json` agree by construction.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from y90gui.figures import palette
from y90gui.figures.model import Axis, Curve, FigureDescription, LegendEntry, Style, UnderTable

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.analysis.survival import KMResult

TIME_UNITS = ("years", "months")
ALL_KEY = "all"


def time_ticks(t_max: float, unit: str) -> tuple[float, ...]:
    """Tick positions: every year (every 2 beyond 10 years), or every 6 months (12 beyond 3 years)."""
    step = (1.0 if t_max <= 10 else 2.0) if unit == "years" else (6.0 if t_max <= 36 else 12.0)
    top = max(step, math.ceil(t_max / step - 1e-9) * step)
    return tuple(step * i for i in range(int(round(top / step)) + 1))


def _none(x: float) -> float | None:
    return None if x != x else float(x)


def stratum_universe(fr: Frames, field: str) -> list[str]:
    """Every value the field can take, in a fixed order (code list, no/yes, or all centres held)."""
    from y90gui.analysis.strata import STRATA_FIELDS
    from y90gui.core.sheets import SHEET_BY_NAME

    sheet, column = STRATA_FIELDS[field]
    col = SHEET_BY_NAME[sheet].by_name[column]
    if col.type == "yesno":
        return ["no", "yes"]
    if col.codes:
        return list(col.codes)
    return sorted({str(v) for v in fr.sheet(sheet)[column] if isinstance(v, str)})


def km_description(fr: Frames, *, strata: str | None = None, ci_method: str = "log-log",
                   time_unit: str = "years") -> FigureDescription:
    """Overall survival from the first radioembolization, by `strata` (a `STRATA_FIELDS` key)."""
    from y90gui.analysis import inclusion, survival
    from y90gui.analysis.report import treated
    from y90gui.analysis.strata import os_by_stratum
    from y90gui.analysis.survival import os_arrays

    fr = inclusion.analysed(fr)
    if strata:
        groups = os_by_stratum(fr, strata)
        styles = palette.styles_for(list(groups), stratum_universe(fr, strata))
    else:
        pats, _ = treated(fr)
        groups = {ALL_KEY: os_arrays(pats)}
        styles = {ALL_KEY: palette.ALL}
    fits = {k: survival.kaplan_meier(d, e, ci_method=ci_method) for k, (d, e) in groups.items()}
    p = survival.logrank(groups).p_value if strata else None
    return describe_fits(fits, styles, durations={k: d for k, (d, _) in groups.items()}, strata=strata,
                         logrank_p=p, ci_method=ci_method, time_unit=time_unit)


def describe_fits(fits: dict[str, KMResult], styles: dict[str, Style], *,
                  durations: dict[str, Any] | None = None, strata: str | None = None,
                  logrank_p: float | None = None, ci_method: str = "log-log",
                  time_unit: str = "years") -> FigureDescription:
    """The description of fitted curves. Numbers at risk at the ticks come from the durations
    (`survival.number_at_risk`); without them (a caller holding only `KMResult`s) from each
    fit's yearly `at_risk`, which the same function computed (0 after the stratum ended)."""
    from y90gui.analysis import survival
    from y90gui.analysis.tables_format import p_value, survival_time

    if time_unit not in TIME_UNITS:
        raise ValueError(f"unknown time unit {time_unit!r}; use one of {', '.join(TIME_UNITS)}")
    if durations is None and time_unit != "years":
        raise ValueError("numbers at risk in months need the durations")
    scale = 1.0 if time_unit == "years" else 12.0
    t_max = max([float(k.times_years[-1]) * scale for k in fits.values()] + [0.0])
    ticks = time_ticks(t_max, time_unit)
    tick_days = [t / scale * survival.DAYS_PER_YEAR for t in ticks]

    curves, rows, legend = [], [], []
    from y90gui.analysis.survival import plotted_band

    for key, km in fits.items():
        name = "All patients" if key == ALL_KEY else key
        band_lo, band_hi = plotted_band(km)  # 1 before the first death, as on screen and in R
        med = None if km.median_years is None else km.median_years * scale
        ci = [None if v is None else v * scale for v in km.median_ci_years]
        label = f"{name} (n = {km.n}, events = {km.events}); median {survival_time(med, ci)}"
        curves.append(Curve(
            key=key, label=label,
            x=tuple(float(v) * scale for v in km.times_years),
            y=tuple(float(v) * 100 for v in km.survival),
            band_lo=tuple(_none(float(v) * 100) for v in band_lo),
            band_hi=tuple(_none(float(v) * 100) for v in band_hi),
            censor_x=tuple(float(v) * scale for v in km.censor_years),
            censor_y=tuple(float(v) * 100 for v in km.censor_survival),
            median=med,
        ))
        if durations is not None:
            at = tuple(survival.number_at_risk(durations[key], tick_days))
        else:
            at = tuple(km.at_risk.get(int(t), 0) for t in ticks)
        rows.append((key, name, at))
        legend.append(LegendEntry(key, label, "line"))
    legend_title = f"{strata.replace('_', ' ')}: log-rank {p_value(logrank_p)}" if strata else ""
    unit_word = "Years" if time_unit == "years" else "Months"
    caption = (f"Kaplan\u2013Meier estimate of overall survival from the first radioembolization "
               f"(death = event, alive = censored at last follow-up, |); shaded: pointwise 95% CI "
               f"({ci_method}, Greenwood); dashed: median.")
    return FigureDescription(
        kind="km",
        title="Overall survival after the first radioembolization"
        + (f" by {strata.replace('_', ' ')}" if strata else ""),
        caption=caption,
        x=Axis(f"{unit_word} since first radioembolization", 0.0, ticks[-1], ticks, tuple(f"{t:g}" for t in ticks)),
        y=Axis("Overall survival", 0.0, 100.0, (0.0, 20.0, 40.0, 60.0, 80.0, 100.0),
               ("0%", "20%", "40%", "60%", "80%", "100%")),
        styles=styles,
        curves=curves,
        under=UnderTable("Number at risk", ticks, tuple(rows)),
        legend=legend,
        legend_title=legend_title,
        y_percent=True,
    )
