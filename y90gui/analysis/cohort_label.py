"""How a report, a figure and a document name the cohort they were computed on.

The report's extension key `cohort` (docs/FORMAT-EXTENSIONS.md) is
`{"name": str | None, "filter": str, "n": int, "total": int}`: the saved cohort's name (None
for an unsaved filter), the filter in words, the patients in it and in the file. One sentence
from it serves the report view's header, the report workbook's Settings sheet, a figure's
metadata and the document's title block, so that they cannot say it differently.
"""

from __future__ import annotations

from typing import Any

REPORT_KEY = "cohort"


def cohort_key(name: str | None, description: str, n: int, total: int) -> dict[str, Any]:
    return {"name": name, "filter": description, "n": int(n), "total": int(total)}


def cohort_label(cohort: dict[str, Any]) -> str:
    """'Cohort “Bonn G2”: 12 of 44 patients (centre = Bonn)' or 'All 44 patients'."""
    n, total = int(cohort.get("n") or 0), int(cohort.get("total") or 0)
    name, flt = cohort.get("name"), str(cohort.get("filter") or "")
    if n == total and not name:
        return f"All {total} patients"
    scope = f"{n} of {total} patients" + (f" ({flt})" if flt and flt != "all patients" else "")
    return f"Cohort “{name}”: {scope}" if name else f"Filtered cohort: {scope}"
