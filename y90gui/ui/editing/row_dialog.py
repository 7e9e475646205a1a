"""The "Add row" form: one field per column, every refused field marked with its own reason.

A new row has required values (a lab needs date, test, value and unit), so it cannot be
created blank and filled in later; the form collects them and the model checks them all at
once (`rules.check_insert`), then writes the row as one action.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.sheets import Column
from y90gui.services.edit_rules import RowErrors
from y90gui.ui.models.sheet_model import SheetRowsModel, column_tooltip

ERROR_STYLE = "color: #b00020;"


class AddRowDialog(QDialog):
    """Collects one new row of `model`'s sheet; `accept()` only after the store has it."""

    def __init__(self, model: SheetRowsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setWindowTitle(f"Add {model.sheet.name} row" + (f" — {model.patient_id}" if model.patient_id else ""))
        self.editors: dict[str, QComboBox | QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for column in model.columns:
            if column.name == "patient_id" and model.sheet.name != "patients":
                continue
            editor = self._editor(column)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(1)
            lay.addWidget(editor)
            lay.addWidget(error)
            label = QLabel(column.name + (" *" if column.required else ""))
            label.setToolTip(column_tooltip(column))
            form.addRow(label, box)
            self.editors[column.name] = editor
            self.errors[column.name] = error
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.result_change: Any = None

    @staticmethod
    def _editor(column: Column) -> QComboBox | QLineEdit:
        if column.type in ("code", "yesno"):
            combo = QComboBox()
            combo.addItems(["", *(column.codes if column.type == "code" else ("yes", "no"))])
            combo.setToolTip(column_tooltip(column))
            return combo
        line = QLineEdit()
        line.setToolTip(column_tooltip(column))
        if column.type == "date":
            line.setPlaceholderText("YYYY-MM-DD")
        return line

    def set_value(self, name: str, text: str) -> None:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            editor.setCurrentText(text)
        else:
            editor.setText(text)

    def raw_values(self) -> dict[str, str]:
        return {n: (e.currentText() if isinstance(e, QComboBox) else e.text()) for n, e in self.editors.items()}

    def try_accept(self) -> bool:
        for label in [*self.errors.values(), self.general_error]:
            label.hide()
        try:
            self.result_change, _ = self.model.insert_record(self.raw_values())
        except RowErrors as exc:
            for name, message in exc.errors.items():
                label = self.errors.get(name, self.general_error)
                label.setText(message if label is not self.general_error else f"{name}: {message}".lstrip(": "))
                label.show()
            first = next((self.editors[n] for n in exc.errors if n in self.editors), None)
            if first is not None:
                first.setFocus()
            return False
        self.accept()
        return True

    def field_errors(self) -> dict[str, str]:
        """The reasons now shown at the fields (for tests and screenshots)."""
        out = {n: lbl.text() for n, lbl in self.errors.items() if not lbl.isHidden()}
        if not self.general_error.isHidden():
            out[""] = self.general_error.text()
        return out
