"""The crafted workbooks of issue 14, generated (no binary blobs): each is a small valid cohort
written by xlsxwriter with one hostile or unusual feature added.

`CORPUS` maps a name to a builder `build(path)`; the tests say what each must produce. The
cohort is `make_cohort(3, seed=5)`: patients P00000..P00002.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.io.cohort_fixture import make_cohort, write_with_xlsxwriter
from y90gui.core.sheets import SHEET_BY_NAME

LONG_TEXT = 40_000
PLACEHOLDER = "LONG-TEXT-PLACEHOLDER"


def cohort() -> Any:
    return make_cohort(3, seed=5)


def _col(sheet: str, column: str) -> int:
    return SHEET_BY_NAME[sheet].column_names.index(column)


def _write(path: Path, data: Any = None, per_sheet: Any = None, per_book: Any = None) -> Path:
    write_with_xlsxwriter(path, cohort() if data is None else data, per_sheet=per_sheet, per_book=per_book)
    return path


def far_cell(path: Path) -> Path:
    """One cell at XFD1048576 on the labs sheet: a 118 kB file that asks calamine for 512 GiB."""
    def per_sheet(ws: Any, sheet: Any) -> None:
        if sheet.name == "labs":
            ws.write_string(1_048_575, 16_383, "x")
    return _write(path, per_sheet=per_sheet)


def long_text(path: Path) -> Path:
    """A 40,000-character note on the first patient (xlsxwriter would cut it: patched into the XML)."""
    data = cohort()
    data["patients"][0]["notes"] = PLACEHOLDER
    _write(path, data)
    return _replace_in_parts(path, PLACEHOLDER.encode(), b"n" * LONG_TEXT)


def _replace_in_parts(path: Path, old: bytes, new: bytes) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info).replace(old, new))
    path.write_bytes(buf.getvalue())
    return path


def _percent_cell(sheet_name: str, column: str, value: float, fmt: str) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        book: dict[str, Any] = {}

        def per_book(wb: Any) -> None:
            book["fmt"] = wb.add_format({"num_format": fmt})

        def per_sheet(ws: Any, sheet: Any) -> None:
            if sheet.name == sheet_name:
                ws.write_number(1, _col(sheet_name, column), value, book["fmt"])

        return _write(path, per_sheet=per_sheet, per_book=per_book)
    return build


#: `5%` typed into ki67_pct (Excel keeps 0.05), and 7.4% typed into a GBq column.
percent_in_percent_column = _percent_cell("patients", "ki67_pct", 0.05, "0%")
percent_elsewhere = _percent_cell("prrt", "activity_gbq", 0.074, "0.0%")


def lookalike_ids(path: Path) -> Path:
    """P00001 written as p00001 and P00002 as 'P00002 (a real apostrophe): new patients by mistake."""
    data = cohort()
    renames = {"P00001": "p00001", "P00002": "'P00002"}
    for rows in data.values():
        for r in rows:
            if r.get("patient_id") in renames:
                r["patient_id"] = renames[r["patient_id"]]
    return _write(path, data)


def hidden_sheet(path: Path) -> Path:
    def per_sheet(ws: Any, sheet: Any) -> None:
        if sheet.name == "treatments_after":
            ws.hide()
    return _write(path, per_sheet=per_sheet)


def merged_cells(path: Path) -> Path:
    """The centre of patients 1 and 2 merged into one cell (B2:B3), as a tidy-minded user does."""
    data = cohort()
    book: dict[str, Any] = {}

    def per_book(wb: Any) -> None:
        book["fmt"] = wb.add_format({"valign": "vcenter"})  # with a format, the cells under the merge are blank

    def per_sheet(ws: Any, sheet: Any) -> None:
        if sheet.name == "patients":
            c = _col("patients", "center")
            ws.merge_range(1, c, 2, c, data["patients"][0]["center"], book["fmt"])
    return _write(path, data, per_sheet=per_sheet, per_book=per_book)


def _title_rows(n: int) -> Callable[[Path], Path]:
    """`n` rows (a title, a blank) above the patients header."""
    def build(path: Path) -> Path:
        import openpyxl

        _write(path)
        wb = openpyxl.load_workbook(path)
        ws = wb["patients"]
        ws.insert_rows(1, n)
        ws.cell(1, 1, "Case series Bern, Y-90 after PRRT, 2016-2024")
        for r in range(3, n + 1):
            ws.cell(r, 1, f"note {r}")
        wb.save(path)
        return path
    return build


title_row = _title_rows(2)
title_far_down = _title_rows(12)


def wide_header(path: Path) -> Path:
    """The patients header runs on to column XFD (16,384 headers, all but 15 unknown)."""
    def per_sheet(ws: Any, sheet: Any) -> None:
        if sheet.name == "patients":
            for j in range(len(sheet.columns), 16_384):
                ws.write_string(0, j, f"extra{j}")
    return _write(path, per_sheet=per_sheet)


CORPUS: dict[str, Callable[[Path], Path]] = {
    "far_cell": far_cell,
    "long_text": long_text,
    "percent_in_percent_column": percent_in_percent_column,
    "percent_elsewhere": percent_elsewhere,
    "lookalike_ids": lookalike_ids,
    "hidden_sheet": hidden_sheet,
    "merged_cells": merged_cells,
    "title_row": title_row,
    "title_far_down": title_far_down,
    "wide_header": wide_header,
}
