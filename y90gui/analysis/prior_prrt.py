"""Prior PRRT per patient: the cycles before the first radioembolization (spec/report.md).

One place for "prior": cycles dated strictly before the patient's first radioembolization. The
report's PRRT -> RE interval and Table 1's cycles, cumulative activity and radiopharmaceuticals
all read this frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from y90gui.analysis.frames import Frames


def prrt_before_first_re(fr: Frames, first_re: Any) -> pd.DataFrame:
    """The PRRT rows dated strictly before the patient's first radioembolization (`first_re`:
    a Series patient_id -> day), with a `first_re` column: the one definition of "prior"."""
    import pandas as pd

    from y90gui.core.definitions import prrt_before_first_re as prrt_before

    prrt = fr.prrt.merge(pd.Series(first_re, name="first_re").rename_axis("patient_id").reset_index(),
                         on="patient_id")
    return prrt[prrt_before(prrt["date"], prrt["first_re"])]


def prior_prrt(fr: Frames, first_re: Any) -> pd.DataFrame:
    """Per patient with at least one cycle before `first_re` (a Series patient_id -> day):
    `cycles`, `gbq` (sum, NaN when no cycle has an activity), `agents` (sorted tuple of the
    radiopharmaceuticals), `last_cycle` (day) and `days_to_re` (first RE - last cycle)."""
    import pandas as pd

    prrt = prrt_before_first_re(fr, first_re)
    groups = prrt.groupby("patient_id", sort=True)
    cycles = groups.size()
    # the agents in one pass over the rows: a per-group Python `agg` took 0.35 s at 10,000 patients
    names: dict[Any, set[str]] = {}
    for pid, name in zip(prrt["patient_id"].tolist(), prrt["radiopharmaceutical"].tolist(), strict=True):
        agents = names.setdefault(pid, set())
        if isinstance(name, str):
            agents.add(name)
    out = pd.DataFrame({
        "cycles": cycles,
        "gbq": groups["activity_gbq"].sum(min_count=1),
        "agents": pd.Series([tuple(sorted(names[pid])) for pid in cycles.index], index=cycles.index, dtype=object),
        "last_cycle": groups["date"].max(),
    })
    out["days_to_re"] = groups["first_re"].first() - out["last_cycle"]
    return out
