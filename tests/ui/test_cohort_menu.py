"""The Cohort menu: save the filter under a name, apply it again, rename, delete, undo; the
report view's header names the saved cohort it was computed on."""

from __future__ import annotations

from y90gui.services.cohort_view import CohortView
from y90gui.ui.patient_model import ALL


def _menu_texts(menu) -> list[str]:
    menu.rebuild()
    return [a.text() for a in menu.actions() if a.text()]


def test_save_apply_rename_delete_and_undo(window, qtbot) -> None:
    menu = window.cohort_menu
    panel = window.patient_panel
    assert "(none)" in _menu_texts(menu)
    panel.set_filter("center", "Bonn")
    bonn = panel.filtered_ids()
    menu.ask_name = lambda *_a: "Bonn only"
    with qtbot.waitSignal(window.store_changed, timeout=30000) as sig:
        [save] = [a for a in menu.actions() if a.objectName() == "action_save_cohort"]
        save.trigger()
    assert sig.args[0].tables == {"cohorts"}
    assert f"&1 Bonn only  ({len(bonn)} patients when saved)" in _menu_texts(menu)

    panel.clear_filters()
    assert len(panel.filtered_ids()) == panel.model.total()
    [apply] = [a for a in menu.actions() if a.text().startswith("&1 Bonn only")]
    apply.trigger()
    assert panel.filtered_ids() == bonn
    assert panel.combos["center"].currentData() == "Bonn"
    assert panel.combos["vital_status"].currentData() is ALL

    assert menu.rename("Bonn only", "Bonn centre")
    assert any(t.startswith("&1 Bonn centre") for t in _menu_texts(menu))
    assert menu.delete("Bonn centre")
    assert "(none)" in _menu_texts(menu)
    with qtbot.waitSignal(window.store_changed, timeout=30000):
        window.actions["undo"].trigger()
    assert any(t.startswith("&1 Bonn centre") for t in _menu_texts(menu))


def test_the_cohort_menu_is_in_the_view_menu(window) -> None:
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.cohort_menu.menuAction() in view_menu.actions()
    assert window.cohort_menu.title() == "C&ohort"


def test_a_taken_name_is_one_message(window, qtbot) -> None:
    menu = window.cohort_menu
    assert menu.save_current("Everyone")
    with qtbot.waitSignal(window.session.failed, timeout=30000) as sig:
        assert not menu.save_current("  everyone ")
    assert "exists already" in str(sig.args[1])


def test_the_report_header_names_the_saved_cohort(window, qtbot) -> None:
    panel = window.patient_panel
    panel.set_filter("center", "Utrecht")
    assert window.cohort_menu.save_current("Utrecht series")
    view = panel.cohort_view()
    assert isinstance(view, CohortView) and view.filters == (("center", "Utrecht"),)
    window.session.set_view(view)
    with qtbot.waitSignal(window.report_view.report_ready, timeout=120000):
        window.views.setCurrentWidget(window.report_view)
    text = window.report_view.text()
    assert f"Cohort “Utrecht series”: {view.shown} of {view.total} patients (centre = Utrecht)." in text
    assert window.report_view.cohort_info == {"name": "Utrecht series", "filter": "centre = Utrecht",
                                              "n": view.shown, "total": view.total}
