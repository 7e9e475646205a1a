"""Who is analysed: every patient except those marked `excluded_from_analysis = yes`.

The rule is applied by ONE function, `analysed(frames)`, where frames enter an analysis: the
report (`report.compute_from_frames`: JSON, report workbook, report view, cohort toxicity),
Tables 1-3, the four figures, Cox (`cox.endpoint_table`) and the window's OS rows
(`services.cohort`). An excluded patient stays in the file, the table and the editors; no count,
denominator, curve or model sees them. `analysed` is idempotent, and gives back the very same
frames when nobody is excluded, so a file without exclusions (every file of format 2 and every
workbook without the column) gives exactly the report it gave before.

`exclusions(frames)` says whom the rule took out (for the report's "N excluded from analysis"
line and its JSON extension key `excluded_from_analysis`): the patients of the frames marked
excluded, by reason; a missing reason counts as `NOT_GIVEN`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from y90gui.analysis.frames import Frames

FLAG = "excluded_from_analysis"
REASON = "exclusion_reason"
NOT_GIVEN = "not given"
#: The report's extension key (docs/FORMAT-EXTENSIONS.md); present only when someone is excluded.
REPORT_KEY = "excluded_from_analysis"


def subset(fr: Frames, patient_ids: Iterable[str] | None) -> Frames:
    """The frames of some patients (None: all); reference ranges are always kept whole."""
    from y90gui.analysis.frames import Frames
    from y90gui.core.sheets import SHEETS

    if patient_ids is None:
        return fr
    keep = set(patient_ids)
    parts = {s.name: (fr.sheet(s.name) if s.name == "reference_ranges"
                      else fr.sheet(s.name)[fr.sheet(s.name)["patient_id"].isin(keep)].reset_index(drop=True))
             for s in SHEETS}
    return Frames(**parts, source=fr.source)


def _excluded_rows(fr: Frames) -> Any:
    pats = fr.patients
    if FLAG not in pats.columns:
        return pats.iloc[0:0]
    return pats[pats[FLAG] == 1]


def excluded_ids(fr: Frames) -> set[str]:
    return {str(p) for p in _excluded_rows(fr)["patient_id"]}


def analysed(fr: Frames) -> Frames:
    """The frames without the excluded patients (the same object when nobody is excluded)."""
    out = excluded_ids(fr)
    if not out:
        return fr
    return subset(fr, [p for p in fr.patients["patient_id"] if p not in out])


def reason_label(reason: Any) -> str:
    """A reason as counted and shown: trimmed text, or `NOT_GIVEN`."""
    return " ".join(reason.split()) if isinstance(reason, str) and reason.strip() else NOT_GIVEN


def exclusions(fr: Frames) -> dict[str, Any]:
    """{"n": excluded patients, "reasons": {reason: n}} (reasons most frequent first, then A-Z)."""
    rows = _excluded_rows(fr)
    counts = Counter(reason_label(r) for r in rows[REASON]) if REASON in rows.columns else Counter()
    if len(rows) and not counts:
        counts[NOT_GIVEN] = len(rows)
    reasons = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return {"n": int(len(rows)), "reasons": reasons}


def describe(summary: dict[str, Any]) -> str:
    """'3 excluded from analysis (lost to follow-up 2, not given 1)'; '' when nobody is."""
    n = int(summary.get("n") or 0)
    if not n:
        return ""
    reasons = ", ".join(f"{r} {k}" for r, k in (summary.get("reasons") or {}).items())
    return f"{n} excluded from analysis" + (f" ({reasons})" if reasons else "")
