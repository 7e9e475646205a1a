"""The offline user guide (Help → User guide) as one HTML page, without Qt.

The prose is a bundled file (`data/user_guide.html`, package data: pyproject's package-data
and the PyInstaller spec ship `**/*.html`); its definitions section is generated from
`services.endpoint_help.DEFINITIONS`, the texts the report's tooltips show, so an endpoint is
defined once and reads the same in both places.
"""

from __future__ import annotations

import html
from pathlib import Path

from y90gui.services.endpoint_help import DEFINITIONS

GUIDE = Path(__file__).with_name("data") / "user_guide.html"
PLACEHOLDER = "<!-- DEFINITIONS -->"

#: Headings of the definitions, in the report's order; a key missing here still appears (at the end).
TITLES: dict[str, str] = {
    "patients": "Patients", "procedures": "Procedures", "whole_liver": "Whole-liver procedures",
    "prrt_to_re_days": "Last PRRT → first RE interval", "prior_prrt": "Prior PRRT",
    "recist_3m": "RECIST 1.1 at 3 months", "orr": "Objective response rate (ORR)",
    "dcr": "Disease control rate (DCR)", "clinical_response_3m": "Clinical response at 3 months",
    "clinical_toxicity_3m": "Clinical toxicity within 3 months",
    "lab_toxicity": "Laboratory toxicity (CTCAE grading windows)",
    "complications": "Complications", "reild": "REILD", "reild_fatal": "Fatal REILD",
    "os": "Overall survival (OS)", "os_survival": "Survival at 1, 2, 3 and 5 years", "at_risk": "Number at risk",
    "pfs": "Progression-free survival (PFS)", "os_landmark_3m": "Landmark OS by 3-month response",
    "spss_median": "SPSS median", "post_re_treatments": "Treatments after RE", "cox": "Cox regression",
}

CSS = """
body { font-family: sans-serif; color: #1f2a33; }
h1 { font-size: 17pt; color: #0f4c5c; margin-bottom: 2px; }
h2 { font-size: 13pt; color: #0f4c5c; margin-top: 18px; border-bottom: 1px solid #c9d6dc; }
dt { font-weight: 600; margin-top: 8px; }
dd { margin-left: 16px; }
p.sub { color: #5b6b75; }
code { background: #eef3f5; }
"""


def definitions_html() -> str:
    keys = [k for k in TITLES if k in DEFINITIONS] + [k for k in DEFINITIONS if k not in TITLES]
    items = "".join(f"<dt id='def-{html.escape(k)}'>{html.escape(TITLES.get(k, k))}</dt>"
                    f"<dd>{html.escape(DEFINITIONS[k])}</dd>" for k in keys)
    return f"<dl>{items}</dl>"


def guide_html() -> str:
    body = GUIDE.read_text(encoding="utf-8").replace(PLACEHOLDER, definitions_html())
    return f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{body}</body></html>"
