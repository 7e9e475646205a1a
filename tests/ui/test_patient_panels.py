"""Timeline and per-patient toxicity: what is drawn for the selected patient, and clicks."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from y90gui.analysis import toxicity
from y90gui.store.store import Store
from y90gui.ui.grade_models import GRADE_ROLE


def _select(window, qtbot, pid):
    """Select `pid` and wait until its details (header, timeline, toxicity) are what is shown.

    The table's current row is not enough: details follow the selection after a debounce, so
    the table may already say `pid` while the panels still show the previous patient.
    """
    if window.current_patient_id() != pid:
        window.patient_panel.select_patient(pid)
    qtbot.waitUntil(lambda: window.detail.patient_id == pid and window.plots_built, timeout=30000)


def test_timeline_lanes_show_the_patient_rows(window, qtbot):
    _select(window, qtbot, "T003")  # two procedures, four PRRT cycles
    items = window.timeline.items
    lanes = {lane: [i for i in items if i.lane == lane] for lane in {i.lane for i in items}}
    assert len(lanes["PRRT"]) == 4 and all(i.label == "7.4" for i in lanes["PRRT"])
    assert [i.label for i in lanes["RE"]] == ["#1 whole liver", "#2 right lobe"]
    assert "SD" in [i.label for i in lanes["Assessments"]]
    assert lanes["Follow-up"][0].label == "censored"
    assert sum(len(s.points()) for s in window.timeline.scatters.values()) == len(items)
    _select(window, qtbot, "T010")  # died, fatal REILD
    events = [i for i in window.timeline.items if i.lane == "Adverse events"]
    assert any(i.label == "REILD G5" for i in events)
    assert [i.label for i in window.timeline.items if i.lane == "Follow-up"] == ["death"]


def test_timeline_days_axis_and_tooltip(window, qtbot):
    _select(window, qtbot, "T001")
    tl = window.timeline
    tl.days_mode.setChecked(True)
    re_item = next(i for i in tl.items if i.lane == "RE")
    assert tl.x_of(re_item.date) == 0.0
    spot = tl.scatters["RE"].points()[0]
    assert spot.pos().x() == 0.0
    assert "Radioembolization 1" in tl._tip(0, 0, spot.data())
    tl.days_mode.setChecked(False)
    assert tl.scatters["RE"].points()[0].pos().x() > 1e9  # unix seconds on the date axis


def test_clicking_a_timeline_item_selects_its_row(window, qtbot):
    _select(window, qtbot, "T003")
    window.views.setCurrentIndex(0)
    window.detail_tabs.setCurrentWidget(window.detail.timeline_page)
    qtbot.wait(50)
    tl = window.timeline
    item = next(i for i in tl.items if i.lane == "RE" and i.label.startswith("#2"))
    vb = tl.plot.getPlotItem().vb
    scene_pos = vb.mapViewToScene(QPointF(tl.x_of(item.date), 4))
    pos = tl.plot.mapFromScene(scene_pos)
    with qtbot.waitSignal(tl.item_clicked, timeout=30000) as blocker:
        qtbot.mouseClick(tl.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == ["radioembolization", item.key]
    view = window.detail.tables["radioembolization"]
    assert window.detail_tabs.currentWidget() is view
    model = window.detail.models["radioembolization"]
    assert model.row_values(view.currentIndex().row())["procedure"] == 2


def test_lab_grid_shows_value_and_grade_as_the_analysis_grades(window, qtbot, small_store_path):
    _select(window, qtbot, "T001")
    panel = window.patient_toxicity
    with Store.open(small_store_path, read_only=True) as store:
        data = store.read_case_data(["T001"])
    graded = toxicity.graded_labs(data)
    model = panel.lab_model
    cells = {(model.row_headers[r].split(" ")[0], model.col_headers[c].split("\n")[0]): model.cell(r, c)
             for r in range(model.rowCount()) for c in range(model.columnCount()) if model.cell(r, c)}
    assert len(cells) == len(graded)
    for row in graded:
        cell = cells[(row["test"], row["date"].isoformat())]
        grade = row["grade"]
        assert (f"G{grade}" if grade is not None else "n/g") in cell.text  # the grade is written ...
        assert cell.bold == bool(row["baseline"]) and cell.text.startswith("B ") == bool(row["baseline"])
    lympho = [(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())
              if model.row_headers[r].startswith("lymphocytes") and model.cell(r, c) and not model.cell(r, c).bold]
    assert {model.data(model.index(r, c), GRADE_ROLE) for r, c in lympho} == {3}  # ... and coloured by it
    assert model.data(model.index(*lympho[0]), Qt.ItemDataRole.BackgroundRole) is not None
    assert "2015-01-10\n▲ RE 1" in model.col_headers  # the procedure day is a column, marked
    worst = panel.worst_model
    assert worst.col_headers == ["RE 1 (2015-01-10)"]
    row = worst.row_headers.index("lymphocytes")
    assert worst.cell(row, 0).text == "G3"
    assert panel.ae_model.rowCount() == 1 and panel.ae_model.cell(0, 1).text == "fatigue"
