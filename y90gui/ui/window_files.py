"""The main window's file commands, message boxes and file status (title, read-only banner).

A mixin of `MainWindow`, kept apart so the window module holds layout and data flow only.
It uses the window's `store`, `settings`, `banner`, `open_file` and `statusBar`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from y90gui import __version__
from y90gui.core.errors import Y90Error
from y90gui.store.store import Store
from y90gui.ui import settings as app_settings_mod


class FileCommandsMixin:
    """Needs `store`, `settings`, `recent_menu`, `open_file` and QMainWindow's `statusBar`."""

    store: Store | None
    settings: Any
    recent_menu: Any
    banner: Any
    if TYPE_CHECKING:  # provided by MainWindow / QMainWindow (a stub here would shadow Qt's method)
        def open_file(self, path: str | Path, prefetched: Any = None) -> bool: ...
        def statusBar(self) -> Any: ...  # noqa: N802
        def setWindowTitle(self, title: str) -> None: ...  # noqa: N802
        def setWindowFilePath(self, path: str) -> None: ...  # noqa: N802

    # ------------------------------------------------------------------ file status
    def _update_title(self) -> None:
        if self.store is None:
            self.setWindowTitle("y90gui")
            return
        ro = " — read-only" if self.store.read_only else ""
        self.setWindowTitle(f"{self.store.path.name}{ro} — y90gui")
        self.setWindowFilePath(str(self.store.path))

    def _update_banner(self) -> None:
        store = self.store
        if store is None or not store.read_only:
            self.banner.hide()
            return
        if store.locked_by is not None:
            text = (f"Read-only: {store.locked_by.describe()} has this file open for editing. "
                    "You can review it; changes are disabled until they close it.")
        else:
            text = f"Read-only: {store.read_only_reason or 'opened without write access'}. Changes are disabled."
        self.banner.setText(text)
        self.banner.show()

    # ------------------------------------------------------------------ commands
    def show_error(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, (Y90Error, OSError)):
            text = str(exc) if not isinstance(exc, OSError) else f"{exc.strerror or exc}: {exc.filename or ''}"
        else:
            text = f"Unexpected error ({type(exc).__name__}): {exc}\nDetails are in the log file."
        self.statusBar().showMessage(f"{title}: {text}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)  # type: ignore[arg-type]
        box.setObjectName("ErrorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def choose_file(self) -> None:
        start = str(self.store.path.parent) if self.store else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open case series", start,
                                              "y90gui case series (*.y90);;All files (*)")
        if path:
            self.open_file(path)

    def new_file(self) -> None:
        start = str(self.store.path.parent) if self.store else str(Path.home())
        path, _ = QFileDialog.getSaveFileName(self, "New case series", start, "y90gui case series (*.y90)")
        if not path:
            return
        if not path.endswith(".y90"):
            path += ".y90"
        try:
            Store.create(path).close()
        except Y90Error as exc:
            self.show_error("Cannot create the file", exc)
            return
        self.open_file(path)

    def _fill_recent(self) -> None:
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
            self, "About y90gui",
            f"<h3>y90gui {__version__}</h3>"
            "<p>Review and analysis of case series of Y-90 radioembolization of neuroendocrine liver "
            "metastases after PRRT.</p>"
            f"<p>Case-series file format: version {schema.SCHEMA_VERSION}<br>"
            "Workbook exchange format: version 1<br>"
            "Toxicity grading: CTCAE v4.03<br>Response: RECIST 1.1<br>"
            "Survival: Kaplan–Meier with Greenwood confidence bands (R <i>survival</i> conventions)</p>",
        )

