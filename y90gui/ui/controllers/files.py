"""File commands, message boxes and file status (title, read-only banner) of the window.

A controller object of `MainWindow`: it opens and closes files through the session and keeps
the title and the banner in step with `session.opened` / `closed` / `changed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox

from y90gui import __version__
from y90gui.core.errors import Y90Error
from y90gui.store.store import Store
from y90gui.ui import settings as app_settings_mod
from y90gui.ui.dialogs.progress import describe_failure
from y90gui.ui.session import Session


class FileController(QObject):
    def __init__(self, window: QMainWindow, session: Session, settings: Any, banner: QLabel,
                 recent_menu: QMenu, open_file: Any) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.settings = settings
        self.banner = banner
        self.recent_menu = recent_menu
        self.open_file = open_file  # the window's open (it also lists the rows)
        recent_menu.aboutToShow.connect(self.fill_recent)
        session.opened.connect(lambda _s: self.update_status())
        session.closed.connect(self.update_status)
        session.changed.connect(lambda _c: self.update_title())
        session.failed.connect(self.show_error)

    # ------------------------------------------------------------------ file status
    def update_status(self) -> None:
        self.update_title()
        self.update_banner()

    def update_title(self) -> None:
        store = self.session.store
        if store is None:
            self.window.setWindowTitle("y90gui")
            return
        ro = " — read-only" if store.read_only else ""
        self.window.setWindowTitle(f"{store.name}{ro} — y90gui")
        self.window.setWindowFilePath(str(getattr(store, "path", "")))  # a registry has no file

    def update_banner(self) -> None:
        store = self.session.store
        if store is None or not store.read_only:
            self.banner.hide()
            return
        locked_by = getattr(store, "locked_by", None)
        if locked_by is not None:
            text = (f"Read-only: {locked_by.describe()} has this file open for editing. "
                    "You can review it; changes are disabled until they close it.")
        else:
            text = f"Read-only: {store.read_only_reason or 'opened without write access'}. Changes are disabled."
        self.banner.setText(text)
        self.banner.show()

    # ------------------------------------------------------------------ commands
    def show_error(self, title: str, exc: BaseException) -> None:
        """Every error the window shows comes here (`session.failed`, the window's own calls).

        Worded by `describe_failure`: a user's mistake or disk in a sentence; a bug logged with
        its traceback, which the box points to (until session 12 a background task's bug shown
        here said so without being logged)."""
        path = getattr(self.session.store, "path", None)  # a registry has none (and no SQLite errors)
        text = describe_failure(exc, context=title, name=Path(path).name if path is not None else None)
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        for shown in self.window.findChildren(QMessageBox, "ErrorBox"):
            if shown.isVisible() and shown.text() == text:  # one box, however many reads failed alike
                shown.raise_()
                return
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("ErrorBox")
        box.setTextFormat(Qt.TextFormat.PlainText)  # file names and cell values, never mark-up
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _start_dir(self) -> str:
        return app_settings_mod.dialog_folder(self.settings)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open case series", self._start_dir(),
                                              "y90gui case series (*.y90);;All files (*)")
        if path:
            app_settings_mod.remember_folder(self.settings, path)
            self.open_file(path)

    def new_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "New case series", self._start_dir(),
                                              "y90gui case series (*.y90)")
        if not path:
            return
        app_settings_mod.remember_folder(self.settings, path)
        if not path.endswith(".y90"):
            path += ".y90"
        try:
            Store.create(path).close()
        except Y90Error as exc:
            self.show_error("Cannot create the file", exc)
            return
        self.open_file(path)

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        files = app_settings_mod.recent_files(self.settings)
        for i, f in enumerate(files):
            act = self.recent_menu.addAction(f"&{i + 1} {Path(f).name}")
            act.setToolTip(f)
            act.setStatusTip(f)
            act.triggered.connect(lambda _=False, f=f: self.open_file(f))
        if not files:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def show_about(self) -> None:
        from y90gui.store import schema

        QMessageBox.about(
            self.window, "About y90gui",
            f"<h3>y90gui {__version__}</h3>"
            "<p>Review and analysis of case series of Y-90 radioembolization of neuroendocrine liver "
            "metastases after PRRT.</p>"
            f"<p>Case-series file format: version {schema.SCHEMA_VERSION}<br>"
            "Workbook exchange format: version 1<br>"
            "Toxicity grading: CTCAE v4.03<br>Response: RECIST 1.1<br>"
            "Survival: Kaplan–Meier with Greenwood confidence bands (R <i>survival</i> conventions)</p>",
        )
