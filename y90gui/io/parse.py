"""Raw workbook cells -> `CaseData` and the complete list of problems.

Every cell goes through `core.validate.parse_value`, the one place the rules live. To make a
400,000-row lab sheet fast the work is done column by column and each distinct raw value of a
column is parsed once (a lab sheet has a few thousand distinct dates and a dozen codes), so
the result is exactly what calling `parse_value` on every cell would give, at dict-lookup
cost. Row rules (`check_row`) are memoised the same way on the cells they read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from y90gui.core.sheets import SHEET_BY_NAME, SHEETS, Column, Sheet
from y90gui.core.validate import CaseData, FieldError, Issue, check_row, is_blank, parse_value
from y90gui.io.layout import OWN_SHEETS
from y90gui.io.reader import RawSheet

#: Sheets a workbook may leave out. Every patient sheet is required because importing
#: replaces each listed patient's whole record: a sheet deleted by mistake would silently
#: delete that data for every patient in the workbook.
OPTIONAL_SHEETS = frozenset({"reference_ranges"})
_ROW_RULE_CELLS = {"labs": ("test", "unit", "lln", "uln"), "reference_ranges": ("test", "unit", "lln", "uln")}


@dataclass
class ParsedWorkbook:
    data: CaseData
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


class _Bad:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _norm(name: Any) -> str:
    return str(name).strip().lower() if name is not None else ""


def parse_workbook(raw_sheets: Sequence[RawSheet], today: dt.date | None = None) -> ParsedWorkbook:
    today = today or dt.date.today()
    result = ParsedWorkbook({s.name: [] for s in SHEETS})
    by_norm: dict[str, RawSheet] = {}
    for raw in raw_sheets:
        key = _norm(raw.name)
        if key in OWN_SHEETS:
            continue
        if key not in SHEET_BY_NAME:
            result.warnings.append(Issue(raw.name, None, None, None,
                                         "unknown sheet, ignored (the format's sheets: "
                                         + ", ".join(s.name for s in SHEETS) + ")"))
            continue
        if key in by_norm:
            result.errors.append(Issue(raw.name, None, None, None,
                                       f"two sheets are named {SHEET_BY_NAME[key].name} (names ignore case "
                                       "and spaces)"))
            continue
        by_norm[key] = raw
    for sheet in SHEETS:
        raw = by_norm.get(sheet.name)
        if raw is None:
            if sheet.name not in OPTIONAL_SHEETS:
                result.errors.append(Issue(sheet.name, None, None, None,
                                           "sheet is missing (every sheet of the template is needed; leave it "
                                           "empty below the header when there is nothing to report)"))
            continue
        result.data[sheet.name] = _parse_sheet(sheet, raw, today, result)
    return result


def _header(raw: RawSheet) -> tuple[int, list[Any]] | None:
    for i, row in enumerate(raw.rows):
        if not all(is_blank(v) for v in row):
            return i, row
    return None


def _parse_sheet(sheet: Sheet, raw: RawSheet, today: dt.date, out: ParsedWorkbook) -> list[dict[str, Any]]:
    found = _header(raw)
    name = sheet.name  # canonical name in messages, whatever case the workbook used
    if found is None:
        out.errors.append(Issue(name, None, None, None, "sheet has no header row: copy the headers from the template"))
        return []
    header_index, header = found
    header_row = header_index + 1
    positions: dict[str, int] = {}
    for j, h in enumerate(header):
        if is_blank(h):
            continue
        key = _norm(h)
        if key in sheet.by_name:
            if key in positions:
                out.errors.append(Issue(name, header_row, str(h).strip(), None, "column appears twice"))
            else:
                positions[key] = j
        else:
            out.warnings.append(Issue(name, header_row, str(h).strip(), None, "unknown column, not imported"))
    for c in sheet.columns:
        if c.required and c.name not in positions:
            out.errors.append(Issue(name, header_row, c.name, None, "required column is missing"))
    if any(c.required and c.name not in positions for c in sheet.columns):
        return []

    # Data rows with their Excel row numbers; all-blank rows are skipped.
    used = sorted(positions.values())
    body: list[list[Any]] = []
    excel_rows: list[int] = []
    for i in range(header_index + 1, len(raw.rows)):
        row = raw.rows[i]
        cells = [row[j] if j < len(row) else "" for j in used]
        if cells.count("") == len(cells) or all(is_blank(v) for v in cells):
            continue
        body.append(cells)
        excel_rows.append(i + 1)
    col_of = {j: k for k, j in enumerate(used)}
    values_by_col: dict[str, list[Any]] = {}
    bad_rows: set[int] = set()
    columns = list(zip(*body)) if body else [() for _ in used]
    for c in sheet.columns:
        if c.name not in positions:
            continue
        raw_values = columns[col_of[positions[c.name]]]
        parsed, problems = _parse_column(c, raw_values, today)
        for k, message in problems:
            out.errors.append(Issue(name, excel_rows[k], c.name, raw_values[k], message))
            bad_rows.add(k)
        values_by_col[c.name] = parsed

    for (r, j), formula in raw.uncached_formulas.items():
        col_name = next((c for c, pos in positions.items() if pos == j), None)
        if col_name is not None and r > header_row:
            out.errors.append(Issue(name, r, col_name, formula,
                                    "formula without a saved result: recalculate and save the file in Excel or "
                                    "LibreOffice, or paste the values"))

    names = list(values_by_col)
    rows = [dict(zip(names, vals, strict=True)) for vals in zip(*values_by_col.values(), strict=True)] if body else []
    for c in sheet.columns:
        if c.name not in values_by_col:
            for r in rows:
                r[c.name] = None
    for k, r in enumerate(rows):
        r["_row"] = excel_rows[k]
    _row_rules(sheet, rows, bad_rows, out)
    return rows


def _parse_column(column: Column, raw_values: Sequence[Any], today: dt.date) -> tuple[list[Any], list[tuple[int, str]]]:
    """parse_value over a column, once per distinct raw value; (values, [(index, message)])."""
    cache: dict[tuple[type, Any], Any] = {}
    values: list[Any] = []
    problems: list[tuple[int, str]] = []
    append = values.append
    for k, raw in enumerate(raw_values):
        key = (raw.__class__, raw)
        try:
            v = cache[key]
        except KeyError:
            try:
                v = parse_value(column, raw, today_=today)
            except FieldError as exc:
                v = _Bad(str(exc))
            except (TypeError, ValueError, OverflowError) as exc:  # a cell type the rules do not expect
                v = _Bad(f"unreadable value ({exc})")
            cache[key] = v
        except TypeError:  # unhashable raw value (never from calamine, kept for safety)
            try:
                v = parse_value(column, raw, today_=today)
            except FieldError as exc:
                v = _Bad(str(exc))
        if v.__class__ is _Bad:
            problems.append((k, v.message))
            v = None
        append(v)
    return values, problems


def _row_rules(sheet: Sheet, rows: list[dict[str, Any]], bad_rows: set[int], out: ParsedWorkbook) -> None:
    cells = _ROW_RULE_CELLS.get(sheet.name)
    cache: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
    for k, r in enumerate(rows):
        if k in bad_rows:
            continue  # its cells already have errors; a row rule on None values would only add noise
        if cells is None:
            problems = check_row(sheet.name, r)
        else:
            key = tuple(r[c] for c in cells)
            if key not in cache:
                cache[key] = check_row(sheet.name, dict(zip(cells, key, strict=True)))
            problems = cache[key]
        for column, message in problems:
            out.errors.append(Issue(sheet.name, r["_row"], column, r.get(column), message))
