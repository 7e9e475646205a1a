"""The streaming writer's own features, read back by openpyxl and python-calamine: sheets without
a header row, bold rows, numpy scalars as typed cells, PNG pictures anchored at a cell."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest

from y90gui.core.xlsxwrite import STYLE_BOLD, Picture, SheetData, png_size, write_xlsx


def _png(width: int, height: int) -> bytes:
    """A plain grey RGB PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _write(tmp_path: Path, *sheets: SheetData) -> Path:
    path = tmp_path / "w.xlsx"
    with open(path, "wb") as f:
        write_xlsx(f, sheets)
    return path


def _sheet_xml(path: Path, n: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def test_sheet_without_header_starts_at_row_1_and_takes_any_row_length(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["title"], ["a", "b", "c"], [], [1, None, 2.5, dt.date(2020, 1, 2)]]
    path = _write(tmp_path, SheetData("S", (), rows, freeze_header=False))
    ws = openpyxl.load_workbook(path)["S"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0][0] == "title" and got[1][:3] == ["a", "b", "c"]
    assert got[3] == [1, None, 2.5, dt.datetime(2020, 1, 2)]
    assert ws["D4"].number_format == "yyyy\\-mm\\-dd"
    assert "<pane" not in _sheet_xml(path)  # nothing to freeze


def test_bold_rows_are_bold_and_other_styles_stay(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Title"], ["x", "y"], ["v", 1], [], ["head", dt.date(2021, 5, 6)]]
    path = _write(tmp_path, SheetData("S", (), rows, freeze_header=False, bold_rows={0, 1, 4}))
    ws = openpyxl.load_workbook(path)["S"]
    assert ws["A1"].font.b and ws["A2"].font.b and ws["B2"].font.b and ws["A5"].font.b
    assert not ws["A3"].font.b and not ws["B3"].font.b
    assert ws["B5"].number_format == "yyyy\\-mm\\-dd"  # a date keeps its date style
    assert ws["A1"].fill.fill_type is None  # bold only, not the header fill
    assert f's="{STYLE_BOLD}"' in _sheet_xml(path)


def test_bold_rows_count_data_rows_under_a_header(tmp_path: Path) -> None:
    path = _write(tmp_path, SheetData("S", ["h"], [["a"], ["b"]], bold_rows={1}))
    ws = openpyxl.load_workbook(path)["S"]
    assert ws["A1"].font.b and not ws["A2"].font.b and ws["A3"].font.b


def test_numpy_scalars_are_numbers_and_booleans_not_text(tmp_path: Path) -> None:
    row = [np.int64(7), np.float64(2.5), np.bool_(True), np.float32(0.5), np.int32(-3), np.bool_(False),
           np.float64("nan"), 7, 2.5, True]
    path = _write(tmp_path, SheetData("S", [f"c{i}" for i in range(len(row))], [row]))
    xml = _sheet_xml(path)
    assert "np." not in xml and "numpy" not in xml
    ws = openpyxl.load_workbook(path)["S"]
    got = [c.value for c in ws[2]]
    assert got[:6] == [7, 2.5, True, 0.5, -3, False]
    assert [type(v) for v in got[:6]] == [int, float, bool, float, int, bool]
    assert got[6:] == ["nan", 7, 2.5, True]  # not finite: as text, as a Python float is
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    assert wb.get_sheet_by_name("S").to_python()[1][:6] == [7, 2.5, True, 0.5, -3, False]
    wb.close()


def test_picture_anchored_and_sized(tmp_path: Path) -> None:
    png = _png(40, 20)
    assert png_size(png) == (40, 20)
    pics = [Picture(png, "F2", 40 * 0.45, 20 * 0.45), Picture(png, "AB10", 40, 20)]
    path = _write(tmp_path, SheetData("plain", ["a"], [[1]]), SheetData("pics", ["a"], [[1]], pictures=pics),
                  SheetData("more", ["b"], [[2]], pictures=[Picture(png, "A1", 4, 2)]))
    wb = openpyxl.load_workbook(path)
    assert wb["plain"]._images == []
    images = wb["pics"]._images
    assert [(i.anchor._from.col, i.anchor._from.row) for i in images] == [(5, 1), (27, 9)]
    assert (images[0].anchor.ext.width, images[0].anchor.ext.height) == (round(18 * 9525), round(9 * 9525))
    assert len(wb["more"]._images) == 1
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        assert {"xl/media/image1.png", "xl/media/image2.png", "xl/media/image3.png", "xl/drawings/drawing1.xml",
                "xl/drawings/drawing2.xml", "xl/worksheets/_rels/sheet2.xml.rels",
                "xl/worksheets/_rels/sheet3.xml.rels"} <= names
        assert "xl/worksheets/_rels/sheet1.xml.rels" not in names
        assert z.read("xl/media/image1.png") == png
        assert '<Default Extension="png" ContentType="image/png"/>' in types
        assert types.count("drawing+xml") == 2
    xml = _sheet_xml(path, 2)
    assert xml.index("<pageMargins") < xml.index('<drawing r:id="rId1"/>') < xml.index("</worksheet>")
    import python_calamine

    wb2 = python_calamine.CalamineWorkbook.from_path(str(path))
    assert wb2.sheet_names == ["plain", "pics", "more"]
    wb2.close()


def test_no_picture_no_picture_parts(tmp_path: Path) -> None:
    path = _write(tmp_path, SheetData("S", ["a"], [[1]]))
    with zipfile.ZipFile(path) as z:
        assert not [n for n in z.namelist() if "drawing" in n or "media" in n or "worksheets/_rels" in n]
        assert "png" not in z.read("[Content_Types].xml").decode()


def test_bad_picture_input(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="PNG"):
        png_size(b"GIF89a" + b"\0" * 30)
    with pytest.raises(ValueError, match="cell reference"):
        _write(tmp_path, SheetData("S", ["a"], [], pictures=[Picture(_png(1, 1), "2F", 1, 1)]))


def test_text_that_looks_like_a_formula_is_text_with_the_quote_prefix(tmp_path: Path) -> None:
    """Excel would turn '=1+1' into a formula when the cell is retyped; the quote prefix stops that."""
    rows = [["=1+1", "+41 79", "-5 mm", "@home", "plain", 3.0]]
    path = _write(tmp_path, SheetData("S", ("a", "b", "c", "d", "e", "f"), rows))
    ws = openpyxl.load_workbook(path)["S"]
    for ref in ("A2", "B2", "C2", "D2"):
        assert ws[ref].data_type == "s" and ws[ref].quotePrefix, ref
    assert ws["A2"].value == "=1+1"
    assert not ws["E2"].quotePrefix and not ws["F2"].quotePrefix
    import python_calamine

    with open(path, "rb") as f:
        got = python_calamine.CalamineWorkbook.from_filelike(f).get_sheet_by_name("S").to_python()
    assert got[1][:5] == ["=1+1", "+41 79", "-5 mm", "@home", "plain"]


class _Text(str):
    pass


_MIXED: list[Any] = [1, -7, True, np.bool_(False), 2.5, 1e-300, float("inf"), float("-inf"), float("nan"),
                     np.float64("nan"), np.float64(0.1), np.int64(3), dt.date(2020, 1, 2), dt.datetime(2021, 3, 4, 5),
                     "", " padded ", "a<b&c>", "=1+1", "x\x01y", "_x0041_", _Text("sub"), None, "repeat", "repeat"]


@pytest.mark.parametrize("nan_as_empty", [False, True])
def test_a_row_by_value_type_is_the_cells_of_cell_any(tmp_path: Path, nan_as_empty: bool) -> None:
    """The inlined row encoder of sheets without column kinds writes what `_cell_any` writes for
    each value (NaN as an empty cell when `nan_as_empty`), texts repeated or not."""
    from y90gui.core.xlsxwrite import _cell_any, column_letter

    rows = [_MIXED, _MIXED[::-1]]
    path = _write(tmp_path, SheetData("S", (), rows, freeze_header=False, nan_as_empty=nan_as_empty))
    expected = []
    for r, row in enumerate(rows, 1):
        cells = "".join(_cell_any(f"{column_letter(j)}{r}", v) for j, v in enumerate(row)
                        if v is not None and not (nan_as_empty and isinstance(v, float) and v != v))
        expected.append(f'<row r="{r}">{cells}</row>')
    xml = _sheet_xml(path)
    assert xml[xml.index("<sheetData>") + 11:xml.index("</sheetData>")] == "".join(expected)
    assert ('<v>nan</v>' in xml or "<t>nan</t>" in xml) is not nan_as_empty


def test_nan_as_empty_on_bold_rows_and_typed_columns(tmp_path: Path) -> None:
    rows: list[list[Any]] = [[float("nan"), "t"], [np.float64("nan"), 1.5]]
    bold = _sheet_xml(_write(tmp_path, SheetData("S", (), rows, freeze_header=False, bold_rows={0, 1},
                                                 nan_as_empty=True)))
    typed = _sheet_xml(_write(tmp_path, SheetData("S", ("a", "b"), rows, kinds=["number", "any"],
                                                  nan_as_empty=True)))
    assert "nan" not in bold and 'r="A1"' not in bold and 'r="A2"' not in bold and 's="4"' in bold
    assert "nan" not in typed and 'r="A2"' not in typed and 'r="A3"' not in typed


class _FullDisk(io.RawIOBase):
    """A file that takes `room` bytes, then fails as a full disk does."""

    def __init__(self, room: int) -> None:
        self.room = room

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if len(b) > self.room:
            raise OSError(28, "No space left on device")
        self.room -= len(b)
        return len(b)


def test_a_failed_write_of_the_write_behind_thread_reaches_the_caller() -> None:
    rows = [[f"row {i}", i, i / 7] for i in range(20_000)]  # several 2,000-row chunks
    with pytest.raises(OSError, match="No space"):
        write_xlsx(_FullDisk(50_000), [SheetData("S", ("a", "b", "c"), rows)])
    import threading

    assert not [t for t in threading.enumerate() if t.name == "xlsx-write-behind"]


def test_an_error_while_encoding_stops_the_write_behind_thread(tmp_path: Path) -> None:
    from y90gui.core.xlsxwrite import CellTooLongError

    rows: list[list[Any]] = [[i] for i in range(5000)] + [["x" * 40_000]]
    with pytest.raises(CellTooLongError, match="sheet S, cell A5001"):
        _write(tmp_path, SheetData("S", (), rows, freeze_header=False))
    import threading

    assert not [t for t in threading.enumerate() if t.name == "xlsx-write-behind"]


def test_texts_escaped_once_per_workbook_write_what_each_cell_would(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The escaped texts shared across sheets, and a full cache (texts escaped cell by cell
    again), give the same sheets."""
    from y90gui.core import xlsxwrite

    rows: list[list[Any]] = [["a<b", "=x", " y", "a<b"], ["=x", "z", "a<b", " y"]]
    sheets = [SheetData("S1", (), rows, freeze_header=False), SheetData("S2", (), rows[::-1], freeze_header=False)]
    shared = _write(tmp_path, *sheets)
    want = [_sheet_xml(shared, 1), _sheet_xml(shared, 2)]
    monkeypatch.setattr(xlsxwrite, "_MAX_SHARED_TEXTS", 1)
    capped = _write(tmp_path, *sheets)
    assert [_sheet_xml(capped, 1), _sheet_xml(capped, 2)] == want
    assert "a&lt;b" in want[1] and 's="5"' in want[1] and 'xml:space="preserve"' in want[1]
