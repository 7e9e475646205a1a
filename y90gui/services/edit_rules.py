"""The checks an edit made in the GUI goes through before it reaches the store (no Qt here).

A typed value is parsed by `core.validate.parse_value`, the edited row by `check_row`, and the
patient's whole record, with the edit applied, by `check_consistency`: the same rules the
importer applies to a workbook, so a value the importer would refuse can not be typed in
either. Only problems the edit *introduces* refuse it; a record that already breaks a rule
(an old file, another rule version) can still be corrected field by field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from y90gui.core.sheets import PATIENT_CHILD_SHEETS, SHEET_BY_NAME
from y90gui.core.validate import CaseData, FieldError, Issue, check_consistency, check_row, parse_value
from y90gui.store.store import Store

#: Columns a detail editor does not offer: the link to the patient is implied by the view,
#: and renaming a patient cascades through every sheet (a separate, deliberate action).
HIDDEN_IN_CHILD = ("patient_id",)


def format_value(value: Any) -> str:
    """The text a user sees and edits: lossless, so editing the text back changes nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def sort_value(value: Any) -> Any:
    """A value Qt can compare: numbers stay numbers, dates become ISO text, blanks sort first."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def row_key(sheet: str, row: Mapping[str, Any]) -> str | int:
    key: str | int = row["patient_id"] if sheet == "patients" else row["id"]
    return key


def _record(store: Store, sheet: str, patient_id: str | None) -> CaseData:
    # a registry in the window reads for checks apart from what the view saw (its row versions:
    # services.registry_session.WindowRegistry.read_for_check); a file has one read
    read = getattr(store, "read_for_check", store.read_table)
    if sheet == "reference_ranges" or patient_id is None:
        return {"reference_ranges": read("reference_ranges", with_ids=True)}
    names = ["patients", *(s.name for s in PATIENT_CHILD_SHEETS)]
    return {n: read(n, [patient_id], with_ids=True) for n in names}


def _issue_key(issue: Issue) -> tuple[str, str | None, str]:
    return (issue.sheet, issue.column, issue.message)


def _refuse_new_issues(store: Store, sheet: str, patient_id: str | None, mutate: Callable[[CaseData], None]) -> None:
    data = _record(store, sheet, patient_id)
    known = [patient_id] if patient_id else []
    before = Counter(_issue_key(i) for i in check_consistency(data, known))
    mutate(data)
    after = check_consistency(data, known)
    seen = Counter(before)
    for issue in after:
        k = _issue_key(issue)
        if seen[k] > 0:
            seen[k] -= 1
            continue
        where = (issue.column or "") if issue.sheet == sheet else f"{issue.sheet} {issue.column or ''}".strip()
        raise FieldError(f"{where}: {issue.message}" if where else issue.message)


def _check_row_changes(sheet: str, old_row: Mapping[str, Any], new_row: Mapping[str, Any]) -> None:
    old = Counter(check_row(sheet, old_row)) if old_row else Counter()
    for column, message in check_row(sheet, new_row):
        if old[(column, message)] > 0:
            old[(column, message)] -= 1
            continue
        raise FieldError(f"{column}: {message}")


def check_edit(store: Store, sheet: str, row: Mapping[str, Any], column_name: str, raw: Any) -> Any:
    """Parse `raw` for one cell of `row` and check the record with it; return the parsed value.

    Raises FieldError whose message starts with the column it is about.
    """
    spec = SHEET_BY_NAME[sheet]
    column = spec.by_name[column_name]
    try:
        value = parse_value(column, raw)
    except FieldError as exc:
        raise FieldError(f"{column_name}: {exc}") from None
    new_row = {**row, column_name: value}
    _check_row_changes(sheet, row, new_row)
    key = row_key(sheet, row)
    patient_id = row.get("patient_id")

    def apply(data: CaseData) -> None:
        rows = data.setdefault(sheet, [])
        for i, r in enumerate(rows):
            if row_key(sheet, r) == key:
                rows[i] = {**r, column_name: value}

    _refuse_new_issues(store, sheet, patient_id, apply)
    return value


def field_error(sheet: str, column_name: str, raw: Any) -> str | None:
    """Why one typed value of a new row cannot be stored, or None: the add-row form's live check
    while typing (the record-wide rules run when the row is added, in `check_insert`)."""
    try:
        parse_value(SHEET_BY_NAME[sheet].by_name[column_name], raw)
    except FieldError as exc:
        return str(exc)
    return None


def code_label(code: str) -> str:
    """A code as a drop-down shows it ("whole_liver" → "whole liver"); the code is what is stored."""
    return code.replace("_", " ")


def check_insert(store: Store, sheet: str, raw_values: Mapping[str, Any]) -> dict[str, Any]:
    """Parse a new row typed into the add-row form; every bad field is reported, not the first.

    Raises `RowErrors` mapping column -> message.
    """
    spec = SHEET_BY_NAME[sheet]
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for column in spec.columns:
        try:
            parsed[column.name] = parse_value(column, raw_values.get(column.name))
        except FieldError as exc:
            errors[column.name] = str(exc)
    if errors:
        raise RowErrors(errors)
    for column_name, message in check_row(sheet, parsed):
        errors.setdefault(column_name, message)
    if errors:
        raise RowErrors(errors)
    try:
        _refuse_new_issues(store, sheet, parsed.get("patient_id"),
                           lambda data: data.setdefault(sheet, []).append(dict(parsed)))
    except FieldError as exc:
        name, _, message = str(exc).partition(": ")
        if name in spec.by_name:
            raise RowErrors({name: message}) from None
        raise RowErrors({"": str(exc)}) from None
    return parsed


def check_delete(store: Store, sheet: str, row: Mapping[str, Any]) -> None:
    """Refuse a deletion that leaves the record inconsistent (an adverse event's procedure)."""
    key = row_key(sheet, row)

    def drop(data: CaseData) -> None:
        data[sheet] = [r for r in data.get(sheet, []) if row_key(sheet, r) != key]

    if sheet != "patients":
        _refuse_new_issues(store, sheet, row.get("patient_id"), drop)


class RowErrors(FieldError):
    """Several fields of one new row are wrong: `errors` maps column -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{c}: {m}" if c else m for c, m in errors.items()))


def describe_edit(sheet: str, row: Mapping[str, Any], column_name: str, old: Any, new: Any) -> str:
    """The action's name in the audit trail and in "Undo …": who, where, old -> new."""
    pid = row.get("patient_id") or row.get("center") or ""
    where = f"{pid}: " if sheet == "patients" else f"{pid} {sheet}: "
    return f"{where}{column_name} {_short(old)} → {_short(new)}"


def _short(value: Any, limit: int = 32) -> str:
    text = format_value(value) or "∅"
    return text if len(text) <= limit else text[: limit - 1] + "…"
