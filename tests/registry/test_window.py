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

from tests.registry.conftest import AURORA, OFFSCREEN, run_cli
from y90gui.demo.cohort import build_demo
from y90gui.registry.database import Registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from ui_helpers import close_window  # noqa: E402

pytestmark = [pytest.mark.qt_log_ignore(OFFSCREEN), pytest.mark.usefixtures("ui_settings")]


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
    assert not win.banner.isVisible()  # an editor writes: no read-only banner
    for key in ("import", "export", "backup"):  # an editor imports (their centre), exports, takes snapshots
        assert win.actions[key].isEnabled(), key
    assert win.actions["backup"].text().replace("&", "") == "Save snapshot as .y90…"
    for key in ("undo", "redo"):  # nothing of theirs to undo yet
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
    assert not win.actions["import"].isEnabled() and "reviewer reads only" in win.actions["import"].toolTip()
    assert win.actions["export"].isEnabled() and win.actions["backup"].isEnabled()  # reading is theirs
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


def _select(qtbot, win, patient_id: str) -> None:  # type: ignore[no-untyped-def]
    assert win.patient_panel.select_patient(patient_id)
    qtbot.waitUntil(lambda: win.detail.patient_id == patient_id, timeout=30000)


def _notes_index(win):  # type: ignore[no-untyped-def]
    model = win.detail.models["patients"]
    return model, model.index(model.row_for_key("notes"), 1)


def test_an_edit_is_saved_with_the_row_version_and_audited(qtbot, win, filled: str, login, url_of) -> None:  # type: ignore[no-untyped-def]
    editor = login("ed")
    run_cli("registry", "grant", "--db", filled, "--user", editor, "--role", "editor", "--center", AURORA)
    assert win.registry.connect_to(url_of(editor))
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    pid = next(r["patient_id"] for r in build_demo()["patients"] if r["center"] == AURORA)
    _select(qtbot, win, pid)
    model, index = _notes_index(win)
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert model.setData(index, "checked in the window")
    assert model.data(index) == "checked in the window"
    with Registry.open(filled) as reg:
        row = next(r for r in reg.read_table("patients", [pid], with_versions=True))
        assert row["notes"] == "checked in the window" and row["changed_by"] == editor and row["row_version"] == 2
        assert reg.history(pid)[0]["user"] == editor and reg.history(pid)[0]["op"] == "update"
    from y90gui.store.history import audit_rows_page
    from y90gui.ui.history import history_lines  # the History tab's lines, from the registry's audit

    line = history_lines(audit_rows_page(win.store.history(pid))[1])[0]
    assert (line["user"], line["field"], line["new"]) == (editor, "notes", "checked in the window")
    assert line["time"][:4].isdigit()


def test_a_concurrent_edit_is_refused_naming_who_and_the_row_reloads(  # type: ignore[no-untyped-def]
        qtbot, win, filled: str, login, url_of) -> None:
    anna, ben = login("anna"), login("ben")
    for user in (anna, ben):
        run_cli("registry", "grant", "--db", filled, "--user", user, "--role", "editor", "--center", AURORA)
    assert win.registry.connect_to(url_of(anna))
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    pid = next(r["patient_id"] for r in build_demo()["patients"] if r["center"] == AURORA)
    _select(qtbot, win, pid)
    model, index = _notes_index(win)
    with Registry.open(url_of(ben)) as reg:  # ben changes the patient after anna's window read it
        seen = reg.read_table("patients", [pid], with_versions=True)[0]["row_version"]
        reg.update_row("patients", pid, {"notes": "ben's note"}, seen)
    with qtbot.waitSignal(model.edit_refused, timeout=30000) as refused:
        assert not model.setData(index, "anna's note")
    assert f"changed by {ben} at " in refused.args[0] and "nothing was overwritten" in refused.args[0]
    qtbot.waitUntil(lambda: model.data(index) == "ben's note", timeout=30000)  # the view re-read the row
    with Registry.open(filled) as reg:
        assert reg.read_table("patients", [pid])[0]["notes"] == "ben's note"
    # and anna's next edit, on the version she now sees, goes through
    with qtbot.waitSignal(win.session.changed, timeout=30000):
        assert model.setData(index, "anna's note, after ben's")


def test_a_reviewer_cannot_edit_in_the_window(qtbot, win, filled: str, login, url_of) -> None:  # type: ignore[no-untyped-def]
    reviewer = login("rev")
    run_cli("registry", "grant", "--db", filled, "--user", reviewer, "--role", "reviewer")
    assert win.registry.connect_to(url_of(reviewer))
    qtbot.waitUntil(lambda: win.cohort is not None and not win.tasks.running(), timeout=60000)
    _select(qtbot, win, "DEMO-001")
    model, index = _notes_index(win)
    assert not (model.flags(index) & Qt.ItemFlag.ItemIsEditable)
    assert not model.setData(index, "a reviewer's note")
    with Registry.open(filled) as reg:
        assert reg.read_table("patients", ["DEMO-001"])[0]["notes"] != "a reviewer's note"
