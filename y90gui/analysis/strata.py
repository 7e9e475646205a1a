"""Overall survival by stratum: any categorical patient field, or a field of the first procedure.

`os_by_stratum(fr, "center")`, `os_by_stratum(fr, "extent")` (extent of the first
radioembolization), `"extrahepatic_disease"`, `"who_grade"`, ... give {label: (days, events)}
ready for `survival.logrank` and `survival.kaplan_meier`. Patients whose value is missing are left
out (as R's survdiff drops NA strata).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.core.sheets import SHEET_BY_NAME

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames

#: Fields offered for stratification: (sheet, column). Procedure fields are those of the first RE.
STRATA_FIELDS: dict[str, tuple[str, str]] = {
    c.name: ("patients", c.name)
    for c in SHEET_BY_NAME["patients"].columns
    if c.type in ("code", "yesno") or c.name == "center"
}
STRATA_FIELDS.update({
    c.name: ("radioembolization", c.name)
    for c in SHEET_BY_NAME["radioembolization"].columns
    if c.type == "code"
})
STRATA_FIELDS.pop("vital_status", None)  # the outcome itself


def _label(value: Any, kind: str) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == "yesno":
        return "yes" if float(value) else "no"
    return str(value)


def os_arrays(pats: Any) -> tuple[Any, Any]:
    """(days from the first RE to death / last follow-up, died) of `report.treated` patients:
    overall survival as spec/report.md defines it."""
    days = (pats["followup_date"] - pats["first_re"]).to_numpy(dtype=float)
    return days, (pats["vital_status"] == "dead").to_numpy()


def os_by_stratum(fr: Frames, field: str) -> dict[str, tuple[Any, Any]]:
    """{stratum label: (days from first RE, death bool)} for the patients with a value."""
    import numpy as np

    from y90gui.analysis.report import treated

    if field not in STRATA_FIELDS:
        raise ValueError(f"cannot stratify by {field!r}; fields: {', '.join(sorted(STRATA_FIELDS))}")
    sheet, column = STRATA_FIELDS[field]
    kind = SHEET_BY_NAME[sheet].by_name[column].type
    pats, procs = treated(fr)
    if sheet == "patients":
        values = pats[column]
    else:
        first = procs.groupby("patient_id", sort=False).head(1).set_index("patient_id")[column]
        values = pats["patient_id"].map(first)
    days, dead = os_arrays(pats)
    labels = np.array([_label(v, kind) for v in values], dtype=object)
    out = {}
    for label in sorted({x for x in labels if x is not None}):
        mask = labels == label
        out[label] = (days[mask], dead[mask])
    return out
