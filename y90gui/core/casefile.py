"""What makes a file a y90gui case series, from its first 100 bytes (no SQLite needed).

`store.schema` writes the application id, `store.header` checks a file before SQLite opens it,
and `core.atomic` refuses to let anything but a case-series writer replace one.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
#: "Y90G": identifies a y90gui case series among SQLite databases (PRAGMA application_id, the
#: big-endian integer at byte 68 of the header).
CASE_SERIES_APPLICATION_ID = 0x59393047


def is_case_series(path: Path) -> bool:
    """Whether `path` is a y90gui case series (its SQLite header names y90gui), read from its
    first 100 bytes only; False for anything that is not a readable file."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except OSError:
        return False
    return (len(head) == 100 and head.startswith(SQLITE_MAGIC)
            and int.from_bytes(head[68:72], "big") == CASE_SERIES_APPLICATION_ID)
