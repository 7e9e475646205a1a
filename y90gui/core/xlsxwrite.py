"""A small streaming .xlsx writer: typed cells, exact numbers, no formulas, ever.

Why not openpyxl or xlsxwriter for the data: both print floats with 16 significant digits
(`%.16g`), which changes some doubles, so `export -> import -> export` would not be lossless;
both are also 2-4x slower than writing the SpreadsheetML directly, which matters for a
400,000-row lab sheet. This writer knows only what the case-series workbook (`io`: export,
template) and the report workbook (`analysis`) need: inline strings (every text is a text
cell, so `=cmd|...` can never become a formula), numbers written with `repr` (shortest exact
form; numpy scalars too), dates as date cells (serial number + `yyyy-mm-dd` style), a bold
frozen header row or none, bold rows, column widths, drop-down lists and PNG pictures anchored
at a cell. It knows neither workbook's format, so it lives in `core` beside `atomic`. The
parts follow ECMA-376 in the element order Excel insists on.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import struct
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from y90gui.core.errors import Y90Error
from y90gui.core.progress import NO_PROGRESS, Progress

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
_EPOCH = dt.date(1899, 12, 30)
_EMU_PER_PIXEL = 9525  # English Metric Units per pixel at 96 dpi
_HIDDEN = ' state="hidden"'

STYLE_DEFAULT, STYLE_HEADER, STYLE_DATE, STYLE_WRAP, STYLE_BOLD, STYLE_QUOTED = 0, 1, 2, 3, 4, 5
#: A text starting with one of these would become a formula if retyped in Excel: such cells
#: carry Excel's quote prefix (the leading apostrophe), so editing them keeps them text.
FORMULA_START = ("=", "+", "-", "@")
_STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""

# XML 1.0 cannot carry most C0 control characters; Excel's own escape is _xHHHH_ (and a
# literal "_x" that looks like one is protected as _x005F_).
_NEEDS_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


def _escape_char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch == "&":
        return "&amp;"
    if ch == "<":
        return "&lt;"
    if ch == ">":
        return "&gt;"
    if ch == "\r":
        return "&#13;"
    if ch == "_":
        return "_x005F_"
    return f"_x{ord(ch):04X}_"


def escape_text(text: str) -> str:
    return _NEEDS_ESCAPE.sub(_escape_char, text)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


#: Excel refuses a workbook with a longer text in any cell.
MAX_TEXT = 32767


class CellTooLongError(Y90Error):
    pass


#: Rows an Excel sheet holds (the header included); Excel refuses to open a longer sheet and
#: LibreOffice drops the rows beyond it, so such a workbook is never written.
EXCEL_MAX_ROWS = 1_048_576


class SheetTooLongError(Y90Error):
    """A sheet has more rows than Excel holds: nothing is written."""


def _too_long(name: str, rows: int, header: bool) -> SheetTooLongError:
    with_header = " plus the header" if header else ""
    return SheetTooLongError(
        f"sheet {name} has {rows:,} rows{with_header}, more than an Excel sheet holds ({EXCEL_MAX_ROWS:,} rows): "
        "nothing was written; export fewer patients at a time (a centre, or a list of patients)")


def check_sheet_rows(sheets: Sequence[SheetData]) -> None:
    """Refuse, before anything is written, a sheet whose known `row_count` exceeds Excel's
    rows (the header counts); sheets of unknown length are checked row by row as written."""
    for sheet in sheets:
        header = bool(sheet.header)
        if sheet.row_count is not None and sheet.row_count + header > EXCEL_MAX_ROWS:
            raise _too_long(sheet.name, sheet.row_count, header)


def _cell_text(ref: str, value: Any) -> str:
    if isinstance(value, str):
        if not value:
            return ""
        if len(value) > MAX_TEXT:
            raise CellTooLongError(f"cell {ref}: a text of {len(value):,} characters is longer than Excel allows "
                                   f"({MAX_TEXT:,})")
        text = escape_text(value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        quoted = f' s="{STYLE_QUOTED}"' if value.startswith(FORMULA_START) else ""
        return f'<c r="{ref}"{quoted} t="inlineStr"><is><t{space}>{text}</t></is></c>'
    return _cell_any(ref, value)


def _cell_number(ref: str, value: Any) -> str:
    if type(value) is float and math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return _cell_any(ref, value)


def _cell_date(ref: str, value: Any) -> str:
    if type(value) is dt.date:
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - _EPOCH).days}</v></c>'
    return _cell_any(ref, value)


def _cell_any(ref: str, value: Any) -> str:
    """By the value's type: the exact built-in types by one dict lookup (a report sheet's cells
    have no column kind), everything else (numpy scalars, subclasses) through `_cell_typed`."""
    encode = _BY_TYPE.get(value.__class__)
    return encode(ref, value) if encode is not None else _cell_typed(ref, value)


def _cell_float(ref: str, value: float) -> str:
    return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else _cell_text(ref, str(value))


def _cell_int(ref: str, value: int) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _cell_bool(ref: str, value: bool) -> str:
    return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'


def _cell_none(ref: str, value: None) -> str:
    return ""


def _cell_typed(ref: str, value: Any) -> str:
    """The slow path by isinstance: the fast paths above handle the usual types."""
    if value is None:
        return ""
    if type(value) is str:
        return _cell_text(ref, value)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float):  # float(): numpy 2's repr of np.float64 is "np.float64(...)"
        return f'<c r="{ref}"><v>{float(value)!r}</v></c>' if math.isfinite(value) else _cell_text(ref, str(value))
    if isinstance(value, dt.datetime):
        return _cell_date(ref, value.date())
    if isinstance(value, dt.date):
        return _cell_date(ref, value)
    # numpy scalars without importing numpy: np.bool_ (not a numbers.Integral) before the numbers
    if getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return _cell_any(ref, bool(value))
    if isinstance(value, numbers.Integral):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        return _cell_any(ref, float(value))
    return _cell_text(ref, str(value))


#: Encoders of the exact built-in types (`_cell_any`); the same text `_cell_typed` writes for them.
_BY_TYPE: dict[type, Callable[[str, Any], str]] = {
    float: _cell_float, str: _cell_text, int: _cell_int, bool: _cell_bool, type(None): _cell_none,
    dt.date: _cell_date,
}

#: Cell encoder per column kind (the fast path for the column's own type).
ENCODERS: dict[str, Callable[[str, Any], str]] = {
    "text": _cell_text,
    "code": _cell_text,
    "number": _cell_number,
    "date": _cell_date,
    "integer": _cell_any,
    "any": _cell_any,
}


@dataclass(frozen=True)
class Picture:
    """A PNG picture on a sheet, its top-left corner on the cell `anchor` (e.g. "F2"), shown at
    `width` x `height` pixels (the picture's own size or a scaled one; see `png_size`)."""

    png: bytes
    anchor: str
    width: float
    height: float


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


_CELL_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]*)")


def _cell_index(ref: str) -> tuple[int, int]:
    """Cell "F2" -> (column 5, row 1), both 0-based as a drawing anchor counts them."""
    m = _CELL_REF.fullmatch(ref)
    if m is None:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return col - 1, int(m.group(2)) - 1


@dataclass
class SheetData:
    """One worksheet to write: a header row (none if `header` is empty: the rows start at row
    1) and data rows of typed Python values."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    kinds: Sequence[str] = ()
    widths: Sequence[float] = ()
    #: (column index, allowed values): a drop-down list on that column below the header.
    dropdowns: Sequence[tuple[int, Sequence[str]]] = ()
    freeze_header: bool = True
    wrap: bool = False
    row_count: int | None = None
    hidden: bool = False
    #: Column default style (e.g. STYLE_DATE): what a user types into an empty cell gets it.
    column_styles: Sequence[int] = ()
    #: Indexes into `rows` (0 = the first data row) written bold; cells with a style of their
    #: own (a date) keep it.
    bold_rows: Collection[int] = frozenset()
    pictures: Sequence[Picture] = ()
    #: NaN (a float or numpy float) is an empty cell, not the text "nan" (the report's sheets,
    #: whose pandas results carry NaN for "no value").
    nan_as_empty: bool = False


def _sheet_xml_head(sheet: SheetData) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}" '
             f'xmlns:r="{_REL_NS}">']
    if sheet.freeze_header and sheet.header:
        parts.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                     'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" '
                     'sqref="A2"/></sheetView></sheetViews>')
    else:
        parts.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
    parts.append('<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        styles = list(sheet.column_styles) + [0] * len(sheet.widths)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:.2f}"'
                       f'{f" style={chr(34)}{styles[i]}{chr(34)}" if styles[i] else ""} customWidth="1"/>'
                       for i, w in enumerate(sheet.widths))
        parts.append(f"<cols>{cols}</cols>")
    parts.append("<sheetData>")
    return "".join(parts)


def _sheet_xml_tail(sheet: SheetData) -> str:
    parts = ["</sheetData>"]
    if sheet.dropdowns:
        first = 2 if sheet.header else 1
        items = []
        for col, allowed in sheet.dropdowns:
            letter = column_letter(col)
            joined = ",".join(allowed)
            items.append(f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                         f'errorTitle="Not an allowed value" error="Allowed: {escape_text(joined)}" '
                         f'sqref="{letter}{first}:{letter}1048576"><formula1>"{escape_text(joined)}"</formula1>'
                         "</dataValidation>")
        parts.append(f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>')
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    if sheet.pictures:  # after pageMargins (and the print parts this writer never writes)
        parts.append('<drawing r:id="rId1"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def _write_sheet(out: _Sink, sheet: SheetData, progress: Progress, done: list[int], total: int,
                 texts: dict[str, str]) -> None:
    try:
        _write_sheet_body(out, sheet, progress, done, total, texts)
    except CellTooLongError as exc:
        raise CellTooLongError(f"sheet {sheet.name}, {exc}") from None


def _write_sheet_body(out: _Sink, sheet: SheetData, progress: Progress, done: list[int], total: int,
                      texts: dict[str, str]) -> None:
    out.write(_sheet_xml_head(sheet).encode())
    if sheet.header:
        style = f' s="{STYLE_HEADER}"' if sheet.freeze_header else ""
        header = "".join(
            f'<c r="{column_letter(i)}1" t="inlineStr"{style}><is><t>{escape_text(str(h))}</t></is></c>'
            for i, h in enumerate(sheet.header)
        )
        out.write(f'<row r="1">{header}</row>'.encode())
    # no header and no kinds: as many columns as each row has
    open_ended = not sheet.header and not sheet.kinds
    ncols = max(len(sheet.header), 1)
    kinds = list(sheet.kinds) or ["any"] * ncols
    encoders = [ENCODERS.get(k, _cell_any) for k in kinds]
    if sheet.wrap:
        encoders = [_wrapped for _ in kinds]
    letters = [column_letter(i) for i in range(len(encoders))]
    cols = list(zip(letters, encoders, strict=True))
    # every column by the value's type (a report sheet): one inlined loop per row, not two calls per cell
    any_kind = not sheet.wrap and all(enc is _cell_any for enc in encoders)
    nan = sheet.nan_as_empty
    bold = sheet.bold_rows
    buf: list[str] = []
    r = top = 1 if sheet.header else 0  # the row above the first data row
    limit = EXCEL_MAX_ROWS
    rows = iter(sheet.rows)
    for row in rows:
        r += 1
        if r > limit:  # a row_count that was None or wrong: the caller's atomic file is then dropped
            raise _too_long(sheet.name, r - top + sum(1 for _ in rows), bool(sheet.header))
        rs = str(r)
        if open_ended and len(row) > len(cols):
            cols += [(column_letter(j), encoders[0]) for j in range(len(cols), len(row))]
            letters += [column_letter(j) for j in range(len(letters), len(row))]
        if bold and r - top - 1 in bold:
            cells = "".join([_styled(enc(letter + rs, v), STYLE_BOLD)
                             for (letter, enc), v in zip(cols, row) if v is not None and not _empty_nan(nan, v)])
        elif any_kind:
            cells = _any_cells(letters, rs, row, texts, nan)
        elif nan:
            cells = "".join([enc(letter + rs, v) for (letter, enc), v in zip(cols, row)
                             if v is not None and not _empty_nan(nan, v)])
        else:
            cells = "".join([enc(letter + rs, v) for (letter, enc), v in zip(cols, row) if v is not None])
        buf.append(f'<row r="{rs}">{cells}</row>')
        if len(buf) >= 2000:
            out.write("".join(buf).encode())
            buf.clear()
            done[0] += 2000
            progress.step(done[0], total, f"writing {sheet.name}")
    out.write("".join(buf).encode())
    done[0] += len(buf)
    out.write(_sheet_xml_tail(sheet).encode())


#: Distinct texts `_any_cells` keeps escaped (free text beyond it is escaped cell by cell).
_MAX_SHARED_TEXTS = 200_000


def _any_cells(letters: list[str], rs: str, row: Sequence[Any], texts: dict[str, str], nan_as_empty: bool) -> str:
    """The cells of one row, each by its value's type: the text `_cell_any` writes, with ints,
    texts and finite floats inline (a report writes ~860,000 cells: two calls per cell were a
    second). A text's cell after its reference is the same wherever it stands, so it is escaped
    once per workbook (`texts`: patient IDs, yes/no, tests and units repeat thousands of times)."""
    out = []
    for letter, v in zip(letters, row):
        c = v.__class__
        if c is int:
            out.append(f'<c r="{letter}{rs}"><v>{v}</v></c>')
        elif c is str:
            tail = texts.get(v)
            if tail is None:
                ref = letter + rs
                tail = _cell_text(ref, v)[len(ref) + 6:]  # after '<c r="' + ref; "" for ""
                if len(texts) < _MAX_SHARED_TEXTS:
                    texts[v] = tail
            if tail:
                out.append(f'<c r="{letter}{rs}{tail}')
        elif c is float and v - v == 0.0:  # finite (inf - inf and NaN - NaN are NaN)
            out.append(f'<c r="{letter}{rs}"><v>{v!r}</v></c>')
        elif c is dt.date:
            out.append(f'<c r="{letter}{rs}" s="{STYLE_DATE}"><v>{(v - _EPOCH).days}</v></c>')
        elif v is None or _empty_nan(nan_as_empty, v):
            continue
        else:
            out.append(_cell_any(letter + rs, v))
    return "".join(out)


def _empty_nan(nan_as_empty: bool, value: Any) -> bool:
    """`value` is a NaN written as an empty cell (`SheetData.nan_as_empty`)."""
    return nan_as_empty and isinstance(value, float) and value != value


def _styled(cell: str, style: int) -> str:
    """`cell` with style `style`, unless it is empty or has a style of its own (a date)."""
    if not cell or ' s="' in cell[:cell.index(">")]:
        return cell
    return f'<c s="{style}" {cell[3:]}'


def _wrapped(ref: str, value: Any) -> str:
    return _styled(_cell_any(ref, value), STYLE_WRAP)


def write_xlsx(target: IO[bytes], sheets: Sequence[SheetData], *, progress: Progress | None = None,
               compresslevel: int = 1) -> None:
    """Write `sheets` as an .xlsx package to a binary file object (the caller makes it atomic)."""
    progress = progress or NO_PROGRESS
    check_sheet_rows(sheets)
    total = sum(s.row_count or 0 for s in sheets) or 1
    done = [0]
    drawings = sum(1 for s in sheets if s.pictures)
    texts: dict[str, str] = {}  # `_any_cells`' escaped texts, shared by the sheets (IDs recur on most)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(sheets), drawings))
        zf.writestr("_rels/.rels", _rels_xml([("officeDocument", "xl/workbook.xml")]))
        zf.writestr("xl/workbook.xml", _workbook_xml(sheets))
        zf.writestr("xl/_rels/workbook.xml.rels", _rels_xml(
            [*(("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(sheets) + 1)),
             ("styles", "styles.xml")]))
        zf.writestr("xl/styles.xml", _STYLES_XML)
        for i, sheet in enumerate(sheets, 1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                behind = _WriteBehind(out)
                try:
                    _write_sheet(behind, sheet, progress, done, total, texts)
                except BaseException:
                    behind.close(raise_error=False)  # the caller's error, not a later one of the thread
                    raise
                behind.close()
            progress.step(done[0], total, f"wrote {sheet.name}")
        _write_pictures(zf, sheets)


class _Sink(Protocol):
    """Where a sheet's bytes go (a zip entry, or `_WriteBehind` in front of one)."""

    def write(self, data: bytes, /) -> int: ...


class _WriteBehind:
    """A sheet's bytes written by a thread while the caller encodes the next rows: the zip
    entry's deflate, CRC and file write are C code that lets go of the GIL, so on a second core
    they cost the caller nothing (a report's 30 MB of sheet XML: ~0.1 s of zlib). The bytes, and
    their order, are the caller's: the entry is the same as written in line."""

    def __init__(self, out: IO[bytes]) -> None:
        import queue
        import threading

        self._out = out
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=4)  # ~2,000 rows each
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-write-behind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # after a failed write, drain without writing
                try:
                    self._out.write(data)
                except BaseException as exc:  # handed to the caller by the next write or close
                    self._error = exc

    def write(self, data: bytes) -> int:
        if self._error is not None:
            raise self._error
        self._queue.put(data)
        return len(data)

    def close(self, raise_error: bool = True) -> None:
        """Wait for every write; raise the first error of the thread (unless `raise_error` is False)."""
        self._queue.put(None)
        self._thread.join()
        if raise_error and self._error is not None:
            raise self._error


def _rels_xml(rels: Iterable[tuple[str, str]]) -> str:
    """A relationships part: (type, target) pairs as rId1, rId2, ..."""
    items = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/{kind}" Target="{target}"/>'
                    for i, (kind, target) in enumerate(rels, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
            f"{items}</Relationships>")


def _write_pictures(zf: zipfile.ZipFile, sheets: Sequence[SheetData]) -> None:
    """Per sheet with pictures: its drawing part (one oneCellAnchor per picture, sized in EMU),
    the PNG files, and the relationships sheet -> drawing -> images."""
    drawing = image = 0
    for i, sheet in enumerate(sheets, 1):
        if not sheet.pictures:
            continue
        drawing += 1
        zf.writestr(f"xl/worksheets/_rels/sheet{i}.xml.rels",
                    _rels_xml([("drawing", f"../drawings/drawing{drawing}.xml")]))
        anchors, targets = [], []
        for j, pic in enumerate(sheet.pictures, 1):
            image += 1
            zf.writestr(f"xl/media/image{image}.png", pic.png, compress_type=zipfile.ZIP_STORED)
            targets.append(("image", f"../media/image{image}.png"))
            col, row = _cell_index(pic.anchor)
            cx, cy = round(pic.width * _EMU_PER_PIXEL), round(pic.height * _EMU_PER_PIXEL)
            anchors.append(
                f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
                f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
                f'<xdr:ext cx="{cx}" cy="{cy}"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="{j + 1}" name="Picture {j}"/>'
                '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
                f'<xdr:blipFill><a:blip r:embed="rId{j}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
                f'<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
                '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
                "</xdr:oneCellAnchor>")
        zf.writestr(f"xl/drawings/drawing{drawing}.xml",
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{_XDR_NS}" '
                    f'xmlns:a="{_A_NS}" xmlns:r="{_REL_NS}">{"".join(anchors)}</xdr:wsDr>')
        zf.writestr(f"xl/drawings/_rels/drawing{drawing}.xml.rels", _rels_xml(targets))


def _content_types(n: int, drawings: int = 0) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    sheets += "".join(
        f'<Override PartName="/xl/drawings/drawing{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
        for i in range(1, drawings + 1)
    )
    png = '<Default Extension="png" ContentType="image/png"/>' if drawings else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{png}"
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook_xml(sheets: Sequence[SheetData]) -> str:
    entries = "".join(
        f'<sheet name="{escape_text(s.name)}" sheetId="{i}"{_HIDDEN if s.hidden else ""} r:id="rId{i}"/>'
        for i, s in enumerate(sheets, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN_NS}" '
        f'xmlns:r="{_REL_NS}"><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{entries}</sheets></workbook>"
    )
