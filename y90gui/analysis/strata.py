"""Survival by stratum: any categorical patient field, a field of the first procedure, or RECIST at 3 months.

One rule for every consumer (the KM view, the report workbook, the documents): `stratify(fr,
field, keep_missing=...)` splits an endpoint's (patient, days, event) rows by the patient's
value of `field`. Patients without a value are either left out and counted (`keep_missing=False`,
what R's survdiff does with NA strata: the default everywhere in y90gui, and every view says how
many were left out) or kept as the stratum `MISSING` ("not recorded"). The caller must say which.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from y90gui.core.codes import RECIST
from y90gui.core.sheets import SHEET_BY_NAME

if TYPE_CHECKING:
    import pandas as pd

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

#: The label of the patients without a value when they are kept (`keep_missing=True`).
MISSING = "not recorded"


def _recist_3m(fr: Frames) -> pd.Series:
    from y90gui.analysis import recist

    return recist.three_month_frame(fr)["recist"]


#: Strata derived by an analysis rule rather than read from a column: field -> frames -> values by patient.
DERIVED_FIELDS: dict[str, Callable[[Frames], Any]] = {"recist_3m": _recist_3m}


@dataclass(frozen=True)
class Strata:
    """`groups`: {label: (days, events)} in code order (`ordered`, `MISSING` last); `left_out`: patients
    of the endpoint without a value that are in no group (always 0 with `keep_missing`)."""

    field: str
    groups: dict[str, tuple[Any, Any]]
    left_out: int
    keep_missing: bool


#: Code lists of the derived fields (their values are codes of the format, in its order).
DERIVED_CODES: dict[str, tuple[str, ...]] = {"recist_3m": RECIST}


def field_codes(field: str) -> tuple[str, ...] | None:
    """The values a stratification field can take in the format's order (`core.sheets` codes,
    ``no``/``yes``, `core.codes.RECIST` for RECIST at 3 months); None for free text (centres)."""
    if field in DERIVED_CODES:
        return DERIVED_CODES[field]
    if field not in STRATA_FIELDS:
        return None
    sheet, column = STRATA_FIELDS[field]
    col = SHEET_BY_NAME[sheet].by_name[column]
    if col.type == "yesno":
        return ("no", "yes")
    return tuple(col.codes) if col.codes else None


def ordered(field: str, labels: Iterable[str]) -> list[str]:
    """Stratum labels in the format's code order (CR, PR, SD, PD; not alphabetical), free text
    alphabetically, values outside the code list after it, `MISSING` last: the one order of every
    stratified table, legend and at-risk table."""
    present = set(labels)
    codes = field_codes(field) or ()
    known = [c for c in codes if c in present]
    rest = sorted(present - set(known) - {MISSING})
    return known + rest + ([MISSING] if MISSING in present else [])


def _label(value: Any, kind: str) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if kind == "yesno":
        return "yes" if float(value) else "no"
    return str(value)


def stratum_values(fr: Frames, field: str) -> dict[str, str]:
    """{patient_id: label} of every treated patient with a value of `field` (codes, "yes"/"no")."""
    from y90gui.analysis.report import treated

    if field in DERIVED_FIELDS:
        values = DERIVED_FIELDS[field](fr)
        pairs: Iterable[tuple[Any, Any]] = zip(values.index, values.to_numpy(), strict=True)
        kind = "code"
    elif field in STRATA_FIELDS:
        sheet, column = STRATA_FIELDS[field]
        kind = SHEET_BY_NAME[sheet].by_name[column].type
        pats, procs = treated(fr)
        if sheet == "patients":
            col = pats[column]
        else:
            first = procs.groupby("patient_id", sort=False).head(1).set_index("patient_id")[column]
            col = pats["patient_id"].map(first)
        pairs = zip(pats["patient_id"].to_numpy(), col.to_numpy(), strict=True)
    else:
        offered = sorted([*STRATA_FIELDS, *DERIVED_FIELDS])
        raise ValueError(f"cannot stratify by {field!r}; fields: {', '.join(offered)}")
    out = {}
    for pid, value in pairs:
        label = _label(value, kind)
        if label is not None:
            out[str(pid)] = label
    return out


def split(rows: pd.DataFrame, values: dict[str, str], field: str, *, keep_missing: bool) -> Strata:
    """Split (patient_id, days, event) rows by `values` (the one place the missing-value rule lives)."""
    import numpy as np
    import pandas as pd

    days = rows["days"].to_numpy(dtype=float)
    events = rows["event"].to_numpy(dtype=bool)
    default = MISSING if keep_missing else None
    labels = [values.get(p, default) for p in rows["patient_id"].tolist()]
    # integer codes per label (-1: none): 60 centres were 60 comparisons of every label string
    codes, distinct = pd.factorize(np.array(labels, dtype=object))
    code_of = {label: i for i, label in enumerate(distinct.tolist())}
    groups = {}
    for label in ordered(field, code_of):
        mask = codes == code_of[label]
        groups[label] = (days[mask], events[mask])
    left_out = 0 if keep_missing else int((codes < 0).sum())
    return Strata(field, groups, left_out, keep_missing)


def stratify(fr: Frames, field: str, *, keep_missing: bool, endpoint: str = "os",
             patient_ids: Iterable[str] | None = None) -> Strata:
    """An endpoint's rows of the treated patients (optionally only `patient_ids`) by `field`."""
    from y90gui.analysis.survival import endpoint_rows

    values = stratum_values(fr, field)
    rows = endpoint_rows(fr, endpoint)
    if patient_ids is not None:
        rows = rows[rows["patient_id"].isin(set(patient_ids))]
    return split(rows, values, field, keep_missing=keep_missing)


def os_by_stratum(fr: Frames, field: str) -> dict[str, tuple[Any, Any]]:
    """{stratum label: (days from first RE, death bool)}; patients without a value left out (R's rule)."""
    return stratify(fr, field, keep_missing=False).groups
