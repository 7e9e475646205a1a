"""Figure 1: the Kaplan-Meier description of OS, PFS or landmark OS (all patients or by stratum).

The curves are `survival.kaplan_meier` of the same (days, event) pairs the report uses
(`survival.os_arrays` / `strata.os_by_stratum`), the p-value is `survival.logrank`, the numbers at
risk are `survival.number_at_risk` at the tick times (patients with time >= t; 0 once a stratum
has ended), and every number in the legend is formatted by `analysis.tables_format`, so the
figure, Table 4 and `report --json` agree by construction. The window's KM view draws the same
description (`describe_groups` of the cohort's cached rows), so screen and file never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.analysis.landmark import LANDMARK_DAYS
from y90gui.figures import palette
from y90gui.figures.model import Axis, Curve, FigureDescription, LegendEntry, Style, UnderTable

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.analysis.landmark import LandmarkData
    from y90gui.analysis.survival import KMResult, LogRankResult

TIME_UNITS = ("years", "months")
ALL_KEY = "all"
#: The landmark endpoint's key (the report's `"os_landmark_3m"`): OS from day 90 by 3-month response.
LANDMARK = "os_landmark_3m"


def time_ticks(t_max: float, unit: str) -> tuple[float, ...]:
    """Tick positions: every year (every 2 beyond 10 years), or every 6 months (12 beyond 3 years)."""
    step = (1.0 if t_max <= 10 else 2.0) if unit == "years" else (6.0 if t_max <= 36 else 12.0)
    top = max(step, math.ceil(t_max / step - 1e-9) * step)
    return tuple(step * i for i in range(int(round(top / step)) + 1))


def _none(x: float) -> float | None:
    return None if x != x else float(x)


def stratum_universe(fr: Frames, field: str) -> list[str]:
    """Every value the field can take, in a fixed order: the format's code list (RECIST at 3
    months too: `strata.field_codes`), no/yes, or all centres the case series holds."""
    from y90gui.analysis.strata import STRATA_FIELDS, field_codes

    codes = field_codes(field)
    if codes is not None:
        return list(codes)
    sheet, column = STRATA_FIELDS[field]
    return sorted({str(v) for v in fr.sheet(sheet)[column] if isinstance(v, str)})


#: How a stratification field reads in a legend title and a note (others: the name, "_" -> " ").
STRATA_LABELS = {"center": "centre", "primary_site": "primary site", "who_grade": "WHO grade",
                 "extent": "extent of the first RE", "recist_3m": "RECIST at 3 months"}


def strata_label(field: str) -> str:
    return STRATA_LABELS.get(field, field.replace("_", " "))


@dataclass(frozen=True)
class EndpointText:
    """How a time-to-event endpoint reads on the figure (the rows come from the analysis layer)."""

    name: str  # the choice offered ("Overall survival")
    y_label: str
    title: str
    origin: str  # x axis: "since first radioembolization"
    event: str  # caption: what is an event, what is censored


ENDPOINT_TEXT: dict[str, EndpointText] = {
    "os": EndpointText("Overall survival", "Overall survival", "Overall survival after the first radioembolization",
                       "since first radioembolization", "death = event, alive = censored at last follow-up"),
    "pfs": EndpointText("Progression-free survival", "Progression-free survival",
                        "Progression-free survival after the first radioembolization",
                        "since first radioembolization",
                        "RECIST 1.1 progression or death = event, censored at the last assessment"),
    LANDMARK: EndpointText(
        "Landmark OS by 3-month response", "Overall survival",
        f"Overall survival from the 3-month landmark (day {LANDMARK_DAYS}) by response",
        f"since the landmark (day {LANDMARK_DAYS} after first radioembolization)",
        f"patients alive beyond day {LANDMARK_DAYS}; responders CR/PR, non-responders SD/PD at 3 months; "
        "death = event"),
}
#: The landmark groups as the legend names them (`landmark.GROUPS` are the keys).
LANDMARK_NAMES = {"responders": "Responders (CR, PR)", "non_responders": "Non-responders (SD, PD)"}
LANDMARK_STRATA = "3-month response"


def stratum_styles(field: str, values: list[str], universe: list[str]) -> dict[str, Style]:
    """Each stratum's style, fixed per value (`palette.styles_for`; RECIST codes keep their own)."""
    return palette.styles_for(values, universe)


def left_out_note(left_out: int, strata_label: str) -> str:
    """The figure's line saying who a stratified curve leaves out (R's survdiff drops NA strata)."""
    if not left_out:
        return ""
    return f"{left_out} patient{'s' if left_out != 1 else ''} without a value of {strata_label} left out"


def landmark_note(not_alive: int, not_evaluable: int) -> str:
    return (f"Left out: {not_alive} not alive beyond day {LANDMARK_DAYS}, "
            f"{not_evaluable} not evaluable (NE or not assessed)")


def fit_groups(groups: dict[str, tuple[Any, Any]], *, ci_method: str = "log-log",
               stratified: bool = True) -> tuple[dict[str, KMResult], LogRankResult | None]:
    """Each non-empty group's fit (`survival.kaplan_meier`) and, when stratified, the log-rank
    test (`survival.logrank`): what `describe_groups` describes (an empty stratum draws nothing, R)."""
    from y90gui.analysis import survival

    groups = {k: g for k, g in groups.items() if len(g[0])}
    fits = {k: survival.kaplan_meier(d, e, ci_method=ci_method) for k, (d, e) in groups.items()}
    return fits, (survival.logrank(groups) if stratified else None)


def describe_groups(groups: dict[str, tuple[Any, Any]], styles: dict[str, Style], *, endpoint: str = "os",
                    strata: str | None = None, strata_name: str | None = None, ci_method: str = "log-log",
                    time_unit: str = "years", note: str = "",
                    names: dict[str, str] | None = None,
                    fitted: tuple[dict[str, KMResult], LogRankResult | None] | None = None) -> FigureDescription:
    """Fit each group's (days, events) and test them (`fit_groups`, or `fitted` when the caller
    has them) and describe them: the one path of the file's figure and the window's view."""
    fits, test = fitted if fitted is not None else fit_groups(groups, ci_method=ci_method, stratified=bool(strata))
    return describe_fits(fits, styles, durations={k: groups[k][0] for k in fits}, strata=strata,
                         logrank_p=None if test is None else test.p_value, ci_method=ci_method,
                         time_unit=time_unit, endpoint=endpoint, strata_name=strata_name, note=note, names=names)


def landmark_description(data: LandmarkData, *, ci_method: str = "log-log", time_unit: str = "years",
                         fitted: tuple[dict[str, KMResult], LogRankResult | None] | None = None
                         ) -> FigureDescription:
    """Landmark OS by 3-month response (`landmark.landmark_data`): stratified by definition."""
    return describe_groups(dict(data.groups), dict(palette.RESPONSE), endpoint=LANDMARK, strata=LANDMARK,
                           strata_name=LANDMARK_STRATA, ci_method=ci_method, time_unit=time_unit,
                           note=landmark_note(data.not_alive_at_landmark, data.not_evaluable),
                           names=LANDMARK_NAMES, fitted=fitted)


def km_description(fr: Frames, *, strata: str | None = None, ci_method: str = "log-log",
                   time_unit: str = "years", endpoint: str = "os") -> FigureDescription:
    """A registered endpoint (`survival.ENDPOINTS`: OS, PFS) from the first radioembolization, by
    `strata` (a `STRATA_FIELDS` key or a derived field); or the landmark OS by 3-month response."""
    from y90gui.analysis import inclusion
    from y90gui.analysis.strata import stratify
    from y90gui.analysis.survival import endpoint_rows

    fr = inclusion.analysed(fr)
    if endpoint == LANDMARK:
        from y90gui.analysis import recist
        from y90gui.analysis.landmark import landmark_data
        from y90gui.analysis.report import treated

        return landmark_description(landmark_data(treated(fr)[0], recist.three_month_frame(fr)),
                                    ci_method=ci_method, time_unit=time_unit)
    if strata:
        st = stratify(fr, strata, keep_missing=False, endpoint=endpoint)
        groups = st.groups
        styles = stratum_styles(strata, list(groups), stratum_universe(fr, strata))
        note = left_out_note(st.left_out, strata_label(strata))
    else:
        rows = endpoint_rows(fr, endpoint)
        groups = {ALL_KEY: (rows["days"].to_numpy(dtype=float), rows["event"].to_numpy(dtype=bool))}
        styles = {ALL_KEY: palette.ALL}
        note = ""
    return describe_groups(groups, styles, endpoint=endpoint, strata=strata, ci_method=ci_method,
                           time_unit=time_unit, note=note)


def describe_fits(fits: dict[str, KMResult], styles: dict[str, Style], *,
                  durations: dict[str, Any] | None = None, strata: str | None = None,
                  logrank_p: float | None = None, ci_method: str = "log-log",
                  time_unit: str = "years", endpoint: str = "os", strata_name: str | None = None,
                  note: str = "", names: dict[str, str] | None = None) -> FigureDescription:
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
        name = "All patients" if key == ALL_KEY else (names or {}).get(key, key)
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
    text = ENDPOINT_TEXT[endpoint]
    shown = strata_name or (strata_label(strata) if strata else "")
    legend_title = f"{shown}: log-rank {p_value(logrank_p)}" if strata else ""
    unit_word = "Years" if time_unit == "years" else "Months"
    caption = (f"Kaplan\u2013Meier estimate of {text.y_label.lower()} {text.origin} ({text.event}, |); "
               f"shaded: pointwise 95% CI ({ci_method}, Greenwood); dashed: median.")
    return FigureDescription(
        kind="km",
        title=text.title + (f" by {shown}" if strata and endpoint != LANDMARK else ""),
        caption=caption,
        x=Axis(f"{unit_word} {text.origin}", 0.0, ticks[-1], ticks, tuple(f"{t:g}" for t in ticks)),
        y=Axis(text.y_label, 0.0, 100.0, (0.0, 20.0, 40.0, 60.0, 80.0, 100.0),
               ("0%", "20%", "40%", "60%", "80%", "100%")),
        styles=styles,
        curves=curves,
        under=UnderTable("Number at risk", ticks, tuple(rows)),
        legend=legend,
        legend_title=legend_title,
        note=note,
        y_percent=True,
    )
