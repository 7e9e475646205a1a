"""The study report as an Excel workbook a co-author can open (written by `core.xlsxwrite`).

One sheet per table of spec/report.md, the Kaplan-Meier figure as a picture, the PFS and
landmark sheets of spec/analysis.md (`endpoint_sheets`), and a Settings sheet. Two rules protect
the reader: text cells are always written as text (a centre or patient code starting with
= + - @ never becomes a formula), and the file appears only when complete (written to a
temporary file in the same folder, then renamed over the target).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from y90gui.analysis import inclusion
from y90gui.analysis.cohort_label import cohort_label
from y90gui.analysis.frames import to_dates
from y90gui.analysis.xlsx_sheets import Sheet, grade_grid, sheet_data, table, worsened
from y90gui.core.atomic import atomic_file
from y90gui.core.codes import LAB_TEST, TREATMENT
from y90gui.core.gc_pause import paused_gc
from y90gui.core.xlsxwrite import write_xlsx

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.analysis.lab_windows import GradeTables
    from y90gui.core.progress import Progress

#: Survival-by-stratum table of the Survival sheet (fields of strata.STRATA_FIELDS).
STRATIFY_BY = ("center", "extent", "extrahepatic_disease", "who_grade", "functional_syndrome")


def _frac(label: str, f: dict[str, Any], denominator: str) -> list[Any]:
    return [label, f["n"], f["N"], f["pct"], denominator]


def _frames(data_or_store: Any) -> Frames:
    from y90gui.analysis.frames import Frames, from_case_data, from_store

    if isinstance(data_or_store, Frames):  # derived once by the caller (the window's cohort)
        return data_or_store
    if isinstance(data_or_store, dict):
        return from_case_data(data_or_store)
    return from_store(data_or_store)


def write_report_workbook(report: dict[str, Any], data_or_store: Any, path: str | Path,
                          progress: Progress | None = None, *, settings: dict[str, Any] | None = None) -> Path:
    """Write `report` (from `compute_report` / `report_for_store`) with its detail tables.

    `data_or_store` is the `CaseData` or the open `Store` the report was computed from.
    """
    from y90gui.analysis import recist
    from y90gui.analysis import report as rep

    path = Path(path)
    step = progress.step if progress is not None else (lambda *a: None)
    step(0, 10, "reading the case series")
    fr = _frames(data_or_store)
    # every sheet and paper table asks for the treated patients of `fr`, the Response and PFS
    # sheets for the judged assessments; the sheets' ~900,000 cells are long-lived objects in no
    # cycle, which each collection would walk again
    with rep.treated_once(), recist.judged_once(), paused_gc():
        _write(report, fr, path, progress, step, source=fr.source or getattr(data_or_store, "path", None),
               settings=settings)
    return path


def _write(report: dict[str, Any], fr: Frames, path: Path, progress: Progress | None, step: Any, *,
           source: Any, settings: dict[str, Any] | None) -> None:
    """The sheets of `write_report_workbook`, inside its `treated_once` block."""
    from y90gui import CTCAE_VERSION, __version__
    from y90gui.analysis import endpoint_sheets, km_figure, recist, strata, survival
    from y90gui.analysis import report as rep
    from y90gui.analysis.prepared_report import lab_tables

    basis = report["lab_toxicity"]["basis"]
    window = report["lab_toxicity"]["window_days"]
    ci_method = report["os"]["ci_method"]
    pats, procs = rep.treated(fr)

    sheets: list[Sheet] = []

    def new_sheet(title: str) -> Sheet:
        sheets.append(Sheet(title))
        return sheets[-1]

    ws = new_sheet("Cohort")
    step(1, 10, "cohort")
    pr = report["prrt_to_re_days"]
    rows = [
        ["Patients (at least one radioembolization)", report["patients"], None, None, "patients"],
        ["Radioembolization procedures", report["procedures"], None, None, "procedures"],
        _frac("Whole-liver procedures", report["whole_liver"], "procedures"),
        _frac("REILD, any", report["reild"]["any"], "patients"),
        _frac("REILD, fatal (grade 5)", report["reild"]["fatal"], "patients"),
    ]
    rows += [_frac(f"Treatment after first RE: {t}", report["post_re_treatments"][t], "patients") for t in TREATMENT]
    nxt = table(ws, 1, ["Figure", "n", "N", "%", "denominator counts"], rows)
    table(ws, nxt, ["PRRT -> first RE (days)", "median", "Q1", "Q3", "N (patients with prior PRRT)"],
           [["last PRRT cycle before the first RE to the first RE", pr["median"], pr["q1"], pr["q3"], pr["N"]]])

    step(2, 10, "prior PRRT")
    ws = new_sheet("Prior PRRT")
    out = _prior_prrt_rows(fr.prrt, pats.set_index("patient_id")["first_re"])
    table(ws, 1, ["patient_id", "cycles", "cumulative activity (GBq)", "radiopharmaceuticals", "first cycle",
                   "last cycle before RE", "days to first RE"], out)

    step(3, 10, "procedures")
    ws = new_sheet("Procedures")
    ae = rep.ae_with_procedure(fr, procs)
    clin = ae[(ae["category"] == "clinical") & ae["proc"].notna()]
    clin = clin[(clin["onset_date"] - clin["proc_date"]).between(0, window)]
    clin_keys = set(zip(clin["patient_id"], clin["proc"].astype(int), strict=True))
    comp = ae[(ae["category"] == "complication") & ae["proc"].notna()]
    comp_keys = set(zip(comp["patient_id"], comp["proc"].astype(int), strict=True))
    out = []  # column by column (to_dict("records") built a dict per procedure)
    for pid, number, date, extent, spheres, gbq in zip(
            procs["patient_id"].tolist(), procs["procedure"].astype(int).tolist(), to_dates(procs["date"]),
            *(_column(procs, c) for c in ("extent", "microspheres", "activity_administered_gbq")), strict=True):
        key = (pid, number)
        out.append([pid, number, date, extent, spheres, gbq, "yes" if key in clin_keys else "no",
                    "yes" if key in comp_keys else "no"])
    table(ws, 1, ["patient_id", "procedure", "date", "extent", "microspheres", "activity administered (GBq)",
                   f"clinical toxicity within {window} days", "complication"], out)

    step(4, 10, "response")
    ws = new_sheet("Response")
    rc = report["recist_3m"]
    nxt = table(ws, 1, ["RECIST 1.1 at 3 months", "patients"],
                 [[k, rc[k]] for k in ("CR", "PR", "SD", "PD", "NE", "not_assessed")])
    nxt = table(ws, nxt, ["Rate", "n", "N", "%", "denominator counts"],
                 [_frac("ORR (CR+PR)", rc["orr"], "evaluable patients"),
                  _frac("DCR (CR+PR+SD)", rc["dcr"], "evaluable patients")])
    tm = recist.three_month_frame(fr)
    # column by column (DataFrame.iterrows built a Series per patient: seconds at 10,000)
    out = [[pid, date, int(day), recorded, used, "yes" if derived else "no", base, nadir, now]
           for pid, date, day, recorded, used, derived, base, nadir, now in zip(
               tm.index, to_dates(tm["date"]), *(tm[c].tolist() for c in (
                   "day", "recorded", "recist", "derived", "baseline_sum", "nadir_sum", "target_sum_mm")),
               strict=True)]
    table(ws, nxt, ["patient_id", "3-month assessment", "day", "recist recorded", "recist used", "derived",
                     "baseline sum (mm)", "smallest sum so far (mm)", "sum at 3 months (mm)"], out)

    ws = new_sheet("Clinical response")
    nxt = table(ws, 1, ["Figure", "n", "N", "%", "denominator counts"],
                 [_frac("Clinical response at 3 months", report["clinical_response_3m"],
                        "symptomatic patients with yes/no at 3 months")])
    symptomatic = pats[pats["functional_syndrome"] == 1]["patient_id"]
    answer = dict(zip(tm.index, tm["clinical_response"].tolist(), strict=True))  # not a Series lookup per patient
    out = [[pid, answer.get(pid)] for pid in symptomatic]
    table(ws, nxt, ["patient_id (functional syndrome)", "clinical response at 3 months"], out)

    step(5, 10, "toxicity")
    ws = new_sheet("Toxicity")
    tests = report["lab_toxicity"]["tests"]
    w = lab_tables(fr, window)  # a slice of patients at a time: 100,000 at once were +1.1 GB
    worse = worsened(w.per_procedure if basis == "procedures" else w.per_patient)
    out = [[t, *[tests[t]["grades"][str(g)] for g in range(5)], tests[t]["not_gradable"],
            tests[t]["grade3_4"]["n"], tests[t]["grade3_4"]["N"], tests[t]["grade3_4"]["pct"],
            *worse.get(t, (0, 0, None))] for t in LAB_TEST]
    nxt = table(ws, 1, ["test", "grade 0", "grade 1", "grade 2", "grade 3", "grade 4", "not gradable",
                         "grade 3-4 n", f"N ({basis} with a value on days 1-{window})", "grade 3-4 %",
                         "worsened from baseline n", "N (baseline and worst graded)", "worsened %"], out)
    # one row per procedure / patient, one column per test ("n/g" = values, none gradable)
    keys = ["patient_id", "procedure", "proc_date"]
    for title, col, frame, index in (
        (f"Worst grade on days 1-{window} after each procedure", "worst", w.per_procedure, keys),
        ("Baseline grade (last value 30 days before up to the procedure)", "baseline_grade", w.per_procedure, keys),
        ("Worst grade after any procedure, per patient", "worst", w.per_patient, ["patient_id"]),
    ):
        grid = grade_grid(frame, index, col)
        if "proc_date" in index:
            at = index.index("proc_date")
            for r, date in zip(grid, to_dates([r[at] for r in grid]), strict=True):
                r[at] = date
        header = [{"proc_date": "date"}.get(c, c) for c in index] + list(LAB_TEST)
        nxt = table(ws, nxt, header, grid, title=title)

    step(6, 10, "complications")
    ws = new_sheet("Complications")
    ct, cp = report["clinical_toxicity_3m"], report["complications"]
    nxt = table(ws, 1, ["Figure", "n", "N", "%", "denominator counts"],
                 [_frac(f"Clinical toxicity within {window} days", ct, ct["basis"]),
                  _frac("Complications", cp, cp["basis"])])
    out = [[pid, None if proc != proc else int(proc), onset, term, category, None if grade != grade else int(grade)]
           for pid, proc, onset, term, category, grade in zip(
               ae["patient_id"].tolist(), ae["proc"].tolist(), to_dates(ae["onset_date"]), ae["term"].tolist(),
               ae["category"].tolist(), ae["grade"].tolist(), strict=True)]
    table(ws, nxt, ["patient_id", "procedure it belongs to", "onset", "term", "category", "grade"], out)

    step(7, 10, "survival")
    ws = new_sheet("Survival")
    os_ = report["os"]
    lo, hi = os_["ci95_years"]
    nxt = table(ws, 1, ["Overall survival from first RE", "value"],
                 [["patients", os_["N"]], ["deaths", os_["events"]], ["median (years)", os_["median_years"]],
                  ["95% CI lower (years)", lo], ["95% CI upper (years)", hi], ["CI method", ci_method],
                  *endpoint_sheets.spss_rows(os_)])
    nxt = table(ws, nxt, ["landmark (years)", "survival", "95% CI lower", "95% CI upper"],
                 [[int(k), v["s"], v["ci95"][0], v["ci95"][1]] for k, v in os_["survival"].items()])
    nxt = table(ws, nxt, ["year", "number at risk"], [[int(k), v] for k, v in os_["at_risk"].items()])
    out = []
    for field in STRATIFY_BY:
        groups = strata.os_by_stratum(fr, field)
        test = survival.logrank(groups)
        for label, (d, e) in groups.items():
            k = survival.kaplan_meier(d, e, ci_method=ci_method)
            out.append([field, label, k.n, k.events, k.median_years, *k.median_ci_years, test.statistic, test.df,
                        test.p_value])
    table(ws, nxt, ["stratum field", "value", "patients", "deaths", "median OS (years)", "95% CI lower",
                     "95% CI upper", "log-rank chi-square", "df", "log-rank p"], out)
    os_rows = survival.os_frame(fr, pats)
    km = survival.kaplan_meier(os_rows["days"], os_rows["event"], ci_method=ci_method)
    step(8, 10, "Kaplan-Meier figure")
    with tempfile.TemporaryDirectory() as tmpdir:
        png = km_figure.render_km_png(km, Path(tmpdir) / "km.png", dpi=200).read_bytes()
    ws.add_picture(png, "F2", scale=0.45)
    endpoint_sheets.pfs_sheet(new_sheet("PFS"), report, fr)
    endpoint_sheets.landmark_sheet(new_sheet("Landmark OS"), report)

    ws = new_sheet("Settings")
    info = {
        "3-month assessment": "closest to day 90 after the first RE, days 45-135",
        "lab baseline": "last value from 30 days before up to the procedure day",
        "lab toxicity window (days after procedure)": f"1-{window}",
        "clinical toxicity window (days after procedure)": f"0-{window}",
        "denominator basis": basis,
        "CI method": ci_method,
        "CTCAE version": CTCAE_VERSION,
        "app version": f"y90gui {__version__}",
        "database file": str(source) if source else "(data passed in memory)",
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        **({"excluded from analysis": inclusion.describe(report[inclusion.REPORT_KEY])}
           if report.get(inclusion.REPORT_KEY) else {}),
        **({"cohort": cohort_label(report["cohort"])} if isinstance(report.get("cohort"), dict) else {}),
        **(settings or {}),
    }
    table(ws, 1, ["setting", "value"], [[k, v] for k, v in info.items()])
    _add_paper_tables(new_sheet, fr, report, w)
    step(9, 10, "writing the file")
    with atomic_file(path) as f:
        write_xlsx(f, [sheet_data(sheet) for sheet in sheets])
        if progress is not None:
            progress.check()
    step(10, 10, "done")


def _prior_prrt_rows(prrt: Any, first_re: Any) -> list[list[Any]]:
    """One row per treated patient with PRRT: cycles, GBq, radiopharmaceuticals, first cycle, last
    cycle before the first RE and the days from it (grouped once: a loop over 10,000 patients'
    groups took seconds)."""
    prrt = prrt[prrt["patient_id"].isin(first_re.index)]
    if prrt.empty:
        return []
    groups = prrt.groupby("patient_id", sort=True)
    cycles = groups.size()
    gbq = groups["activity_gbq"].sum(min_count=1)
    first_cycle = groups["date"].min()
    from y90gui.core.definitions import prrt_before_first_re

    before = prrt[prrt_before_first_re(prrt["date"], prrt["patient_id"].map(first_re))]
    last = before.groupby("patient_id")["date"].max().reindex(cycles.index)
    agents = (prrt.dropna(subset=["radiopharmaceutical"]).drop_duplicates(["patient_id", "radiopharmaceutical"])
              .sort_values(["patient_id", "radiopharmaceutical"]))
    names_of: dict[Any, list[str]] = {}  # joined in one pass: groupby(...).agg(", ".join) called Python per patient
    for pid, name in zip(agents["patient_id"].tolist(), agents["radiopharmaceutical"].tolist(), strict=True):
        names_of.setdefault(pid, []).append(name)
    pharma = [", ".join(names_of.get(pid, ())) for pid in cycles.index]
    days = (first_re.reindex(cycles.index) - last).tolist()
    return [[pid, n, None if total != total else total, names, start, before, None if d != d else int(d)]
            for pid, n, total, names, start, before, d in zip(
                cycles.index.tolist(), cycles.tolist(), gbq.tolist(), pharma, to_dates(first_cycle),
                to_dates(last), days, strict=True)]


def _column(df: Any, name: str) -> list[Any]:
    """A column's values as Python objects, or None each when the frame has no such column."""
    return df[name].tolist() if name in df else [None] * len(df)


def _add_paper_tables(new_sheet: Any, fr: Frames, report: dict[str, Any], lab_windows: GradeTables) -> None:
    """Tables 1-4 of the paper (spec/publication.md), one sheet each, cells as finished text
    (Table 3 from the Toxicity sheet's `lab_windows`, computed once)."""
    from y90gui.analysis.tables_outcomes import all_tables

    for t in all_tables(fr, report, lab_windows=lab_windows):
        ws = new_sheet(f"Table {t.number}")
        grid = t.text_rows()
        ws.bold.add(len(ws.rows))
        ws.rows.append([f"Table {t.number}. {t.title}"])
        for group_row in grid[: len(t.header) - 1]:  # spanned group titles above the column header
            ws.bold.add(len(ws.rows))
            ws.rows.append(group_row)
        table(ws, len(ws.rows) + 1, grid[len(t.header) - 1], grid[len(t.header):])
        ws.rows.extend([note] for note in t.footnotes)
