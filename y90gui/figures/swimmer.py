"""Figure 2: the cohort swimmer plot, split into pages of at most 100 patients.

One bar per treated patient from the first radioembolization (day 0) to death or last
follow-up (`survival.os_arrays`: the overall-survival times), sorted by length, longest on top;
markers for each radioembolization, the first PD, adverse events of grade >= 3, REILD
(`report.REILD_TERMS`) and the start of each later treatment (on or after the first RE, the
report's rule); an arrow where the patient was alive at last follow-up. First PD is the first
assessment after the first RE whose RECIST 1.1 response, recorded or derived from the sums by
`recist.judged`, is PD, at whatever assessment it happens (`pfs.first_progression_day`, the
PFS event, so the plot and the PFS analysis agree).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from y90gui.figures.km import time_ticks
from y90gui.figures.model import Axis, Bar, FigureDescription, LegendEntry, Markers, Style

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames

PAGE_SIZE = 100
MARKS = (  # key, legend text, marker, style
    ("re", "radioembolization", "v", Style("#000000", "#000000")),
    ("pd", "first progression (PD)", "X", Style("#D55E00", "#000000")),
    ("ae3", "adverse event grade \u2265 3", "D", Style("#E69F00", "#666666")),
    ("reild", "REILD", "*", Style("#CC79A7", "#000000")),
    ("treatment", "start of a later treatment", "s", Style("#009E73", "#999999")),
)
BAR = Style("#56B4E9", "#cccccc")


def swimmer_descriptions(fr: Frames, *, time_unit: str = "years",
                         page_size: int = PAGE_SIZE) -> list[FigureDescription]:
    """One description per page of at most `page_size` patients (longest follow-up first)."""
    import numpy as np

    from y90gui.analysis import pfs
    from y90gui.analysis.report import REILD_TERMS, ae_with_procedure, treated
    from y90gui.analysis.survival import DAYS_PER_YEAR, os_arrays

    pats, procs = treated(fr)
    days, dead = os_arrays(pats)
    per_unit = DAYS_PER_YEAR if time_unit == "years" else DAYS_PER_YEAR / 12
    order = np.lexsort((pats["patient_id"].to_numpy(dtype=str), -days))
    pids = pats["patient_id"].to_numpy()[order]
    first = dict(zip(pats["patient_id"], pats["first_re"], strict=True))

    def rel(frame: Any, col: str) -> Any:
        return (frame[col].to_numpy(dtype=float) - frame["patient_id"].map(first).to_numpy(dtype=float)) / per_unit

    events: dict[str, tuple[Any, Any]] = {"re": (procs["patient_id"].to_numpy(), rel(procs, "date"))}
    # the first assessment judged PD (recorded or derived from the sums), at whatever assessment
    first_pd = pfs.first_progression_day(pfs.assessed_after(fr))
    first_pd = first_pd[first_pd.index.isin(list(first))]
    events["pd"] = (first_pd.index.to_numpy(), first_pd.to_numpy(dtype=float) / per_unit)
    ae = ae_with_procedure(fr, procs)
    ae = ae[ae["patient_id"].isin(first)]
    a3 = ae[ae["grade"] >= 3]
    events["ae3"] = (a3["patient_id"].to_numpy(), rel(a3, "onset_date"))
    rl = ae[ae["term"].astype(str).str.strip().str.lower().isin(REILD_TERMS)]
    events["reild"] = (rl["patient_id"].to_numpy(), rel(rl, "onset_date"))
    ta = fr.treatments_after[fr.treatments_after["patient_id"].isin(first)]
    ta = ta[ta["start_date"].to_numpy(dtype=float) >= ta["patient_id"].map(first).to_numpy(dtype=float)]
    events["treatment"] = (ta["patient_id"].to_numpy(), rel(ta, "start_date"))

    length = dict(zip(pats["patient_id"], days / per_unit, strict=True))
    alive = dict(zip(pats["patient_id"], ~dead, strict=True))
    t_max = max([float(v) for v in length.values()] + [1.0])
    ticks = time_ticks(t_max * 1.04, time_unit)
    pages = max(1, math.ceil(len(pids) / page_size))
    out = []
    for page in range(pages):
        chunk = list(pids[page * page_size:(page + 1) * page_size])
        n = len(chunk)
        row = {pid: n - 1 - i for i, pid in enumerate(chunk)}
        bars = [Bar("bar", float(row[p]), 0.0, float(length[p]), arrow=bool(alive[p])) for p in chunk]
        markers = []
        for key, text, shape, _ in MARKS:
            who, when = events[key]
            keep = np.array([w in row for w in who], dtype=bool) if len(who) else np.zeros(0, dtype=bool)
            markers.append(Markers(key, text, tuple(float(x) for x in when[keep]),
                                   tuple(float(row[w]) for w in who[keep]), shape))
        legend = [LegendEntry("bar", "follow-up (death or last follow-up)", "patch")]
        legend += [LegendEntry(key, text, "marker", shape) for key, text, shape, _ in MARKS]
        legend.append(LegendEntry("arrow", "alive at last follow-up (arrow)", "marker", ">"))
        unit_word = "Years" if time_unit == "years" else "Months"
        part = f" (page {page + 1} of {pages})" if pages > 1 else ""
        out.append(FigureDescription(
            kind="swimmer",
            title=f"Course of each patient after the first radioembolization{part}",
            caption=(f"{len(pids)} patients, sorted by follow-up; bar from the first radioembolization (0) to death "
                     f"or last follow-up; arrow: alive at last follow-up{part}."),
            x=Axis(f"{unit_word} since first radioembolization", 0.0, ticks[-1], ticks, tuple(f"{t:g}" for t in ticks)),
            y=Axis("Patients", -0.7, n - 0.3, tuple(float(row[p]) for p in chunk), tuple(str(p) for p in chunk)),
            styles={"bar": BAR, "arrow": Style("#000000", "#000000"), **{k: s for k, _, _, s in MARKS}},
            bars=bars, bar_orientation="horizontal", markers=markers, legend=legend,
        ))
    return out
