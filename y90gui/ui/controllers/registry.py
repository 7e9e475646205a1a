"""File → Connect to registry…: a shared PostgreSQL registry as the session's case series.

A controller of `MainWindow` (like `controllers.files`): it asks for the URL, user and password
(`dialogs.connect_registry`), opens `registry.database.Registry` as that login, and hands it to
the window's `open_series`, so the table, the detail tabs, the Kaplan–Meier view and the report
read the registry through `store.backend.CaseSeries`, as much of it as the database lets this
login see (row-level security: an editor sees their centre only). The status bar names the
login and its role; the banner says what the window does with it.

A coordinator or an editor edits cells and rows as in a file, through
`services.registry_session.WindowRegistry` (the row version read goes with each write; a row
someone else changed since is refused naming who and when, and the view re-reads it); a
reviewer reads only. The import dialog, export, "Save snapshot as .y90…" (the Backup action),
undo/redo and the Cohort menu work on the registry as on a file (`services.registry_session`:
a worker's own connection, the registry's import and snapshot, one's own undo). A connection
that drops is noticed (a round trip every few seconds while idle, and any failed read) and
reported once; the registry is then closed, not
left as a silent half-state, and the message offers to reconnect.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from y90gui.core.errors import Y90Error
from y90gui.ui.session import Session

if TYPE_CHECKING:  # the dialog (and the URL parser) load when it is first opened, not at start-up
    from y90gui.ui.dialogs.connect_registry import ConnectRegistryDialog

#: How often an idle window checks that the registry still answers.
PING_MS = 5000


class RegistryController(QObject):
    def __init__(self, window: QMainWindow, session: Session, settings: Any,
                 open_series: Callable[[Any], None], close_series: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.settings = settings
        self.open_series = open_series
        self.close_series = close_series
        self.registry: Any = None
        self.role_label = QLabel()
        self.role_label.setObjectName("RegistryRole")
        self.role_label.hide()
        window.statusBar().addPermanentWidget(self.role_label)
        self.timer = QTimer(self)
        self.timer.setInterval(PING_MS)
        self.timer.timeout.connect(self.check_connection)
        self.lost_box: QMessageBox | None = None
        session.closed.connect(self._on_closed)
        session.failed.connect(self._on_failed)

    # ------------------------------------------------------------------ connecting
    def connect_dialog(self) -> ConnectRegistryDialog:
        from y90gui.ui.dialogs.connect_registry import ConnectRegistryDialog

        dialog = ConnectRegistryDialog(self.settings, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            url, password = dialog.url, dialog.password
            dialog.password = None
            if url:
                self.connect_to(url, password)

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def connect_to(self, url: str, password: str | None = None) -> bool:
        """Open the registry at `url` as the session's case series; errors shown, never raised."""
        from y90gui.registry.database import Registry

        try:
            registry = Registry.open(url, password=password)
            try:
                me = registry.membership()
            except BaseException:
                registry.close()
                raise
        except Y90Error as exc:
            self.window.statusBar().showMessage(f"Cannot connect: {exc}", 10000)
            self._box("Cannot connect to the registry", str(exc), "RegistryConnectError").open()
            return False
        from y90gui.services.registry_session import WindowRegistry

        series = WindowRegistry(registry, me, self._reload_after_conflict)
        self.open_series(series)
        self.registry = series  # after open_series: closing the previous series clears it
        self.role_label.setText(f"Registry: {me.describe()}")
        self.role_label.setToolTip(registry.name)
        self.role_label.show()
        self.window.setWindowTitle(f"{registry.name} — {me.describe()} — y90gui")
        self.timer.start()
        return True

    def _reload_after_conflict(self, table_name: str, patient_id: str | None) -> None:
        """Someone else changed the row: once the refusal is shown, every view re-reads it."""
        from y90gui.store.store import Change

        change = Change(None, "re-read after a conflicting change", {table_name},
                        {patient_id} if patient_id else set())
        QTimer.singleShot(0, lambda: self.session.apply(change) if self.registry is not None else None)

    def _on_closed(self) -> None:
        registry, self.registry = self.registry, None
        self.timer.stop()
        self.role_label.hide()
        if registry is not None:
            try:
                registry.close()
            except Exception:  # noqa: BLE001 - a connection that is already gone closes as well as it can
                pass

    # ------------------------------------------------------------------ a dropped connection
    def check_connection(self) -> bool:
        """True while the registry answers; else report it once and close the registry."""
        registry = self.registry
        if registry is None:
            return True
        if self.session.tasks.running():  # a worker is reading through the connection now
            return True
        if registry.is_alive():
            return True
        self.connection_lost(registry.name)
        return False

    def _on_failed(self, _title: str, exc: BaseException) -> None:
        if self.registry is not None and not self.registry.is_alive():
            self.connection_lost(self.registry.name)

    def connection_lost(self, name: str) -> None:
        if self.lost_box is not None:
            return  # one message, however many reads failed
        self.close_series()
        box = self._box("Connection to the registry lost",
                        f"The connection to {name} was lost. The registry was closed in this window; "
                        "nothing was being changed, and nothing is kept in memory. Reconnect to continue.",
                        "RegistryLostBox")
        reconnect = box.addButton("Reconnect…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)

        def done(_result: int) -> None:
            self.lost_box = None
            if box.clickedButton() is reconnect:
                self.connect_dialog()

        box.finished.connect(done)
        self.lost_box = box
        self.window.statusBar().showMessage(f"The connection to {name} was lost", 10000)
        box.open()

    def _box(self, title: str, text: str, name: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, html.escape(text), parent=self.window)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setObjectName(name)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return box
