"""Editing, undo/redo, history and file exchange for the review window (`install(window)`)."""

from __future__ import annotations

from typing import Any


def install(window: Any) -> Any:
    """Connect the edit/undo/redo/import/export/backup/template actions of gui1's MainWindow."""
    from y90gui.ui.editing.controller import EditingController

    return EditingController(window)
