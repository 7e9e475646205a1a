"""Editing, undo/redo, history and file exchange for the review window (`install(window)`)."""

from __future__ import annotations

from typing import Any


def install(window: Any) -> Any:
    """Connect the edit/undo/redo/import/export/backup/template actions of gui1's MainWindow."""
    from y90gui.ui.editing.controller import EditingController
    from y90gui.ui.table_copy import install_table_copy

    install_table_copy()  # Ctrl+C and "Export view…" on every table, from the first paint on
    return EditingController(window)
