"""File exchange from the File menu: import and export dialogs, template and backup tasks.

Every long step runs on a worker of the window's TaskRunner with progress and Cancel; the
dialogs are window-modal, so no edit competes with their work. Paths may be passed in (tests,
scripts); otherwise a file dialog asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from y90gui.services.registry_session import backup_to, default_file, is_registry
from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.progress import TaskDialog, run_task
from y90gui.ui.session import Session


class Exchange:
    """Part of the editing controller: the File menu's exchange commands; `keep(dialog)` remembers
    the dialog each opens. `shown_ids()` is the table's filter (the export offers "shown only")."""

    def __init__(self, window: Any, session: Session, keep: Callable[[Any], None],
                 shown_ids: Callable[[], list[str]]) -> None:
        self.window = window
        self.session = session
        self.keep = keep
        self.shown_ids = shown_ids

    @property
    def store(self) -> Store | None:
        return self.session.store

    def _need_store(self, what: str) -> Store | None:
        if self.store is None:
            self.session.message.emit(f"Open or create a case series before {what}.", 8000)
        return self.store

    def open_import(self, path: str | Path | None = None) -> Any:
        from y90gui.ui.dialogs.import_dialog import ImportDialog

        store = self._need_store("importing")
        if store is None:
            return None
        dialog = ImportDialog(store, self.session.tasks, self.window)
        dialog.imported.connect(self._imported)
        self.keep(dialog)
        dialog.open()
        if path is not None:
            dialog.check(path)
        else:
            QTimer.singleShot(0, dialog, dialog.choose_file)
        return dialog

    def _imported(self, change: Change) -> None:
        """The import dialog ran the write on a worker with its own progress: broadcast it once."""
        self.session.apply(change)
        self.session.message.emit(f"Imported: {change.description}", 8000)

    def open_export(self) -> Any:
        from y90gui.ui.dialogs.export_dialog import ExportDialog

        store = self._need_store("exporting")
        if store is None:
            return None
        dialog = ExportDialog(store, self.session.tasks, self.window, self.shown_ids())
        self.keep(dialog)
        dialog.open()
        return dialog

    def _target(self, path: str | Path | None, title: str, start: Path, file_filter: str) -> Path | None:
        """`path` if given (tests, scripts), else the file the user picks in a save dialog (None: cancelled)."""
        if path is not None:
            return Path(path)
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(start), file_filter)
        return Path(chosen) if chosen else None

    def export_template(self, path: str | Path | None = None) -> TaskDialog | None:
        start = (default_file(self.store, ".xlsx").parent if self.store else Path.home()) / "case-series-template.xlsx"
        target = self._target(path, "Export template", start, "Excel workbook (*.xlsx)")
        if target is None:
            return None

        def work(_progress: Any) -> Path:
            from y90gui.io.template import write_template

            return write_template(target)

        return self._run("template", "Writing the workbook template", work, "Template saved")

    def backup(self, path: str | Path | None = None) -> TaskDialog | None:
        """A file's backup, or a registry's snapshot (what this login sees) as a new `.y90`."""
        store = self._need_store("a backup")
        if store is None:
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        registry = is_registry(store)
        start = default_file(store, ".y90", f"-{'snapshot' if registry else 'backup'}-{stamp}")
        target = self._target(path, "Save snapshot as .y90" if registry else "Backup", start,
                              "y90gui case series (*.y90)")
        if target is None:
            return None

        def work(progress: Any) -> Path:
            from y90gui.ui.dialogs.worker_store import reading

            with reading(store) as worker:
                return backup_to(worker, target, progress)

        if registry:
            return self._run("backup", f"Saving a snapshot of {store.name}", work, "Snapshot written")
        return self._run("backup", f"Backing up {store.path.name}", work, "Backup written")

    def _run(self, key: str, title: str, work: Any, done: str) -> TaskDialog:
        dialog = run_task(self.window, self.session.tasks, key, title, work,
                          lambda p: self.session.message.emit(f"{done}: {p}", 10000))
        self.keep(dialog)
        return dialog

