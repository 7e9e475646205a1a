"""A block of table cells as text for other programs: tab-separated and HTML for the clipboard,
CSV and XLSX files for "Export view…".

Every table of the window copies and exports through these functions (`ui.table_copy` only
collects the cells a view shows), so Excel, LibreOffice and Word receive the same cells
whichever view they came from. Cells are the text the view shows; the XLSX file gets numbers
as numbers (so sums work) and everything else as inline text that can never become a formula.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from y90gui.core.atomic import atomic_file
from y90gui.core.errors import Y90Error

Rows = Sequence[Sequence[str]]
_NUMBER = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
#: The formats "Export view…" writes, by file suffix.
EXPORT_FORMATS = {".csv": "CSV (comma-separated)", ".xlsx": "Excel workbook"}


def _flat(cell: str) -> str:
    """A tab or line break inside a cell would start a new cell or row in the receiving sheet."""
    return cell.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def to_tsv(header: Sequence[str] | None, rows: Rows) -> str:
    """Tab-separated lines (Excel's and LibreOffice's clipboard text), a header line first if given."""
    lines = ([header] if header else []) + list(rows)
    return "\n".join("\t".join(_flat(str(c)) for c in line) for line in lines) + "\n"


def to_html(header: Sequence[str] | None, rows: Rows) -> str:
    """An HTML table (Word and mail programs paste it as a table); every cell escaped."""
    parts = ["<table>"]
    if header:
        parts.append("<thead><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def to_csv(header: Sequence[str] | None, rows: Rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def typed_cell(text: str) -> Any:
    """A shown cell as the value a spreadsheet should hold: numbers as numbers, the rest as text."""
    if not text:
        return None
    if _NUMBER.match(text.strip()):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    return text


def export_rows(path: str | Path, header: Sequence[str] | None, rows: Rows, sheet_name: str = "table") -> Path:
    """Write the rows to `path` as CSV (UTF-8 with BOM, so Excel reads the accents) or XLSX,
    atomically: the file is complete or absent."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise Y90Error(f"cannot export to “{path.name}”: choose a .csv or .xlsx file")
    with atomic_file(path) as f:  # a missing folder: atomic_file says so
        if suffix == ".csv":
            f.write(to_csv(header, rows).encode("utf-8-sig"))
        else:
            from y90gui.core.xlsxwrite import SheetData, write_xlsx

            body = [[typed_cell(str(c)) for c in row] for row in rows]
            width = max([len(header or ()), *(len(r) for r in rows)], default=0)
            widths = [min(60.0, max(8.0, *(len(str(r[i])) + 2 for r in [header or [], *rows] if i < len(r))))
                      for i in range(width)]
            write_xlsx(f, [SheetData(_sheet_name(sheet_name), list(header or ()), body, kinds=["any"] * width,
                                     widths=widths, row_count=len(body))])
    return path


def _sheet_name(name: str) -> str:
    """Excel refuses sheet names over 31 characters or with []:*?/\\ in them."""
    return re.sub(r"[\[\]:*?/\\]", " ", name).strip()[:31] or "table"
