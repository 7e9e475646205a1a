"""Import a centre's workbook: check it, show its errors or what it would change, then confirm.

Nothing is written until the user presses Import on a clean plan: a workbook with any error
shows every error (sheet, row, column, value, message; sortable and copyable) and cannot be
imported. Checking and writing both run on a worker with progress and Cancel; the write is
the importer's one transaction (after its backup), so cancel or failure leaves the file as it
was. On a registry the same dialog runs `registry.imports` (`services.registry_session.importer_for`):
the preview is made in one snapshot as this login sees the registry, rows of a centre the login
may not write are errors of the preview, and the write is re-checked against the preview before
its one transaction commits (someone else's change in between: refused, nothing written).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.errors import Y90Error
from y90gui.core.progress import Progress
from y90gui.services.registry_session import importer_for, is_registry
from y90gui.store.store import Change, Store
from y90gui.ui.dialogs.cancel_on_close import CancelOnCloseDialog
from y90gui.ui.dialogs.issues import IssuesTable
from y90gui.ui.dialogs.preview import ChangePreview
from y90gui.ui.dialogs.progress import CommitSafeProgress
from y90gui.ui.dialogs.worker_store import reading, writing
from y90gui.ui.tasks import TaskRunner

WORKBOOK_FILTER = "Excel workbooks (*.xlsx *.xlsm);;All files (*)"


class ImportDialog(CancelOnCloseDialog):
    """`imported(Change)` after a successful import; the window broadcasts it."""

    imported = Signal(object)
    PAGE_START, PAGE_ERRORS, PAGE_PREVIEW = range(3)

    def __init__(self, store: Store, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.plan: Any = None
        self.change: Change | None = None
        self.setWindowTitle("Import workbook")
        self.resize(860, 560)

        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("choose a case-series workbook (.xlsx)")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(QLabel("Workbook:"))
        top.addWidget(self.path_edit, 1)
        top.addWidget(choose)

        self.status = QLabel("Every sheet is checked cell by cell before anything is written.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # names files and quotes cells: never mark-up
        self.errors = IssuesTable()
        self.preview = ChangePreview()
        self.pages = QStackedWidget()
        self.pages.addWidget(QWidget())
        self.pages.addWidget(self.errors)
        self.pages.addWidget(self.preview)
        self.make_progress(runner, "import", self._task_finished, self._task_failed, self._task_cancelled)

        self.import_button = self.make_buttons("Import", self.confirm)
        self.import_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self._stage = "idle"
        self._applied: dict[str, Change] = {}

    # -- steps ------------------------------------------------------------------------------
    def choose_file(self) -> None:
        from y90gui.ui import settings as app_settings_mod

        settings = app_settings_mod.app_settings()
        path, _ = QFileDialog.getOpenFileName(self, "Import workbook", app_settings_mod.dialog_folder(settings),
                                              WORKBOOK_FILTER)
        if path:
            app_settings_mod.remember_folder(settings, path)
            self.check(path)

    def check(self, path: str | Path) -> None:
        """Read and validate the workbook on a worker; never writes."""
        prepare_import = importer_for(self.store)[0]
        path = Path(path)
        self.path_edit.setText(str(path))
        self.plan = None
        self.import_button.setEnabled(False)
        self.pages.setCurrentIndex(self.PAGE_START)
        self.status.setText(f"Checking {path.name}…")
        store = self.store

        def work(progress: Progress) -> Any:
            with reading(store) as worker:
                return prepare_import(path, worker, progress)

        self._stage = "check"
        self.progress.start(work, f"checking {path.name}…")

    def confirm(self) -> None:
        """Write the checked plan: one transaction, after the importer's backup."""
        apply_import = importer_for(self.store)[1]
        if self.plan is None or not self.plan.ok or self.progress.running:
            return
        plan, store = self.plan, self.store
        self.import_button.setEnabled(False)
        outcome: dict[str, Change] = {}
        self._applied = outcome

        def work(progress: Progress) -> Change:
            with writing(store) as worker:
                change = apply_import(worker, plan, CommitSafeProgress(progress))
            if change is None:
                raise Y90Error("nothing to import")
            outcome["change"] = change  # committed: a late Cancel must not hide it
            return change

        self._stage = "apply"
        self.status.setText("Importing…")
        self.progress.start(work, "importing…")

    # -- results ----------------------------------------------------------------------------
    def _task_finished(self, result: Any) -> None:
        if self._stage == "check":
            self._show_plan(result)
        elif self._stage == "apply":
            self.change = result
            self.status.setText(f"Imported: {len(self.plan.new)} new and {len(self.plan.changed)} changed patient(s).")
            self.imported.emit(result)
            self.accept()
        self._stage = "idle"

    def _show_plan(self, plan: Any) -> None:
        self.plan = plan
        name = Path(self.path_edit.text()).name
        if not plan.ok:
            n = len(plan.errors)
            self.status.setText(f"{name} has {n} error(s): nothing will be imported. Correct the workbook and "
                                "import it again (Copy sends the list on).")
            self.errors.set_issues(plan.errors, plan.warnings)
            self.import_button.setEnabled(False)
            self.import_button.setToolTip(f"Import is not possible: {name} has {n} error(s). Correct them and "
                                          "choose the workbook again.")
            self.pages.setCurrentIndex(self.PAGE_ERRORS)
            self.progress.setVisible(False)
            return
        self.preview.set_plan(plan)
        self.pages.setCurrentIndex(self.PAGE_PREVIEW)
        self.progress.setVisible(False)
        count = len(plan.new) + len(plan.changed)
        if not getattr(plan, "has_changes", count > 0):
            self.status.setText(f"{name} is valid and matches the case series: nothing to import.")
        else:
            into = (f" The import goes into {self.store.name} as one transaction, checked again against this "
                    "preview when you press Import." if is_registry(self.store) else "")
            self.status.setText(f"{name} is valid. Review the changes, then press Import.{into}")
            self.import_button.setText(f"Import {count} patient(s)" if count else "Import")
            self.import_button.setToolTip("")
            self.import_button.setEnabled(not self.store.read_only)
            if self.store.read_only:
                self.status.setText(self.status.text() + " The case series is open read-only: import is not possible.")

    def _task_failed(self, exc: BaseException) -> None:
        reason = self.progress.message.text()
        if self._stage == "apply":
            self.status.setText(f"Import failed: {reason} Nothing was written.")
        else:
            self.status.setText(f"Cannot read the workbook: {reason}")
        if self._stage == "apply":
            self.import_button.setEnabled(True)
        self._stage = "idle"

    def _task_cancelled(self) -> None:
        if self._stage == "apply" and "change" in self._applied:
            self._task_finished(self._applied["change"])  # Cancel came after the commit
            return
        if self._stage == "apply":
            self.status.setText("Import cancelled: nothing was written.")
            self.import_button.setEnabled(self.plan is not None and self.plan.ok)
        else:
            self.status.setText("Check cancelled.")
        self._stage = "idle"


