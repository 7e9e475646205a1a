"""The report page's text: NR and en dash by the tables' one formatter, the lab window's
wording, abbreviations, the PFS / landmark / SPSS lines, and a definition on every line."""

from __future__ import annotations

import re
from html import unescape

import pytest

from y90gui.analysis.frames import from_store
from y90gui.analysis.report import compute_from_frames
from y90gui.demo.commands import write_demo
from y90gui.services.endpoint_help import DEFINITIONS, definition
from y90gui.services.report_html import report_to_html
from y90gui.store.store import Store


def _text(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.split("</style>", 1)[-1])).split())


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    db = write_demo(tmp_path_factory.mktemp("rep") / "demo.y90")
    with Store.open(db, read_only=True) as store:
        return compute_from_frames(from_store(store))


def test_a_limit_not_reached_is_nr_never_a_dash_pair(report):
    r = dict(report, os=dict(report["os"], ci95_years=[1.8, None]))
    text = _text(report_to_html(r))
    assert "3.5 years (95% CI 1.8\u2013NR; log-log)" in text
    assert "\u2013\u2013" not in text and "\u2013\u2014" not in text
    r = dict(report, os=dict(report["os"], median_years=None, ci95_years=[2.0, None]))
    assert "not reached (95% CI 2.0\u2013NR; log-log)" in _text(report_to_html(r))


def test_survival_rate_without_an_upper_limit(report):
    os_ = dict(report["os"], survival={"1": {"s": 0.84, "ci95": [0.7, None]}})
    text = _text(report_to_html(dict(report, os=os_)))
    assert "\u2013\u2013" not in text  # what a None limit must not become ("70––%")
    assert "Survival at 1 year 84% (95% CI 70%\u2013NA)" in text


def test_lab_window_wording_and_abbreviations(report):
    per_patient = dict(report, lab_toxicity=dict(report["lab_toxicity"], basis="patients"))
    text = _text(report_to_html(per_patient))
    assert "after each patient" not in text
    assert "days 1\u201390 after each radioembolization, per patient (the worst over all" in text
    text = _text(report_to_html(dict(report, post_re_treatments={"prrt": {"n": 3, "N": 44, "pct": 6.8}})))
    assert re.search(r"\bPRRT 6\.8 %", text) and not re.search(r"\bprrt\b", text)


def test_pfs_landmark_and_spss_lines(report):
    text = _text(report_to_html(report))
    pfs, lm = report["pfs"], report["os_landmark_3m"]
    assert "Progression-free survival (PFS) from the first radioembolization" in text
    assert f"Patients / progressions or deaths {pfs['N']} / {pfs['events']}" in text
    sp = report["os"]["spss_median"]
    from y90gui.analysis.tables_format import limit

    assert (f"Median as SPSS prints it {limit(sp['median_years'])} years (SE {limit(sp['se_years'], 2)}; "
            f"95% CI {limit(sp['ci95_years'][0])}\u2013{limit(sp['ci95_years'][1])}, symmetric)") in text
    assert "Overall survival from day 90 by 3-month response (landmark)" in text
    resp = lm["groups"]["responders"]
    assert f"Responders (CR, PR) Patients / deaths {resp['N']} / {resp['events']}" in text
    assert "Other figures" not in text  # the new blocks are sections, not a raw dump


def test_every_line_carries_its_definition(report):
    page = report_to_html(report)
    rows = re.findall(r"<tr(?: title=\"([^\"]*)\")?>", page.split("<h2>Settings", 1)[0])
    assert rows and all(rows), "a report line without a tooltip"
    assert unescape(rows[0]) == definition("patients")
    assert set(map(unescape, rows)) <= set(DEFINITIONS.values())
    assert unescape(re.search(r"<h2 title=\"([^\"]*)\">Progression-free", page).group(1)) == definition("pfs")
