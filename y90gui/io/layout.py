"""How the case-series format looks in a workbook: sheets, README, `_meta`, widths, lists.

Generated from `core.sheets`, so the template, the exporter and the README sheet can never
disagree with the validator about a column. Shared by `template` and `exporter`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from y90gui import WORKBOOK_FORMAT_VERSION, __version__
from y90gui.core import codes
from y90gui.core.atomic import atomic_file
from y90gui.core.sheets import SHEETS, Column, Sheet
from y90gui.core.xlsxwrite import STYLE_DATE, SheetData

README_SHEET = "README"
META_SHEET = "_meta"
OWN_SHEETS = frozenset({README_SHEET.lower(), META_SHEET.lower()})

_TYPE_WORDS = {
    "text": "text",
    "date": "date (a date cell, or ISO text YYYY-MM-DD)",
    "number": "number ('.' or ',' as decimal mark, no thousands separators)",
    "integer": "whole number",
    "yesno": "yes/no (also y/n, true/false, 1/0)",
    "code": "code (one of the allowed values, any case)",
}
_YESNO = ("yes", "no")


def allowed_values(column: Column, sheet: Sheet | None = None) -> tuple[str, ...]:
    if column.type == "yesno":
        return _YESNO
    return column.codes


def column_width(column: Column) -> float:
    """Wide enough for the header and a typical value, so a user sees both without resizing."""
    typical = {"date": 12, "number": 10, "integer": 8, "yesno": 6, "text": 14}.get(column.type, 10)
    if column.type == "code":
        typical = max(len(c) for c in column.codes) + 3
    if column.name in ("notes", "cause_of_death"):
        typical = 40
    return float(min(max(len(column.name) + 3, typical), 60))


def cell_kinds(sheet: Sheet) -> list[str]:
    return ["text" if c.type == "yesno" else c.type for c in sheet.columns]


def data_sheet(sheet: Sheet, rows: Iterable[Sequence[Any]], row_count: int | None = None) -> SheetData:
    dropdowns = [(i, allowed_values(c)) for i, c in enumerate(sheet.columns) if c.type in ("code", "yesno")]
    return SheetData(
        name=sheet.name,
        header=sheet.column_names,
        rows=rows,
        kinds=cell_kinds(sheet),
        widths=[column_width(c) for c in sheet.columns],
        dropdowns=dropdowns,
        row_count=row_count,
        column_styles=[STYLE_DATE if c.type == "date" else 0 for c in sheet.columns],
    )


def record_rows(sheet: Sheet, records: Sequence[dict[str, Any]]) -> Iterator[list[Any]]:
    """Parsed values -> cell values (yes/no as the words; everything else typed as it is)."""
    names = sheet.column_names
    yesno = [c.type == "yesno" for c in sheet.columns]
    if not any(yesno):
        for r in records:
            yield [r.get(n) for n in names]
        return
    for r in records:
        row = [r.get(n) for n in names]
        for i, flag in enumerate(yesno):
            if flag and row[i] is not None:
                row[i] = "yes" if row[i] else "no"
        yield row


def readme_sheet(notes: Sequence[str] = ()) -> SheetData:
    """The README sheet; `notes` (e.g. the de-identification rules) come first, one row each."""
    header = ["sheet", "column", "type", "required", "allowed values", "unit", "range", "meaning"]
    rows: list[list[Any]] = [["(this file)", "", "", "", "", "", "", note] for note in notes]
    rows += [
        ["(all)", "", "", "", "", "", "",
         f"Case-series workbook format version {WORKBOOK_FORMAT_VERSION}. Sheet names and headers are matched "
         "case-insensitively; column order does not matter; empty rows are skipped. Every sheet but "
         "reference_ranges must be present: importing replaces each listed patient's whole record. "
         "Dates: date cells or ISO text YYYY-MM-DD only. A lab row without uln/lln uses the reference_ranges "
         "of the patient's centre when the report is computed (the row itself is kept as given)."],
    ]
    for sheet in SHEETS:
        rows.append([sheet.name, "", "sheet", "", "", "", "", sheet.help])
        for c in sheet.columns:
            meaning = c.help
            if sheet.name == "labs" and c.name == "unit":
                meaning = (meaning + ". Units per test: " + "; ".join(
                    f"{t}: {', '.join(u)}" for t, u in codes.UNITS_BY_TEST.items())).strip(". ")
            rows.append([
                sheet.name, c.name, c.type, "yes" if c.required else "no",
                ", ".join(allowed_values(c)), c.unit, c.describe_range() if c.name != "birth_year" else
                "1900 to this year", meaning,
            ])
    return SheetData(README_SHEET, header, rows, kinds=["text"] * len(header),
                     widths=[18, 26, 9, 9, 40, 6, 16, 80], wrap=True, row_count=len(rows))


def meta_sheet(extra: dict[str, Any] | None = None) -> SheetData:
    items: list[list[Any]] = [
        ["format_version", WORKBOOK_FORMAT_VERSION],
        ["app", "y90gui"],
        ["app_version", __version__],
    ]
    for key, value in (extra or {}).items():
        items.append([key, value])
    return SheetData(META_SHEET, ["key", "value"], items, kinds=["text", "any"], widths=[18, 40], row_count=len(items))


def now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def write_sheets(path: str | Path, sheets: Sequence[SheetData], progress: Any = None,
                 writer: Callable[..., None] | None = None) -> Path:
    from y90gui.core.xlsxwrite import check_sheet_rows, write_xlsx

    path = Path(path)
    check_sheet_rows(sheets)  # a sheet longer than Excel's: refused before any file is made
    with atomic_file(path) as f:
        (writer or write_xlsx)(f, sheets, progress=progress)
    return path
