"""Small stores for the editing, history and exchange tests (helper gui2).

Two patients written by hand, so each test knows exactly what is in the file; the demo cohort
(when present) is used only where size matters.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from y90gui.core.validate import CaseData
from y90gui.store.store import Store

D = dt.date


def small_case_data() -> CaseData:
    return {
        "patients": [
            {"patient_id": "P01", "center": "Munich", "sex": "F", "birth_year": 1950, "primary_site": "pancreas",
             "who_grade": "G2", "ki67_pct": 12.0, "diagnosis_date": D(2010, 5, 1), "functional_syndrome": False,
             "extrahepatic_disease": True, "hepatic_tumour_burden_pct": 30.0, "vital_status": "dead",
             "followup_date": D(2016, 8, 1), "cause_of_death": "tumour progression", "notes": None},
            {"patient_id": "P02", "center": "Munich", "sex": "M", "birth_year": 1962, "primary_site": "small_bowel",
             "who_grade": "G1", "ki67_pct": 2.0, "diagnosis_date": D(2009, 1, 15), "functional_syndrome": True,
             "extrahepatic_disease": False, "hepatic_tumour_burden_pct": 20.0, "vital_status": "alive",
             "followup_date": D(2019, 3, 1), "cause_of_death": None, "notes": "carcinoid syndrome"},
        ],
        "prrt": [
            {"patient_id": "P01", "cycle": 1, "date": D(2012, 1, 10), "radiopharmaceutical": "177Lu-DOTATATE",
             "activity_gbq": 7.4},
            {"patient_id": "P02", "cycle": 1, "date": D(2011, 6, 1), "radiopharmaceutical": "90Y-DOTATOC",
             "activity_gbq": 3.0},
        ],
        "radioembolization": [
            {"patient_id": "P01", "procedure": 1, "date": D(2014, 3, 5), "extent": "right_lobe",
             "microspheres": "resin", "activity_planned_gbq": 1.2, "activity_administered_gbq": 1.1,
             "dosimetry_method": "bsa", "lung_shunt_pct": 5.0, "notes": None},
            {"patient_id": "P01", "procedure": 2, "date": D(2014, 4, 2), "extent": "left_lobe",
             "microspheres": "resin", "activity_planned_gbq": 0.8, "activity_administered_gbq": 0.8,
             "dosimetry_method": "bsa", "lung_shunt_pct": 5.0, "notes": None},
            {"patient_id": "P02", "procedure": 1, "date": D(2015, 2, 20), "extent": "whole_liver",
             "microspheres": "glass", "activity_planned_gbq": 2.0, "activity_administered_gbq": 1.9,
             "dosimetry_method": "partition", "lung_shunt_pct": 8.0, "notes": None},
        ],
        "response": [
            {"patient_id": "P01", "date": D(2014, 6, 5), "recist": "PR", "target_sum_mm": 60.0,
             "new_lesions": False, "non_target": "non-CR/non-PD", "clinical_response": "na"},
        ],
        "labs": [
            {"patient_id": "P01", "date": D(2014, 3, 1), "test": "bilirubin", "value": 12.0, "unit": "umol/L",
             "uln": 21.0, "lln": None},
            {"patient_id": "P01", "date": D(2014, 4, 20), "test": "alt", "value": 80.0, "unit": "U/L",
             "uln": 40.0, "lln": None},
        ],
        "adverse_events": [
            {"patient_id": "P01", "procedure": 2, "onset_date": D(2014, 4, 5), "term": "fatigue",
             "category": "clinical", "grade": 1, "notes": None},
        ],
        "treatments_after": [],
        "reference_ranges": [],
    }


@pytest.fixture
def small_store(tmp_path: Path):
    store = Store.create(tmp_path / "series.y90")
    store.replace_patients(small_case_data(), "initial import")
    yield store
    store.close()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A closed small case series on disk (for windows that open it themselves)."""
    path = tmp_path / "series.y90"
    with Store.create(path) as store:
        store.replace_patients(small_case_data(), "initial import")
    return path


@pytest.fixture
def window(qtbot, store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """gui1's MainWindow with this module's editing installed, the small series open, P01 selected.

    Setup waits for the window's own background work (plot pages, cohort load), and teardown
    closes the window, waits for its workers and lets their last queued signals arrive before
    deleting it, so nothing of one test runs in the next.
    """
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path / "settings"))
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    assert win.open_file(store_path)
    select(qtbot, win, "P01")
    qtbot.waitUntil(lambda: win.editing.store is win.store, timeout=30000)
    settle(qtbot, win)
    yield win
    close_window(qtbot, win)


def settle(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    """Wait for the work a shown window starts by itself (plot pages after first paint, cohort)."""
    qtbot.waitUntil(lambda: getattr(win, "plots_built", True), timeout=60000)
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=60000)


def close_window(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    win.editing.ask_quit = lambda running: True
    win.close()
    assert win.tasks.shutdown(20000)
    # deliver the workers' queued finished/cancelled signals while the window exists
    qtbot.waitUntil(lambda: not win.tasks.running(), timeout=30000)
    win.deleteLater()
    qtbot.wait(10)


def select(qtbot, win, patient_id: str) -> None:
    """Select a patient the way a click in the patient table does, and wait until the window
    shows it (the window loads a patient once the selection has rested and it has painted)."""
    if not win.isVisible():
        win.show()
        qtbot.waitExposed(win)
    assert win.patient_panel.select_patient(patient_id)
    assert win.current_patient_id() == patient_id
    qtbot.waitUntil(lambda: win.detail.patient_id == patient_id, timeout=30000)
