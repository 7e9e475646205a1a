"""What an import would change, before anything is written: new, changed (field by field), unchanged.

Reads an `io.importer.ImportPlan` duck-typed (`new`, `changed`, `unchanged`, `warnings`), so
this view only lays it out; the importer decides what counts as a change.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from y90gui.services.edit_rules import format_value
from y90gui.ui.dialogs.issues import IssuesTable

#: Above this many field changes the changed patients start collapsed (a whole-centre resend).
EXPAND_LIMIT = 300


def _key_text(key: Any) -> str:
    if isinstance(key, tuple | list):
        return " ".join(format_value(k) for k in key)
    return format_value(key)


def _value_text(value: Any) -> str:
    if isinstance(value, dict):  # a whole row added or removed
        value = ", ".join(f"{k} {format_value(v)}" for k, v in value.items()
                          if v is not None and k not in ("id", "patient_id"))
    text = format_value(value)
    return text if text else "∅"


class ChangePreview(QWidget):
    """The plan as a tree (Changes tab) and its warnings (Warnings tab)."""

    COLUMNS = ("patient / sheet", "sheet row", "column", "old", "new")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(self.COLUMNS))
        self.tree.setAlternatingRowColors(True)
        self.warnings = IssuesTable()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.tree, "Changes")
        self.tabs.addTab(self.warnings, "Warnings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs)
        self.groups: dict[str, QTreeWidgetItem] = {}

    def set_plan(self, plan: Any) -> None:
        self.tree.clear()
        new = list(plan.new)
        changed: dict[str, list[Any]] = dict(plan.changed)
        unchanged = list(plan.unchanged)
        n_fields = sum(len(v) for v in changed.values())
        self.summary.setText(
            f"{len(new)} new patient(s), {len(changed)} changed ({n_fields} field change(s)), "
            f"{len(unchanged)} unchanged. Each listed patient's record is replaced as a whole; "
            "patients not in the workbook are not touched."
        )
        self.groups = {
            "new": QTreeWidgetItem(self.tree, [f"New patients ({len(new)})"]),
            "changed": QTreeWidgetItem(self.tree, [f"Changed patients ({len(changed)})"]),
            "unchanged": QTreeWidgetItem(self.tree, [f"Unchanged patients ({len(unchanged)})"]),
        }
        for pid in new:
            QTreeWidgetItem(self.groups["new"], [str(pid)])
        for pid, fields in changed.items():
            item = QTreeWidgetItem(self.groups["changed"], [f"{pid} ({len(fields)} change(s))"])
            for fc in fields:
                self._change_line(item, fc)
            item.setExpanded(n_fields <= EXPAND_LIMIT)
        for pid in unchanged:
            QTreeWidgetItem(self.groups["unchanged"], [str(pid)])
        references = list(getattr(plan, "reference_changes", []) or [])
        if references:
            group = QTreeWidgetItem(self.tree, [f"Reference ranges ({len(references)} change(s))"])
            self.groups["reference_ranges"] = group
            for fc in references:
                self._change_line(group, fc)
            group.setExpanded(len(references) <= 50)
        self.groups["new"].setExpanded(len(new) <= 50)
        self.groups["changed"].setExpanded(True)
        warnings = list(getattr(plan, "warnings", []))
        self.warnings.set_issues([], warnings)
        self.tabs.setTabText(1, f"Warnings ({len(warnings)})")
        for col in range(len(self.COLUMNS)):
            self.tree.resizeColumnToContents(col)

    @staticmethod
    def _change_line(parent: QTreeWidgetItem, fc: Any) -> QTreeWidgetItem:
        column = getattr(fc, "column", None)
        old, new = getattr(fc, "old", None), getattr(fc, "new", None)
        if column is None:
            column = "(row added)" if old is None else "(row removed)" if new is None else "(whole row)"
        row = getattr(fc, "row", None)  # the workbook's row number, as Excel shows it
        line = QTreeWidgetItem(parent, [str(getattr(fc, "sheet", "")), "" if row is None else str(row),
                                        column, _value_text(old), _value_text(new)])
        line.setToolTip(0, _key_text(getattr(fc, "key", "")))  # which record: patient, procedure, date
        return line

    def field_changes(self) -> list[tuple[str, str, str, str, str]]:
        """Every field-change line shown (for tests): (sheet, row, column, old, new)."""
        out = []
        group = self.groups.get("changed")
        for i in range(group.childCount() if group else 0):
            patient = group.child(i) if group else None
            for j in range(patient.childCount() if patient else 0):
                line = patient.child(j) if patient else None
                if line is not None:
                    a, b, c, d, e = (line.text(i) for i in range(len(self.COLUMNS)))
                    out.append((a, b, c, d, e))
        return out
