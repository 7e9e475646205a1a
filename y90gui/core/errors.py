"""The base of every expected, user-facing error.

A `Y90Error` carries a message meant for the user: the CLI prints it as one line on stderr
(exit 1), the GUI shows it in a dialog. Anything else that escapes is a bug.
"""

from __future__ import annotations

import errno


class Y90Error(Exception):
    """An error the user caused or can act on; its message says what and where."""


class DiskFullError(Y90Error):
    """The disk (or the user's quota) is full; whatever was being written was left out whole."""


#: errno values that mean "no space" (the disk, or the user's quota), and SQLite's SQLITE_FULL code.
_NO_SPACE_ERRNO = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_SQLITE_FULL = 13


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` (an OSError or sqlite3.Error, possibly chained) means the disk is full."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _NO_SPACE_ERRNO:
            return True
        if getattr(current, "sqlite_errorcode", None) == _SQLITE_FULL or "database or disk is full" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full(where: str) -> DiskFullError:
    """The one message of a full disk, whatever was being written (`where` says what is unchanged)."""
    return DiskFullError(f"the disk is full: nothing was written ({where}; free some space and try again)")
