"""Report view and cohort toxicity: the numbers on screen are the report of the filtered cohort."""

from __future__ import annotations

from cohort_fixture import build_small_cohort

from y90gui.analysis.report import compute_report


def _subset(pids):
    data = build_small_cohort()
    return {s: (rows if s == "reference_ranges" else [r for r in rows if r.get("patient_id") in pids])
            for s, rows in data.items()}


def _wait_report(window, qtbot, trigger, patients=None):
    """The report the trigger leads to. With `patients`, the first report of that many patients:
    a report of an earlier filter that finished before its newer one was asked for may arrive
    first (newest result wins on screen, but each finished report is announced)."""
    check = None if patients is None else (lambda report: report["patients"] == patients)
    with qtbot.waitSignal(window.report_view.report_ready, timeout=120000, check_params_cb=check) as blocker:
        trigger()
    return blocker.args[0]


def _show(window, qtbot, page):
    """Cohort views compute only when shown: open the page and wait for its first report."""
    if window.report_view.report is None or window.report_view.stale:
        _wait_report(window, qtbot, lambda: window.views.setCurrentWidget(page))
    else:
        window.views.setCurrentWidget(page)


def test_report_is_computed_only_when_shown(window, qtbot):
    window.patient_panel.set_filter("center", "Bonn")
    qtbot.wait(300)
    assert window.report_view.report is None and window.report_view.stale
    report = _wait_report(window, qtbot, lambda: window.views.setCurrentWidget(window.report_view))
    assert report["patients"] == 4


def test_report_follows_filter_and_shows_denominators(window, qtbot):
    view = window.report_view
    _show(window, qtbot, view)
    report = _wait_report(window, qtbot, lambda: window.patient_panel.set_filter("center", "Utrecht"))
    ids = window.filtered_patient_ids()
    expected = compute_report(_subset(set(ids)))
    assert report == expected
    text = view.text()
    assert "Filtered cohort: 8 of 12 patients" in text
    orr = expected["recist_3m"]["orr"]
    assert f"({orr['n']}/{orr['N']} evaluable patients)" in text
    wl = expected["whole_liver"]
    assert f"{wl['pct']:.1f} % ({wl['n']}/{wl['N']} procedures)" in text


def test_report_settings_recompute(window, qtbot):
    _show(window, qtbot, window.report_view)
    report = _wait_report(window, qtbot, lambda: window.report_view.ci_combo.setCurrentText("plain"))
    assert report["os"]["ci_method"] == "plain"
    assert report == compute_report(build_small_cohort(), ci_method="plain")


def test_cohort_toxicity_table_and_basis(window, qtbot):
    panel = window.cohort_toxicity
    _show(window, qtbot, window.cohort_toxicity_page)
    report = _wait_report(window, qtbot, lambda: window.patient_panel.set_filter("vital_status", "alive"))
    assert panel.report is report
    tests = report["lab_toxicity"]["tests"]
    model = panel.model
    assert model.row_headers == list(tests)
    for r, test in enumerate(model.row_headers):
        for g in range(5):
            assert model.cell(r, g).text == str(tests[test]["grades"][str(g)])
        g34 = tests[test]["grade3_4"]
        assert model.cell(r, 6).text.startswith(f"{g34['n']}/{g34['N']}")
    report = _wait_report(window, qtbot, lambda: panel.basis.setCurrentText("patients"))
    assert report["lab_toxicity"]["basis"] == "patients"
    assert window.report_view.basis_combo.currentText() == "patients"
    assert "(patients)" in model.col_headers[-1]


def test_report_exports_html_pdf_and_xlsx(window, qtbot, tmp_path):
    view = window.report_view
    _show(window, qtbot, view)
    html = tmp_path / "r.html"
    view.export(html)
    assert "Response at 3 months" in html.read_text(encoding="utf-8")
    pdf = tmp_path / "r.pdf"
    with qtbot.waitSignal(view.exported, timeout=120000):  # the report document, written on a worker
        view.export(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    web_pdf = tmp_path / "web.pdf"
    view.export(web_pdf, "PDF of the web page (*.pdf)")
    assert web_pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "r.xlsx"
    view.export(xlsx)
    qtbot.waitUntil(lambda: xlsx.exists() and not window.tasks.running(), timeout=120000)
    from openpyxl import load_workbook

    assert len(load_workbook(xlsx, read_only=True).sheetnames) >= 3


def test_report_of_a_search_and_of_a_saved_cohort_is_the_report_of_their_patients(window, qtbot):
    """The window reports a filter by masks over the load's derivations (`prepared_report`): the
    same object as the report computed from scratch on the filtered patients' rows."""
    _show(window, qtbot, window.report_view)
    panel = window.patient_panel
    report = _wait_report(window, qtbot, lambda: panel.search.setText("T00"))  # T001..T009
    ids = window.filtered_patient_ids()
    assert len(ids) == 9
    assert report == compute_report(_subset(set(ids)))

    panel.search.clear()
    panel.set_filter("center", "Utrecht")
    panel.set_filter("vital_status", "alive")
    assert window.cohort_menu.save_current("Utrecht alive")
    saved = set(panel.filtered_ids())
    assert _wait_report(window, qtbot, panel.clear_filters, patients=12)["patients"] == 12
    window.cohort_menu.rebuild()
    [apply] = [a for a in window.cohort_menu.actions() if a.text().startswith("&1 Utrecht alive")]
    report = _wait_report(window, qtbot, apply.trigger, patients=len(saved))
    assert set(window.filtered_patient_ids()) == saved and len(saved) == 6
    assert report == compute_report(_subset(saved))
    assert report["patients"] == 6 and report["os"]["N"] == 6
