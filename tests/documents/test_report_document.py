"""`report --docx` / `--pdf`: real Word tables with repeating headers, pictures at their physical
size, the methods paragraph, literal data text, the same numbers as `report --json` and the store,
and a Word file LibreOffice converts."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import docx
import pytest
from docx.shared import Mm

from y90gui.cli import main
from y90gui.demo.commands import write_demo

HOSTILE = "a&b <i>x<i> =1+1 {DATE}"  # a database file name that looks like mark-up, a formula and a field


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(db, report --json, .docx, .pdf) of the demo cohort, through the real command line."""
    folder = tmp_path_factory.mktemp("doc")
    db = write_demo(folder / f"{HOSTILE}.y90")
    run = [sys.executable, "-m", "y90gui", "report", "--db", str(db)]
    report = json.loads(subprocess.run([*run, "--json"], capture_output=True, text=True, check=True).stdout)
    out_docx, out_pdf = folder / "report.docx", folder / "report.pdf"
    subprocess.run([*run, "--docx", str(out_docx), "--pdf", str(out_pdf)], capture_output=True, check=True)
    return db, report, out_docx, out_pdf


def _frac(f):
    return f"{f['n']}/{f['N']} ({(200 * f['n'] + f['N']) // (2 * f['N'])}%)"


def test_docx_tables_pictures_and_numbers(built):
    db, report, path, _ = built
    d = docx.Document(str(path))
    assert len(d.tables) == 4
    assert len(d.inline_shapes) >= 3
    assert all(abs(s.width - Mm(170)) < Mm(0.1) and abs(s.height - Mm(120)) < Mm(0.1) for s in d.inline_shapes)
    rows4 = {r.cells[0].text: r.cells[1].text for r in d.tables[3].rows}
    assert rows4["Objective response rate (CR + PR)"] == _frac(report["recist_3m"]["orr"])
    assert rows4["Clinical toxicity within 3 months"] == _frac(report["clinical_toxicity_3m"])
    lo, hi = report["os"]["ci95_years"]
    median = report["os"]["median_years"]
    assert rows4["Overall survival, median, years"] == f"{median:.1f} (95% CI {lo:.1f}\u2013{hi:.1f})"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        dead = conn.execute("SELECT count(*) FROM patients WHERE vital_status = 'dead' AND patient_id IN "
                            "(SELECT patient_id FROM radioembolization)").fetchone()[0]
        n = conn.execute("SELECT count(DISTINCT patient_id) FROM radioembolization").fetchone()[0]
    rows1 = {r.cells[0].text: r.cells[1].text for r in d.tables[0].rows}
    assert rows1["Deaths"] == f"{dead} ({(200 * dead + n) // (2 * n)}%)"
    for t in d.tables:  # header rows repeat on each page; no row splits across pages
        first = t.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None


def test_docx_methods_paragraph_and_literal_text(built):
    db, report, path, _ = built
    d = docx.Document(str(path))
    text = "\n".join(p.text for p in d.paragraphs)
    for needle in ("CTCAE v4.03", f"{report['patients']} of {report['patients']} patients", db.name,
                   "log-log", "first radioembolization", "days 1\u201390", "y90gui 0."):
        assert needle in text
    assert re.search(r"on 20\d\d-\d\d-\d\d \d\d:\d\d", text)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert not re.search(r"<w:(fldSimple|instrText|fldChar|hyperlink)\b", xml)
    assert "a&amp;b &lt;i&gt;x&lt;i&gt; =1+1 {DATE}" in xml


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_pdf_same_content_headers_repeat_words_whole(built, tmp_path):
    _, report, _, pdf = built
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert _frac(report["recist_3m"]["orr"]) in text
    assert HOSTILE in text  # escaped for reportlab's mark-up, shown as typed
    pages = text.split("\f")
    t1 = [i for i, p in enumerate(pages) if re.search(r"Characteristic\s+Patients \(N = \d+\)", p)]
    assert len(t1) == 2 and t1[1] == t1[0] + 1  # Table 1 runs over a page break: its header comes again
    for word in ("Lymphocytes", "Neutrophils", "Creatinine", "Hemoglobin", "radiopharmaceuticals"):
        assert word in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info


def test_layout_never_breaks_a_word(built):
    from y90gui.analysis.frames import from_store
    from y90gui.analysis.tables_outcomes import all_tables
    from y90gui.documents.layout import PAD_MM, layout, text_width_mm
    from y90gui.store.store import Store

    db, report, _, _ = built
    with Store.open(db, read_only=True) as store:
        tables = all_tables(from_store(store), report)
    for t in tables:
        lay = layout(t, 170.0)
        assert sum(lay.widths_mm) == pytest.approx(170.0) and lay.font_pt >= 6
        for row in t.rows:
            for c, value in enumerate(row.cells):
                for word in value.split():
                    assert text_width_mm(word, lay.font_pt, row.label) <= lay.widths_mm[c] - 2 * PAD_MM


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice is not installed (Debian: libreoffice-writer-nogui; .ci/run installs it)")
def test_libreoffice_converts_the_docx(built, tmp_path):
    _, _, path, _ = built
    profile = tmp_path / "profile"
    res = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=240,
                         env={**os.environ, "HOME": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    out = tmp_path / "report.pdf"
    assert out.exists() and out.read_bytes()[:5] == b"%PDF-"
    assert "Error" not in res.stderr


def test_document_targets_checked_first(built, tmp_path, capsys):
    db = built[0]
    assert main(["report", "--db", str(db), "--docx", str(tmp_path / "r.doc")]) == 1
    assert "must end in .docx" in capsys.readouterr().err
    assert main(["report", "--db", str(db), "--pdf", str(tmp_path / "none" / "r.pdf")]) == 1
    assert list(tmp_path.iterdir()) == []
