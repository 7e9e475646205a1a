"""Recognise a `.y90` file from its first 100 bytes, before SQLite touches it.

Opening a file with sqlite3 can write to it (a journal, a WAL, a schema upgrade). Deciding
"not ours", "truncated" or "too new" from the raw header first means such a file is left
byte-for-byte as it was.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path

from y90gui.core.casefile import SQLITE_MAGIC
from y90gui.store.errors import NotACaseSeriesError, TooNewError, TruncatedError


@dataclass(frozen=True)
class Header:
    page_size: int
    pages: int | None
    user_version: int
    application_id: int


def read_header(path: Path) -> Header:
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        raw = f.read(100)
    if len(raw) < 100 or not raw.startswith(SQLITE_MAGIC):
        if raw.startswith(SQLITE_MAGIC[:6]) and len(raw) < 100:
            raise TruncatedError(f"{path.name} is a truncated SQLite file ({size} bytes): it cannot be opened")
        raise NotACaseSeriesError(f"{path.name} is not a y90gui case series (not an SQLite database)")
    page_size = struct.unpack(">H", raw[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages = struct.unpack(">II", raw[24:32])
    valid_for = struct.unpack(">I", raw[92:96])[0]
    user_version = struct.unpack(">i", raw[60:64])[0]
    application_id = struct.unpack(">i", raw[68:72])[0]
    header = Header(page_size, pages if valid_for == change_counter else None, user_version, application_id)
    if page_size < 512 or page_size & (page_size - 1):
        raise NotACaseSeriesError(f"{path.name} has a damaged SQLite header (page size {page_size})")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        # A checkpoint interrupted by a crash leaves the header ahead of the file; the WAL still
        # holds every page and SQLite completes the checkpoint on open. Not truncation.
        return header
    if size % page_size or (header.pages is not None and size < header.pages * page_size):
        expected = (header.pages or 0) * page_size
        raise TruncatedError(
            f"{path.name} is truncated or damaged: {size} bytes where the header promises {expected}; "
            "restore it from a backup"
        )
    return header


def check_header(path: Path, application_id: int, schema_version: int) -> Header:
    """Raise a specific error unless `path` is a y90gui file this version can open."""
    header = read_header(path)
    if header.application_id != application_id:
        raise NotACaseSeriesError(
            f"{path.name} is an SQLite database, but not a y90gui case series (application id "
            f"{header.application_id:#x})"
        )
    if header.user_version > schema_version:
        raise TooNewError(
            f"{path.name} was written by a newer y90gui (file format {header.user_version}, this version "
            f"reads up to {schema_version}): update y90gui to open it"
        )
    return header
