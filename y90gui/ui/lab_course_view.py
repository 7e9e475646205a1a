"""The laboratory course after radioembolization (Figure 4) as a view of the Cohort toxicity page.

A `CohortFigurePage` of `figures.labcourse.labs_description` for the chosen test and scale
(x ULN where CTCAE grades by the ULN, or the SI value): median and IQR per interval relative to
each procedure, the number of values per interval under the axis, the CTCAE thresholds as faint
lines, for the session's current filter. Computed on a worker while visible; exported with the
figure export dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from y90gui.ui.cohort_figures import CohortFigurePage, Compute

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.figures.model import FigureDescription

SCALES = (("auto", "× ULN where CTCAE grades by it"), ("uln", "× ULN"), ("value", "value (SI unit)"))


class LabCourseView(CohortFigurePage):
    kind = "labs"
    title = "Laboratory course"

    def add_controls(self, bar: QHBoxLayout) -> None:
        from y90gui.analysis.tables_outcomes import TEST_NAMES
        from y90gui.core.codes import LAB_TEST

        self.test_combo = QComboBox(self)
        for code in LAB_TEST:
            self.test_combo.addItem(TEST_NAMES.get(code, code), code)
        self.test_combo.setAccessibleName("laboratory test")
        self.scale_combo = QComboBox(self)
        for code, text in SCALES:
            self.scale_combo.addItem(text, code)
        self.scale_combo.setAccessibleName("scale")
        for text, combo in (("La&b test:", self.test_combo), ("Sc&ale:", self.scale_combo)):
            label = QLabel(text, self)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
            combo.currentIndexChanged.connect(lambda _i: self.request_refresh())

    def set_test(self, code: str) -> None:
        self.test_combo.setCurrentIndex(self.test_combo.findData(code))

    def job(self) -> Compute:
        test, scale = self.test_combo.currentData(), self.scale_combo.currentData()
        self.title = f"Laboratory course — {self.test_combo.currentText()}"

        def compute(fr: Frames) -> list[FigureDescription]:
            from y90gui.figures.labcourse import labs_description

            return [labs_description(fr, test, scale=scale)]

        return compute
