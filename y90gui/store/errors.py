"""Errors a user can cause or meet when opening or writing a case series.

Every class here carries a message meant for the user; the CLI prints it as one line and the
GUI shows it in a dialog. Anything else that escapes is a bug.
"""

from __future__ import annotations

from y90gui.core.errors import Y90Error


class StoreError(Y90Error):
    pass


class NotACaseSeriesError(StoreError):
    pass


class TruncatedError(StoreError):
    pass


class TooNewError(StoreError):
    pass


class ReadOnlyError(StoreError):
    pass


class NothingToUndoError(StoreError):
    pass
