"""Copy and "Export view…" for every table and tree of the window, installed once for the app.

Qt's item views copy only the current cell on Ctrl+C. One application-wide event filter
(`install_table_copy`) catches Ctrl+C and the context menu of any `QAbstractItemView` (the
patient table, the detail tables, the toxicity grades, the history, the import preview,
dialogs opened later), collects what the view shows and hands it to `services.table_text`:
the selection goes to the clipboard as tab-separated text and as an HTML table, a whole view to
a CSV or XLSX file. A view can opt out with the dynamic property `y90NoCopy`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QModelIndex, QObject, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QMenu,
    QMessageBox,
    QTableView,
    QTreeView,
    QWidget,
)

from y90gui.core.errors import Y90Error
from y90gui.services.table_text import export_rows, to_html, to_tsv

Cells = tuple[list[str] | None, list[list[str]]]
_KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)


def _text(index: QModelIndex) -> str:
    value = index.data(Qt.ItemDataRole.DisplayRole)
    return "" if value is None else str(value)


def _header(view: QAbstractItemView, columns: list[int]) -> list[str]:
    model = view.model()
    return [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "") for c in columns]


def _visible_columns(view: QAbstractItemView) -> list[int]:
    """Model columns in the order the header shows them, hidden ones left out."""
    model = view.model()
    header: QHeaderView | None = getattr(view, "horizontalHeader", lambda: None)() or getattr(
        view, "header", lambda: None)()
    columns = list(range(model.columnCount()))
    if header is None:
        return columns
    shown = [c for c in columns if not header.isSectionHidden(c)]
    return sorted(shown, key=header.visualIndex)


def _all_rows(view: QAbstractItemView) -> list[QModelIndex]:
    """Every row of the view in display order; a tree's children after their parent."""
    model = view.model()
    out: list[QModelIndex] = []

    def hidden(row: int, parent: QModelIndex) -> bool:
        if isinstance(view, QTreeView):
            return view.isRowHidden(row, parent)
        return isinstance(view, QTableView) and view.isRowHidden(row)

    def walk(parent: QModelIndex) -> None:
        for r in range(model.rowCount(parent)):
            if hidden(r, parent):
                continue
            index = model.index(r, 0, parent)
            out.append(index)
            if isinstance(view, QTreeView):
                walk(index)

    walk(QModelIndex())
    return out


def _with_descendants(view: QAbstractItemView, indexes: list[QModelIndex]) -> list[QModelIndex]:
    """A tree that selects one row at a time: its row is copied with everything under it (a
    group of the import preview with its patients and their field changes)."""
    model = view.model()
    out = list(indexes)
    seen = {(i.parent(), i.row(), i.column()) for i in indexes}
    stack = list({(i.parent(), i.row()): i.sibling(i.row(), 0) for i in indexes}.values())
    while stack:
        parent = stack.pop()
        for r in range(model.rowCount(parent)):
            for c in range(model.columnCount(parent)):
                child = model.index(r, c, parent)
                if (child.parent(), r, c) not in seen:
                    seen.add((child.parent(), r, c))
                    out.append(child)
            stack.append(model.index(r, 0, parent))
    if len(out) > len(indexes):  # whole rows of the tree: every column of the first row too
        first = indexes[0]
        out += [first.sibling(first.row(), c) for c in range(model.columnCount(first.parent()))
                if (first.parent(), first.row(), c) not in seen]
    return out


def selection_cells(view: QAbstractItemView) -> Cells:
    """The selected cells as a rectangle (header, rows): rows and columns in display order, a
    gap left empty; the header row is included when whole rows or whole columns are selected."""
    model = view.model()
    selection = view.selectionModel()
    if model is None or selection is None:
        return None, []
    indexes = selection.selectedIndexes()
    if not indexes and view.currentIndex().isValid():
        indexes = [view.currentIndex()]
    if not indexes:
        return None, []
    order = {(i.parent(), i.row()): n for n, i in enumerate(_all_rows(view))} if isinstance(view, QTreeView) else {}
    if order and view.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection:
        indexes = _with_descendants(view, indexes)
    columns = [c for c in _visible_columns(view) if any(i.column() == c for i in indexes)]
    by_row: dict[tuple[Any, int], dict[int, str]] = {}
    for index in indexes:
        by_row.setdefault((index.parent(), index.row()), {})[index.column()] = _text(index)
    keys = sorted(by_row, key=lambda k: order.get(k, k[1]))
    rows = [[by_row[k].get(c, "") for c in columns] for k in keys]
    whole_rows = all(len(v) >= len(_visible_columns(view)) for v in by_row.values())
    whole_columns = all(selection.isColumnSelected(c, QModelIndex()) for c in columns) if not order else False
    header = _header(view, columns) if (whole_rows or whole_columns) and len(indexes) > 1 else None
    return header, rows


def view_cells(view: QAbstractItemView) -> Cells:
    """Everything the view shows (filtered and sorted as on screen), with its header."""
    columns = _visible_columns(view)
    model = view.model()
    rows = [[_text(model.index(i.row(), c, i.parent())) for c in columns] for i in _all_rows(view)]
    return _header(view, columns), rows


def copy_selection(view: QAbstractItemView) -> QMimeData | None:
    """Put the selection on the clipboard as text/plain (tab-separated) and text/html."""
    header, rows = selection_cells(view)
    if not rows:
        return None
    mime = QMimeData()
    mime.setText(to_tsv(header, rows))
    mime.setHtml(to_html(header, rows))
    QGuiApplication.clipboard().setMimeData(mime)
    return mime


def _view_name(view: QAbstractItemView) -> str:
    parent = view.parentWidget()
    return view.objectName() or (parent.objectName() if parent is not None else "") or "table"


def export_view(view: QAbstractItemView, path: str | Path | None = None) -> Path | None:
    """"Export view…": the whole view to CSV or XLSX (asks for the file when `path` is None)."""
    if path is None:
        start = str(Path.home() / f"{_view_name(view)}.xlsx")
        chosen, _ = QFileDialog.getSaveFileName(view.window(), "Export view", start,
                                                "Excel workbook (*.xlsx);;CSV (*.csv)")
        if not chosen:
            return None
        path = chosen
    header, rows = view_cells(view)
    try:
        return export_rows(path, header, rows, _view_name(view))
    except (Y90Error, OSError) as exc:
        QMessageBox.warning(view.window(), "Export view", f"Could not export the view: {exc}")
        return None


def context_menu(view: QAbstractItemView) -> QMenu:
    """The menu a right click on a view opens (also for tests: its actions are triggerable)."""
    menu = QMenu(view)
    menu.setObjectName("TableCopyMenu")
    copy = menu.addAction("Copy", lambda: copy_selection(view))
    copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    menu.addAction("Export view…", lambda: export_view(view))
    return menu


def _view_of(obj: QObject) -> QAbstractItemView | None:
    if isinstance(obj, QAbstractItemView):
        view = obj
    elif isinstance(obj, QWidget) and isinstance(obj.parentWidget(), QAbstractItemView) \
            and obj.parentWidget().viewport() is obj:  # type: ignore[union-attr]
        view = obj.parentWidget()  # type: ignore[assignment]
    else:
        return None
    return None if view is None or view.property("y90NoCopy") else view


class TableCopyFilter(QObject):
    """The application's event filter: Ctrl+C and the context menu of every item view."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _KEY_EVENTS:
            if not isinstance(watched, QAbstractItemView) or not isinstance(event, QKeyEvent) \
                    or not event.matches(QKeySequence.StandardKey.Copy):
                return False
            view = _view_of(watched)
            if view is None or view.state() == QAbstractItemView.State.EditingState:
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes to the view, not to a window-wide Copy shortcut
                return True
            copy_selection(view)
            return True
        if kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            view = _view_of(watched)
            if view is None or view.contextMenuPolicy() != Qt.ContextMenuPolicy.DefaultContextMenu:
                return False
            self.last_menu = context_menu(view)
            self.last_menu.popup(view.viewport().mapToGlobal(QPoint(event.pos())) if watched is view.viewport()
                                 else event.globalPos())
            return True
        return False


_FILTER: list[TableCopyFilter] = []


def install_table_copy(app: QApplication | None = None) -> TableCopyFilter:
    """Install the filter once for the application (idempotent)."""
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not _FILTER:
        _FILTER.append(TableCopyFilter(app))
        app.installEventFilter(_FILTER[0])  # type: ignore[union-attr]
    return _FILTER[0]
