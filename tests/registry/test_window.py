"""File → Connect to registry… in the window, against the real throw-away server.

The dialog takes the URL, the user and a password (never remembered); the window shows the
registry's patients as the login may see them, names the login and role, disables what the
window does not do on a registry, and a killed connection is one message and a closed session.
"""

from __future__ import annotations

import sys
from pathlib import Path

import psycopg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox, QPushButton

from tests.registry.conftest import run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from ui_helpers import close_window  # noqa: E402

AURORA = "Fictional Centre Aurora (synthetic demo)"
OFFSCREEN = (r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|lower\(\)"
             r"|grabbing the (keyboard|mouse)|setting window (masks|opacity))")
pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN)


@pytest.fixture(autouse=True)
def _ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path / "settings"))


@pytest.fixture
def filled(registry_url: str) -> str:
    with Registry.open(registry_url) as reg:
        reg.replace_patients(build_demo(), "demo")
    return registry_url


@pytest.fixture
def win(qtbot):  # type: ignore[no-untyped-def]
    from y90gui.ui.main_window import MainWindow

    w = MainWindow()
    w.show()
    qtbot.waitUntil(lambda: w.plots_built, timeout=60000)
    yield w
    close_window(qtbot, w)


def _connect_through_the_dialog(qtbot, win, url: str, user: str, password: str = "") -> None:  # type: ignore[no-untyped-def]
    from y90gui.ui.dialogs.connect_registry import ConnectRegistryDialog

    win.actions["connect_registry"].trigger()
    dialog = win.findChild(ConnectRegistryDialog)
    assert dialog is not None and dialog.isVisible()
    password_edit = dialog.findChild(QLineEdit, "RegistryPassword")
    assert password_edit.echoMode() == QLineEdit.EchoMode.Password
    for name, text in (("RegistryUrl", url), ("RegistryUser", user), ("RegistryPassword", password)):
        edit = dialog.findChild(QLineEdit, name)
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.mouseClick(dialog.findChild(QPushButton, "RegistryConnect"), Qt.MouseButton.LeftButton)


def _host_url(url: str) -> str:
    """postgresql://user@host:port/db -> postgresql://host:port/db (the dialog's URL field)."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('@', 1)[1]}"


def test_an_editor_sees_their_centre_and_their_role(qtbot, win, filled: str, login, url_of) -> None:  # type: ignore[no-untyped-def]
    editor = login("ed")
    run_cli("registry", "grant", "--db", filled, "--user", editor, "--role", "editor", "--center", AURORA)
    _connect_through_the_dialog(qtbot, win, _host_url(url_of(editor)), editor, "not-needed-with-trust")
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    mine = sorted(r["patient_id"] for r in build_demo()["patients"] if r["center"] == AURORA)
    assert win.patient_panel.filtered_ids() == mine  # row-level security: only centre Aurora
    role = win.statusBar().findChild(type(win.registry.role_label), "RegistryRole")
    assert role.isVisible() and role.text() == f"Registry: {editor} (editor of {AURORA})"
    assert editor in win.windowTitle()
    assert "reviews a registry" in win.banner.text() and win.banner.isVisible()
    for key in ("import", "export", "backup", "undo", "redo"):
        assert not win.actions[key].isEnabled(), key
    # remembered without the password
    win.settings.sync()
    settings_text = Path(win.settings.fileName()).read_text(errors="replace")
    assert _host_url(url_of(editor)) in settings_text and editor in settings_text
    assert "not-needed-with-trust" not in settings_text


def test_a_wrong_url_is_one_message_in_the_dialog(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    from y90gui.ui.dialogs.connect_registry import ConnectRegistryDialog

    _connect_through_the_dialog(qtbot, win, "postgresql://127.0.0.1:1", "someone")
    dialog = win.findChild(ConnectRegistryDialog)
    error = dialog.findChild(type(dialog.error), "RegistryError")
    assert dialog.isVisible() and "DBNAME" in error.text()
    assert win.store is None


def test_a_refused_connection_is_one_message(qtbot, win, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    _connect_through_the_dialog(qtbot, win, f"postgresql://127.0.0.1:{pg_cluster.port}/no_such_db", "nobody")
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "RegistryConnectError") is not None, timeout=20000)
    box = win.findChild(QMessageBox, "RegistryConnectError")
    assert "cannot connect" in box.text() and "no_such_db" in box.text()
    assert win.store is None


def test_a_killed_connection_closes_the_registry_with_one_message(qtbot, win, filled: str, login, url_of) -> None:  # type: ignore[no-untyped-def]
    reviewer = login("rev")
    run_cli("registry", "grant", "--db", filled, "--user", reviewer, "--role", "reviewer")
    assert win.registry.connect_to(url_of(reviewer))
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    assert len(win.patient_panel.filtered_ids()) == 44
    assert "a reviewer reads only" in win.banner.text()
    with psycopg.connect(filled, autocommit=True) as conn:
        killed = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                              "WHERE usename = %s", (reviewer,)).fetchone()
    assert killed is not None and killed[0] >= 1
    assert not win.registry.check_connection()
    boxes = [b for b in win.findChildren(QMessageBox, "RegistryLostBox") if b.isVisible()]
    assert len(boxes) == 1 and "was lost" in boxes[0].text()
    assert win.store is None and win.patient_panel.filtered_ids() == []
    assert win.registry.check_connection()  # nothing left to check: no second message
    assert len([b for b in win.findChildren(QMessageBox, "RegistryLostBox") if b.isVisible()]) == 1
