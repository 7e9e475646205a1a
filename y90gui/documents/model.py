"""The content model of the report document, shared by the Word and the PDF writer.

Everything is finished text or finished pictures: the writers add no number of their own.
Text that comes from the data (file name, filter text, category labels) stays plain text; the
Word writer puts it into runs (never a field), the PDF writer escapes it for reportlab's
paragraph mark-up, so nothing a user typed can become a field, a macro, a link or a tag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.analysis.tables import Table

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.core.progress import Progress
    from y90gui.figures.model import FigureDescription

PAGE_WIDTH_MM, PAGE_HEIGHT_MM, MARGIN_MM = 210.0, 297.0, 20.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM  # 170 mm: the two-column figure width
FIGURE_HEIGHT_MM = 120.0
FIGURE_DPI = 300.0


@dataclass
class DocFigure:
    number: int
    title: str
    legend: str
    png: bytes
    width_mm: float
    height_mm: float


@dataclass
class Document:
    title: str
    methods: list[str]
    tables: list[Table] = field(default_factory=list)
    figures: list[DocFigure] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)


def figure_png(desc: FigureDescription, width_mm: float = TEXT_WIDTH_MM, height_mm: float = FIGURE_HEIGHT_MM,
               dpi: float = FIGURE_DPI) -> bytes:
    """The figure as PNG bytes at its physical size (through the same renderer as `y90gui figure`)."""
    import tempfile

    from y90gui.figures.render import write_figure
    from y90gui.figures.settings import RenderSettings

    with tempfile.TemporaryDirectory() as tmp:
        path = write_figure(desc, Path(tmp) / "figure.png", RenderSettings(width_mm, height_mm, dpi))[0]
        return path.read_bytes()


def default_lab_test(report: dict[str, Any]) -> str:
    """The test Figure 4 shows: the most grade 3-4 events (ties: the format's order)."""
    from y90gui.core.codes import LAB_TEST

    tests = report["lab_toxicity"]["tests"]
    return max(LAB_TEST, key=lambda t: (tests[t]["grade3_4"]["n"], -LAB_TEST.index(t)))


def _excluded_sentence(report: dict[str, Any]) -> str:
    """' 2 excluded from analysis (…) are not counted.' when the report excluded anyone."""
    from y90gui.analysis.inclusion import REPORT_KEY, describe

    text = describe(report.get(REPORT_KEY) or {})
    return f" Patients {text}: counted in no table or figure." if text else ""


def methods_text(report: dict[str, Any], *, database: str, cohort: str, n_all: int,
                 date: dt.datetime) -> list[str]:
    """The methods and settings paragraph(s): what a reader needs to redo every number."""
    from y90gui import CTCAE_VERSION, __version__

    lab, os_ = report["lab_toxicity"], report["os"]
    basis = lab["basis"]
    return [
        f"Cohort: {cohort}: {report['patients']} of {n_all} patients in the database (patients with at least one "
        f"radioembolization), {report['procedures']} procedures. Database file: {database}. "
        f"Computed with y90gui {__version__} on {date.strftime('%Y-%m-%d %H:%M')}." + _excluded_sentence(report),
        f"Laboratory toxicity was graded by CTCAE v{CTCAE_VERSION}: per {basis[:-1]}, the worst grade on days "
        f"1\u2013{lab['window_days']} after each radioembolization against the baseline (the last value from 30 "
        "days before up to the procedure day); a value that cannot be graded is counted as not gradable. "
        f"Clinical toxicity: adverse events with onset on days 0\u2013{lab['window_days']} after the procedure "
        f"they belong to; toxicity and complication rates are per {basis}. Response: RECIST 1.1 at the "
        "assessment closest to day 90 after the first radioembolization (days 45\u2013135); where not recorded "
        "it was derived from the target-lesion sums.",
        "Overall survival was measured from the first radioembolization to death (event) or last follow-up "
        "(censored), in years of 365.25 days, and estimated by Kaplan\u2013Meier with pointwise 95% confidence "
        f"intervals by the {os_['ci_method']} method (Greenwood variance); medians and their limits follow "
        "R's survival package; NR = not reached. Follow-up was estimated by the reverse Kaplan\u2013Meier "
        "method. Percentages are rounded half up to whole numbers and exclude values not recorded.",
    ]


def build_document(fr: Frames, report: dict[str, Any], *, database: str, n_all: int,
                   cohort: str = "all patients", lab_test: str | None = None,
                   progress: Progress | None = None) -> Document:
    """The whole document from the frames and the report computed from them."""
    from y90gui.analysis.tables_outcomes import TEST_NAMES, all_tables
    from y90gui.figures.km import km_description
    from y90gui.figures.labcourse import labs_description
    from y90gui.figures.swimmer import swimmer_descriptions
    from y90gui.figures.waterfall import waterfall_description

    def step(i: int, text: str) -> None:
        if progress is not None:
            progress.step(i, 6, text)

    now = dt.datetime.now().astimezone()
    step(0, "tables")
    tables = all_tables(fr, report)
    test = lab_test or default_lab_test(report)
    step(1, "Kaplan-Meier figure")
    km = km_description(fr, ci_method=report["os"]["ci_method"])
    step(2, "swimmer plot")
    pages = swimmer_descriptions(fr)
    swimmer = pages[0]
    swimmer_note = (f" Shown: the {len(swimmer.bars)} patients with the longest follow-up of {report['patients']}; "
                    "`y90gui figure swimmer` writes every page." if len(pages) > 1 else "")
    step(3, "waterfall plot")
    waterfall = waterfall_description(fr)
    step(4, "laboratory course")
    labs = labs_description(fr, test)
    figures = []
    for number, desc, extra in ((1, km, ""), (2, swimmer, swimmer_note), (3, waterfall, ""), (4, labs, "")):
        # the caption is the figure's legend under the picture; not drawn into it a second time
        # (journals want legends as text, and the plot gets the room)
        figures.append(DocFigure(number, desc.title, desc.caption + extra, figure_png(replace(desc, caption="")),
                                 TEXT_WIDTH_MM, FIGURE_HEIGHT_MM))
    step(5, "document")
    title = "Y-90 radioembolization after PRRT: case series report"
    methods = methods_text(report, database=database, cohort=cohort, n_all=n_all, date=now)
    meta = {"title": title, "database": database, "date": now.isoformat(timespec="seconds"),
            "lab_test": TEST_NAMES[test]}
    return Document(title, methods, tables, figures, meta)


def document_for_store(store: Any, report: dict[str, Any], *, patient_ids: Any = None, cohort: str = "all patients",
                       frames: Frames | None = None, progress: Progress | None = None) -> Document:
    """`build_document` for an open store (the CLI). `frames`: those the report was computed
    from (`report --docx` passes them, so the store is read once); else read here."""
    from y90gui.analysis.frames import from_store

    fr = frames if frames is not None else from_store(store, patient_ids)
    n_all = store.counts()["patients"]  # a file or a registry (store.backend.CaseSeries)
    return build_document(fr, report, database=store.name, n_all=n_all, cohort=cohort, progress=progress)
