"""Read the raw cells of a workbook with python-calamine, plus what calamine cannot tell.

Calamine (Rust) reads a 400,000-row sheet in about a second and returns typed Python values
(str, float, int, bool, date, datetime); it shows a formula by its cached result, and a
formula that was never calculated (files written by scripts) as an empty cell. An empty
cell that is really an uncalculated formula must be an error, not silently "missing", so
the parts are streamed once beforehand (bounded, see `guard.scan_entries`), and only a
sheet that contains formulas is parsed in detail to find those without a cached value.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from y90gui.io.guard import WorkbookFileError, check_workbook_file, scan_entries

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


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


def read_workbook(path: Path) -> list[RawSheet]:
    """All worksheets of `path`, after the safety checks of `guard`; raises WorkbookFileError."""
    zf = check_workbook_file(path)
    try:
        with_formulas = _parts_with_formulas(zf, path.name)
        uncached = {part: _problem_cells(zf, part) for part in with_formulas}
        try:
            part_of_sheet = _sheet_parts(zf) if uncached else {}
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
            try:
                rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except BaseException as exc:
                if isinstance(exc, _STOP):
                    raise
                rows = _read_sheet_slowly(path, meta.name, exc)
            part = part_of_sheet.get(meta.name)
            sheets.append(RawSheet(meta.name, rows, uncached.get(part, {}) if part else {}))
    finally:
        wb.close()
    return sheets


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


def _parts_with_formulas(zf: zipfile.ZipFile, name: str) -> set[str]:
    found: set[str] = set()
    tails: dict[str, bytes] = {}

    def visit(part: str, chunk: bytes) -> None:
        if not part.startswith("xl/worksheets/") or part in found:
            return
        seam = tails.get(part, b"") + chunk[:64]
        for data in (seam, chunk):
            # Cheap filters first: a formula element ends in "f>" (<f>, </f>, </x:f>; a shared
            # formula without text always has a master cell with </f>); error cells say t="e".
            if b't="e"' in data or (b"f>" in data and _FORMULA_TAG.search(data)):
                found.add(part)
                break
        tails[part] = chunk[-64:]

    scan_entries(zf, name, visit)
    return found


def _parse_xml_events(stream: Any) -> Any:
    from defusedxml.ElementTree import iterparse

    return iterparse(stream, events=("end",), forbid_dtd=True)


UNCACHED = "formula without a saved result: recalculate and save the file in Excel or LibreOffice, or paste the values"


def _problem_cells(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], tuple[str, str]]:
    """Formula cells with no cached value (no or empty <v>) and error cells of one sheet part."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
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
                    elem.clear()
                elif tag == "row":
                    elem.clear()
    except Exception as exc:  # malformed XML: calamine will say so with the sheet's name
        raise WorkbookFileError(f"{posixpath.basename(part)} is not well-formed XML ({_one_line(exc)})") from None
    return out


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
