"""A small streaming .xlsx writer: typed cells, exact numbers, no formulas, ever.

Why not openpyxl or xlsxwriter for the data: both print floats with 16 significant digits
(`%.16g`), which changes some doubles, so `export -> import -> export` would not be lossless;
both are also 2-4x slower than writing the SpreadsheetML directly, which matters for a
400,000-row lab sheet. This writer knows only what the case-series format needs: inline
strings (every text is a text cell, so `=cmd|...` can never become a formula), numbers written
with `repr` (shortest exact form), dates as date cells (serial number + `yyyy-mm-dd` style),
a bold frozen header row, column widths and drop-down lists. The parts follow ECMA-376 in the
element order Excel insists on.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from y90gui.core.errors import Y90Error
from y90gui.core.progress import NO_PROGRESS, Progress

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_EPOCH = dt.date(1899, 12, 30)
_HIDDEN = ' state="hidden"'

STYLE_DEFAULT, STYLE_HEADER, STYLE_DATE, STYLE_WRAP = 0, 1, 2, 3
_STYLES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{_MAIN_NS}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">\
<alignment vertical="top" wrapText="1"/></xf>
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


def _cell_text(ref: str, value: Any) -> str:
    if isinstance(value, str):
        if not value:
            return ""
        if len(value) > MAX_TEXT:
            raise CellTooLongError(f"cell {ref}: a text of {len(value):,} characters is longer than Excel allows "
                                   f"({MAX_TEXT:,})")
        text = escape_text(value)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
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
    """Slow path by type: the fast paths above handle the column's usual type."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, float):
        return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else _cell_text(ref, str(value))
    if isinstance(value, dt.datetime):
        return _cell_date(ref, value.date())
    if isinstance(value, dt.date):
        return _cell_date(ref, value)
    return _cell_text(ref, str(value))


#: Cell encoder per column kind (the fast path for the column's own type).
ENCODERS: dict[str, Callable[[str, Any], str]] = {
    "text": _cell_text,
    "code": _cell_text,
    "number": _cell_number,
    "date": _cell_date,
    "integer": _cell_any,
    "any": _cell_any,
}


@dataclass
class SheetData:
    """One worksheet to write: a header row and data rows of typed Python values."""

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


def _sheet_xml_head(sheet: SheetData) -> str:
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}" '
             f'xmlns:r="{_REL_NS}">']
    if sheet.freeze_header:
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
        items = []
        for col, allowed in sheet.dropdowns:
            letter = column_letter(col)
            joined = ",".join(allowed)
            items.append(f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                         f'errorTitle="Not an allowed value" error="Allowed: {escape_text(joined)}" '
                         f'sqref="{letter}2:{letter}1048576"><formula1>"{escape_text(joined)}"</formula1>'
                         "</dataValidation>")
        parts.append(f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>')
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def _write_sheet(out: IO[bytes], sheet: SheetData, progress: Progress, done: list[int], total: int) -> None:
    try:
        _write_sheet_body(out, sheet, progress, done, total)
    except CellTooLongError as exc:
        raise CellTooLongError(f"sheet {sheet.name}, {exc}") from None


def _write_sheet_body(out: IO[bytes], sheet: SheetData, progress: Progress, done: list[int], total: int) -> None:
    out.write(_sheet_xml_head(sheet).encode())
    style = f' s="{STYLE_HEADER}"' if sheet.freeze_header else ""
    header = "".join(
        f'<c r="{column_letter(i)}1" t="inlineStr"{style}><is><t>{escape_text(str(h))}</t></is></c>'
        for i, h in enumerate(sheet.header)
    )
    out.write(f'<row r="1">{header}</row>'.encode())
    ncols = max(len(sheet.header), 1)
    kinds = list(sheet.kinds) or ["any"] * ncols
    encoders = [ENCODERS.get(k, _cell_any) for k in kinds]
    if sheet.wrap:
        encoders = [_wrapped for _ in kinds]
    letters = [column_letter(i) for i in range(len(encoders))]
    cols = list(zip(letters, encoders, strict=True))
    buf: list[str] = []
    r = 1
    for row in sheet.rows:
        r += 1
        rs = str(r)
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


def _wrapped(ref: str, value: Any) -> str:
    cell = _cell_any(ref, value)
    return cell.replace("<c ", f'<c s="{STYLE_WRAP}" ', 1) if cell and ' s="' not in cell else cell


def write_xlsx(target: IO[bytes], sheets: Sequence[SheetData], *, progress: Progress | None = None,
               compresslevel: int = 1) -> None:
    """Write `sheets` as an .xlsx package to a binary file object (the caller makes it atomic)."""
    progress = progress or NO_PROGRESS
    total = sum(s.row_count or 0 for s in sheets) or 1
    done = [0]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        zf.writestr("xl/workbook.xml", _workbook_xml(sheets))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        zf.writestr("xl/styles.xml", _STYLES_XML)
        for i, sheet in enumerate(sheets, 1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as out:
                _write_sheet(out, sheet, progress, done, total)
            progress.step(done[0], total, f"wrote {sheet.name}")


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
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


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += f'<Relationship Id="rId{n + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
            f"{rels}</Relationships>")
