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

from collections.abc import Iterable
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
    #: the patients left out, by reason (so a filtered view can count its own)
    excluded_ids: dict[str, Any] = field(default_factory=dict)

    def subset(self, patient_ids: Iterable[str] | None) -> LandmarkData:
        """The same analysis restricted to some patients (None: all), e.g. the window's filter."""
        if patient_ids is None:
            return self
        import numpy as np

        keep = set(patient_ids)
        out = LandmarkData()
        for name, (days, dead) in self.groups.items():
            mask = np.fromiter((p in keep for p in self.ids[name]), dtype=bool, count=len(self.ids[name]))
            out.groups[name] = (days[mask], dead[mask])
            out.ids[name] = self.ids[name][mask]
        for reason, ids in self.excluded_ids.items():
            out.excluded_ids[reason] = np.asarray([p for p in ids if p in keep], dtype=object)
        out.not_alive_at_landmark = len(out.excluded_ids.get("not_alive_at_landmark", ()))
        out.not_evaluable = len(out.excluded_ids.get("not_evaluable", ()))
        return out


def landmark_data(pats: pd.DataFrame, three_month: pd.DataFrame) -> LandmarkData:
    """`pats` = `report.treated(fr)[0]`, `three_month` = `recist.three_month_frame(fr)`."""
    import numpy as np

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
    pids = pats["patient_id"].to_numpy()
    in_group = np.zeros(len(pids), dtype=bool)
    for codes in GROUPS.values():
        in_group |= category.isin(codes).to_numpy()
    out.excluded_ids = {"not_alive_at_landmark": pids[~beyond], "not_evaluable": pids[beyond & ~in_group]}
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
