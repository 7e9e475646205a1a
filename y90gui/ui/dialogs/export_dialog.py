"""Export the case series (or the patients the table shows) as a workbook, with progress and Cancel.

The exporter writes to a temporary file and renames it into place at the end, so Cancel (or a
full disk) leaves no half-written workbook under the chosen name; the dialog checks that and
says so. On a registry the worker reads one snapshot on a connection of its own, and what the
login may see is what is exported (row-level security). A de-identified export keeps its code
mapping in the source file when it is writable (a registry keeps none).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.progress import Progress
from y90gui.services.registry_session import default_file, is_registry
from y90gui.store.store import Store
from y90gui.ui.dialogs.cancel_on_close import CancelOnCloseDialog
from y90gui.ui.dialogs.worker_store import reading, writing
from y90gui.ui.tasks import TaskRunner

XLSX_FILTER = "Excel workbook (*.xlsx)"


class ExportDialog(CancelOnCloseDialog):
    """Choose a file and which patients, then export on a worker; `written` is the path or None."""

    def __init__(self, store: Store, runner: TaskRunner, parent: QWidget | None = None,
                 shown_patient_ids: Sequence[str] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.runner = runner
        self.written: Path | None = None
        self._before: tuple[int, int] | None = None
        self.shown_ids = list(shown_patient_ids) if shown_patient_ids is not None else None
        self.setWindowTitle("Export workbook")
        self.setMinimumWidth(560)

        self.path_edit = QLineEdit(str(default_file(store, ".xlsx")))
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(QLabel("File:"))
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)

        total = len(store.patient_ids())
        self.all_radio = QRadioButton(f"All patients ({total})")
        self.shown_radio = QRadioButton(f"Patients shown in the table ({len(self.shown_ids or [])})")
        self.all_radio.setChecked(True)
        self.shown_radio.setEnabled(self.shown_ids is not None and len(self.shown_ids) < total)
        group = QButtonGroup(self)
        group.addButton(self.all_radio)
        group.addButton(self.shown_radio)
        self.deidentify_box = QCheckBox("De-identify (random patient codes, dates shifted per patient, no free text)")
        self.deidentify_box.setToolTip(
            "The code-to-patient mapping is not kept on a shared registry (every coordinator could read it): "
            "keep the export's codes apart if you need them" if is_registry(store) else
            "The mapping is kept in this case-series file, not in the workbook")

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.make_progress(runner, "export", self._finished, self._failed, self._cancelled)
        self.export_button = self.make_buttons("Export", self.start)

        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addWidget(self.all_radio)
        layout.addWidget(self.shown_radio)
        layout.addWidget(self.deidentify_box)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export workbook", self.path_edit.text(), XLSX_FILTER)
        if path:
            self.path_edit.setText(path if path.lower().endswith(".xlsx") else path + ".xlsx")

    def target(self) -> Path:
        path = Path(self.path_edit.text().strip())
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def start(self) -> None:
        """Export on a worker; the window (and this dialog's Cancel) stay responsive."""
        from y90gui.io.exporter import export_store

        if self.progress.running or not self.path_edit.text().strip():
            return
        path = self.target()
        ids = self.shown_ids if self.shown_radio.isChecked() else None
        deidentify = self.deidentify_box.isChecked()
        store = self.store
        # a file keeps a de-identification's mapping (a write); a registry does not (`remember`)
        opener = writing if (deidentify and not store.read_only and not is_registry(store)) else reading

        def work(progress: Progress) -> Path:
            with opener(store) as worker:
                return export_store(worker, path, patient_ids=ids, deidentify=deidentify, progress=progress)

        self.written = None
        self._before = self._stat(path)
        self.export_button.setEnabled(False)
        self.status.setText("")
        self.progress.start(work, f"writing {path.name}…")

    def _finished(self, path: Any) -> None:
        self.written = Path(path)
        self.progress.setVisible(False)
        self.status.setText(f"Exported to {self.written}")
        self.export_button.setEnabled(True)
        self.close_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"Export failed: {self.progress.message.text()}. {self._leftover_note()}")
        self.export_button.setEnabled(True)

    def _cancelled(self) -> None:
        self.status.setText(f"Export cancelled. {self._leftover_note()}")
        self.export_button.setEnabled(True)

    @staticmethod
    def _stat(path: Path) -> tuple[int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _leftover_note(self) -> str:
        path = self.target()
        now = self._stat(path)
        if now is None:
            return "No file was written."
        if now == self._before:
            return f"The existing {path.name} was left as it was."
        return f"Warning: {path.name} changed; check it before use."


