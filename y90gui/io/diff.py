"""What an import would change, patient by patient and field by field.

A patient's record is its `patients` row plus its rows on every other sheet. Rows are
compared as sets (row order in a workbook carries no meaning). Rows of sheets with a key
(PRRT cycle, procedure number) are paired by it; other rows are paired by their date and
test/term/treatment after exact matches are removed, so an edited lab value shows as one
changed field rather than a removed and an added row.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEET_BY_NAME, Sheet
from y90gui.core.validate import CaseData, display_value

#: Columns that pair rows of a sheet (besides patient_id) when the values differ.
PAIRING: dict[str, tuple[str, ...]] = {
    "prrt": ("cycle",),
    "radioembolization": ("procedure",),
    "response": ("date",),
    "labs": ("date", "test"),
    "adverse_events": ("onset_date", "term"),
    "treatments_after": ("start_date", "treatment"),
    "reference_ranges": ("center", "test", "unit"),
}


@dataclass(frozen=True)
class FieldChange:
    """One difference; `column` None means the whole row is added (old None) or removed (new None)."""

    sheet: str
    key: str
    column: str | None
    old: Any
    new: Any
    #: the workbook's row number of the new value (None: a removed row, or not from a workbook)
    row: int | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        def show(v: Any) -> Any:
            if isinstance(v, dict):
                return {k: display_value(x) for k, x in v.items()}
            return display_value(v)

        return {"sheet": self.sheet, "key": self.key, "column": self.column, "old": show(self.old),
                "new": show(self.new)}

    def __str__(self) -> str:
        if self.column is None:
            what = "added" if self.old is None else "removed"
            return f"{self.sheet} {self.key}: row {what}"
        return f"{self.sheet} {self.key}: {self.column} {display_value(self.old)!r} -> {display_value(self.new)!r}"


def _tuples(sheet: Sheet, rows: Iterable[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
    names = sheet.column_names
    get = itemgetter(*names)
    for r in rows:
        try:
            yield get(r)
        except KeyError:  # a row without some optional columns
            yield tuple(r.get(n) for n in names)


def _key_text(sheet: Sheet, row: dict[str, Any]) -> str:
    cols = PAIRING.get(sheet.name, ())
    return ", ".join(f"{c}={display_value(row.get(c))}" for c in cols) or "row"


def diff_rows(sheet: Sheet, old_rows: Iterable[dict[str, Any]], new_rows: Iterable[dict[str, Any]]
              ) -> list[FieldChange]:
    """Differences between two row sets of one sheet (one patient, or the reference ranges)."""
    new_rows = list(new_rows)
    old_t = Counter(_tuples(sheet, old_rows))
    new_t = Counter(_tuples(sheet, new_rows))
    if old_t == new_t:
        return []
    sheet_rows: dict[tuple[Any, ...], list[int | None]] = defaultdict(list)  # the workbook rows, per value
    for t, r in zip(_tuples(sheet, new_rows), new_rows, strict=True):
        sheet_rows[t].append(r.get("_row"))
    only_old = old_t - new_t
    only_new = new_t - old_t
    names = sheet.column_names
    pair_idx = [names.index(c) for c in PAIRING.get(sheet.name, ())]
    olds: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for t, n in sorted(only_old.items(), key=lambda kv: repr(kv[0])):
        olds[tuple(t[i] for i in pair_idx)].extend([t] * n)
    changes: list[FieldChange] = []
    skip = {"patient_id"}
    for t, n in sorted(only_new.items(), key=lambda kv: repr(kv[0])):
        for _ in range(n):
            pk = tuple(t[i] for i in pair_idx)
            new_row = dict(zip(names, t, strict=True))
            at = sheet_rows[t].pop(0) if sheet_rows.get(t) else None
            if olds.get(pk):
                o = olds[pk].pop(0)
                key = _key_text(sheet, new_row)
                for i, col in enumerate(names):
                    if col not in skip and o[i] != t[i]:
                        changes.append(FieldChange(sheet.name, key, col, o[i], t[i], at))
            else:
                changes.append(FieldChange(sheet.name, _key_text(sheet, new_row), None, None, _clean(new_row), at))
    for rest in olds.values():
        for o in rest:
            old_row = dict(zip(names, o, strict=True))
            changes.append(FieldChange(sheet.name, _key_text(sheet, old_row), None, _clean(old_row), None))
    return changes


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and k != "patient_id"}


def group_by_patient(data: CaseData) -> dict[str, dict[str, list[dict[str, Any]]]]:
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for sheet in ("patients", *[s.name for s in PATIENT_CHILD_SHEETS]):
        for r in data.get(sheet, []):
            out[r["patient_id"]][sheet].append(r)
    return out


_PATIENT_COLUMNS = SHEET_BY_NAME["patients"].column_names


def diff_patient(old: dict[str, list[dict[str, Any]]], new: dict[str, list[dict[str, Any]]]) -> list[FieldChange]:
    changes: list[FieldChange] = []
    old_p = old.get("patients", [])
    new_p = new.get("patients", [])
    if old_p and new_p:
        pid = new_p[0]["patient_id"]
        for col in _PATIENT_COLUMNS:
            if old_p[0].get(col) != new_p[0].get(col):
                changes.append(FieldChange("patients", pid, col, old_p[0].get(col), new_p[0].get(col),
                                           new_p[0].get("_row")))
    for sheet in PATIENT_CHILD_SHEETS:
        changes.extend(diff_rows(sheet, old.get(sheet.name, []), new.get(sheet.name, [])))
    return changes
