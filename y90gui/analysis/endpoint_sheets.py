"""The report workbook's tables for the endpoints of spec/analysis.md: PFS, the 3-month landmark
OS by response, and SPSS's median beside R's, so a co-author can match a published series.

Every figure comes from the report object (`report.km_block` blocks), never recomputed, so the
workbook and `report --json` cannot disagree; the per-patient PFS rows come from `pfs.pfs_frame`,
the rule the report used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from y90gui.analysis.xlsx_sheets import Sheet, table

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames


def spss_rows(block: dict[str, Any]) -> list[list[Any]]:
    """SPSS's median rows of a block ("os", "pfs" or a landmark group)."""
    sp = block["spss_median"]
    return [["median, SPSS (years)", sp["median_years"]], ["SE, SPSS (years)", sp["se_years"]],
            ["95% CI lower, SPSS (symmetric, years)", sp["ci95_years"][0]],
            ["95% CI upper, SPSS (symmetric, years)", sp["ci95_years"][1]]]


def km_block_tables(ws: Sheet, top: int, block: dict[str, Any], title: str, event_label: str) -> int:
    """Summary (N, events, R's median and CI, SPSS's median), landmarks and at-risk of a block."""
    lo, hi = block["ci95_years"]
    nxt = table(ws, top, [title, "value"],
                [["patients", block["N"]], [event_label, block["events"]], ["median (years)", block["median_years"]],
                 ["95% CI lower (years)", lo], ["95% CI upper (years)", hi], ["CI method", block["ci_method"]],
                 *spss_rows(block)])
    nxt = table(ws, nxt, ["landmark (years)", "survival", "95% CI lower", "95% CI upper"],
                [[int(k), v["s"], v["ci95"][0], v["ci95"][1]] for k, v in block["survival"].items()])
    return table(ws, nxt, ["year", "number at risk"], [[int(k), v] for k, v in block["at_risk"].items()])


def pfs_sheet(ws: Sheet, report: dict[str, Any], fr: Frames) -> None:
    from y90gui.analysis.pfs import pfs_frame

    block = report["pfs"]
    nxt = table(ws, 1, ["Progression-free survival", "definition"],
                [["origin", "first radioembolization"], ["event", block["event_definition"]],
                 ["censored", "at the last assessment (CR/PR/SD/PD) after the first RE; 0 days when none"]])
    nxt = km_block_tables(ws, nxt, block, "PFS from first RE", "progressions or deaths")
    pf = pfs_frame(fr)
    table(ws, nxt, ["patient_id", "PFS (days)", "event", "reason"],
          [[p, float(d), "yes" if e else "no", r]  # columns as lists: iterating a Series boxes each value
           for p, d, e, r in zip(*(pf[c].tolist() for c in ("patient_id", "days", "event", "reason")), strict=True)])


def landmark_sheet(ws: Sheet, report: dict[str, Any]) -> None:
    lm = report["os_landmark_3m"]
    ex, lr = lm["excluded"], lm["logrank"]
    nxt = table(ws, 1, [f"OS from day {lm['landmark_days']} by 3-month RECIST response", "patients"],
                [["included (alive with follow-up beyond the landmark, CR/PR/SD/PD at 3 months)", lm["N"]],
                 ["left out: not alive or not followed beyond the landmark", ex["not_alive_at_landmark"]],
                 ["left out: NE or not assessed at 3 months", ex["not_evaluable"]]])
    nxt = table(ws, nxt, ["log-rank (responders vs non-responders)", "chi-square", "df", "p"],
                [["survdiff", lr["chi2"], lr["df"], lr["p"]]])
    for name, label in (("responders", "Responders (CR, PR)"), ("non_responders", "Non-responders (SD, PD)")):
        nxt = km_block_tables(ws, nxt, lm["groups"][name], f"{label}: OS from the landmark", "deaths")
