"""Progression-free survival from the RECIST assessments already in the case series.

spec/analysis.md: origin = the first radioembolization; event = the earlier of the first
assessment after the origin whose RECIST 1.1 response is PD (recorded, or derived by the report's
rule, `recist.judged`) and death; otherwise censored at the last assessment after the origin (0
days when there is none). Readings where the spec is silent (docs/FORMAT-EXTENSIONS.md):

- an assessment is a response row dated after the first RE (day > 0) whose response, recorded or
  derived, is CR, PR, SD or PD; NE and rows without a response (only a clinical response) are not
  assessments, so a patient is never censored at a scan that could not be read;
- a death counts whenever it happened (also long after the last scan), as R users compute it:
  `pmin(pd_day, death_day)`; progression and death on the same day is one event, "progression";
- the report's Kaplan-Meier (`survival.kaplan_meier`) fits the resulting (days, event) rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames

EVENT_DEFINITION = "RECIST 1.1 progression or death"
ASSESSED = ("CR", "PR", "SD", "PD")


def pfs_frame(fr: Frames, pats: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per treated patient (order of `report.treated`): `patient_id`, `days`, `event`
    (bool) and `reason` ("progression", "death" or "censored")."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis.report import treated
    from y90gui.analysis.survival import os_arrays

    if pats is None:
        pats = treated(fr)[0]
    after = assessed_after(fr)
    first_pd = first_progression_day(after)
    last = after.groupby("patient_id")["day"].max()

    os_days, dead = os_arrays(pats)
    ids = pats["patient_id"]
    pd_day = ids.map(first_pd).to_numpy(dtype=float)
    death_day = np.where(dead, os_days, np.nan)
    progressed = ~np.isnan(pd_day)
    event = progressed | dead
    days = np.where(event, np.fmin(pd_day, death_day), ids.map(last).fillna(0.0).to_numpy(dtype=float))
    reason = np.where(progressed & ~(death_day < pd_day), "progression", np.where(dead, "death", "censored"))
    return pd.DataFrame({"patient_id": ids.to_numpy(), "days": days, "event": event, "reason": reason})


def assessed_after(fr: Frames) -> pd.DataFrame:
    """Every assessment after the first RE with its RECIST 1.1 response (recorded, else derived
    from the sums: `recist.judged`), keeping only assessed categories."""
    from y90gui.analysis import recist

    after = recist.judged_after(fr)
    return after[after["recist"].isin(ASSESSED)]


def first_progression_day(after: pd.DataFrame) -> pd.Series:
    """patient_id -> day (after the first RE) of the first assessment judged PD, at whatever
    assessment it happens (PFS's event, the swimmer plot's first-PD marker)."""
    return after[after["recist"] == "PD"].groupby("patient_id")["day"].min()
