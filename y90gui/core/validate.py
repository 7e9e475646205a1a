"""Validation rules of the case-series format, written once.

The importer runs every workbook cell through `parse_value`, the GUI editors run every typed
value through it too, and `check_consistency` applies the cross-row rules of
spec/workbook.md to a whole set of patients. Nothing here knows where a value came from; a
caller that knows the sheet and row wraps a `FieldError` into an `Issue`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from operator import methodcaller
from typing import Any

from y90gui.core import codes
from y90gui.core.sheets import SHEET_BY_NAME, Column

EARLIEST_DATE = dt.date(1900, 1, 1)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?$")


class FieldError(ValueError):
    """A single value that breaks a rule; the message is for the user, not a developer."""


@dataclass(frozen=True)
class Issue:
    """One problem, located the way the user sees it (Excel row number, column header)."""

    sheet: str
    row: int | None
    column: str | None
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["value"] = display_value(self.value)
        return d

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        if self.value not in (None, ""):
            where += f", value {display_value(self.value)!r}"
        return f"{where}: {self.message}"


def display_value(value: Any) -> Any:
    """JSON-friendly rendering of a raw cell value, for error reports."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def today() -> dt.date:
    return dt.date.today()


#: The most characters an Excel cell holds: longer text would be accepted here and then block
#: every export of the case series, so it is refused where it enters (import and editing).
EXCEL_CELL_CHARACTERS = 32_767


def parse_text(raw: Any) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # an ID typed as 17 in Excel arrives as 17.0
    text = str(raw).strip()
    if len(text) > EXCEL_CELL_CHARACTERS:
        raise FieldError(f"text of {len(text):,} characters, longer than an Excel cell holds "
                         f"({EXCEL_CELL_CHARACTERS:,}): shorten it (a long text belongs in a document the notes "
                         "refer to)")
    return text or None


def id_lookalikes(new_ids: Iterable[str], existing_ids: Iterable[str]) -> dict[str, str]:
    """New patient IDs that differ from an existing one only by case or a leading apostrophe.

    {new: existing}. Excel users type 'P001 to keep leading zeros, or p001 for P001; either
    would silently become a second patient, so the importer warns.
    """
    def key(pid: str) -> str:
        return pid.lstrip("'’ ").casefold()

    by_key: dict[str, str] = {}
    for pid in existing_ids:
        by_key.setdefault(key(pid), pid)
    out: dict[str, str] = {}
    for pid in new_ids:
        twin = by_key.get(key(pid))
        if twin is not None and twin != pid:
            out[pid] = twin
    return out


def parse_date(raw: Any, *, today_: dt.date | None = None) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        m = _ISO_DATE.match(raw.strip())
        if not m:
            raise FieldError("not a date: use a date cell or ISO text YYYY-MM-DD (day/month order cannot be guessed)")
        try:
            value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            raise FieldError(f"not a valid date ({exc})") from None
    elif isinstance(raw, bool | int | float):
        raise FieldError("a number that is not a date cell: use a date cell or ISO text YYYY-MM-DD")
    else:
        raise FieldError("not a date: use a date cell or ISO text YYYY-MM-DD")
    limit = today_ or today()
    if value < EARLIEST_DATE or value > limit:
        raise FieldError(f"date out of range: must be between 1900-01-01 and today ({limit.isoformat()})")
    return value


def parse_number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise FieldError("not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if not _DECIMAL.match(text) or (text.count(",") + text.count(".")) > 1:
            raise FieldError("not a number: one decimal number with '.' or ',' and no thousands separators")
        value = float(text.replace(",", "."))
    else:
        raise FieldError("not a number")
    if not math.isfinite(value):
        raise FieldError("not a finite number")
    return value


def parse_integer(raw: Any) -> int:
    value = parse_number(raw)
    if not value.is_integer():
        raise FieldError("not a whole number")
    return int(value)


def parse_yesno(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in codes.YES_WORDS:
        return True
    if word in codes.NO_WORDS:
        return False
    raise FieldError("not yes/no: use yes or no (also y/n, true/false, 1/0)")


def parse_code(raw: Any, allowed: tuple[str, ...]) -> str:
    text = str(raw).strip()
    lowered = text.lower()
    lowered = codes.UNIT_ALIASES.get(lowered, lowered).lower()
    for code in allowed:
        if code.lower() == lowered:
            return code
    raise FieldError(f"unknown code; allowed: {', '.join(allowed)}")


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_value(column: Column, raw: Any, *, today_: dt.date | None = None) -> Any:
    """Turn a raw cell (or typed text) into the column's Python value, or raise FieldError.

    Returns None for a blank optional cell. Values: str, int, float, bool, datetime.date.
    """
    if is_blank(raw):
        if column.required:
            raise FieldError("required value is missing")
        return None
    if column.type == "text":
        value: Any = parse_text(raw)
    elif column.type == "date":
        value = parse_date(raw, today_=today_)
    elif column.type == "number":
        value = parse_number(raw)
    elif column.type == "integer":
        value = parse_integer(raw)
    elif column.type == "yesno":
        value = parse_yesno(raw)
    else:
        value = parse_code(raw, column.codes)
    if column.type in ("number", "integer"):
        _check_range(column, value, today_)
    return value


def _maximum(column: Column, today_: dt.date | None) -> float | None:
    return float((today_ or today()).year) if column.name == "birth_year" else column.maximum


def _check_range(column: Column, value: float, today_: dt.date | None) -> None:
    maximum = _maximum(column, today_)
    if column.minimum is not None:
        if column.exclusive_minimum and value <= column.minimum:
            raise FieldError(f"must be > {column.minimum:g}")
        if not column.exclusive_minimum and value < column.minimum:
            raise FieldError(f"must be ≥ {column.minimum:g}")
    if maximum is not None and value > maximum:
        raise FieldError(f"must be ≤ {maximum:g}")


def parse_plain(column: Column, raws: Collection[Any], *, today_: dt.date | None = None
                ) -> tuple[dict[Any, Any], list[Any]]:
    """The raw values `parse_value` would give back unchanged, found in one pass, and the rest.

    ({raw: value} for those, [the other raws]): a workbook's commonest cells are a trimmed
    non-empty text in a text column (an ID, a name), a date cell within 1900..today in a date
    column and a finite float within the range of a number column (a lab value). For them
    `parse_value(column, raw)` is `raw` itself; finding them with a comprehension instead of a
    call per value makes a 1-million-row lab sheet's values a dict lookup. Every other raw
    value (blank, padded, typed differently, out of range, any other column type) is for
    `parse_value`, which says what is wrong.
    """
    plain: list[Any]
    if column.type == "text":
        plain = [v for v in raws if v.__class__ is str and v and v == v.strip() and len(v) <= EXCEL_CELL_CHARACTERS]
    elif column.type == "date":
        latest = today_ or today()
        plain = [v for v in raws if v.__class__ is dt.date and EARLIEST_DATE <= v <= latest]
    elif column.type == "number":
        low = -math.inf if column.minimum is None else float(column.minimum)
        maximum = _maximum(column, today_)
        high = math.inf if maximum is None else float(maximum)
        floats = [v for v in raws if v.__class__ is float and v - v == 0.0]  # finite: inf - inf and nan are nan
        plain = ([v for v in floats if low < v <= high] if column.exclusive_minimum
                 else [v for v in floats if low <= v <= high])
    else:
        return {}, list(raws)
    found = dict(zip(plain, plain, strict=True))
    return found, [v for v in raws if v not in found]


#: The cells `check_row`'s rules read, per sheet; a sheet not listed has no row rules. The
#: importer checks each distinct combination of these cells once instead of every row.
ROW_RULE_CELLS: dict[str, tuple[str, ...]] = {
    "labs": ("test", "unit", "lln", "uln"),
    "reference_ranges": ("test", "unit", "lln", "uln"),
    "patients": ("vital_status", "cause_of_death"),
}


def check_row(sheet: str, row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Rules within one row that involve two cells: (column, message) pairs (the cells they
    read: `ROW_RULE_CELLS`)."""
    problems: list[tuple[str, str]] = []
    if sheet in ("labs", "reference_ranges"):
        test, unit = row.get("test"), row.get("unit")
        if test and unit and unit not in codes.UNITS_BY_TEST[test]:
            allowed = ", ".join(codes.UNITS_BY_TEST[test])
            problems.append(("unit", f"unit {unit} does not belong to test {test}; allowed: {allowed}"))
        lln, uln = row.get("lln"), row.get("uln")
        if lln is not None and uln is not None and lln > uln:
            problems.append(("lln", f"lower limit of normal {lln:g} is above the upper limit {uln:g}"))
    if sheet == "patients" and row.get("vital_status") == "alive" and row.get("cause_of_death"):
        problems.append(("cause_of_death", "a cause of death is given for a patient who is alive"))
    return problems


# --------------------------------------------------------------------------------------------
# Cross-row rules


CaseData = dict[str, list[dict[str, Any]]]
"""A set of patients: sheet name -> rows (column -> parsed value). Rows may carry `_row`,
the Excel row number they came from, which issues then quote."""


def check_consistency(data: CaseData, known_patient_ids: Iterable[str] = ()) -> list[Issue]:
    """Cross-row rules of spec/workbook.md over a set of patients.

    `known_patient_ids` are patients already in the database that child rows may name
    although the workbook's patients sheet does not list them.
    """
    issues: list[Issue] = []
    patients = {r["patient_id"]: r for r in data.get("patients", []) if r.get("patient_id")}
    known = set(known_patient_ids) | set(patients)

    seen: set[str] = set()
    for r in data.get("patients", []):
        pid = r.get("patient_id")
        if pid is None:
            continue  # a row without an ID is reported once, by the field check ("required")
        if pid in seen:
            issues.append(Issue("patients", r.get("_row"), "patient_id", pid, "duplicate patient_id"))
        seen.add(pid)

    get_pid = methodcaller("get", "patient_id")
    for sheet_name in ("prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after"):
        rows = data.get(sheet_name, [])
        if not set(map(get_pid, rows)) - known - {None, ""}:  # the common case, without a Python step per row
            continue
        for r in rows:
            pid = r.get("patient_id")
            if pid and pid not in known:
                issues.append(
                    Issue(sheet_name, r.get("_row"), "patient_id", pid, "patient_id is not on the patients sheet")
                )

    for sheet_name, key in (("prrt", "cycle"), ("radioembolization", "procedure")):
        seen_keys: set[tuple[str, int]] = set()
        rows = data.get(sheet_name, [])
        pairs = list(zip(map(get_pid, rows), map(methodcaller("get", key), rows)))
        if len(set(pairs)) == len(pairs):  # no pair twice (rows missing either value included): nothing to say
            continue
        for r in rows:
            pid, number = r.get("patient_id"), r.get(key)
            if pid is None or number is None:
                continue
            if (pid, number) in seen_keys:
                message = f"duplicate {key} {number} for patient {pid}"
                issues.append(Issue(sheet_name, r.get("_row"), key, number, message))
            seen_keys.add((pid, number))

    procedures: dict[str, dict[int, dt.date]] = defaultdict(dict)
    for r in data.get("radioembolization", []):
        if r.get("patient_id") and r.get("procedure") is not None and r.get("date"):
            procedures[r["patient_id"]][r["procedure"]] = r["date"]

    for p in data.get("patients", []):
        pid = p.get("patient_id")
        dates = procedures.get(pid) if pid else None
        fu = p.get("followup_date")
        if not dates or fu is None:
            continue
        first = min(dates.values())
        if fu < first:
            issues.append(
                Issue(
                    "patients",
                    p.get("_row"),
                    "followup_date",
                    fu,
                    f"follow-up date is before the first radioembolization ({first.isoformat()})",
                )
            )
    for r in data.get("radioembolization", []):
        patient = patients.get(r.get("patient_id", ""))
        if patient is None or patient.get("vital_status") != "dead" or not patient.get("followup_date"):
            continue
        if r.get("date") and r["date"] > patient["followup_date"]:
            issues.append(
                Issue(
                    "radioembolization",
                    r.get("_row"),
                    "date",
                    r["date"],
                    f"radioembolization after death ({patient['followup_date'].isoformat()})",
                )
            )

    for r in data.get("adverse_events", []):
        pid, proc = r.get("patient_id"), r.get("procedure")
        if pid is not None and pid in patients and proc is not None and proc not in procedures.get(pid, {}):
            issues.append(
                Issue("adverse_events", r.get("_row"), "procedure", proc, f"patient {pid} has no procedure {proc}")
            )

    seen_ranges: set[tuple[str | None, str | None, str | None]] = set()
    for r in data.get("reference_ranges", []):
        range_key = (r.get("center"), r.get("test"), r.get("unit"))
        if range_key in seen_ranges:
            message = "duplicate centre, test and unit"
            issues.append(Issue("reference_ranges", r.get("_row"), "test", range_key[1], message))
        seen_ranges.add(range_key)
    return issues


def validate_record(sheet: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Parse and check one row typed by a user (GUI editors): returns parsed values.

    Raises FieldError naming the column in its message; the editor shows it at the field.
    """
    spec = SHEET_BY_NAME[sheet]
    parsed: dict[str, Any] = {}
    for column in spec.columns:
        try:
            parsed[column.name] = parse_value(column, values.get(column.name))
        except FieldError as exc:
            raise FieldError(f"{column.name}: {exc}") from None
    for column_name, message in check_row(sheet, parsed):
        raise FieldError(f"{column_name}: {message}")
    return parsed
