"""Sheet buffers for the report workbook: rows collected, then streamed by openpyxl's
write-only mode (10,000 patients in seconds, not minutes), with text that never turns into a
formula, plus the grade grids and counts of the Toxicity sheet."""

from __future__ import annotations

from typing import Any

from y90gui.core.codes import LAB_TEST

FORMULA_START = ("=", "+", "-", "@")


class Sheet:
    """A sheet's rows collected first, then streamed by a write-only workbook (fast for 10,000
    patients; column widths must be known before the first row is written)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[list[Any]] = []
        self.bold: set[int] = set()
        self.widths: dict[int, int] = {}
        self.images: list[tuple[Any, str]] = []

    def add_image(self, img: Any, anchor: str) -> None:
        self.images.append((img, anchor))


def table(ws: Sheet, top: int, header: list[str], rows: list[list[Any]], title: str | None = None) -> int:
    """Append [a bold title,] a header, the rows and a blank line; return the next free row."""
    if title:
        ws.bold.add(len(ws.rows))
        ws.rows.append([title])
    ws.bold.add(len(ws.rows))
    ws.rows.append(list(header))
    ws.rows.extend(rows)
    ws.rows.append([])
    for j, h in enumerate(header):
        width = max([len(str(h))] + [len(str(r[j])) for r in rows[:200] if j < len(r)])
        ws.widths[j] = max(ws.widths.get(j, 0), min(48, width + 2))
    return len(ws.rows) + 1


def flush(wb: Any, sheet: Sheet) -> None:
    """Write one collected sheet. Text is always text: a value starting with = + - @ is written
    as a string cell (data type "s", quote prefix), never as a formula."""
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.title)
    for j, width in sheet.widths.items():
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    for img, anchor in sheet.images:
        ws.add_image(img, anchor)
    bold = Font(bold=True)
    for i, row in enumerate(sheet.rows):
        out: list[Any] = []
        for value in row:
            if isinstance(value, float) and value != value:
                value = None
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                value = cell
            if i in sheet.bold:
                cell = value if isinstance(value, Cell) else WriteOnlyCell(ws, value=value)
                cell.font = bold
                value = cell
            out.append(value)
        ws.append(out)


def worsened(table: Any) -> dict[str, tuple[int, int, float | None]]:
    """Per test: (worst grade above baseline grade, N with both graded, %)."""
    from y90gui.analysis.fractions import pct

    both = table[(table["worst"] >= 0) & (table["baseline_grade"] >= 0) & (table["n_values"] > 0)]
    out = {}
    for test, g in both.groupby("test"):
        n, total = int((g["worst"] > g["baseline_grade"]).sum()), len(g)
        out[str(test)] = (n, total, pct(n, total))
    return out


def grade_grid(table: Any, index: list[str], col: str) -> Any:
    """Pivot grades to one column per lab test: int grade, "n/g" not gradable, None no value."""
    import numpy as np

    values = table[col].to_numpy(dtype=float)
    if col == "worst":
        values = np.where(table["n_values"].to_numpy() > 0, values, np.nan)
    labels = np.array([None if v != v else ("n/g" if v < 0 else int(v)) for v in values], dtype=object)
    grid = table[index + ["test"]].assign(_g=labels)
    grid = grid[grid["_g"].notna()]
    wide = grid.set_index(index + ["test"])["_g"].unstack("test")
    wide = wide.reindex(columns=list(LAB_TEST)).astype(object)
    wide = wide.where(wide.notna(), None)
    return wide.reset_index()


def discard(wb: Any) -> None:
    """Close the streamed sheets of a workbook that will not be saved (their temporary files)."""
    for ws in wb.worksheets:
        if not getattr(ws, "closed", True):
            try:
                ws.close()
            except Exception:  # noqa: S110 - best effort cleanup on a failure path already raising
                pass
