"""Keyboard use, the About box and the real start path (`main.py FILE --exit-after-paint`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
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
