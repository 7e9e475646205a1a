"""The line every cohort view shows above its numbers: which filter, and "n of N patients".

Issue 12: the cohort toxicity page followed the table's filter silently (search "007" gave 1 of 2
procedures and nothing said so). Every cohort page (cohort toxicity, report, Kaplan–Meier, Cox…)
puts a `CohortCaption(session)` above its content; it observes `session.cohort_changed` and says
what `CohortView` the page computes from. A page whose numbers lag the filter (computed on a
worker) can call `show_view(view)` with the view its numbers are for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from y90gui.services.cohort_view import CohortView
from y90gui.ui.session import Session


def caption_text(view: CohortView) -> str:
    """'Cohort: search “007” — 1 of 44 patients' or 'Cohort: all 44 patients (no filter)'."""
    if view.patient_ids is None:
        return f"Cohort: all {view.total} patients (no filter)"
    return f"Cohort: {view.description} — {view.shown} of {view.total} patients"


class CohortCaption(QLabel):
    """A plain-text label (the description quotes the user's search) that follows the session's view."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CohortCaption")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName("cohort in use")
        self.view: CohortView | None = None
        session.cohort_changed.connect(self.show_view)
        session.closed.connect(self._closed)
        if session.store is not None:
            self.show_view(session.view)
        else:
            self._closed()

    def show_view(self, view: CohortView) -> None:
        self.view = view
        self.setText(caption_text(view))

    def _closed(self) -> None:
        self.view = None
        self.setText("Cohort: no case series open")
