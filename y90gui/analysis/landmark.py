"""Overall survival by 3-month response as a landmark analysis (spec/analysis.md).

Curves by response that start at day 0 are biased: a responder had to live until the scan that
made them one. The landmark analysis compares only patients alive with follow-up beyond day 90
after the first radioembolization, with time counted from day 90, grouped by their 3-month RECIST
category (`recist.three_month_frame`): responders (CR, PR) and non-responders (SD, PD); NE and
not assessed are left out and counted. Readings (docs/FORMAT-EXTENSIONS.md): "beyond day 90" is
an OS time > 90 days (a death or last follow-up on day 90 is not beyond it); a patient who is
both not alive at the landmark and not evaluable is counted once, as not alive at the landmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LANDMARK_DAYS = 90
GROUPS = {"responders": ("CR", "PR"), "non_responders": ("SD", "PD")}


@dataclass
class LandmarkData:
    """(days from the landmark, death) per group, and the patients left out."""

    groups: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    not_alive_at_landmark: int = 0
    not_evaluable: int = 0


def landmark_data(pats: pd.DataFrame, three_month: pd.DataFrame) -> LandmarkData:
    """`pats` = `report.treated(fr)[0]`, `three_month` = `recist.three_month_frame(fr)`."""
    from y90gui.analysis.survival import os_arrays

    days, dead = os_arrays(pats)
    beyond = days > LANDMARK_DAYS
    category = pats["patient_id"].map(three_month["recist"])
    out = LandmarkData(not_alive_at_landmark=int((~beyond).sum()))
    evaluable = 0
    for name, codes in GROUPS.items():
        mask = beyond & category.isin(codes).to_numpy()
        out.groups[name] = (days[mask] - LANDMARK_DAYS, dead[mask])
        out.ids[name] = pats["patient_id"].to_numpy()[mask]
        evaluable += int(mask.sum())
    out.not_evaluable = int(beyond.sum()) - evaluable
    return out


def landmark_json(data: LandmarkData, ci_method: str) -> dict[str, Any]:
    """The report's `"os_landmark_3m"` object."""
    from y90gui.analysis import survival
    from y90gui.analysis.report import km_block

    groups = {name: km_block(survival.kaplan_meier(d, e, ci_method=ci_method),
                             origin=f"day_{LANDMARK_DAYS}_after_first_radioembolization")
              for name, (d, e) in data.groups.items()}
    test = survival.logrank(data.groups)
    return {
        "landmark_days": LANDMARK_DAYS,
        "N": sum(len(d) for d, _ in data.groups.values()),
        "excluded": {"not_alive_at_landmark": data.not_alive_at_landmark, "not_evaluable": data.not_evaluable},
        "groups": groups,
        "logrank": {"chi2": test.statistic, "df": 1, "p": test.p_value},
    }
