"""Tables 3 (laboratory toxicity) and 4 (outcomes), and `all_tables` for every consumer.

Table 3's grade counts and grade 3-4 n/N are the report's `lab_toxicity` (the same
`lab_windows`), its baseline grades and "new or worsened" come from the same `LabWindows`.
Table 4 is the report dict formatted: RECIST, ORR/DCR, clinical response, toxicity, REILD,
later treatments and overall survival (median and landmarks of the very KM `report --json`
prints). Progression-free survival and the 3-month landmark analysis appear when the report
holds them (keys "pfs" and "os_landmark_3m"), and are left out otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.analysis import inclusion
from y90gui.analysis.tables import HeaderCell, Row, Table, label, table1, table2, two_columns
from y90gui.analysis.tables_format import DASH, count_pct, fraction, fraction_of, p_value, survival_rate, survival_time
from y90gui.core.codes import LAB_TEST, TREATMENT

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames
    from y90gui.analysis.lab_windows import GradeTables

TEST_NAMES = {"alt": "ALT", "ast": "AST", "alp": "ALP", "ggt": "GGT", "bilirubin": "Bilirubin", "albumin": "Albumin",
              "creatinine": "Creatinine", "inr": "INR", "hemoglobin": "Hemoglobin", "wbc": "WBC",
              "lymphocytes": "Lymphocytes", "neutrophils": "Neutrophils", "platelets": "Platelets"}
RECIST_ROWS = (("CR", "complete response (CR)"), ("PR", "partial response (PR)"), ("SD", "stable disease (SD)"),
               ("PD", "progressive disease (PD)"), ("NE", "not evaluable (NE)"), ("not_assessed", "not assessed"))


def table3(fr: Frames, report: dict[str, Any], lab_windows: GradeTables | None = None) -> Table:
    """Laboratory toxicity, CTCAE v4.03, on the report's basis and window.

    `lab_windows`: the grade tables (`toxicity.lab_windows` or `prepared_report.lab_tables`)
    at the report's window of `fr` (excluded patients included or not) when the caller has them
    already, as the report workbook's Toxicity sheet does; else `lab_tables` computes them, a
    slice of patients at a time. Its rows are per patient (reference ranges are kept whole by `inclusion.subset`), so
    the rows of the analysed treated patients are the same rows either way; computing the
    windows is the costliest step of the table (0.5 s at 10,000 patients)."""
    fr = inclusion.analysed(fr)
    import numpy as np

    from y90gui import CTCAE_VERSION
    from y90gui.analysis.prepared_report import lab_tables
    from y90gui.analysis.report import treated

    lab = report["lab_toxicity"]
    basis, window = lab["basis"], int(lab["window_days"])
    pats, _ = treated(fr)
    w = lab_tables(fr, window) if lab_windows is None else lab_windows  # in slices of patients
    frame = w.per_procedure if basis == "procedures" else w.per_patient
    frame = frame[frame["patient_id"].isin(pats["patient_id"])]
    rows, no_baseline = [], []
    by_test = dict(list(frame.groupby("test", sort=False)))  # one pass (13 string comparisons of each row took 60 ms)
    for test in LAB_TEST:
        t = by_test.get(test, frame.iloc[:0])
        with_values = t[t["n_values"] > 0]
        summary = lab["tests"][test]
        n = int(summary["grade3_4"]["N"])
        if n == 0 and not len(t):
            continue  # no value of this test in any window
        base = with_values["baseline_grade"].to_numpy(dtype=float)
        missing = int((np.isnan(base) | (base < 0)).sum())
        base0 = np.where(np.isnan(base) | (base < 0), 0, base)
        worst = with_values["worst"].to_numpy(dtype=float)
        worse = int(((worst >= 0) & (worst > base0)).sum())
        if missing:
            no_baseline.append(f"{TEST_NAMES[test]} {missing}")
        rows.append(Row((
            TEST_NAMES[test], str(n),
            *[str(int((base == g).sum())) for g in range(5)],
            *[str(summary["grades"][str(g)]) for g in range(5)],
            fraction_of(summary["grade3_4"]) if n else DASH,
            fraction(worse, n) if n else DASH,
            str(summary["not_gradable"]),
        )))
    unit = "procedures" if basis == "procedures" else "patients"
    header = [
        [HeaderCell("Test", rowspan=2), HeaderCell("N", rowspan=2), HeaderCell("Baseline grade", colspan=5),
         HeaderCell(f"Worst grade, days 1\u2013{window}", colspan=5), HeaderCell("Grade 3\u20134", rowspan=2),
         HeaderCell("New or worsened", rowspan=2), HeaderCell("Not gradable", rowspan=2)],
        [HeaderCell(str(g)) for g in range(5)] + [HeaderCell(str(g)) for g in range(5)],
    ]
    per = "procedure" if basis == "procedures" else "patient (worst over all procedures; baseline of the first)"
    notes = [
        f"CTCAE v{CTCAE_VERSION}. N = {unit} with at least one value of the test on days 1\u2013{window} after "
        f"a radioembolization; grade counts per {per}. A value that cannot be graded (no ULN/LLN where needed) "
        "is counted as not gradable, never as grade 0.",
        "Baseline: the last value from 30 days before up to the procedure day.",
        "New or worsened: worst grade after radioembolization above the baseline grade, of N; "
        + (f"{unit} without a gradable baseline value count as baseline grade 0 ({', '.join(no_baseline)})."
           if no_baseline else f"every one of the {unit} had a gradable baseline value."),
    ]
    return Table(3, f"Laboratory toxicity (CTCAE v{CTCAE_VERSION})", header, rows, notes)


def _survival_rows(name: str, obj: dict[str, Any], unit: str = "years") -> list[Row]:
    """Median with 95% CI and the landmark rates of a report survival object (os / pfs)."""
    rows = [Row((f"{name}, median, {unit}", survival_time(obj.get("median_years"),
                                                                  obj.get("ci95_years") or [None, None])))]
    for k, v in (obj.get("survival") or {}).items():
        rows.append(Row((f"{name} at {k} year{'s' if str(k) != '1' else ''}",
                         survival_rate(v.get("s"), v.get("ci95") or [None, None])), indent=1))
    return rows


#: The landmark groups of spec/analysis.md, as a reader names them.
LANDMARK_GROUPS = {"responders": "Responders (CR, PR)", "non_responders": "Non-responders (SD, PD)"}


def _landmark_rows(obj: dict[str, Any]) -> list[Row]:
    """The 3-month landmark analysis of spec/analysis.md: each group's median from day 90, the
    log-rank p, and who was left out (not alive at the landmark, not evaluable)."""
    rows = [Row((f"Overall survival from day {obj['landmark_days']} by 3-month response", ""), label=True)]
    for key, group in obj["groups"].items():
        rows.append(Row((f"{LANDMARK_GROUPS.get(key, label(key))} (n = {group['N']}), median, years",
                         survival_time(group["median_years"], group.get("ci95_years") or [None, None])),
                        indent=1))
    p = obj["logrank"]["p"]
    rows.append(Row(("log-rank", DASH if p is None else p_value(float(p))), indent=1))
    ex = obj["excluded"]
    rows.append(Row(("left out: not alive at the landmark / not evaluable",
                     f"{ex['not_alive_at_landmark']} / {ex['not_evaluable']}"), indent=1))
    return rows


def table4(report: dict[str, Any]) -> Table:
    """Outcomes: every cell a figure of `report` (spec/report.md), formatted."""
    n_pats = int(report["patients"])
    rc = report["recist_3m"]
    rows = [Row(("RECIST 1.1 at 3 months", ""), label=True)]
    rows += [Row((text, count_pct(int(rc[key]), n_pats)), indent=1) for key, text in RECIST_ROWS]
    rows.append(Row(("Objective response rate (CR + PR)", fraction_of(rc["orr"]))))
    rows.append(Row(("Disease control rate (CR + PR + SD)", fraction_of(rc["dcr"]))))
    rows.append(Row(("Clinical response at 3 months", fraction_of(report["clinical_response_3m"]))))
    ct, cp = report["clinical_toxicity_3m"], report["complications"]
    rows.append(Row(("Clinical toxicity within 3 months", fraction_of(ct))))
    rows.append(Row(("Complications", fraction_of(cp))))
    rows.append(Row(("REILD", fraction_of(report["reild"]["any"]))))
    rows.append(Row(("fatal (grade 5)", fraction_of(report["reild"]["fatal"])), indent=1))
    rows.append(Row(("Treatments after radioembolization", ""), label=True))
    post = report["post_re_treatments"]
    rows += [Row((label(t), count_pct(int(post[t]["n"]), int(post[t]["N"]))), indent=1) for t in TREATMENT if t in post]
    os_ = report["os"]
    rows += _survival_rows("Overall survival", os_)
    if isinstance(report.get("pfs"), dict):
        rows += _survival_rows("Progression-free survival", report["pfs"])
    if isinstance(report.get("os_landmark_3m"), dict):
        rows += _landmark_rows(report["os_landmark_3m"])
    evaluable = int(rc["orr"]["N"])
    notes = [
        f"RECIST: n (%) of the {n_pats} patients (assessment closest to day 90 after the first radioembolization, "
        f"days 45\u2013135). ORR and DCR: of the {evaluable} evaluable patients (CR, PR, SD or PD).",
        f"Clinical response: of the {report['clinical_response_3m']['N']} symptomatic patients with a 3-month "
        "answer (yes/no).",
        f"Clinical toxicity (onset days 0\u201390) and complications: of the {ct['N']} {ct['basis']}. REILD and "
        f"treatments after radioembolization: of the {n_pats} patients.",
        f"Overall survival: Kaplan\u2013Meier from the first radioembolization, {os_['N']} patients, "
        f"{os_['events']} deaths; 95% CI {os_['ci_method']} (Greenwood); NR = not reached; "
        f"{DASH} = not estimable (after the last follow-up); NA = a limit the band does not define.",
    ]
    return Table(4, "Outcomes", two_columns("Outcome", "Value"), rows, notes)


def all_tables(fr: Frames, report: dict[str, Any], *, iqr: bool = False,
               lab_windows: GradeTables | None = None) -> list[Table]:
    """Tables 1-4 of the paper, from the frames and the report computed from them
    (`lab_windows`: see `table3`)."""
    return [table1(fr, iqr=iqr), table2(fr, iqr=iqr), table3(fr, report, lab_windows), table4(report)]
