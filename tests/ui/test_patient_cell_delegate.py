"""The patient table's delegate paints exactly what Qt's own delegate paints from the model's
roles: the same pixels for analysed and excluded patients (grey, italic, the ⊘ mark), right-aligned
numbers, elided notes, the "…" of a derived value still loading, the selected row and after a
search; in Qt's default look and in the app's (Fusion, palette, 10 pt, stylesheet), on the first
paint of a text (drawn as it is laid out) and on later ones (a QStaticText)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary
from y90gui.ui.patient_delegate import PatientCellDelegate
from y90gui.ui.patient_panel import PatientPanel


def _summary() -> PatientSummary:
    rows = []
    for i in range(30):
        row = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(patient_id=f"P{i:03d}", center=("Bonn", "Essen", "Zürich")[i % 3], sex="F" if i % 2 else "M",
                   notes="a note that is long enough to be elided in its column" if i % 4 == 0 else None,
                   excluded=("lost to follow-up" if i % 3 == 1 else "" if i % 7 == 2 else None))
        for key in SUMMARY_COLUMNS:  # numbers in every numeric column that can hold one
            if row[key] is None and key.endswith(("_year", "_cycles", "_gbq", "_days", "_count")):
                row[key] = i * 1.5
        rows.append(tuple(row[c] for c in SUMMARY_COLUMNS))
    return PatientSummary(SUMMARY_COLUMNS, rows)


def _grabs(qtbot, panel: PatientPanel) -> tuple[object, object]:
    """The table painted by its own delegate and by Qt's."""
    table = panel.table
    ours = table.itemDelegate()
    assert isinstance(ours, PatientCellDelegate)
    first = table.viewport().grab().toImage()
    assert table.viewport().grab().toImage() == first  # texts seen before: their QStaticText
    table.setItemDelegate(QStyledItemDelegate(table))
    second = table.viewport().grab().toImage()
    table.setItemDelegate(ours)
    return first, second


@pytest.fixture(params=["Qt's look", "the app's look"])
def look(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = (app.style().name(), app.palette(), app.font(), app.styleSheet())
    if request.param == "the app's look":
        from y90gui.ui.app import apply_look

        apply_look(app)
    yield request.param
    style, palette, font, sheet = saved
    app.setStyleSheet(sheet)
    app.setStyle(style)
    app.setPalette(palette)
    app.setFont(font)


def test_the_delegate_paints_what_qts_delegate_paints(qtbot, look) -> None:  # type: ignore[no-untyped-def]
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.set_summary(_summary())
    panel.resize(1400, 800)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model.rowCount() == 30
    for state in ("derived values loading", "selected row", "searched"):
        if state == "selected row":
            panel.model.derived_loaded = True
            panel.select_patient("P004")
        elif state == "searched":
            qtbot.keyClicks(panel.search, "e")  # Essen, Zürich and the notes
            assert 0 < panel.proxy.rowCount() < 30
        qtbot.wait(200)  # what the keystroke posted (the current row kept, the count) lands first
        ours, qts = _grabs(qtbot, panel)
        assert ours == qts, (look, state)
