"""Recompute a page only while someone looks at it: now when shown, else on its next show.

The cohort pages (Swimmer, Waterfall, Tables) follow every filter change; computing them while
hidden would spend seconds of a 10,000-patient cohort on pages nobody sees.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class RefreshWhenShown(QWidget):
    """A page with `refresh()`; `request_refresh()` runs it when visible, else marks it stale."""

    stale: bool = True

    def refresh(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def request_refresh(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self.stale = True
