"""Swimmer, Waterfall, laboratory course and Tables pages: what they show for a filter, checked
against counts made directly from the store with SQL (not the analysis code path)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from ui_helpers import close_window, open_ready_window

from y90gui.demo.synthetic import build_cohort
from y90gui.store.store import Store


def _sql(path: Path, query: str, args: tuple = ()) -> list[tuple]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(query, args).fetchall()
    finally:
        con.close()


def _ids_clause(ids: list[str]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


def _treated(path: Path, ids: list[str]) -> int:
    return _sql(path, f"SELECT count(DISTINCT patient_id) FROM radioembolization WHERE patient_id IN "
                      f"{_ids_clause(ids)}", tuple(ids))[0][0]


def _evaluable(path: Path, ids: list[str]) -> int:
    """Patients with a baseline target sum > 0 (last on or before the first RE) and a sum at the
    assessment closest to day 90 within days 45-135 (spec/report.md), counted in plain Python."""
    first = dict(_sql(path, "SELECT patient_id, min(date) FROM radioembolization GROUP BY patient_id"))
    rows = _sql(path, "SELECT patient_id, date, target_sum_mm FROM response ORDER BY rowid")
    n = 0
    for pid in ids:
        if pid not in first:
            continue
        d0 = dt.date.fromisoformat(first[pid])
        mine = [(dt.date.fromisoformat(d), s) for p, d, s in rows if p == pid]
        base = [s for d, s in sorted(mine, key=lambda r: r[0]) if d <= d0 and s is not None]
        window = [(abs((d - d0).days - 90), (d - d0).days, s) for d, s in mine if 45 <= (d - d0).days <= 135]
        if base and base[-1] > 0 and window and min(window)[2] is not None:
            n += 1
    return n


def _show(qtbot, window, page, content_attr: str):  # type: ignore[no-untyped-def]
    window.views.setCurrentWidget(page)
    widget = getattr(window, content_attr)
    qtbot.waitUntil(lambda: not widget.stale and "figure:" + getattr(widget, "kind", "") not in window.tasks.running()
                    and "tables" not in window.tasks.running(), timeout=60000)
    return widget


@pytest.mark.parametrize("centre", [None, "Bonn", "Utrecht"])
def test_swimmer_and_waterfall_bars_follow_the_filter(window, qtbot, small_store_path, centre) -> None:
    if centre:
        window.patient_panel.set_filter("center", centre)
        qtbot.wait(400)
    ids = window.filtered_patient_ids()
    swimmer = _show(qtbot, window, window.swimmer_page, "swimmer")
    qtbot.waitUntil(lambda: swimmer.view.bar_count() == _treated(small_store_path, ids), timeout=30000)
    total = _sql(small_store_path, "SELECT count(*) FROM patients")[0][0]
    assert swimmer.scope.text() == (f"{len(ids)} of {total} patients (centre = {centre})" if centre
                                    else f"all {total} patients")
    assert not swimmer.page_box.isVisible()  # 12 patients: one page
    waterfall = _show(qtbot, window, window.waterfall_page, "waterfall")
    expected = _evaluable(small_store_path, ids)
    qtbot.waitUntil(lambda: waterfall.view.bar_count() == expected, timeout=30000)
    assert f"n = {expected} patients" in waterfall.view.caption_label.text()


def test_swimmer_pages_for_a_large_cohort(qtbot, tmp_path) -> None:
    path = tmp_path / "big.y90"
    with Store.create(path) as store:
        store.replace_patients(build_cohort(230, seed=3), "fixture")
    win = open_ready_window(qtbot, path)
    try:
        swimmer = _show(qtbot, win, win.swimmer_page, "swimmer")
        qtbot.waitUntil(lambda: len(swimmer.pages) == 3, timeout=60000)
        assert swimmer.page_box.isVisible() and swimmer.page_label.text() == "of 3"
        assert swimmer.view.bar_count() == 100
        swimmer.page_box.setValue(3)
        assert swimmer.view.bar_count() == _treated(path, win.filtered_patient_ids()) - 200
    finally:
        close_window(qtbot, win)


def test_lab_course_counts_values_per_interval(window, qtbot, small_store_path) -> None:
    window.views.setCurrentWidget(window.cohort_toxicity_page)
    lab = window.lab_course
    window.cohort_toxicity.sections.setCurrentWidget(lab)
    lab.set_test("alt")
    qtbot.waitUntil(lambda: lab.view.description is not None and lab.view.description.kind == "labs"
                    and not lab.stale and "figure:labs" not in window.tasks.running(), timeout=60000)
    under = lab.view.description.under
    # days 15-30 after each procedure: ALT values, paired with each procedure whose window holds them
    rows = _sql(small_store_path,
                "SELECT count(*) FROM labs l JOIN radioembolization r ON r.patient_id = l.patient_id "
                "WHERE l.test = 'alt' AND julianday(l.date) - julianday(r.date) BETWEEN 15 AND 30")[0][0]
    assert under.rows[0][2][2] == rows
    shown = [t.toPlainText() for t in lab.view.under_texts]
    assert shown == [str(n) for n in under.rows[0][2]]


def test_tables_page_follows_the_filter_and_copies_html_and_tsv(window, qtbot, small_store_path) -> None:
    window.patient_panel.set_filter("center", "Bonn")
    qtbot.wait(400)
    ids = window.filtered_patient_ids()
    view = _show(qtbot, window, window.tables_page, "tables_view")
    qtbot.waitUntil(lambda: bool(view.tables), timeout=60000)
    n = _treated(small_store_path, ids)
    procedures = _sql(small_store_path, f"SELECT count(*) FROM radioembolization WHERE patient_id IN "
                                        f"{_ids_clause(ids)}", tuple(ids))[0][0]
    text = view.browser.toPlainText()
    assert "Table 1. Patient characteristics" in text and "Table 4. Outcomes" in text
    t1, t2 = view.tables[0], view.tables[1]
    assert f"N = {n}" in " ".join(c.text for row in t1.header for c in row)
    assert f"N = {procedures}" in " ".join(c.text for row in t2.header for c in row)
    view.copy_buttons[0].click()
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasHtml() and mime.hasText()
    assert "<table" in mime.html() and "Patient characteristics" in mime.html()
    lines = mime.text().splitlines()
    assert lines[0] == "Table 1. Patient characteristics"
    assert all(len(line.split("\t")) == t1.columns for line in lines[1:1 + len(t1.header) + len(t1.rows)])
    QGuiApplication.clipboard().clear()  # the offscreen clipboard must not own data when Qt shuts down


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".xlsx"])
def test_export_report_writes_the_document_of_the_filter(window, qtbot, tmp_path, monkeypatch, suffix) -> None:
    import shutil
    import subprocess

    from PySide6.QtWidgets import QFileDialog

    window.patient_panel.set_filter("center", "Bonn")
    qtbot.wait(400)
    target = tmp_path / f"report{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    with qtbot.waitSignal(window.report_view.exported, timeout=120000):
        window.actions["export_report"].trigger()
    assert target.exists()
    n = len(window.filtered_patient_ids())
    if suffix == ".docx":
        import docx

        doc = docx.Document(str(target))
        assert len(doc.tables) == 4
        text = "\n".join(p.text for p in doc.paragraphs)
        assert f"{n} of 12 patients" in text and "Bonn" in text
    elif suffix == ".pdf":
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext (poppler-utils) is not installed")
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
        assert "Table 1" in text and "Bonn" in text
    else:
        import openpyxl

        wb = openpyxl.load_workbook(target, read_only=True)
        assert any("Table 1" in name for name in wb.sheetnames)
