"""A non-blocking exclusive OS lock on an open file: `fcntl.flock` on POSIX, `msvcrt.locking` on Windows.

The operating system drops the lock when its holder exits, however it exits, which is what
makes a lock file trustworthy: its text can be stale, its OS lock cannot. Used by the store's
write lock and by the temporary files of `core.atomic` (to tell a leftover from a file
another process is still writing).
"""

from __future__ import annotations

import errno
import os
import sys

#: Windows locks a byte range, and a locked range cannot be read by others either: the lock is
#: on one byte far beyond any content, so the file itself stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 30


def try_lock(fd: int) -> bool:
    """Take the exclusive lock of `fd` without waiting; False when another process holds it.

    Raises OSError when the file system cannot lock at all (ENOLCK on some network shares).
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    return True
