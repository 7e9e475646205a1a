"""Decide whether a file is a workbook we may open, before any parser touches it.

An import file comes from outside: it may be an old .xls, a password-protected workbook (an
OLE container, not a zip), something that is not a spreadsheet at all, or a zip bomb that
would unpack to gigabytes. Each gets its own message. The zip checks read only the central
directory (bounded memory) and refuse entries whose declared size or compression ratio is
beyond what any real case-series workbook needs; `scan_entries` then streams every part in
small chunks with a hard byte limit, so a lying header cannot make a parser allocate more.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from y90gui.core.errors import Y90Error

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: Limits far above a real workbook (the 10,000-patient benchmark unpacks to ~120 MB).
MAX_TOTAL_UNCOMPRESSED = 2_000_000_000
MAX_ENTRY_UNCOMPRESSED = 1_500_000_000
MAX_ENTRIES = 10_000
#: Spreadsheet XML compresses 5-30x, very repetitive XML up to ~150x; bombs go far beyond.
MAX_RATIO = 400
_RATIO_FLOOR = 1_000_000  # small parts may compress well without harm
_CHUNK = 1 << 20


class WorkbookFileError(Y90Error):
    """The file is not a workbook this program can read; the message says what it is instead."""


def check_workbook_file(path: Path) -> zipfile.ZipFile:
    """Open `path` as an .xlsx zip after the safety checks; the caller closes the ZipFile."""
    name = path.name
    if not path.exists():
        raise WorkbookFileError(f"{path} does not exist")
    if path.is_dir():
        raise WorkbookFileError(f"{path} is a folder, not a workbook")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(OLE_MAGIC):
        if _ole_has_stream(path, "EncryptionInfo") or _ole_has_stream(path, "EncryptedPackage"):
            raise WorkbookFileError(
                f"{name} is password-protected (encrypted): open it in Excel, remove the password "
                "(File > Info > Protect Workbook > Encrypt with Password) and save it as .xlsx")
        raise WorkbookFileError(
            f"{name} is an old Excel 97-2003 (.xls) or other OLE file: open it in Excel or LibreOffice "
            "and save it as an Excel workbook (.xlsx)")
    if not any(head.startswith(m) for m in ZIP_MAGIC):
        raise WorkbookFileError(f"{name} is not an Excel workbook (.xlsx): it is not a zip package"
                                + (" (it is empty)" if not head else ""))
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:  # noqa: BLE001
        # A byte flip in the central directory surfaces as BadZipFile, but also as
        # NotImplementedError ("zip file version 6.4"), ValueError, struct.error,
        # UnicodeDecodeError or OverflowError, by the field it hits: all mean a damaged file.
        raise WorkbookFileError(f"{name} is a damaged zip file and cannot be read as a workbook ({exc})") from None
    try:
        _check_entries(zf, name)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_entries(zf: zipfile.ZipFile, name: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise WorkbookFileError(f"{name} has {len(infos)} parts: refused as a possible zip bomb")
    names = {i.filename.lower() for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        hint = " (an OpenDocument .ods file: save it as .xlsx)" if "content.xml" in names else ""
        raise WorkbookFileError(f"{name} is a zip file but not an Excel workbook (.xlsx){hint}")
    if "xl/workbook.bin" in names:
        raise WorkbookFileError(f"{name} is a binary .xlsb workbook: save it as an Excel workbook (.xlsx)")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookFileError(f"{name} has encrypted parts: remove the password and save it again")
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        if size > MAX_ENTRY_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED or (
                size > _RATIO_FLOOR and ratio > MAX_RATIO):
            raise WorkbookFileError(
                f"{name}: part {info.filename} would unpack to {size:,} bytes (ratio {ratio:,.0f}:1): "
                "refused as a possible zip bomb")


def scan_entries(zf: zipfile.ZipFile, name: str, visit: Callable[[str, bytes], None] | None = None) -> None:
    """Stream every part once in 1 MB chunks (CRC and size checked by zipfile) with a byte cap.

    `visit(part_name, chunk)` sees the data (the formula scan uses it). A part that unpacks
    to more than it declared, or fails its CRC, is refused here before calamine reads it.
    """
    for info in zf.infolist():
        if info.is_dir():
            continue
        limit = info.file_size
        seen = 0
        try:
            with zf.open(info) as part:
                while True:
                    chunk = part.read(_CHUNK)
                    if not chunk:
                        break
                    seen += len(chunk)
                    if seen > limit or seen > MAX_ENTRY_UNCOMPRESSED:
                        raise WorkbookFileError(f"{name}: part {info.filename} unpacks beyond its declared size")
                    if visit is not None:
                        visit(info.filename, chunk)
        except Y90Error:
            raise
        except Exception as exc:  # zlib.error, BadZipFile (CRC), EOFError, NotImplementedError (method), ...
            raise WorkbookFileError(f"{name} is damaged: part {info.filename} cannot be unpacked ({exc})") from None


def _ole_has_stream(path: Path, stream: str) -> bool:
    """Whether an OLE compound file names `stream` in its directory (UTF-16LE entry names)."""
    needle = stream.encode("utf-16-le")
    pattern = re.compile(re.escape(needle))
    tail = b""
    with open(path, "rb") as f:
        read = 0
        while read < 200_000_000:
            chunk = f.read(_CHUNK)
            if not chunk:
                return False
            read += len(chunk)
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-len(needle):]
    return False
