"""Read the raw cells of a workbook with python-calamine, plus what calamine cannot tell.

Calamine (Rust) reads a 400,000-row sheet in about a second and returns typed Python values
(str, float, int, bool, date, datetime); it shows a formula by its cached result, and a
formula that was never calculated (files written by scripts) as an empty cell. An empty
cell that is really an uncalculated formula must be an error, not silently "missing", so
the parts are streamed once beforehand (bounded, see `guard.scan_entries`), and only a
sheet that contains formulas is parsed in detail to find those without a cached value.

The same pass measures each sheet's real extent (its last row and column), because calamine
allocates the whole rectangle up to the farthest cell: one cell at XFD1048576 would ask for
17 billion cells (512 GiB) and abort the process. A sheet beyond `MAX_CELLS` is refused by
name before calamine sees it. It also finds cells formatted as percentages (calamine gives
5% as 0.05 and says nothing of the format; `parse` decides what they mean), and calamine
tells which sheets are hidden and which cells are merged.
"""

from __future__ import annotations

import posixpath
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from y90gui.io.guard import WorkbookFileError, check_workbook_file, scan_entries

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")
_ROW_TAG = b'row r="'
_DIGITS = re.compile(rb"\d+")
#: Cell references from column AA on (one-letter columns are harmless): the sheet's width. The
#: literal start lets `re` skip ahead fast: ~0.5 s over the 100 MB of a 400,000-row lab sheet.
_WIDE_REF = re.compile(rb' r="([A-Z]{2,3})(\d+)"')
_SEAM = 96  # bytes kept from the end of a chunk, so that a tag split between chunks is seen

#: The largest rectangle (rows x columns up to the farthest cell) calamine is asked to read.
#: The 10,000-patient benchmark's lab sheet is ~4 million cells; calamine holds ~32 bytes a
#: cell, so this is about 1 GB at most; a full-height sheet of one-letter columns (27 million) passes.
MAX_CELLS = 30_000_000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
#: Number formats Excel has built in that show a percentage (0% and 0.00%).
_BUILTIN_PERCENT_FORMATS = frozenset({"9", "10"})


#: Never treated as "the file is bad": the user or the interpreter wants to stop.
_STOP = (KeyboardInterrupt, SystemExit, GeneratorExit)


@dataclass
class RawSheet:
    """One worksheet as cells: rows[i] is Excel row i + 1 (leading empty rows included)."""

    name: str
    rows: list[list[Any]]
    #: (Excel row, 0-based column) -> (shown value, message) for cells calamine shows as empty
    #: but are not: formulas never calculated, and error values such as #VALUE!.
    problem_cells: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    #: (Excel row, 0-based column) of number cells formatted as a percentage (5% holds 0.05).
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    #: Merged ranges as (first Excel row, first column, last Excel row, last column), 0-based columns.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: Hidden (or "very hidden") in the workbook: imported, but the user should know.
    hidden: bool = False
    #: Sheets from `open_workbook`: fills `rows` and `merged` when called (then it is None).
    load: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    _reading: threading.Thread | None = field(default=None, repr=False, compare=False)
    _failure: BaseException | None = field(default=None, repr=False, compare=False)

    def cells(self) -> list[list[Any]]:
        """The rows, read now if the sheet was opened lazily (or waited for, if `prefetch` started it)."""
        if self._reading is not None:
            self.settle()
            if self._failure is not None:
                failure, self._failure = self._failure, None
                raise failure
        if self.load is not None:
            load, self.load = self.load, None
            load()
        return self.rows

    @property
    def pending(self) -> bool:
        """Opened lazily and its cells not taken yet (being read, or not started)."""
        return self.load is not None or self._reading is not None

    def prefetch(self) -> None:
        """Start reading a lazily opened sheet on a worker thread; `cells()` then waits for it.

        Calamine reads without the GIL, so the next sheet is read while the importer parses
        this one (the two take a core each). Only one sheet ahead: at most two sheets' cells
        are held at once. `open_workbook` waits for a started read before it closes the workbook.
        """
        if self.load is None or self._reading is not None:
            return
        load, self.load = self.load, None

        def run() -> None:
            try:
                load()
            except BaseException as exc:  # noqa: BLE001 - handed to the thread that asks for the cells
                self._failure = exc

        self._reading = threading.Thread(target=run, name=f"read sheet {self.name}", daemon=True)
        self._reading.start()

    def settle(self) -> None:
        """Wait for a read `prefetch` started (its failure, if any, is kept for `cells()`)."""
        if self._reading is not None:
            self._reading.join()
            self._reading = None


@dataclass
class _Scan:
    """What one streaming pass over the parts found."""

    formula_parts: set[str] = field(default_factory=set)
    percent_parts: set[str] = field(default_factory=set)
    #: part -> (last row, last column as 1-based number) of its cells
    extents: dict[str, tuple[int, int]] = field(default_factory=dict)


def read_workbook(path: Path) -> list[RawSheet]:
    """All worksheets of `path`, after the safety checks of `guard`; raises WorkbookFileError."""
    with open_workbook(path) as sheets:
        for sheet in sheets:
            sheet.cells()
    return sheets


@contextmanager
def open_workbook(path: Path) -> Iterator[list[RawSheet]]:
    """The worksheets of `path` (checked by `guard` first), each read only when its `cells()`
    are asked for, while the workbook is open: the importer parses a sheet and lets its cells
    go before the next one is read, instead of holding every sheet's cells at once."""
    zf = check_workbook_file(path)
    try:
        percent_styles = _percent_styles(zf)
        scan = _scan_parts(zf, path.name, percent_styles)
        detail = {part: _problem_cells(zf, part, percent_styles)
                  for part in scan.formula_parts | scan.percent_parts}
        too_big = {part for part, (rows, cols) in scan.extents.items() if rows * cols > MAX_CELLS}
        try:
            part_of_sheet = _sheet_parts(zf) if detail or too_big else {}
        except Exception as exc:  # malformed workbook.xml or relationships
            raise WorkbookFileError(f"{path.name}: the list of sheets cannot be read ({_one_line(exc)})") from None
    finally:
        zf.close()
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine's error types, and a Rust panic (pyo3 PanicException is a BaseException)
        if isinstance(exc, _STOP):
            raise
        raise WorkbookFileError(f"{path.name} cannot be read as a workbook: {_one_line(exc)}") from None
    sheets: list[RawSheet] = []
    try:
        for meta in wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            part = part_of_sheet.get(meta.name)
            if part in too_big:
                raise _too_big(path.name, meta.name, *scan.extents[part])
            problems, percent = detail.get(part, ({}, set())) if part else ({}, set())
            raw = RawSheet(meta.name, [], problems, percent, [],
                           hidden=str(getattr(meta, "visible", "Visible")).rsplit(".", 1)[-1] != "Visible")
            raw.load = _loader(wb, path, raw)
            sheets.append(raw)
        yield sheets
    finally:
        for raw in sheets:  # no read may still run in the workbook being closed
            raw.settle()
        wb.close()


def _loader(wb: Any, path: Path, raw: RawSheet) -> Callable[[], None]:
    def load() -> None:
        try:
            sheet = wb.get_sheet_by_name(raw.name)
            raw.rows = sheet.to_python(skip_empty_area=False)
            raw.merged = [(r1 + 1, c1, r2 + 1, c2)
                          for (r1, c1), (r2, c2) in getattr(sheet, "merged_cell_ranges", None) or ()]
        except BaseException as exc:
            if isinstance(exc, _STOP):
                raise
            raw.rows = _read_sheet_slowly(path, raw.name, exc)
            raw.merged = []

    return load


def _too_big(file_name: str, sheet: str, rows: int, cols: int) -> WorkbookFileError:
    last = f"{column_letters(cols)}{rows}"
    if rows > EXCEL_ROWS or cols > EXCEL_COLUMNS:
        what = "more than an Excel sheet can hold (1,048,576 rows, 16,384 columns)"
    else:
        what = f"more than this program reads in one sheet ({MAX_CELLS:,} cells)"
    return WorkbookFileError(
        f"{file_name}: sheet {sheet!r} reaches cell {last} ({rows:,} rows x {cols:,} columns = {rows * cols:,} "
        f"cells), {what}: delete the rows and columns beyond the data (Ctrl+End in Excel goes to the last "
        "cell in use) and save the workbook again")


def column_letters(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_sheet_slowly(path: Path, name: str, failure: BaseException) -> list[list[Any]]:
    """One sheet calamine refused as a whole (e.g. a date cell holding -1e11), read by openpyxl.

    openpyxl turns such a cell into the text '#VALUE!', so the validator can name the cell
    instead of the whole sheet failing. Only this rare path pays for openpyxl's speed.
    """
    import warnings

    try:
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = [["" if v is None else v for v in row] for row in wb[name].iter_rows(values_only=True)]
            finally:
                wb.close()
    except Exception as exc:  # noqa: BLE001 - any failure here means the sheet is unreadable
        hint = " (a date-formatted cell holds a number far outside the calendar)" if "out of bounds" in str(
            failure) else ""
        raise WorkbookFileError(
            f"{path.name}: sheet {name!r} cannot be read: {_one_line(failure)}{hint} ({_one_line(exc)})") from None
    width = max(map(len, rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _scan_parts(zf: zipfile.ZipFile, name: str, percent_styles: frozenset[str]) -> _Scan:
    """One streaming pass: sheets with formulas or error cells, with percent-formatted cells,
    and every sheet's extent (its largest row number and widest column reference)."""
    out = _Scan()
    tails: dict[str, bytes] = {}
    percent_attr = (re.compile(rb'\ss="(?:' + b"|".join(sorted(s.encode() for s in percent_styles)) + rb')"')
                    if percent_styles else None)

    def visit(part: str, chunk: bytes) -> None:
        if not part.startswith("xl/worksheets/"):
            return
        seam = tails.get(part, b"") + chunk[:_SEAM]
        for data in (seam, chunk):
            # Cheap filters first: a formula element ends in "f>" (<f>, </f>, </x:f>; a shared
            # formula without text always has a master cell with </f>); error cells say t="e".
            if part not in out.formula_parts and (b't="e"' in data or (b"f>" in data and _FORMULA_TAG.search(data))):
                out.formula_parts.add(part)
            if percent_attr is not None and part not in out.percent_parts and percent_attr.search(data):
                out.percent_parts.add(part)
            rows, cols = out.extents.get(part, (0, 0))
            # Rows come in ascending order (the format says so, and every writer does), so the
            # last row tag of a chunk is its highest; a wide cell also gives its own row below.
            at = data.rfind(_ROW_TAG)
            number = _DIGITS.match(data, at + len(_ROW_TAG)) if at >= 0 else None
            if number:
                rows = max(rows, int(number.group()))
            for letters, row in _WIDE_REF.findall(data):
                cols = max(cols, _column_index(letters.decode()) + 1)
                rows = max(rows, int(row))
            out.extents[part] = (rows, max(cols, 26 if rows else 0))
        tails[part] = chunk[-_SEAM:]

    scan_entries(zf, name, visit)
    return out


def _percent_styles(zf: zipfile.ZipFile) -> frozenset[str]:
    """Indices (as the `s` attribute writes them) of the cell styles whose number format shows a percentage."""
    from defusedxml.ElementTree import fromstring

    names = {n.lower(): n for n in zf.namelist()}
    styles = names.get("xl/styles.xml")
    if styles is None:
        return frozenset()
    try:
        root = fromstring(zf.read(styles), forbid_dtd=True)
    except Exception:  # noqa: BLE001 - unreadable styles: calamine will judge the file
        return frozenset()
    percent_formats = set(_BUILTIN_PERCENT_FORMATS)
    for elem in root.iter():
        if _local(elem.tag) == "numFmt" and _shows_percent(elem.get("formatCode", "")):
            percent_formats.add(elem.get("numFmtId", ""))
    out: set[str] = set()
    for elem in root.iter():
        if _local(elem.tag) == "cellXfs":
            for i, xf in enumerate(x for x in elem if _local(x.tag) == "xf"):
                if xf.get("numFmtId", "0") in percent_formats:
                    out.add(str(i))
    return frozenset(out - {"0"})  # style 0 is the default of every unstyled cell


def _shows_percent(code: str) -> bool:
    """Whether an Excel number format multiplies by 100 and shows %: a % outside quotes and escapes."""
    code = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in code


def _parse_xml_events(stream: Any) -> Any:
    from defusedxml.ElementTree import iterparse

    return iterparse(stream, events=("end",), forbid_dtd=True)


UNCACHED = "formula without a saved result: recalculate and save the file in Excel or LibreOffice, or paste the values"


def _problem_cells(zf: zipfile.ZipFile, part: str, percent_styles: frozenset[str] = frozenset()
                   ) -> tuple[dict[tuple[int, int], tuple[str, str]], set[tuple[int, int]]]:
    """Of one sheet part: formula cells with no cached value (no or empty <v>) and error cells,
    and the number cells whose style shows a percentage."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    percent: set[tuple[int, int]] = set()
    try:
        with zf.open(part) as stream:
            for _, elem in _parse_xml_events(stream):
                tag = elem.tag.rsplit("}", 1)[-1]
                if tag == "c":
                    f = v = None
                    for child in elem:
                        ctag = child.tag.rsplit("}", 1)[-1]
                        if ctag == "f":
                            f = child
                        elif ctag in ("v", "is"):
                            v = child
                    m = _CELL_REF.match(elem.get("r", ""))
                    # No <v>, or an empty <v/> on a non-text formula (what openpyxl writes): never calculated.
                    uncached = v is None or (not (v.text or "").strip() and len(v) == 0 and elem.get("t") != "str")
                    if m and f is not None and uncached:
                        out[(int(m.group(2)), _column_index(m.group(1)))] = ("=" + (f.text or ""), UNCACHED)
                    elif m and elem.get("t") == "e":
                        shown = (v.text or "") if v is not None else ""
                        where = f" of the formula ={f.text}" if f is not None and f.text else ""
                        out[(int(m.group(2)), _column_index(m.group(1)))] = (
                            shown, f"the cell holds the error value {shown}{where}: correct it or clear the cell")
                    elif (m and elem.get("s") in percent_styles and elem.get("t", "n") == "n" and v is not None
                          and (v.text or "").strip()):
                        percent.add((int(m.group(2)), _column_index(m.group(1))))
                    elem.clear()
                elif tag == "row":
                    elem.clear()
    except Exception as exc:  # malformed XML: calamine will say so with the sheet's name
        raise WorkbookFileError(f"{posixpath.basename(part)} is not well-formed XML ({_one_line(exc)})") from None
    return out, percent


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part name, from workbook.xml and its relationships.

    Namespaces are ignored on purpose: "strict" OOXML files use other URIs for the same names.
    """
    from defusedxml.ElementTree import fromstring

    names = {n.lower(): n for n in zf.namelist()}
    wb = fromstring(zf.read(names["xl/workbook.xml"]), forbid_dtd=True)
    rels_name = names.get("xl/_rels/workbook.xml.rels")
    targets: dict[str, str] = {}
    if rels_name:
        for rel in fromstring(zf.read(rels_name), forbid_dtd=True).iter():
            if _local(rel.tag) != "Relationship":
                continue
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[rel.get("Id", "")] = names.get(target.lower(), target)
    out: dict[str, str] = {}
    for sheet in wb.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
        if rid in targets:
            out[sheet.get("name", "")] = targets[rid]
    return out
