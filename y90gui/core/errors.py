"""The base of every expected, user-facing error.

A `Y90Error` carries a message meant for the user: the CLI prints it as one line on stderr
(exit 1), the GUI shows it in a dialog. Anything else that escapes is a bug.
"""

from __future__ import annotations


class Y90Error(Exception):
    """An error the user caused or can act on; its message says what and where."""
