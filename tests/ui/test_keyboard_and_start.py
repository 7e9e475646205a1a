"""Keyboard use, the About box and the real start path (`main.py FILE --exit-after-paint`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

ROOT = Path(__file__).resolve().parents[2]


def test_shortcuts_reach_search_views_and_patients(window, qtbot):
    window.activateWindow()
    window.patient_panel.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.patient_panel.search
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.survival_page
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.views.currentWidget() is window.report_view
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    first = window.current_patient_id()
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert window.current_patient_id() != first


def test_every_menu_has_a_mnemonic_and_every_filter_a_buddy(window):
    for action in window.menuBar().actions():
        assert "&" in action.text()
        for item in action.menu().actions():
            if not item.isSeparator() and item.menu() is None and item.text() != "(none)":
                assert "&" in item.text(), item.text()
    labels = [lab for lab in window.patient_panel.findChildren(type(window.patient_panel.count_label))
              if lab.buddy() is not None]
    assert {lab.buddy() for lab in labels} == set(window.patient_panel.combos.values())


def test_tab_moves_from_search_through_filters_to_table(window, qtbot):
    panel = window.patient_panel
    panel.search.setFocus()
    seen = []
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert panel.combos["center"] in seen
    assert panel.table in seen


def test_about_names_format_and_ctcae_version(window, qtbot, monkeypatch):
    shown = {}
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.update(text=text))
    window.actions["about"].trigger()
    assert "CTCAE v4.03" in shown["text"] and "file format" in shown["text"]


def test_main_py_opens_the_file_and_reports_first_paint(small_store_path, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_DATA_DIR=str(tmp_path / "data"),
               Y90GUI_SETTINGS_DIR=str(tmp_path / "settings"))
    out = subprocess.run([sys.executable, "main.py", str(small_store_path), "--exit-after-paint"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("first paint: ") and out.stdout.strip().endswith(" s")
    assert "Traceback" not in out.stderr


def test_main_py_with_a_bad_file_shows_no_traceback(tmp_path):
    bad = tmp_path / "broken.y90"
    bad.write_bytes(b"garbage" * 100)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_DATA_DIR=str(tmp_path / "data"),
               Y90GUI_SETTINGS_DIR=str(tmp_path / "settings"))
    out = subprocess.run([sys.executable, "main.py", str(bad), "--exit-after-paint"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "Traceback" not in out.stderr


def _mnemonics_in_view(window) -> list[str]:
    """The Alt+letter keys usable at once: menus plus every visible label, button and tab."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QTabBar

    texts = [a.text() for a in window.menuBar().actions()]
    for w in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if w.isVisible() and (not isinstance(w, QLabel) or w.buddy() is not None):
            texts.append(w.text())
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            texts.extend(bar.tabText(i) for i in range(bar.count()))
    keys = []
    for text in texts:
        m = re.search(r"&([^&])", text.replace("&&", ""))
        if m:
            keys.append(m.group(1).lower())
    return keys


def test_no_two_visible_mnemonics_share_a_key(window, qtbot):
    import collections

    for page in (window.detail, window.survival_page, window.cohort_toxicity_page, window.report_view,
                 window.cox_page):
        window.views.setCurrentWidget(page)
        qtbot.waitUntil(page.isVisible, timeout=30000)
        keys = _mnemonics_in_view(window)
        counts = collections.Counter(keys)
        assert len(counts) >= 10  # menus, filters and the page's own controls were all found
        clashes = {k for k, n in counts.items() if n > 1}
        assert not clashes, (window.views.tabText(window.views.currentIndex()), clashes)
    # the per-patient tabs (gui2's History among them) are in the count: a tab's mnemonic
    # clashing with a menu's (Alt+H: Help) is caught
    window.views.setCurrentWidget(window.detail)
    tab_keys = {re.search(r"&([^&])", window.detail_tabs.tabText(i)).group(1).lower()
                for i in range(window.detail_tabs.count()) if "&" in window.detail_tabs.tabText(i)}
    assert len(tab_keys) == window.detail_tabs.count()  # every tab has its own mnemonic ...
    assert tab_keys <= set(_mnemonics_in_view(window))  # ... and the check above saw them


# ---------------------------------------------------------------- issue 12 (helper gui1)
def test_ctrl_e_exports_while_the_search_box_has_focus(window, qtbot):
    window.finish_building()
    action = window.actions["export"]
    assert action.isEnabled()
    search = window.patient_panel.search
    window.activateWindow()
    search.setFocus()
    qtbot.keyClicks(search, "T00")
    assert QApplication.focusWidget() is search
    with qtbot.waitSignal(action.triggered, timeout=3000):
        qtbot.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    for box in QApplication.topLevelWidgets():  # the export dialog it opened
        if box.isVisible() and box is not window and hasattr(box, "reject"):
            box.reject()
    qtbot.keyClick(search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # editing keys stay the box's
    assert search.selectedText() == "T00"


def test_clear_filters_clears_the_sort_arrow_and_order(window, qtbot):
    panel = window.patient_panel
    header = panel.table.horizontalHeader()
    column = panel.column_index("center")  # (ages tie in this cohort: a centre sort moves rows)
    before = panel.model.patient_ids()
    at = QPoint(header.sectionViewportPosition(column) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)  # sort, then descending
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert header.sortIndicatorSection() == column and panel.model.patient_ids() != before
    panel.reset_button.click()
    assert header.sortIndicatorSection() not in range(header.count())  # no arrow on any column
    assert panel.model.patient_ids() == before  # the file's order again


def test_main_py_without_a_file_opens_the_demo_not_the_last_file(small_store_path, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_DATA_DIR=str(tmp_path / "data"),
               Y90GUI_SETTINGS_DIR=str(tmp_path / "settings"))
    for args in ([str(small_store_path)], []):
        out = subprocess.run([sys.executable, "main.py", *args, "--exit-after-paint"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    ini = (tmp_path / "settings" / "y90gui.ini").read_text(encoding="utf-8")
    last = next(line for line in ini.splitlines() if line.startswith("last_file="))
    assert str(tmp_path / "data") in last and "cohort.y90" not in last  # the demo copy was opened
    assert "cohort.y90" in ini  # the file given before stays under Open recent


def test_file_dialogs_start_in_the_last_folder_or_documents(window, qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    asked: list[str] = []
    chosen = tmp_path / "elsewhere"
    chosen.mkdir()

    def fake_open(_parent, _title, folder, _filter=""):  # type: ignore[no-untyped-def]
        asked.append(folder)
        return (str(chosen / "other.y90"), "") if len(asked) == 1 else ("", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    monkeypatch.setattr(window, "open_file", lambda _p, *_a: True)
    window.files.open_file = window.open_file
    window.actions["open"].trigger()
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked[0] in (docs, str(Path.home()))
    assert "data" not in Path(asked[0]).parts[-1:]  # not the app's data folder
    window.actions["open"].trigger()
    assert asked[1] == str(chosen)  # the folder used last
