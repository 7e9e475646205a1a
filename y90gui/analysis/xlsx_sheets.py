"""Sheet buffers for the report workbook: rows collected, then streamed by `core.xlsxwrite`
(inline strings, so text never turns into a formula), plus the grade grids and counts of the
Toxicity sheet."""

from __future__ import annotations

import math
from typing import Any

from y90gui.core.codes import LAB_TEST
from y90gui.core.xlsxwrite import Picture, SheetData, png_size

#: Excel's default column width (Calibri 11), for a column no table gave a width.
DEFAULT_WIDTH = 8.43


class Sheet:
    """A sheet's rows collected first, then streamed (column widths must be known before the
    first row is written)."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.rows: list[list[Any]] = []
        self.bold: set[int] = set()
        self.widths: dict[int, int] = {}
        self.pictures: list[Picture] = []

    def add_picture(self, png: bytes, anchor: str, scale: float = 1.0) -> None:
        """A PNG with its top-left corner on cell `anchor`, shown at `scale` x its pixel size."""
        width, height = png_size(png)
        self.pictures.append(Picture(png, anchor, width * scale, height * scale))


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


def sheet_data(sheet: Sheet) -> SheetData:
    """One collected sheet for `core.xlsxwrite.write_xlsx`: no header row of its own (each table
    brings its bold title and header rows), NaN as an empty cell, text always text (inline
    strings: a value starting with = + - @ is a text cell, never a formula)."""
    widths = [float(sheet.widths.get(j, DEFAULT_WIDTH)) for j in range(max(sheet.widths, default=-1) + 1)]
    return SheetData(sheet.title, (), sheet.rows, widths=widths, freeze_header=False, row_count=len(sheet.rows),
                     bold_rows=frozenset(sheet.bold), pictures=tuple(sheet.pictures), nan_as_empty=True)


def worsened(table: Any) -> dict[str, tuple[int, int, float | None]]:
    """Per test: (worst grade above baseline grade, N with both graded, %)."""
    from y90gui.analysis.fractions import pct

    both = table[(table["worst"] >= 0) & (table["baseline_grade"] >= 0) & (table["n_values"] > 0)]
    out = {}
    for test, g in both.groupby("test"):
        n, total = int((g["worst"] > g["baseline_grade"]).sum()), len(g)
        out[str(test)] = (n, total, pct(n, total))
    return out


#: Combinations of index values above which `grade_grid` keeps them as rows of codes (no int64 key).
_KEY_LIMIT = 2**62


def grade_grid(table: Any, index: list[str], col: str) -> list[list[Any]]:
    """Grades pivoted to one column per lab test, as rows: the `index` values, then per test of
    LAB_TEST an int grade, "n/g" (values, none gradable) or None (no value).

    One row per `index` combination with a grade, in sorted order, missing keys first: what a
    pandas unstack of (index, test) gave, by integer codes (the levels' codes combined into one
    integer per row, one np.unique of them) and one scatter into an object grid
    (the unstack and a Python call per grade were a quarter of a second for three grids at
    10,000 patients; tests/analysis/test_report_workbook.py compares the two)."""
    import numpy as np
    import pandas as pd

    from y90gui.analysis.lab_windows import category_codes

    values = table[col].to_numpy(dtype=float)
    if col == "worst":
        values = np.where(table["n_values"].to_numpy() > 0, values, np.nan)
    keep = ~np.isnan(values)
    if not keep.any():
        return []
    keys = pd.MultiIndex.from_arrays([table[c].to_numpy()[keep] for c in index])  # sorted levels, NaN = -1
    # the levels' codes (-1 = missing) as one mixed-radix int64 per row, in the same order as the
    # rows of codes: np.unique of one column instead of np.unique(axis=0) (a sort of row views)
    if math.prod(len(level) + 1 for level in keys.levels) < _KEY_LIMIT:
        key = np.zeros(int(keep.sum()), dtype=np.int64)
        for c, level in zip(keys.codes, keys.levels, strict=True):
            key = key * (len(level) + 1) + (np.asarray(c, dtype=np.int64) + 1)
    else:  # too many combinations for one int64: the rows of codes themselves
        key = np.column_stack([np.asarray(c, dtype=np.int64) for c in keys.codes])
    _distinct, first, row = np.unique(key, axis=0 if key.ndim == 2 else None, return_index=True,
                                      return_inverse=True)
    row = row.reshape(-1)
    grades = values[keep]
    labels = np.array(grades.astype(np.int64).tolist() + [None], dtype=object)[:-1]  # Python ints
    labels[grades < 0] = "n/g"
    test = category_codes(table["test"].to_numpy()[keep], LAB_TEST)
    grid = np.full((len(first), len(LAB_TEST)), None, dtype=object)
    grid[row[test >= 0], test[test >= 0]] = labels[test >= 0]
    heads = np.empty((len(first), len(index)), dtype=object)
    for i in range(len(index)):
        heads[:, i] = keys.get_level_values(i).take(first).tolist()  # Python scalars, as tolist gives them
    rows: list[list[Any]] = np.concatenate([heads, grid], axis=1).tolist()
    return rows
