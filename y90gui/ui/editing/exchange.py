"""File exchange from the File menu: import and export dialogs, template and backup tasks.

Every long step runs on a worker of the window's TaskRunner with progress and Cancel; the
dialogs are window-modal, so no edit competes with their work. Paths may be passed in (tests,
scripts); otherwise a file dialog asks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.progress import TaskDialog, run_task


class ExchangeMixin:
    """Part of `EditingController` (needs `window`, `store`, `sync_store`, `_keep`)."""

    window: Any
    store: Store | None

    def sync_store(self) -> None:
        raise NotImplementedError

    def _keep(self, dialog: Any) -> None:
        raise NotImplementedError

    def _need_store(self, what: str) -> Store | None:
        self.sync_store()
        if self.store is None:
            self.window.statusBar().showMessage(f"Open or create a case series before {what}.", 8000)
        return self.store

    def open_import(self, path: str | Path | None = None) -> Any:
        from y90gui.ui.dialogs.import_dialog import ImportDialog

        store = self._need_store("importing")
        if store is None:
            return None
        dialog = ImportDialog(store, self.window.tasks, self.window)
        dialog.imported.connect(self._imported)
        self._keep(dialog)
        dialog.open()
        if path is not None:
            dialog.check(path)
        else:
            QTimer.singleShot(0, dialog, dialog.choose_file)
        return dialog

    def _imported(self, change: Change) -> None:
        self.window.statusBar().showMessage(f"Imported: {change.description}", 8000)
        self.window.session.apply(change)

    def open_export(self) -> Any:
        from y90gui.ui.dialogs.export_dialog import ExportDialog

        store = self._need_store("exporting")
        if store is None:
            return None
        shown = self.window.filtered_patient_ids()
        dialog = ExportDialog(store, self.window.tasks, self.window, shown)
        self._keep(dialog)
        dialog.open()
        return dialog

    def _target(self, path: str | Path | None, title: str, start: Path, file_filter: str) -> Path | None:
        """`path` if given (tests, scripts), else the file the user picks in a save dialog (None: cancelled)."""
        if path is not None:
            return Path(path)
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(start), file_filter)
        return Path(chosen) if chosen else None

    def export_template(self, path: str | Path | None = None) -> TaskDialog | None:
        start = (self.store.path.parent if self.store else Path.home()) / "case-series-template.xlsx"
        target = self._target(path, "Export template", start, "Excel workbook (*.xlsx)")
        if target is None:
            return None

        def work(_progress: Any) -> Path:
            from y90gui.io.template import write_template

            return write_template(target)

        return self._run("template", "Writing the workbook template", work, "Template saved")

    def backup(self, path: str | Path | None = None) -> TaskDialog | None:
        store = self._need_store("a backup")
        if store is None:
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        start = store.path.with_name(f"{store.path.stem}-backup-{stamp}.y90")
        target = self._target(path, "Backup", start, "y90gui case series (*.y90)")
        if target is None:
            return None

        def work(progress: Any) -> Path:
            from y90gui.ui.dialogs.worker_store import reading

            progress.step(0, 1, "copying…")
            with reading(store) as worker:
                result = worker.backup(target)
            progress.step(1, 1, "done")
            return result

        return self._run("backup", f"Backing up {store.path.name}", work, "Backup written")

    def _run(self, key: str, title: str, work: Any, done: str) -> TaskDialog:
        dialog = run_task(self.window, self.window.tasks, key, title, work,
                          lambda p: self.window.statusBar().showMessage(f"{done}: {p}", 10000))
        self._keep(dialog)
        return dialog

