"""The patient search narrows the last result while typing on: the rows shown are always exactly
those containing the text, also after deleting characters, changing a column filter or new rows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary
from y90gui.ui.patient_panel import PatientPanel


def _summary(ids_centres_notes: list[tuple[str, str, str]]) -> PatientSummary:
    rows = []
    for pid, centre, notes in ids_centres_notes:
        row = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(patient_id=pid, center=centre, notes=notes, sex="F")
        rows.append(tuple(row[c] for c in SUMMARY_COLUMNS))
    return PatientSummary(SUMMARY_COLUMNS, rows)


def _shown(panel: PatientPanel) -> list[str]:
    return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]


def test_typing_on_narrows_and_deleting_widens(qtbot) -> None:
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.set_summary(_summary([("A-101", "Bonn", ""), ("A-102", "Bern", "liver"), ("B-201", "Bonn", "lung"),
                                ("B-110", "Basel", "")]))
    qtbot.keyClicks(panel.search, "b")
    assert _shown(panel) == ["A-101", "A-102", "B-201", "B-110"]  # every row has a "b"
    qtbot.keyClicks(panel.search, "o")
    assert _shown(panel) == ["A-101", "B-201"]  # "bo": Bonn only
    qtbot.keyClicks(panel.search, "nn")
    assert _shown(panel) == ["A-101", "B-201"]
    qtbot.keyClick(panel.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(panel.search, Qt.Key.Key_Backspace)
    qtbot.keyClick(panel.search, Qt.Key.Key_Backspace)
    assert _shown(panel) == ["A-101", "A-102", "B-201", "B-110"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "1")
    assert _shown(panel) == ["A-101", "A-102", "B-201", "B-110"]
    qtbot.keyClicks(panel.search, "0")
    assert _shown(panel) == ["A-101", "A-102", "B-110"]
    # new rows arrive (the table re-read after an edit): the next keystroke searches them too
    panel.set_summary(_summary([("A-101", "Bonn", ""), ("C-310", "Graz", "")]))
    panel.search.setText("10")
    assert _shown(panel) == ["A-101", "C-310"]
    panel.search.setText("310")
    assert _shown(panel) == ["C-310"]


def test_typing_keeps_the_current_patient_and_the_scroll_position(qtbot) -> None:
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 300)
    panel.show()
    panel.set_summary(_summary([(f"P-{i:03d}", "Bonn" if i % 2 else "Bern", "") for i in range(200)]))
    assert panel.select_patient("P-151")
    bar = panel.table.verticalScrollBar()
    top = bar.value()
    assert top > 0
    qtbot.keyClicks(panel.search, "p")  # every row still shown: nothing moves
    assert panel.current_patient_id() == "P-151" and bar.value() == top
    qtbot.keyClicks(panel.search, "-15")  # P-150..P-159: the current patient is among them
    assert _shown(panel) == [f"P-{i}" for i in range(150, 160)]
    assert panel.current_patient_id() == "P-151"
    qtbot.keyClicks(panel.search, "0")  # P-150 only: the current patient is filtered out
    assert _shown(panel) == ["P-150"] and panel.current_patient_id() == "P-150"
    panel.search.clear()
    assert len(_shown(panel)) == 200 and panel.current_patient_id() == "P-150"


def test_sorting_a_filtered_table_keeps_the_filter_and_the_current_patient(qtbot) -> None:
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.set_summary(_summary([("P-1", "Bonn", ""), ("P-2", "Graz", ""), ("P-3", "Bern", ""), ("P-4", "Basel", "")]))
    qtbot.keyClicks(panel.search, "b")  # Bonn, Bern, Basel
    assert panel.select_patient("P-3")
    panel.table.sortByColumn(panel.column_index("center"), Qt.SortOrder.AscendingOrder)
    assert _shown(panel) == ["P-4", "P-3", "P-1"] and panel.current_patient_id() == "P-3"
    panel.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the file's order again
    assert _shown(panel) == ["P-1", "P-3", "P-4"] and panel.current_patient_id() == "P-3"
    panel.search.clear()
    assert _shown(panel) == ["P-1", "P-2", "P-3", "P-4"] and panel.current_patient_id() == "P-3"


def test_the_count_keeps_its_width_while_typing_narrows_the_rows(qtbot) -> None:
    """"1200 of 1200 patients shown" down to "1 of 1200 …": the label keeps one width that shows
    the whole text, and the search box beside it keeps its own, so a keystroke repaints the table
    and the count, not the window. (The label grew with each shorter count once: its width was
    taken from a size hint held at the width set the keystroke before.)"""
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.setStyleSheet("QLabel#CountLabel { padding: 0 4px; }")  # the app's padding: frame and margins count
    panel.set_summary(_summary([(f"P{i:04d}", "Bonn", "") for i in range(1, 1201)]))
    panel.resize(700, 500)
    panel.show()
    qtbot.waitExposed(panel)
    label = panel.count_label
    widths, boxes = set(), set()
    for ch in "1111":  # P1111 alone at the end
        qtbot.keyClicks(panel.search, ch)
        qtbot.wait(1)
        widths.add(label.width())
        boxes.add(panel.search.width())
        assert label.contentsRect().width() >= label.fontMetrics().horizontalAdvance(label.text()), label.text()
        free = QLabel(label.text(), panel)  # the same label with no fixed size: what it needs
        free.setObjectName("CountLabel")
        assert label.width() >= free.sizeHint().width(), label.text()  # padding and frame included
        free.deleteLater()
    assert label.text() == "1 of 1200 patients shown"
    assert len(widths) == 1, widths
    assert len(boxes) == 1, boxes


def test_the_count_is_measured_again_when_the_stylesheet_arrives(qtbot) -> None:
    """The window gets the application's stylesheet after its file is listed (start-up): the
    count's width then includes the new padding, and the whole text shows."""
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.set_summary(_summary([(f"P{i:02d}", "Bonn", "") for i in range(44)]))
    panel.resize(600, 400)
    panel.show()
    qtbot.waitExposed(panel)
    label = panel.count_label
    before = label.width()
    panel.setStyleSheet("QLabel#CountLabel { padding: 0 12px; }")
    free = QLabel(label.text(), panel)  # the label as the new style sizes it, with no fixed width
    free.setObjectName("CountLabel")
    qtbot.waitUntil(lambda: label.width() >= free.sizeHint().width(), timeout=2000)
    assert label.width() >= before + 24
    assert label.text() == "44 of 44 patients shown"
