"""Cohort pages that show a publication figure: the swimmer plot and the waterfall plot.

Each page draws the `figures` description of the session's current filter (the shown
patients' frames, `CohortData.subset`) in a `FigureView`, so the page and the exported file are
the same drawing of the same numbers. The description is computed on a worker, only while the
page is visible (a filter change while it is hidden only marks it stale), a newer request
superseding an older one. The swimmer plot comes in pages of 100 patients, as the file does;
the page selector shows one at a time. "Export figure…" opens `dialogs.figure_export` with the
same description(s).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from y90gui.ui.figure_view import FigureView
from y90gui.ui.flow_layout import FlowLayout
from y90gui.ui.shown_refresh import RefreshWhenShown

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.figures.model import FigureDescription
    from y90gui.ui.session import Session

Compute = Callable[["Frames"], "list[FigureDescription]"]


def scope_text(session: Session) -> str:
    """'all 44 patients' / '12 of 44 patients (centre = Bonn)' for the caption
    (`cohort_caption.session_scope`, the one phrasing)."""
    from y90gui.ui.cohort_caption import session_scope

    return session_scope(session)


class CohortFigurePage(RefreshWhenShown):
    """A figure of the filtered cohort; subclasses say what to compute (`job`) and add controls."""

    #: the figure on screen was redrawn (after each computation)
    redrawn = Signal()
    kind = "figure"
    title = "Figure"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pages: list[FigureDescription] = []
        self.stale = True
        self.scope = QLabel(self)
        self.scope.setObjectName("FigureScope")
        self.status = QLabel(self)
        self.status.setObjectName("SubtleLabel")
        self.page_box = QSpinBox(self)
        self.page_box.setAccessibleName("page")
        self.page_box.setPrefix("Page ")
        self.page_box.setMinimum(1)
        self.page_label = QLabel(self)
        self.page_box.valueChanged.connect(self._show_page)
        self.export_button = QPushButton("E&xport figure…", self)
        self.export_button.clicked.connect(self.export)
        self.export_button.setEnabled(False)
        self.bar = FlowLayout()  # wraps, so the page never sets the window's minimum width
        self.add_controls(self.bar)
        self.bar.addWidget(self.scope)
        self.bar.addWidget(self.status)
        self.bar.addWidget(self.page_box)
        self.bar.addWidget(self.page_label)
        self.bar.addWidget(self.export_button)
        self.view = FigureView(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(self.bar)
        layout.addWidget(self.view, 1)
        self._set_pages([])
        session.cohort_changed.connect(lambda _v: self.request_refresh())
        session.cohort_loaded.connect(lambda _c: self.request_refresh())

    # ------------------------------------------------------------------ for subclasses
    def add_controls(self, bar: QLayout) -> None:
        """Widgets before the caption (a test, a time unit); their change calls `request_refresh`."""

    def job(self) -> Compute:
        """The computation for the current controls (runs on a worker: data only, no widgets)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ refresh
    def refresh(self) -> None:
        cohort = self.session.cohort
        if cohort is None:
            self.stale = True
            self.status.setText("loading the case series…")
            return
        self.stale = False
        view = self.session.view
        frames = cohort.subset(None if view.patient_ids is None else self.session.shown_ids())
        compute = self.job()
        scope = scope_text(self.session)
        self.status.setText("computing…")

        def done(pages: list[FigureDescription]) -> None:
            self.scope.setText(scope)
            self.status.setText("")
            self._set_pages(pages)

        def failed(exc: BaseException) -> None:
            self.status.setText("failed")
            self.session.failed.emit(f"The {self.title.lower()} could not be drawn", exc)

        self.session.tasks.start(f"figure:{self.kind}", lambda _p: compute(frames), done, failed)

    def _set_pages(self, pages: list[FigureDescription]) -> None:
        self.pages = pages
        many = len(pages) > 1
        self.page_box.blockSignals(True)
        self.page_box.setMaximum(max(1, len(pages)))
        self.page_box.setValue(1)
        self.page_box.blockSignals(False)
        self.page_box.setVisible(many)
        self.page_label.setVisible(many)
        self.page_label.setText(f"of {len(pages)}")
        self.export_button.setEnabled(bool(pages))
        self._show_page(1)

    def _show_page(self, number: int) -> None:
        self.view.show_description(self.pages[number - 1] if self.pages else None)
        self.redrawn.emit()

    def export(self) -> Any:
        from y90gui.ui.dialogs.figure_export import cohort_of, export_figure

        pages = list(self.pages)
        if not pages:
            return None
        path = export_figure(self, lambda: pages, name=self.title, cohort=cohort_of(self.session))
        if path is not None:
            self.session.message.emit(f"Figure saved: {path}", 8000)
        return path


class SwimmerPage(CohortFigurePage):
    kind = "swimmer"
    title = "Swimmer plot"

    def add_controls(self, bar: QLayout) -> None:
        self.time_combo = QComboBox(self)
        self.time_combo.addItems(["years", "months"])
        self.time_combo.setAccessibleName("time unit")
        label = QLabel("&Time in:", self)
        label.setBuddy(self.time_combo)
        bar.addWidget(label)
        bar.addWidget(self.time_combo)
        self.time_combo.currentTextChanged.connect(lambda _t: self.request_refresh())

    def job(self) -> Compute:
        unit = self.time_combo.currentText()

        def compute(fr: Frames) -> list[FigureDescription]:
            from y90gui.figures.swimmer import swimmer_descriptions

            return swimmer_descriptions(fr, time_unit=unit)

        return compute


class WaterfallPage(CohortFigurePage):
    kind = "waterfall"
    title = "Waterfall plot"

    def job(self) -> Compute:
        def compute(fr: Frames) -> list[FigureDescription]:
            from y90gui.figures.waterfall import waterfall_description

            return [waterfall_description(fr)]

        return compute
