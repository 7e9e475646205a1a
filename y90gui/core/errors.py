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


class StorageError(Y90Error):
    """SQLite could not use the file: it is damaged, its disk or share failed, another program
    holds it, or it may not be written. The file's or the disk's state, not the program's fault."""


#: SQLite's primary result codes that come from the file or where it lies, and what to tell the user.
_SQLITE_STORAGE = {
    3: "you may not read or write it (the system refuses access)",  # SQLITE_PERM
    5: "another program is using it (SQLite: {msg}); try again in a moment",  # SQLITE_BUSY
    6: "another program is using it (SQLite: {msg}); try again in a moment",  # SQLITE_LOCKED
    8: "it cannot be written (SQLite: {msg}): copy it to a folder you may write in",  # SQLITE_READONLY
    10: ("its disk reported an error (SQLite: {msg}): check the drive or the network share and try "
         "again; if it happens again, work on a backup copy"),  # SQLITE_IOERR
    11: ("it is damaged (SQLite: {msg}): work on a backup copy instead (y90gui keeps one from before "
         "each import in the folder {backups} beside it)"),  # SQLITE_CORRUPT
    14: "it cannot be opened (SQLite: {msg}): check that its folder still exists and is reachable",  # CANTOPEN
    26: ("it is damaged or not a case series (SQLite: {msg}): work on a backup copy instead (y90gui "
         "keeps one from before each import in the folder {backups} beside it)"),  # SQLITE_NOTADB
}


def storage_error(exc: BaseException, name: str | None = None) -> Y90Error | None:
    """The user's sentence for an SQLite error (`sqlite3.Error`) that the file or its disk caused;
    None for any other error (a bug: the caller lets it surface and be logged).

    One rule for the command line and the window: a damaged page, a failing stick or share, a
    file another program locks is not "unexpected" and gets no traceback. `name` is the file's.
    """
    if is_disk_full(exc):
        return disk_full(f"{name} is as it was" if name else "the case series is as it was")
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    text = _SQLITE_STORAGE.get(code & 0xFF)
    if text is None:
        return None
    backups = f"{name}.backups" if name else "named after it with .backups"  # io.importer.backup_dir
    return StorageError(f"{name or 'the case series file'}: "
                        + text.format(msg=str(exc) or type(exc).__name__, backups=backups))


def user_error(exc: BaseException, name: str | None = None) -> Y90Error | None:
    """What to tell the user about `exc`, or None when it is a bug (to be logged with its traceback).

    The one rule for the command line, the window's boxes and dialogs and what escapes a slot: a
    `Y90Error` as it is, an OSError (the user's disk or folder) as "reason: file", an SQLite
    error of the file or its disk as `storage_error` words it (`name`: the case series' file).
    """
    if isinstance(exc, Y90Error):
        return exc
    if isinstance(exc, OSError):
        return Y90Error(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    return storage_error(exc, name)
