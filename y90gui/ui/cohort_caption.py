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
    """'Cohort: 1 of 44 patients (search “007”)' or 'Cohort: all 44 patients': `CohortView.scope()`,
    the one phrasing of the cohort line (the Cohort menu, the Cox page and the figures' captions)."""
    return f"Cohort: {view.scope()}"


def session_scope(session: Session, view: CohortView | None = None) -> str:
    """`view.scope()` of `view` (default the session's); before the patient table has sent its
    first view (total 0), every patient of the loaded cohort."""
    view = session.view if view is None else view
    if view.total == 0 and view.patient_ids is None and session.cohort is not None:
        from dataclasses import replace

        view = replace(view, total=len(session.cohort.frames.patients))
    return view.scope()


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
