"""The study report (spec/report.md JSON object) as a readable HTML page, without Qt.

Every rate is written as "pct % (n/N denominator)" because a case series is judged on its
denominators. Sections follow the seed paper's results order; a key this page does not know
(a newer report version) is still shown, as a plain table, rather than silently dropped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from y90gui.analysis import inclusion
from y90gui.analysis.tables import label
from y90gui.analysis.tables_format import DASH, limit, p_value, survival_rate
from y90gui.core.codes import TREATMENT
from y90gui.services.endpoint_help import definition

_KNOWN = {
    "format", "patients", "procedures", "whole_liver", "prrt_to_re_days", "recist_3m", "clinical_response_3m",
    "clinical_toxicity_3m", "lab_toxicity", "complications", "reild", "os", "post_re_treatments", "prior_prrt",
    "settings", "excluded_from_analysis", "cohort", "pfs", "os_landmark_3m",
}
#: the landmark groups as a reader names them (spec/analysis.md)
LANDMARK_GROUPS = {"responders": "Responders (CR, PR)", "non_responders": "Non-responders (SD, PD)"}

CSS = """
body { font-family: sans-serif; color: #1f2a33; }
h1 { font-size: 16pt; color: #0f4c5c; margin-bottom: 2px; }
h2 { font-size: 12.5pt; color: #0f4c5c; margin-top: 16px; margin-bottom: 4px; border-bottom: 1px solid #c9d6dc; }
p.sub { color: #5b6b75; margin-top: 0; }
table { border-collapse: collapse; margin: 4px 0 8px 0; }
th { background: #e6eef1; text-align: left; padding: 3px 8px; font-weight: 600; }
td { padding: 3px 8px; border-bottom: 1px solid #e3e9ec; }
td.n { text-align: right; }
.den { color: #5b6b75; }
"""


def esc(value: Any) -> str:
    return html.escape(str(value))


def rate(fig: dict[str, Any] | None, what: str) -> str:
    """'15.9 % (7/44 evaluable patients)'; N = 0 -> 'not estimable (0/0 …)'."""
    if not fig:
        return "—"
    n, big_n, pct = fig.get("n"), fig.get("N"), fig.get("pct")
    pct_text = "not estimable" if pct is None else f"{pct:.1f} %"
    return f"{pct_text} <span class='den'>({n}/{big_n} {esc(what)})</span>"


def num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return esc(value)


def _tip(key: str | None) -> str:
    """The `title` attribute that makes a line's tooltip its definition (`endpoint_help`)."""
    return "" if key is None else f" title=\"{html.escape(definition(key), quote=True)}\""


def _rows(rows: Sequence[tuple[str, str] | tuple[str, str, str | None]]) -> str:
    """Label/value lines; a third element names the line's definition (its tooltip)."""
    out = []
    for row in rows:
        k, v = row[0], row[1]
        key = row[2] if len(row) > 2 else None
        out.append(f"<tr{_tip(key)}><td>{k}</td><td>{v}</td></tr>")
    return "<table>" + "".join(out) + "</table>"


def _grid(head: list[str], rows: list[list[str]], numeric_from: int = 1, key: str | None = None) -> str:
    out = [f"<table><tr{_tip(key)}>", *(f"<th>{h}</th>" for h in head), "</tr>"]
    for r in rows:
        out.append(f"<tr{_tip(key)}>" + "".join(
            f"<td class='n'>{c}</td>" if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _ci(pair: Any, digits: int = 1) -> str:
    """A survival time's CI: `1.8–5.1`, a limit not reached `NR` (`tables_format.limit`)."""
    lo, hi = (pair[0], pair[1]) if pair and len(pair) == 2 else (None, None)
    return f"{limit(lo, digits)}{DASH}{limit(hi, digits)}"


def _median(block: dict[str, Any]) -> str:
    """`3.5 years (95 % CI 1.8–NR; log-log)`; a median not reached is `not reached`."""
    med = block.get("median_years")
    text = "not reached" if med is None else f"{limit(med)} years"
    return f"{text} (95% CI {_ci(block.get('ci95_years'))}; {esc(block.get('ci_method', 'log-log'))})"


def _spss(block: dict[str, Any]) -> str:
    sp = block.get("spss_median") or {}
    if sp.get("median_years") is None:
        return "not reached"
    se = sp.get("se_years")
    ci = sp.get("ci95_years") or [None, None]
    ci_text = DASH if ci[0] is None or ci[1] is None else f"{limit(ci[0])}{DASH}{limit(ci[1])}"
    return (f"{limit(sp['median_years'])} years (SE {DASH if se is None else limit(se, 2)}; "
            f"95% CI {ci_text}, symmetric)")


def section_cohort(r: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str | None]] = [
        ("Patients", esc(r.get("patients")), "patients"),
        ("Radioembolization procedures", esc(r.get("procedures")), "procedures"),
        ("Whole-liver procedures", rate(r.get("whole_liver"), "procedures"), "whole_liver")]
    left_out = inclusion.describe(r.get(inclusion.REPORT_KEY) or {})
    if left_out:
        rows.insert(0, ("Excluded from analysis", esc(left_out), None))
    iv = r.get("prrt_to_re_days") or {}
    if iv:
        rows.append(("Last PRRT → first RE (days)",
                     f"median {num(iv.get('median'))} (IQR {num(iv.get('q1'))}–{num(iv.get('q3'))}) "
                     f"<span class='den'>(N = {esc(iv.get('N'))} patients)</span>", "prrt_to_re_days"))
    prior = r.get("prior_prrt")
    if isinstance(prior, dict):
        for key, value in prior.items():
            rows.append((f"Prior PRRT: {esc(label(str(key)))}", _plain(value), "prior_prrt"))
    return "<h2>Cohort</h2>" + _rows(rows)


def section_response(r: dict[str, Any]) -> str:
    rec = r.get("recist_3m") or {}
    cats = ["CR", "PR", "SD", "PD", "NE", "not_assessed"]
    grid = _grid([c.replace("_", " ") for c in cats], [[esc(rec.get(c, 0)) for c in cats]], numeric_from=0,
                 key="recist_3m")
    rows: list[tuple[str, str, str | None]] = [
        ("Objective response (CR + PR)", rate(rec.get("orr"), "evaluable patients"), "orr"),
        ("Disease control (CR + PR + SD)", rate(rec.get("dcr"), "evaluable patients"), "dcr"),
        ("Clinical response (symptomatic patients)", rate(r.get("clinical_response_3m"), "symptomatic patients"),
         "clinical_response_3m")]
    return "<h2>Response at 3 months (RECIST 1.1)</h2>" + grid + _rows(rows)


def section_toxicity(r: dict[str, Any]) -> str:
    ct = r.get("clinical_toxicity_3m") or {}
    comp = r.get("complications") or {}
    reild = r.get("reild") or {}
    rows: list[tuple[str, str, str | None]] = [
        ("Clinical toxicity within 3 months", rate(ct, ct.get("basis", "procedures")), "clinical_toxicity_3m"),
        ("Complications", rate(comp, comp.get("basis", "procedures")), "complications"),
        ("REILD", rate(reild.get("any"), "patients"), "reild"),
        ("Fatal REILD", rate(reild.get("fatal"), "patients"), "reild_fatal")]
    out = "<h2>Toxicity (CTCAE v4.03)</h2>" + _rows(rows)
    lab = r.get("lab_toxicity") or {}
    tests = lab.get("tests") or {}
    if tests:
        basis = lab.get("basis", "procedures")
        window = esc(lab.get("window_days", 90))
        per = ("per procedure" if basis == "procedures"
               else "per patient (the worst over all of the patient's procedures)")
        out += (f"<p class='sub'{_tip('lab_toxicity')}>Worst lab grade on days 1–{window} after each "
                f"radioembolization, {per}; N = {esc(basis)} with a value of the test.</p>")
        grid = []
        for test, t in tests.items():
            g = t.get("grades") or {}
            grid.append([esc(test)] + [esc(g.get(str(k), 0)) for k in range(5)]
                        + [esc(t.get("not_gradable", 0)), rate(t.get("grade3_4"), basis)])
        out += _grid(["Test", "G0", "G1", "G2", "G3", "G4", "not gradable", "Grade 3–4"], grid, key="lab_toxicity")
    return out


def _km_rows(block: dict[str, Any], key: str, events: str, median_label: str,
             after: str = "") -> list[tuple[str, str, str | None]]:
    """The lines of one Kaplan-Meier block (`os`, `pfs`, a landmark group): N / events, the
    median with its CI, SPSS's median, survival at each landmark year."""
    rows: list[tuple[str, str, str | None]] = [
        (f"Patients / {events}", f"{esc(block.get('N'))} / {esc(block.get('events'))}", key),
        (median_label, _median(block), key)]
    if "spss_median" in block:
        rows.append(("Median as SPSS prints it", _spss(block), "spss_median"))
    for year, s in (block.get("survival") or {}).items():
        value = "not estimable" if s.get("s") is None else survival_rate(s.get("s"), s.get("ci95") or [None, None])
        rows.append((f"Survival at {esc(year)} year{'s' if str(year) != '1' else ''}{after}", value, "os_survival"))
    return rows


def _at_risk(block: dict[str, Any], what: str = "Years") -> str:
    at_risk = block.get("at_risk") or {}
    if not at_risk:
        return ""
    return _grid([what] + [esc(k) for k in at_risk], [["At risk"] + [esc(v) for v in at_risk.values()]],
                 key="at_risk")


def section_os(r: dict[str, Any]) -> str:
    os_ = r.get("os") or {}
    if not os_:
        return ""
    out = (f"<h2{_tip('os')}>Overall survival (OS) from the first radioembolization</h2>"
           + _rows(_km_rows(os_, "os", "deaths", "Median overall survival")))
    return out + _at_risk(os_)


def section_pfs(r: dict[str, Any]) -> str:
    pfs = r.get("pfs")
    if not isinstance(pfs, dict) or not pfs:
        return ""
    out = (f"<h2{_tip('pfs')}>Progression-free survival (PFS) from the first radioembolization</h2>"
           f"<p class='sub'>Event: {esc(pfs.get('event_definition', 'RECIST 1.1 progression or death'))}.</p>"
           + _rows(_km_rows(pfs, "pfs", "progressions or deaths", "Median progression-free survival")))
    return out + _at_risk(pfs)


def section_landmark(r: dict[str, Any]) -> str:
    lm = r.get("os_landmark_3m")
    if not isinstance(lm, dict) or not lm:
        return ""
    days = esc(lm.get("landmark_days", 90))
    ex = lm.get("excluded") or {}
    lr = lm.get("logrank") or {}
    p = lr.get("p")
    chi2 = lr.get("chi2")
    rows: list[tuple[str, str, str | None]] = [
        ("Patients in the landmark analysis", esc(lm.get("N")), "os_landmark_3m"),
        ("Left out: not alive (or not followed) beyond the landmark",
         f"{esc(ex.get('not_alive_at_landmark', 0))} patients", "os_landmark_3m"),
        ("Left out: 3-month response NE or not assessed", f"{esc(ex.get('not_evaluable', 0))} patients",
         "os_landmark_3m")]
    for key, group in (lm.get("groups") or {}).items():
        name = esc(LANDMARK_GROUPS.get(key, label(str(key))))
        rows.append((f"<b>{name}</b>", "", "os_landmark_3m"))
        rows += [(f"&nbsp;&nbsp;{k}", v, t) for k, v, t in _km_rows(group, "os_landmark_3m", "deaths",
                                                                    f"Median OS from day {days}",
                                                                    f" after day {days}")]
    test = DASH if p is None else f"{esc(p_value(float(p)))}" + (
        "" if chi2 is None else f" (χ² = {float(chi2):.2f}, df {esc(lr.get('df', 1))})")
    rows.append(("Log-rank test, responders vs non-responders", test, "os_landmark_3m"))
    return (f"<h2{_tip('os_landmark_3m')}>Overall survival from day {days} by 3-month response (landmark)</h2>"
            + _rows(rows))


def section_treatments(r: dict[str, Any]) -> str:
    tr = r.get("post_re_treatments") or {}
    if not tr:
        return ""
    order = [t for t in TREATMENT if t in tr] + [t for t in tr if t not in TREATMENT]
    rows = [(esc(label(t)), rate(tr[t], "patients"), "post_re_treatments") for t in order]
    return "<h2>Treatments after radioembolization</h2>" + _rows(rows)


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        if {"n", "N"} <= set(value):
            return rate(value, "")
        return "; ".join(f"{esc(k)}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return num(value)


def report_to_html(report: dict[str, Any], shown: int | None = None, total: int | None = None,
                   title: str = "Study report", cohort: str | None = None) -> str:
    """`cohort`: the sentence naming a saved cohort (`analysis.cohort_label`), shown as the scope."""
    scope = ""
    if shown is not None and total is not None:
        scope = (f"All {total} patients." if shown == total
                 else f"Filtered cohort: {shown} of {total} patients (the table's current filter).")
    if cohort:
        scope = esc(cohort) + "."
    parts = [f"<html><head><style>{CSS}</style></head><body>", f"<h1>{esc(title)}</h1>",
             f"<p class='sub'>{scope}</p>", section_cohort(report), section_response(report),
             section_toxicity(report), section_os(report), section_pfs(report), section_landmark(report),
             section_treatments(report)]
    extra = {k: v for k, v in report.items() if k not in _KNOWN}
    if extra:
        parts.append("<h2>Other figures</h2>" + _rows([(esc(k), _plain(v)) for k, v in extra.items()]))
    settings = report.get("settings")
    if isinstance(settings, dict):
        parts.append("<h2>Settings</h2>" + _rows([(esc(k), _plain(v)) for k, v in settings.items()]))
    parts.append("</body></html>")
    return "".join(parts)
