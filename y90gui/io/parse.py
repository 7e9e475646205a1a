"""Raw workbook cells -> `CaseData` and the complete list of problems.

Every cell goes through `core.validate.parse_value`, the one place the rules live. To make a
1-million-row lab sheet fast the work is done column by column and each distinct raw value of a
column is parsed once (a lab sheet has a few thousand distinct dates and a dozen codes), so
the result is exactly what calling `parse_value` on every cell would give, at dict-lookup
cost; the distinct values `parse_value` would return unchanged (trimmed text, a float in range)
are found in one pass by `validate.parse_plain`, beside the rules. Row rules (`check_row`) are
memoised the same way on the cells they read (`validate.ROW_RULE_CELLS`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from y90gui.core.sheets import SHEET_BY_NAME, SHEETS, Column, Sheet
from y90gui.core.validate import (
    ROW_RULE_CELLS,
    CaseData,
    FieldError,
    Issue,
    check_row,
    is_blank,
    parse_plain,
    parse_value,
)
from y90gui.io.layout import OWN_SHEETS
from y90gui.io.reader import RawSheet, column_letters

#: Sheets a workbook may leave out. Every patient sheet is required because importing
#: replaces each listed patient's whole record: a sheet deleted by mistake would silently
#: delete that data for every patient in the workbook.
OPTIONAL_SHEETS = frozenset({"reference_ranges"})


@dataclass
class ParsedWorkbook:
    data: CaseData
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    #: Sheets that could not be read as a whole (missing, no header, required column missing):
    #: cross-sheet checks on them would only repeat the problem row by row.
    broken_sheets: set[str] = field(default_factory=set)


class _Bad:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _norm(name: Any) -> str:
    return str(name).strip().lower() if name is not None else ""


def parse_workbook(raw_sheets: Sequence[RawSheet], today: dt.date | None = None,
                   on_sheet: Callable[[int, int, str], None] | None = None) -> ParsedWorkbook:
    """Validate every cell of every sheet; `on_sheet(done, total, name)` reports progress (and may cancel)."""
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
            result.broken_sheets.add(key)
            result.errors.append(Issue(raw.name, None, None, None,
                                       f"two sheets are named {SHEET_BY_NAME[key].name} (names ignore case "
                                       "and spaces)"))
            continue
        by_norm[key] = raw
        if raw.hidden:
            result.warnings.append(Issue(SHEET_BY_NAME[key].name, None, None, None,
                                         "sheet is hidden in the workbook: it is imported like the others (unhide "
                                         "it in Excel to see what it holds)"))
    ahead = [by_norm[s.name] for s in SHEETS if s.name in by_norm]  # the sheets to read, in order
    for done, sheet in enumerate(SHEETS):
        if on_sheet is not None:
            on_sheet(done, len(SHEETS), sheet.name)
        found = by_norm.get(sheet.name)
        if found is None:
            if sheet.name not in OPTIONAL_SHEETS:
                result.broken_sheets.add(sheet.name)
                result.errors.append(Issue(sheet.name, None, None, None,
                                           "sheet is missing (every sheet of the template is needed; leave it "
                                           "empty below the header when there is nothing to report)"))
            continue
        lazy = found.pending
        found.cells()
        following = next(i for i, r in enumerate(ahead) if r is found) + 1
        if following < len(ahead):  # read the next sheet while this one is parsed
            ahead[following].prefetch()
        result.data[sheet.name] = _parse_sheet(sheet, found, today, result)
        if lazy:
            found.rows = []  # parsed: its cells go before the next sheet is read
    return result


#: A title or a note above the header is common; the header is looked for in this many rows.
HEADER_SEARCH_ROWS = 10
#: More unknown columns than this on one sheet are one summarised warning, not one each.
UNKNOWN_COLUMNS_LISTED = 5


def _header(raw: RawSheet, sheet: Sheet) -> tuple[int, int, list[Any]] | None:
    """(first non-blank row, header row, header cells): the row among the first
    HEADER_SEARCH_ROWS non-blank ones naming the most columns of `sheet` (ties: the upper one)."""
    first = next((i for i, row in enumerate(raw.rows) if not all(is_blank(v) for v in row)), None)
    if first is None:
        return None

    def known(row: list[Any]) -> int:
        return sum(1 for h in row if not is_blank(h) and _norm(h) in sheet.by_name)

    window = raw.rows[first:first + HEADER_SEARCH_ROWS]
    best = max(range(len(window)), key=lambda i: (known(window[i]), -i))
    if known(window[best]) == 0:
        best = 0
    return first, first + best, window[best]


def _parse_sheet(sheet: Sheet, raw: RawSheet, today: dt.date, out: ParsedWorkbook) -> list[dict[str, Any]]:
    found = _header(raw, sheet)
    name = sheet.name  # canonical name in messages, whatever case the workbook used
    if found is None:
        out.broken_sheets.add(name)
        out.errors.append(Issue(name, None, None, None, "sheet has no header row: copy the headers from the template"))
        return []
    first_index, header_index, header = found
    header_row = header_index + 1
    positions: dict[str, int] = {}
    unknown: list[str] = []
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
            unknown.append(str(h).strip())
    if not positions and any(c.required for c in sheet.columns):
        out.broken_sheets.add(name)
        out.errors.append(Issue(name, None, None, None,
                                f"no header row among the first {HEADER_SEARCH_ROWS} rows: the header (the column "
                                "names of the template) must be row 1"))
        return []
    if header_index > first_index:
        out.warnings.append(Issue(name, header_row, None, None,
                                  f"the header is row {header_row}, not row 1: the {header_index} row(s) above it "
                                  "are not imported"))
    if len(unknown) > UNKNOWN_COLUMNS_LISTED:
        shown = ", ".join(unknown[:UNKNOWN_COLUMNS_LISTED])
        out.warnings.append(Issue(name, header_row, None, None,
                                  f"{len(unknown):,} unknown columns, not imported: {shown} and "
                                  f"{len(unknown) - UNKNOWN_COLUMNS_LISTED:,} more"))
    else:
        out.warnings.extend(Issue(name, header_row, h, None, "unknown column, not imported") for h in unknown)
    for c in sheet.columns:
        if c.required and c.name not in positions:
            out.errors.append(Issue(name, header_row, c.name, None, "required column is missing"))
    if any(c.required and c.name not in positions for c in sheet.columns):
        out.broken_sheets.add(name)
        return []

    # Columns of the data rows (C-speed transposition), then the all-blank rows dropped.
    used = sorted(positions.values())
    data_rows = raw.rows[header_index + 1:]
    widths = set(map(len, data_rows))
    width = max(widths, default=0)
    if len(widths) > 1:  # calamine rows are rectangular; be safe anyway
        data_rows = [list(r) + [""] * (width - len(r)) for r in data_rows]
    all_columns = list(zip(*data_rows)) if data_rows else []
    picked: list[Sequence[Any]] = [all_columns[j] if j < len(all_columns) else ("",) * len(data_rows) for j in used]
    excel_rows = list(range(header_index + 2, header_index + 2 + len(data_rows)))
    blank = _blank_rows(picked, len(data_rows))
    if blank:
        keep = [k not in blank for k in range(len(data_rows))]
        picked = [[v for v, kept in zip(col, keep, strict=True) if kept] for col in picked]
        excel_rows = [n for n, kept in zip(excel_rows, keep, strict=True) if kept]
    del all_columns, data_rows
    col_of = {j: k for k, j in enumerate(used)}
    values_by_col: dict[str, list[Any]] = {}
    bad_rows: set[int] = set()
    index_of_row = {r: k for k, r in enumerate(excel_rows)} if raw.percent_cells else {}
    for c in sheet.columns:
        if c.name not in positions:
            continue
        raw_values = picked[col_of[positions[c.name]]]
        if raw.percent_cells and c.type == "number":
            raw_values = _read_percent_cells(name, c, positions[c.name], raw_values, raw, index_of_row, out)
        parsed, problems = _parse_column(c, raw_values, today)
        for k, message in problems:
            bad_rows.add(k)
            if (excel_rows[k], positions[c.name]) not in raw.problem_cells:  # reported below
                merged = _merged_range(raw, excel_rows[k], positions[c.name]) if is_blank(raw_values[k]) else None
                if merged:
                    message += (f": the cell is part of the merged cells {merged}, and only the first of merged cells "
                                "holds a value (unmerge them and fill in every cell)")
                out.errors.append(Issue(name, excel_rows[k], c.name, raw_values[k], message))
        values_by_col[c.name] = parsed

    by_position = {pos: c for c, pos in positions.items()}
    for (r, j), (shown, message) in sorted(raw.problem_cells.items()):
        if j in by_position and r > header_row:
            out.errors.append(Issue(name, r, by_position[j], shown, message))

    n = len(excel_rows)
    names = [c.name for c in sheet.columns] + ["_row"]
    columns = [values_by_col.get(c.name) or [None] * n for c in sheet.columns] + [excel_rows]
    rows = list(map(dict, map(partial(zip, names), zip(*columns)))) if n else []
    _row_rules(sheet, rows, bad_rows, out, columns)
    return rows


def _read_percent_cells(name: str, column: Column, position: int, raw_values: Sequence[Any], raw: RawSheet,
                        index_of_row: dict[int, int], out: ParsedWorkbook) -> Sequence[Any]:
    """Percent-formatted number cells of one column: Excel holds 5% as 0.05.

    In a column measured in % (ki67_pct, ...) the user meant the number shown, so 5% is read
    as 5; elsewhere the cell keeps the value it holds. Either way a warning names the cell.
    """
    values = list(raw_values)
    for r, j in sorted(raw.percent_cells):
        k = index_of_row.get(r)
        if j != position or k is None:
            continue
        v = values[k]
        if isinstance(v, bool) or not isinstance(v, int | float):
            continue
        shown = _times_100(v)
        if column.unit == "%":
            values[k] = shown
            message = f"the cell is formatted as a percentage ({shown:g}%): read as {shown:g}, the number shown"
        else:
            message = (f"the cell is formatted as a percentage ({shown:g}%): read as {v:g}, the value it holds; "
                       "check that this is what was meant")
        out.warnings.append(Issue(name, r, column.name, v, message))
    return values


def _times_100(value: float) -> float:
    """value x 100 in decimal, as Excel shows it (0.07 -> 7, not 7.000000000000001)."""
    from decimal import Decimal

    return float(Decimal(repr(float(value))) * 100)


def _merged_range(raw: RawSheet, row: int, col: int) -> str | None:
    """The A1:B2 reference of the merged range holding (row, col) other than as its first cell."""
    for r1, c1, r2, c2 in raw.merged:
        if r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1):
            return f"{column_letters(c1 + 1)}{r1}:{column_letters(c2 + 1)}{r2}"
    return None


def _blank_rows(columns: Sequence[Sequence[Any]], n: int) -> set[int]:
    """Indices of rows whose cells are all blank (`is_blank`), checking the first column first."""
    if not columns:
        return set(range(n))
    blanks = {v for v in set(columns[0]) if v == "" or (v.__class__ is str and not v.strip())}
    if not blanks:  # the common case: every row has its first cell
        return set()
    candidates = [k for k, v in enumerate(columns[0]) if v.__class__ is str and v in blanks]
    return {k for k in candidates if all(is_blank(col[k]) or col[k] == "" for col in columns)}


def _parse_column(column: Column, raw_values: Sequence[Any], today: dt.date) -> tuple[list[Any], list[tuple[int, str]]]:
    """parse_value over a column, once per distinct raw value; (values, [(index, message)]).

    Distinct values are keyed by value, or by (type, value) when the column holds booleans
    (True == 1 == 1.0 in Python, but `True` and `1` are different cells to the rules).
    """
    typed = bool in set(map(type, raw_values))
    keys: Sequence[Any] = list(zip(map(type, raw_values), raw_values)) if typed else raw_values
    results: dict[Any, Any] = {}
    bad: dict[Any, str] = {}
    distinct: Any = set(keys)
    if not typed:  # the values parse_value gives back as they are, in one pass (validate.parse_plain)
        results, distinct = parse_plain(column, distinct, today_=today)
    for key in distinct:
        raw = key[1] if typed else key
        try:
            results[key] = parse_value(column, raw, today_=today)
        except FieldError as exc:
            bad[key] = str(exc)
        except (TypeError, ValueError, OverflowError) as exc:  # a cell type the rules do not expect
            bad[key] = f"unreadable value ({exc})"
    problems: list[tuple[int, str]] = []
    if bad:
        problems = [(k, bad[key]) for k, key in enumerate(keys) if key in bad]
        results.update(dict.fromkeys(bad))
    values = list(map(results.__getitem__, keys))
    return values, problems


def _row_rules(sheet: Sheet, rows: list[dict[str, Any]], bad_rows: set[int], out: ParsedWorkbook,
               columns: Sequence[Sequence[Any]]) -> None:
    cells = ROW_RULE_CELLS.get(sheet.name)
    if cells is None:  # the sheet has no row rules
        return
    # The rules read only `cells`: check each distinct combination once, then find its rows
    # (a row in `bad_rows` already has errors; a row rule on its cells would only add noise).
    index = {c.name: i for i, c in enumerate(sheet.columns)}
    keys = list(zip(*(columns[index[c]] for c in cells))) if rows else []
    failing = {}
    for key in set(keys):
        problems = check_row(sheet.name, dict(zip(cells, key, strict=True)))
        if problems:
            failing[key] = problems
    if not failing:
        return
    for k, key in enumerate(keys):
        if key in failing and k not in bad_rows:
            r = rows[k]
            for column, message in failing[key]:
                out.errors.append(Issue(sheet.name, r["_row"], column, r.get(column), message))
