"""The "Add row" form: one field per column, the right editor for each, every refused field
marked with its own reason.

A new row has required values (a lab needs date, test, value and unit), so it cannot be
created blank and filled in later; the form collects them and the model checks them all at
once (`rules.check_insert`), then writes the row as one action. The editors come from the
column's description in `core.sheets`: a code column is a drop-down of its codes (readable
labels shown, the code stored), an integer with a range (a CTCAE grade) a spin box in that
range, an adverse event's procedure a list of this patient's procedures, the term a line with
a completer of CTCAE terms (free text still allowed). A reason shown under a field is checked
again as the value changes (`rules.field_error`) and goes away as soon as the value is right.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from y90gui.core.sheets import Column
from y90gui.services import edit_rules as rules
from y90gui.services.edit_rules import RowErrors
from y90gui.store.history import ROW_NOUNS
from y90gui.ui.models.sheet_model import SheetRowsModel, column_tooltip

ERROR_STYLE = "color: #b00020;"
Editor = QComboBox | QLineEdit | QSpinBox
#: Columns that name a row of another sheet of the same patient: (sheet, its key column).
REFERENCES: dict[tuple[str, str], tuple[str, str]] = {
    ("adverse_events", "procedure"): ("radioembolization", "procedure"),
}
#: Columns whose free text is offered a completer: (sheet, column) → the words.
COMPLETIONS: dict[tuple[str, str], Callable[[], tuple[str, ...]]] = {}


def _ctcae_terms() -> tuple[str, ...]:
    from y90gui.io.ctcae_terms import terms

    return terms()


COMPLETIONS[("adverse_events", "term")] = _ctcae_terms
#: Spin boxes for integers without a maximum (procedure, cycle numbers) stop here.
SPIN_MAX = 999


def _blank(column: Column) -> str:
    """The first entry of a drop-down: nothing chosen yet (required) or deliberately nothing."""
    return "— choose —" if column.required else "— none —"


def sheet_title(sheet: str) -> str:
    """'adverse event', 'procedure', … (the row nouns of `store.history`)."""
    return ROW_NOUNS.get(sheet, (f"{sheet} row", ""))[0]


class AddRowDialog(QDialog):
    """Collects one new row of `model`'s sheet; `accept()` only after the store has it."""

    def __init__(self, model: SheetRowsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        noun = sheet_title(model.sheet.name)
        self.setWindowTitle(f"Add {noun}")
        self.heading = QLabel(f"<b>Add {html.escape(noun)}</b>" + (
            f" for patient <b>{html.escape(model.patient_id)}</b>" if model.patient_id else ""))
        self.heading.setObjectName("AddRowHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        self.editors: dict[str, Editor] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for column in model.columns:
            if column.name == "patient_id" and model.sheet.name != "patients":
                continue
            editor = self._editor(column)
            error = QLabel()
            error.setObjectName(f"error_{column.name}")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
            error.hide()
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(1)
            lay.addWidget(editor)
            lay.addWidget(error)
            label = QLabel(rules.code_label(column.name) + (" *" if column.required else ""))
            label.setToolTip(column_tooltip(column))
            form.addRow(label, box)
            self.editors[column.name] = editor
            self.errors[column.name] = error
            self._watch(column.name, editor)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(max(420, self.heading.sizeHint().width() + 40))
        self.result_change: Any = None

    # ------------------------------------------------------------------ editors
    def _editor(self, column: Column) -> Editor:
        editor: Editor
        ref = REFERENCES.get((self.model.sheet.name, column.name))
        if ref is not None:
            editor = self._reference_combo(column, *ref)
        elif column.type in ("code", "yesno"):
            editor = QComboBox()
            editor.addItem(_blank(column), None)
            if column.type == "code":
                for code in column.codes:
                    editor.addItem(rules.code_label(code), code)
            else:
                editor.addItem("yes", "yes")
                editor.addItem("no", "no")
        elif column.type == "integer":
            editor = self._spin(column)
        else:
            editor = QLineEdit()
            if column.type == "date":
                editor.setPlaceholderText("YYYY-MM-DD")
            words = COMPLETIONS.get((self.model.sheet.name, column.name))
            if words is not None:
                completer = QCompleter(list(words()), editor)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                editor.setCompleter(completer)
                editor.setPlaceholderText("CTCAE term (type to search; other text allowed)")
        editor.setObjectName(f"edit_{column.name}")
        editor.setToolTip(column_tooltip(column))
        return editor

    def _spin(self, column: Column) -> QSpinBox:
        """A spin box in the column's range; one step below the minimum is blank (shown as '—')."""
        low = int(column.minimum if column.minimum is not None else 0)
        high = int(column.maximum if column.maximum is not None else max(SPIN_MAX, low + SPIN_MAX))
        spin = QSpinBox()
        spin.setRange(low - 1, high)
        spin.setSpecialValueText("—")
        spin.setValue(low - 1)
        if column.name in self.model.sheet.key:  # the next free procedure / cycle number
            used = [int(r[column.name]) for r in self._rows(self.model.sheet.name) if r.get(column.name) is not None]
            spin.setValue(max(used, default=low - 1) + 1)
        return spin

    def _rows(self, sheet: str) -> list[dict[str, Any]]:
        store, pid = self.model.store, self.model.patient_id
        if store is None or pid is None:
            return []
        return store.read_table(sheet, [pid], with_ids=True)

    def _reference_combo(self, column: Column, sheet: str, key: str) -> QComboBox:
        """This patient's rows of `sheet` to choose from, by number and date."""
        combo = QComboBox()
        combo.addItem(_blank(column), None)
        for row in sorted(self._rows(sheet), key=lambda r: r.get(key) or 0):
            date = row.get("date")
            extent = row.get("extent")
            text = f"{sheet_title(sheet).capitalize()} {row[key]}" + (f" — {date}" if date else "") + (
                f" ({rules.code_label(str(extent))})" if extent else "")
            combo.addItem(text, row[key])
        if combo.count() == 2 and not column.required:
            combo.setCurrentIndex(1)  # the patient's only procedure
        return combo

    def _watch(self, name: str, editor: Editor) -> None:
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: self._recheck(name))
        elif isinstance(editor, QSpinBox):
            editor.valueChanged.connect(lambda _v: self._recheck(name))
        else:
            editor.textChanged.connect(lambda _t: self._recheck(name))

    def _recheck(self, name: str) -> None:
        """A reason already shown at this field: check the new value, drop the reason once it is fine."""
        label = self.errors[name]
        if label.isHidden():
            return
        reason = rules.field_error(self.model.sheet.name, name, self._raw(name))
        if reason is None:
            label.hide()
            label.clear()
        else:
            label.setText(reason)

    # ------------------------------------------------------------------ values
    def _raw(self, name: str) -> Any:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            data = editor.currentData()
            return "" if data is None else data
        if isinstance(editor, QSpinBox):
            return "" if editor.value() < editor.minimum() + 1 else editor.value()
        return editor.text()

    def set_value(self, name: str, text: Any) -> None:
        """Set a field as a user would (tests, scripts): a code or its label, a number, text."""
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            index = editor.findData(text)
            if index < 0 and str(text).strip().isdigit():
                index = editor.findData(int(str(text).strip()))
            if index < 0:
                index = max(editor.findText(str(text)), 0 if text in ("", None) else -1)
            if index < 0:
                raise ValueError(f"{name}: {text!r} is not one of the choices")
            editor.setCurrentIndex(index)
        elif isinstance(editor, QSpinBox):
            editor.setValue(editor.minimum() if text in ("", None) else int(text))
        else:
            editor.setText(str(text))

    def raw_values(self) -> dict[str, Any]:
        return {n: self._raw(n) for n in self.editors}

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
            self.adjustSize()
            return False
        self.accept()
        return True

    def field_errors(self) -> dict[str, str]:
        """The reasons now shown at the fields (for tests and screenshots)."""
        out = {n: lbl.text() for n, lbl in self.errors.items() if not lbl.isHidden()}
        if not self.general_error.isHidden():
            out[""] = self.general_error.text()
        return out
