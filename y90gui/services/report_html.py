"""The study report (spec/report.md JSON object) as a readable HTML page, without Qt.

Every rate is written as "pct % (n/N denominator)" because a case series is judged on its
denominators. Sections follow the seed paper's results order; a key this page does not know
(a newer report version) is still shown, as a plain table, rather than silently dropped.
"""

from __future__ import annotations

import html
from typing import Any

from y90gui.analysis import inclusion
from y90gui.core.codes import TREATMENT

_KNOWN = {
    "format", "patients", "procedures", "whole_liver", "prrt_to_re_days", "recist_3m", "clinical_response_3m",
    "clinical_toxicity_3m", "lab_toxicity", "complications", "reild", "os", "post_re_treatments", "prior_prrt",
    "settings", "excluded_from_analysis", "cohort",
}

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


def _rows(rows: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows) + "</table>"


def _grid(head: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    out = ["<table><tr>", *(f"<th>{h}</th>" for h in head), "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(
            f"<td class='n'>{c}</td>" if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _ci(pair: Any, digits: int = 1) -> str:
    if not pair or len(pair) != 2:
        return "—"
    return f"{num(pair[0], digits)}–{num(pair[1], digits)}"


def section_cohort(r: dict[str, Any]) -> str:
    rows = [("Patients", esc(r.get("patients"))), ("Radioembolization procedures", esc(r.get("procedures"))),
            ("Whole-liver procedures", rate(r.get("whole_liver"), "procedures"))]
    left_out = inclusion.describe(r.get(inclusion.REPORT_KEY) or {})
    if left_out:
        rows.insert(0, ("Excluded from analysis", esc(left_out)))
    iv = r.get("prrt_to_re_days") or {}
    if iv:
        rows.append(("Last PRRT → first RE (days)",
                     f"median {num(iv.get('median'))} (IQR {num(iv.get('q1'))}–{num(iv.get('q3'))}) "
                     f"<span class='den'>(N = {esc(iv.get('N'))} patients)</span>"))
    prior = r.get("prior_prrt")
    if isinstance(prior, dict):
        for key, value in prior.items():
            rows.append((f"Prior PRRT: {esc(key).replace('_', ' ')}", _plain(value)))
    return "<h2>Cohort</h2>" + _rows(rows)


def section_response(r: dict[str, Any]) -> str:
    rec = r.get("recist_3m") or {}
    cats = ["CR", "PR", "SD", "PD", "NE", "not_assessed"]
    grid = _grid([c.replace("_", " ") for c in cats], [[esc(rec.get(c, 0)) for c in cats]], numeric_from=0)
    rows = [("Objective response (CR + PR)", rate(rec.get("orr"), "evaluable patients")),
            ("Disease control (CR + PR + SD)", rate(rec.get("dcr"), "evaluable patients")),
            ("Clinical response (symptomatic patients)", rate(r.get("clinical_response_3m"), "symptomatic patients"))]
    return "<h2>Response at 3 months (RECIST 1.1)</h2>" + grid + _rows(rows)


def section_toxicity(r: dict[str, Any]) -> str:
    ct = r.get("clinical_toxicity_3m") or {}
    comp = r.get("complications") or {}
    reild = r.get("reild") or {}
    rows = [("Clinical toxicity within 3 months", rate(ct, ct.get("basis", "procedures"))),
            ("Complications", rate(comp, comp.get("basis", "procedures"))),
            ("REILD", rate(reild.get("any"), "patients")),
            ("Fatal REILD", rate(reild.get("fatal"), "patients"))]
    out = "<h2>Toxicity (CTCAE v4.03)</h2>" + _rows(rows)
    lab = r.get("lab_toxicity") or {}
    tests = lab.get("tests") or {}
    if tests:
        basis = lab.get("basis", "procedures")
        out += (f"<p class='sub'>Worst lab grade on days 1–{esc(lab.get('window_days', 90))} after each "
                f"{esc(basis[:-1] if basis.endswith('s') else basis)}; N = {esc(basis)} with a value of the test.</p>")
        grid = []
        for test, t in tests.items():
            g = t.get("grades") or {}
            grid.append([esc(test)] + [esc(g.get(str(k), 0)) for k in range(5)]
                        + [esc(t.get("not_gradable", 0)), rate(t.get("grade3_4"), basis)])
        out += _grid(["Test", "G0", "G1", "G2", "G3", "G4", "not gradable", "Grade 3–4"], grid)
    return out


def section_os(r: dict[str, Any]) -> str:
    os_ = r.get("os") or {}
    if not os_:
        return ""
    rows = [("Patients / deaths", f"{esc(os_.get('N'))} / {esc(os_.get('events'))}"),
            ("Median overall survival",
             f"{num(os_.get('median_years'))} years (95 % CI {_ci(os_.get('ci95_years'))}; "
             f"{esc(os_.get('ci_method', 'log-log'))})")]
    for year, s in (os_.get("survival") or {}).items():
        value = "not estimable" if s.get("s") is None else f"{100 * s['s']:.1f} %"
        ci = s.get("ci95")
        ci_text = "" if not ci or ci[0] is None else f" (95 % CI {100 * ci[0]:.1f}–{100 * (ci[1] or 0):.1f} %)"
        rows.append((f"Survival at {esc(year)} year{'s' if str(year) != '1' else ''}", value + ci_text))
    out = "<h2>Overall survival from the first radioembolization</h2>" + _rows(rows)
    at_risk = os_.get("at_risk") or {}
    if at_risk:
        out += _grid(["Years"] + [esc(k) for k in at_risk], [["At risk"] + [esc(v) for v in at_risk.values()]])
    return out


def section_treatments(r: dict[str, Any]) -> str:
    tr = r.get("post_re_treatments") or {}
    if not tr:
        return ""
    order = [t for t in TREATMENT if t in tr] + [t for t in tr if t not in TREATMENT]
    rows = [(esc(t).replace("_", " "), rate(tr[t], "patients")) for t in order]
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
             section_toxicity(report), section_os(report), section_treatments(report)]
    extra = {k: v for k, v in report.items() if k not in _KNOWN}
    if extra:
        parts.append("<h2>Other figures</h2>" + _rows([(esc(k), _plain(v)) for k, v in extra.items()]))
    settings = report.get("settings")
    if isinstance(settings, dict):
        parts.append("<h2>Settings</h2>" + _rows([(esc(k), _plain(v)) for k, v in settings.items()]))
    parts.append("</body></html>")
    return "".join(parts)
