"""Data text shown in rich text is shown literally (issue 12: "log-rank p =" ate "< 0.001").

A centre name, an adverse-event term and a note that look like mark-up go through the patient
header, the timeline's tooltips, the toxicity grid's tooltips, the read-only banner and an error
box; each must show the text as typed, never as a tag.
"""

from __future__ import annotations

import datetime as dt

import pytest
from cohort_fixture import build_small_cohort
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from ui_helpers import close_window, open_ready_window, shown

from y90gui.core.errors import Y90Error
from y90gui.store.store import Store

NASTY = "<b>x</b> & < 0.001"


@pytest.fixture
def nasty_window(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    data = build_small_cohort()
    data["patients"][0]["center"] = NASTY
    data["adverse_events"].append({"patient_id": "T001", "procedure": 1, "onset_date": dt.date(2015, 2, 1),
                                   "term": NASTY, "category": "clinical", "grade": 2, "notes": NASTY})
    path = tmp_path / "nasty.y90"
    with Store.create(path) as store:
        store.replace_patients(data, "fixture")
    win = open_ready_window(qtbot, path)
    if win.current_patient_id() != "T001":
        win.patient_panel.select_patient("T001")
    qtbot.waitUntil(lambda: win.detail.patient_id == "T001" and win.timeline is not None, timeout=30000)
    yield win
    close_window(qtbot, win)


def test_patient_header_shows_a_centre_name_literally(nasty_window):
    header = nasty_window.detail.header
    assert NASTY in shown(header.text(), header.textFormat())


def test_timeline_tooltip_and_label_show_a_term_and_note_literally(nasty_window):
    tl = nasty_window.timeline
    event = next(i for i in tl.items if i.lane == "Adverse events" and i.label.startswith("<b>"))
    tip = shown(tl._tip(0, 0, event))
    assert tip.count(NASTY) == 2  # the term and the note
    assert any(text.toPlainText() == f"{NASTY} G2" for _lane, text in tl.labels)


def test_toxicity_tooltips_show_data_literally(nasty_window):
    model = nasty_window.patient_toxicity.ae_model
    notes = next(model.index(r, 5) for r in range(model.rowCount()) if model.index(r, 5).data() == NASTY)
    assert shown(notes.data(Qt.ItemDataRole.ToolTipRole)) == NASTY


def test_patient_table_tooltip_shows_a_centre_name_literally(nasty_window):
    panel = nasty_window.patient_panel
    col = panel.column_index("center")
    index = next(panel.proxy.index(r, col) for r in range(panel.proxy.rowCount())
                 if panel.proxy.index(r, col).data() == NASTY)
    assert shown(index.data(Qt.ItemDataRole.ToolTipRole)) == NASTY


def test_error_box_and_banner_show_data_literally(nasty_window, qtbot):
    nasty_window.show_error("Cannot open", Y90Error(f"cell value {NASTY}"))
    box = nasty_window.findChild(QMessageBox, "ErrorBox")
    qtbot.waitUntil(lambda: box is not None and box.isVisible(), timeout=5000)
    assert f"cell value {NASTY}" == shown(box.text(), box.textFormat())
    box.close()
    banner = nasty_window.banner
    banner.setText(f"Read-only: {NASTY} has this file open")
    assert isinstance(banner, QLabel)
    assert NASTY in shown(banner.text(), banner.textFormat())


def test_an_unexpected_error_shown_is_logged_with_its_traceback(nasty_window, caplog):
    """The box says "Details are in the log file": a bug reported by a background task
    (`session.failed`) must be there with its traceback; a user's mistake is only shown."""
    import logging

    def bug() -> None:
        raise RuntimeError("a bug in a worker")

    try:
        bug()
    except RuntimeError as exc:
        error = exc
    with caplog.at_level(logging.ERROR):
        nasty_window.session.failed.emit("The report could not be saved", error)
        nasty_window.session.failed.emit("Cannot open", Y90Error("s.y90 is not a case series"))
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(records) == 1 and "The report could not be saved" in records[0].getMessage()
    assert records[0].exc_info is not None and records[0].exc_info[1] is error
    assert "in bug" in caplog.text and "a bug in a worker" in caplog.text


def test_the_error_box_and_a_task_dialog_word_a_failure_alike(nasty_window, qtbot):
    """One wording of a failure for every place the window shows one (`describe_failure`)."""
    from y90gui.ui.dialogs.progress import describe_failure

    error = OSError(13, "Permission denied", "/data/report.xlsx")
    nasty_window.show_error("The report could not be saved", error)
    box = nasty_window.findChild(QMessageBox, "ErrorBox")
    assert box is not None and box.text() == describe_failure(error) == "Permission denied: /data/report.xlsx"
