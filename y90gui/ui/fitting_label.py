"""A label that shows the longest of its wordings that fits its width, never a cut-off word.

A status line beside other widgets ("7 labels hidden: zoom in") gets what room is left, which
at 200 % or in a narrow window can be a few characters: Qt then cuts the text wherever the
width ends ("7 labe"). This label is given its wordings from the longest to the shortest and
shows the first one whose width fits, choosing again when it is resized; the longest is its
tooltip. Its size never depends on its text, so a change of wording cannot lay its row out
again (the timeline's label layout runs on every resize of the plot).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittingLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wordings: tuple[str, ...] = ()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height())

    def set_wordings(self, wordings: Sequence[str], tooltip: str | None = None) -> None:
        """Longest first; `()` empties the label. `tooltip` defaults to the longest wording."""
        wordings = tuple(wordings)
        if wordings == self._wordings:
            return
        self._wordings = wordings
        self.setToolTip(tooltip if tooltip is not None else (wordings[0] if wordings else ""))
        self._fit()

    def full_text(self) -> str:
        """The longest wording (what the label says when it has the room)."""
        return self._wordings[0] if self._wordings else ""

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        fm = self.fontMetrics()
        shown = next((w for w in self._wordings if fm.horizontalAdvance(w) <= room), "")
        if self.text() != shown:
            self.setText(shown)
