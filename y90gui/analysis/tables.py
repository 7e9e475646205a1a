"""The paper's Tables 1-4 as data (spec/publication.md): header rows, body rows, footnotes.

Computed from the same frames as the report (`report.treated`, `prior_prrt`, `recist`,
`lab_windows`, `survival`) and, where the report already holds a figure, from the report dict
itself (the grade counts, n/N of every rate, the OS median and landmarks), so a table can
never disagree with `report --json`. Cells are finished text in the spec's formats
(`tables_format`); the document, the workbook and the window only lay them out.

Table 1 and 2 are here, Tables 3 and 4 in `tables_outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from y90gui.analysis import inclusion
from y90gui.analysis.tables_format import DASH, NOT_RECORDED, continuous, count_pct, limit, round_half_up
from y90gui.core.codes import DOSIMETRY_METHOD, EXTENT, MICROSPHERES, PRIMARY_SITE, RADIOPHARMACEUTICAL, WHO_GRADE

if TYPE_CHECKING:

    from y90gui.analysis.frames import Frames


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Row:
    """One body row: finished cell texts; `indent` 1 = a category under its label row."""

    cells: tuple[str, ...]
    indent: int = 0
    label: bool = False  # a row that only names the category lines below it


@dataclass
class Table:
    number: int
    title: str
    header: list[list[HeaderCell]]
    rows: list[Row] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> int:
        return sum(c.colspan for c in self.header[0])

    def placed(self) -> list[tuple[int, int, HeaderCell]]:
        """Every header cell with the (row, column) it starts at, spans taken into account."""
        out = []
        taken = [[False] * self.columns for _ in self.header]
        for r, cells in enumerate(self.header):
            c = 0
            for cell in cells:
                while taken[r][c]:
                    c += 1
                out.append((r, c, cell))
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[r + dr][c + dc] = True
                c += cell.colspan
        return out

    def header_grid(self) -> list[list[str]]:
        """The header as a full grid of texts ("" where a spanned cell continues)."""
        grid = [[""] * self.columns for _ in self.header]
        for r, c, cell in self.placed():
            grid[r][c] = cell.text
        return grid

    def spans(self) -> list[tuple[int, int, int, int]]:
        """(row, column, rowspan, colspan) of every header cell that spans more than one."""
        return [(r, c, cell.rowspan, cell.colspan) for r, c, cell in self.placed()
                if cell.colspan > 1 or cell.rowspan > 1]

    def text_rows(self) -> list[list[str]]:
        """Header grid then body rows, indented categories prefixed by two spaces (TSV, xlsx)."""
        return self.header_grid() + [[("  " * r.indent) + r.cells[0], *r.cells[1:]] for r in self.rows]


def two_columns(first: str, second: str) -> list[list[HeaderCell]]:
    return [[HeaderCell(first), HeaderCell(second)]]


#: words of a code that are abbreviations, written as such (prrt -> PRRT)
ABBREVIATIONS = {"prrt": "PRRT", "re": "RE", "recist": "RECIST", "ctcae": "CTCAE", "who": "WHO",
                 "reild": "REILD", "ne": "NE"}


def label(value: str) -> str:
    """A code as a reader writes it: small_bowel -> small bowel, prrt -> PRRT."""
    return " ".join(ABBREVIATIONS.get(word, word) for word in value.split("_"))


def categorical(name: str, values: Any, codes: Sequence[tuple[str, str]]) -> list[Row]:
    """A label row, one `n (p%)` line per code (of those recorded) and `not recorded` (> 0)."""
    recorded = values[values.notna()]
    rows = [Row((name, ""), label=True)]
    for code, text in codes:
        rows.append(Row((text, count_pct(int((recorded == code).sum()), len(recorded))), indent=1))
    return rows + not_recorded(len(values) - len(recorded))


def not_recorded(missing: int) -> list[Row]:
    return [Row((NOT_RECORDED, str(missing)), indent=1)] if missing > 0 else []


def yes_row(name: str, values: Any) -> list[Row]:
    """A yes/no field (1.0 / 0.0 / NaN) as one `n (p%)` row of "yes" among the recorded."""
    recorded = values[values.notna()]
    return [Row((name, count_pct(int((recorded == 1).sum()), len(recorded))))] + not_recorded(
        len(values) - len(recorded))


def continuous_row(name: str, values: Any, decimals: int, iqr: bool) -> list[Row]:
    import numpy as np

    v = np.asarray(values, dtype=float)
    known = v[~np.isnan(v)]
    return [Row((name, continuous(known, decimals, iqr=iqr)))] + not_recorded(len(v) - len(known))


def _summary_words(iqr: bool) -> str:
    return "median (IQR q1\u2013q3)" if iqr else "median (min\u2013max)"


def table1(fr: Frames, *, iqr: bool = False) -> Table:
    """Patient characteristics; N = patients with at least one radioembolization."""
    fr = inclusion.analysed(fr)
    import numpy as np
    import pandas as pd

    from y90gui.analysis import survival
    from y90gui.analysis.prior_prrt import prior_prrt
    from y90gui.analysis.report import treated
    from y90gui.analysis.survival import os_arrays

    pats, _ = treated(fr)
    n = len(pats)
    first = pats.set_index("patient_id")["first_re"]
    years = pd.to_datetime(pats["first_re"], unit="D").dt.year.to_numpy(dtype=float)
    pp = prior_prrt(fr, first).reindex(pats["patient_id"])
    agents = pp["agents"]
    regimen = pd.Series([None if not isinstance(a, tuple) or not a else (a[0] if len(a) == 1 else "combination")
                         for a in agents], dtype=object)
    days, dead = os_arrays(pats)
    reverse = survival.kaplan_meier(days, ~dead) if n else None
    fu_years = days / survival.DAYS_PER_YEAR
    s = _summary_words(iqr)

    rows = [Row(("Patients, N", str(n)))]
    rows += categorical("Sex", pats["sex"], [("F", "female"), ("M", "male")])
    rows += continuous_row(f"Age at first radioembolization, years, {s}", years - pats["birth_year"].to_numpy(),
                           0, iqr)
    rows += categorical("Primary site", pats["primary_site"], [(c, label(c)) for c in PRIMARY_SITE])
    rows += categorical("WHO grade", pats["who_grade"], [(c, c) for c in WHO_GRADE])
    rows += continuous_row(f"Ki-67, %, {s}", pats["ki67_pct"], 1, iqr)
    rows += yes_row("Functional syndrome, yes", pats["functional_syndrome"])
    rows += yes_row("Extrahepatic disease, yes", pats["extrahepatic_disease"])
    rows += continuous_row(f"Hepatic tumour burden, %, {s}", pats["hepatic_tumour_burden_pct"], 0, iqr)
    rows += continuous_row(f"PRRT cycles per patient, {s}", pp["cycles"], 0, iqr)
    rows += continuous_row(f"Cumulative PRRT activity, GBq, {s}", pp["gbq"], 1, iqr)
    rows += categorical("PRRT radiopharmaceuticals", regimen,
                        [(c, c) for c in RADIOPHARMACEUTICAL] + [("combination", "combination")])
    rows += continuous_row(f"Days from the last PRRT cycle to the first radioembolization, {s}",
                           pp["days_to_re"], 0, iqr)
    if reverse is not None and len(fu_years):
        fu = (f"{limit(reverse.median_years, 1)} ({round_half_up(float(np.min(fu_years)), 1)}"
              f"{DASH}{round_half_up(float(np.max(fu_years)), 1)})")
    else:
        fu = DASH
    rows.append(Row(("Follow-up, years, median (range)", fu)))
    rows.append(Row(("Deaths", count_pct(int(dead.sum()), n))))
    with_prrt = int(pp["cycles"].notna().sum())
    notes = [
        f"N = {n} patients with at least one radioembolization. n (%) of the patients with the value recorded; "
        f"'{NOT_RECORDED}' is a count outside the denominator.",
        f"Continuous values: {s}. Age = year of the first radioembolization \u2212 year of birth.",
        f"PRRT: cycles before the first radioembolization; N = {with_prrt} patients with prior PRRT "
        f"('{NOT_RECORDED}': no cycle recorded before it). 'combination': more than one radiopharmaceutical.",
        "Follow-up: median by the reverse Kaplan\u2013Meier method (deaths censored, patients alive at "
        "last follow-up as events), with the range of the follow-up times.",
    ]
    return Table(1, "Patient characteristics", two_columns("Characteristic", f"Patients (N = {n})"), rows, notes)


def table2(fr: Frames, *, iqr: bool = False) -> Table:
    """Radioembolization procedures; N = procedures."""
    fr = inclusion.analysed(fr)
    import numpy as np

    from y90gui.analysis.report import treated

    pats, procs = treated(fr)
    n_pats, n = len(pats), len(procs)
    per_patient = procs.groupby("patient_id").size().reindex(pats["patient_id"], fill_value=0).to_numpy()
    gaps = procs.groupby("patient_id", sort=False)["date"].diff().to_numpy(dtype=float)
    gaps = gaps[~np.isnan(gaps)]
    s = _summary_words(iqr)

    rows = [Row(("Procedures, N", str(n))), Row(("Procedures per patient", ""), label=True)]
    for k, text in ((1, "1"), (2, "2")):
        rows.append(Row((text, count_pct(int((per_patient == k).sum()), n_pats)), indent=1))
    rows.append(Row(("3 or more", count_pct(int((per_patient >= 3).sum()), n_pats)), indent=1))
    rows += categorical("Extent", procs["extent"], [(c, label(c)) for c in EXTENT])
    rows += categorical("Microspheres", procs["microspheres"], [(c, c) for c in MICROSPHERES])
    rows += continuous_row(f"Activity planned, GBq, {s}", procs["activity_planned_gbq"], 2, iqr)
    rows += continuous_row(f"Activity administered, GBq, {s}", procs["activity_administered_gbq"], 2, iqr)
    rows += categorical("Dosimetry method", procs["dosimetry_method"], [(c, label(c)) for c in DOSIMETRY_METHOD])
    rows += continuous_row(f"Lung shunt fraction, %, {s}", procs["lung_shunt_pct"], 1, iqr)
    rows.append(Row((f"Days between consecutive procedures of a patient, {s}", continuous(gaps, 0, iqr=iqr))))
    notes = [
        f"N = {n} radioembolization procedures in {n_pats} patients. Procedures per patient: n (%) of the "
        f"{n_pats} patients; every other line: n (%) of the procedures with the value recorded.",
        f"Continuous values: {s}. Intervals: {len(gaps)} pairs of consecutive procedures.",
    ]
    return Table(2, "Radioembolization procedures", two_columns("Characteristic", f"Procedures (N = {n})"),
                 rows, notes)
