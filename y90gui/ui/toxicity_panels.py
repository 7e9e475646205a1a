"""Toxicity by CTCAE v4.03 grade: one patient's lab grid and events, and the cohort's counts.

The grades come from the analysis package (`toxicity.graded_labs`, `worst_after_procedures`
and the report's `lab_toxicity`); these panels lay them out. Every coloured cell also says
its grade ("G3"), and baseline values are bold and marked "B".
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.codes import LAB_TEST
from y90gui.ui.grade_models import Cell, GradeTableModel
from y90gui.ui.palette import grade_fill

#: axis labels of the bar chart (full names overlap at ordinary widths; the table has them in full)
SHORT_NAMES = {"bilirubin": "bili", "albumin": "alb", "creatinine": "creat", "hemoglobin": "Hb",
               "lymphocytes": "lymph", "neutrophils": "neut", "platelets": "plt", "alt": "ALT", "ast": "AST",
               "alp": "ALP", "ggt": "GGT", "inr": "INR", "wbc": "WBC"}


def _table(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(name)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setWordWrap(True)
    return view


def _g(grade: Any) -> str:
    return "not gradable" if grade is None else f"G{grade}"


def _worst_grade(row: dict[str, Any]) -> Any:
    for key in ("worst_grade", "grade"):
        if key in row:
            return row[key]
    return None


def grade_legend(parent: QWidget, extra: str = "", grades: range = range(5)) -> QLabel:
    """The grade colours as a line of text (a legend outside the plot, so it never covers bars)."""
    legend = QLabel(parent)
    legend.setTextFormat(Qt.TextFormat.RichText)
    legend.setWordWrap(True)
    legend.setText("Grade: " + " ".join(
        f"<span style='background:{grade_fill(g)};color:{'#fff' if g and g >= 3 else '#1f2a33'};"
        f"padding:2px 6px'>&nbsp;G{g}&nbsp;</span>" for g in grades) + extra)
    return legend


def _caption(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("SectionLabel")
    label.setWordWrap(True)  # side-by-side captions must not set the page's minimum width (small screens)
    label.setStyleSheet("font-weight:600; color:#0f4c5c; padding-top:4px")
    return label


class PatientToxicityPanel(QWidget):
    """Lab grid (tests x dates), worst grade after each RE, adverse events and complications."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lab_model = GradeTableModel(self)
        self.worst_model = GradeTableModel(self)
        self.ae_model = GradeTableModel(self)
        self.lab_view = _table(self, "lab grid")
        self.lab_view.setModel(self.lab_model)
        self.worst_view = _table(self, "worst grade after each procedure")
        self.worst_view.setModel(self.worst_model)
        self.ae_view = _table(self, "adverse events")
        self.ae_view.setModel(self.ae_model)
        self.ae_view.verticalHeader().setVisible(False)
        self.graded: list[dict[str, Any]] = []
        self.worst: list[dict[str, Any]] = []
        legend = grade_legend(self, " &nbsp; <b>B</b> = baseline (last value up to 30 days before the procedure)")
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(_caption("Laboratory values by date (value · CTCAE v4.03 grade)", top))
        tl.addWidget(legend)
        tl.addWidget(self.lab_view, 1)
        bottom = QWidget(self)
        bl = QHBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(_caption("Worst grade on days 1–90 after each RE", bottom))
        left.addWidget(self.worst_view, 1)
        right = QVBoxLayout()
        right.addWidget(_caption("Adverse events and complications", bottom))
        right.addWidget(self.ae_view, 1)
        bl.addLayout(left, 1)
        bl.addLayout(right, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([330, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(split)

    def set_patient(self, data: dict[str, list[dict[str, Any]]]) -> None:
        from y90gui.analysis import toxicity

        self.graded = toxicity.graded_labs(data)
        self.worst = toxicity.worst_after_procedures(data)
        self._fill_labs(data)
        self._fill_worst(data)
        self._fill_events(data)

    def _fill_labs(self, data: dict[str, list[dict[str, Any]]]) -> None:
        """Tests x dates; the days of the procedures are columns too (marked "RE n"), for orientation."""
        procedures = {r["date"]: r["procedure"] for r in data.get("radioembolization", [])}
        dates = sorted({r["date"] for r in self.graded} | set(procedures))
        tests = [t for t in LAB_TEST if any(r["test"] == t for r in self.graded)]
        col = {d: i for i, d in enumerate(dates)}
        grid: list[list[Cell | None]] = [[None] * len(dates) for _ in tests]
        for r in self.graded:
            i, j = tests.index(r["test"]), col[r["date"]]
            grade = r.get("grade")
            base = bool(r.get("baseline"))
            text = f"{'B ' if base else ''}{r['value']:g} · {_g(grade) if grade is not None else 'n/g'}"
            tip = (f"{r['test']} {r['value']:g} {r['unit']} on {r['date']}\nCTCAE grade: {_g(grade)}"
                   + (f"\nULN {r['uln']:g}" if r.get("uln") is not None else "")
                   + (f"\nLLN {r['lln']:g}" if r.get("lln") is not None else "")
                   + ("\nbaseline value" if base else "")
                   + (f"\nafter RE {r['procedure']}" if r.get("procedure") is not None else ""))
            old = grid[i][j]
            if old is not None:  # two values of one test on one day: both shown, the worse colour
                worse = grade if old.grade in (None, -1) or (grade is not None and grade > old.grade) else old.grade
                grid[i][j] = Cell(f"{old.text} / {text}", worse, f"{old.tip}\n\n{tip}", bold=old.bold or base)
            else:
                grid[i][j] = Cell(text, grade, tip, bold=base)
        headers = [d.isoformat() + (f"\n▲ RE {procedures[d]}" if d in procedures else "") for d in dates]
        self.lab_model.set_grid([f"{t} [{self._unit(t)}]" for t in tests], headers, grid)

    def _unit(self, test: str) -> str:
        units = {r["unit"] for r in self.graded if r["test"] == test}
        return ", ".join(sorted(units))

    def _fill_worst(self, data: dict[str, list[dict[str, Any]]]) -> None:
        procs: list[int] = sorted({int(r["procedure"]) for r in self.worst if r.get("procedure") is not None})
        dates = {r["procedure"]: r["date"] for r in data.get("radioembolization", [])}
        tests = [t for t in LAB_TEST if any(r.get("test") == t for r in self.worst)]
        grid: list[list[Cell | None]] = [[None] * len(procs) for _ in tests]
        for r in self.worst:
            if r.get("procedure") not in procs or r.get("test") not in tests:
                continue
            grade = _worst_grade(r)
            base = r.get("baseline_grade")
            text = _g(grade) if grade is not None else "n/g"
            tip = f"{r['test']}: worst grade {_g(grade)} on days 1–90 after RE {r['procedure']}"
            if base is not None:
                tip += f" (baseline {_g(base)})"
            grid[tests.index(r["test"])][procs.index(r["procedure"])] = Cell(text, grade, tip)
        self.worst_model.set_grid(tests, [f"RE {p} ({dates.get(p, '')})" for p in procs], grid)

    def _fill_events(self, data: dict[str, list[dict[str, Any]]]) -> None:
        rows: list[list[Cell | None]] = []
        for r in sorted(data.get("adverse_events", []), key=lambda r: r["onset_date"]):
            g = r.get("grade")
            rows.append([Cell(str(r["onset_date"]), coloured=False), Cell(str(r["term"]), coloured=False),
                         Cell(str(r["category"]), coloured=False), Cell(_g(g), g),
                         Cell("" if r.get("procedure") is None else f"RE {r['procedure']}", coloured=False),
                         Cell(str(r.get("notes") or ""), coloured=False)])
        self.ae_model.set_grid([str(i + 1) for i in range(len(rows))],
                               ["onset", "term", "category", "grade", "after", "notes"], rows)


class CohortToxicityPanel(QWidget):
    """Per test: patients/procedures by worst grade, grade 3–4 n/N; table and stacked bar chart.

    Draws the report the report view computed (`set_report`); its "count per" choice is the
    session's `basis` setting, shared with the report."""

    basis_changed = Signal(str)

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from y90gui.analysis.options import BASES

        self.session = session
        self.report: dict[str, Any] | None = None
        self.basis = QComboBox(self)
        self.basis.addItems(BASES)
        self.basis.setAccessibleName("denominator")
        basis_label = QLabel("Count &per:", self)
        basis_label.setBuddy(self.basis)
        self.basis.currentTextChanged.connect(self.basis_changed)
        self.basis.currentTextChanged.connect(lambda text: session.update_settings(basis=text))
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.model = GradeTableModel(self)
        self.view = _table(self, "grade counts")
        self.view.setModel(self.model)
        self.chart = pg.PlotWidget(self, background="w")
        self.chart.setObjectName("ToxicityChart")
        self.chart.setMenuEnabled(False)
        self.chart.hideButtons()
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setLabel("left", "% of N")
        self._chart_names: list[str] | None = None  # the tests the bar and label items are for
        self._bars: list[Any] = []
        self._labels: list[Any] = []
        self.chart.setTitle("Worst grade per test, stacked G1–G4 as % of N; above each bar: grade 3–4 n/N",
                            color="#2c3d47", size="9pt")
        # the colours in a line under the chart (a legend inside covered the last bars at 200 %)
        self.chart_legend = grade_legend(self, "", range(1, 5))
        from y90gui.ui.cohort_caption import CohortCaption

        self.caption = CohortCaption(session, self)
        bar = QHBoxLayout()
        bar.addWidget(basis_label)
        bar.addWidget(self.basis)
        bar.addWidget(self.caption, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.view)
        chart_box = self.chart_box = QWidget(self)  # the chart with its colour line (a section tab)
        cl = QVBoxLayout(chart_box)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.chart, 1)
        cl.addWidget(self.chart_legend)
        split.addWidget(chart_box)
        split.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def set_report(self, report: dict[str, Any]) -> None:
        self.report = report
        lab = report.get("lab_toxicity") or {}
        basis = lab.get("basis", "procedures")
        if basis != self.basis.currentText():
            self.basis.blockSignals(True)
            self.basis.setCurrentText(basis)
            self.basis.blockSignals(False)
        from y90gui.services.report_html import rate

        ct, comp = report.get("clinical_toxicity_3m") or {}, report.get("complications") or {}
        reild = (report.get("reild") or {}).get("fatal")
        self.summary.setText(
            f"Clinical toxicity within 3 months: {rate(ct, ct.get('basis', basis))} &nbsp;·&nbsp; "
            f"Complications: {rate(comp, comp.get('basis', basis))} &nbsp;·&nbsp; "
            f"Fatal REILD: {rate(reild, 'patients')}")
        tests = lab.get("tests") or {}
        rows: list[list[Cell | None]] = []
        for t in tests.values():
            grades = t.get("grades") or {}
            g34 = t.get("grade3_4") or {}
            pct = g34.get("pct")
            cells: list[Cell | None] = [Cell(str(grades.get(str(g), 0)), g, coloured=bool(grades.get(str(g), 0)))
                                        for g in range(5)]
            rows.append(cells
                        + [Cell(str(t.get("not_gradable", 0)), None)]
                        + [Cell(f"{g34.get('n')}/{g34.get('N')}" + ("" if pct is None else f" ({pct:.1f} %)"),
                                coloured=False)])
        self.model.set_grid(list(tests), ["G0", "G1", "G2", "G3", "G4", "not gradable", f"G3–4 n/N ({basis})"], rows)
        self._draw_chart(tests)

    def _draw_chart(self, tests: dict[str, Any]) -> None:
        """Stacked bars and their n/N labels. The items are made once per set of tests and then
        only given new heights and texts: clearing and re-adding ~15 pyqtgraph items took ~60 ms
        of every filter change (issue 16)."""
        names = list(tests)
        if self._chart_names != names:
            self.chart.clear()
            self._chart_names = names
            self.chart.getAxis("bottom").setTicks([[(i, SHORT_NAMES.get(n, n)) for i, n in enumerate(names)]])
            self._bars = []
            for g in range(1, 5):
                item = pg.BarGraphItem(x=list(range(len(names))), y0=[0.0] * len(names), height=[0.0] * len(names),
                                       width=0.7, brush=pg.mkBrush(grade_fill(g)), pen=pg.mkPen("#4a5a64", width=0.6),
                                       name=f"G{g}")
                self.chart.addItem(item)
                self._bars.append(item)
            self._labels = []
            for _ in names:
                label = pg.TextItem("", color="#2c3d47", anchor=(0.5, 1.0))
                self.chart.addItem(label)
                self._labels.append(label)
            self.chart.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)], []])
            self.chart.setXRange(-0.6, len(names) - 0.4, padding=0)
        base = [0.0] * len(names)
        for g, item in zip(range(1, 5), self._bars, strict=True):
            heights = []
            for t in names:
                n_all = (tests[t].get("grade3_4") or {}).get("N") or 0
                heights.append(100.0 * (tests[t].get("grades") or {}).get(str(g), 0) / n_all if n_all else 0.0)
            item.setOpts(x=list(range(len(names))), y0=list(base), height=heights)
            base = [b + h for b, h in zip(base, heights, strict=True)]
        for i, (t, label) in enumerate(zip(names, self._labels, strict=True)):
            g34 = tests[t].get("grade3_4") or {}
            label.setText(f"{g34.get('n', 0)}/{g34.get('N', 0)}")
            label.setPos(i, base[i])
        self.chart.setYRange(0, max([*base, 10.0]) * 1.3, padding=0)

    def add_section(self, widget: QWidget, title: str) -> None:
        """Another view of the cohort's toxicity, in a tab beside the grade chart (the laboratory
        course); it is only shown, and so only computed, when its tab is chosen."""
        from PySide6.QtWidgets import QTabWidget

        split = self.findChild(QSplitter)
        assert split is not None
        tabs = QTabWidget(self)
        tabs.setObjectName("ToxicitySections")
        tabs.setDocumentMode(True)
        split.replaceWidget(split.indexOf(self.chart_box), tabs)
        tabs.addTab(self.chart_box, "Worst grade per test")
        tabs.addTab(widget, title)
        split.setSizes([180, 520])  # the figures need the height; the table scrolls
        self.sections = tabs
