"""Menus, toolbar and shortcuts of the main window (the `actions` dict other modules connect to).

Every action exists from the start, so the menus never change shape: those that gui2's editing
module implements (backup, import, export, template, undo, redo) start disabled and are enabled
by `y90gui.ui.editing.install(window)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

from y90gui.ui.patient_panel import PatientPanel

#: key -> (text with mnemonic, shortcut, status tip, standard icon or None)
ACTION_SPECS: dict[str, tuple[str, Any, str, QStyle.StandardPixmap | None]] = {
    "new": ("&New case series…", QKeySequence.StandardKey.New, "create an empty case series file",
            QStyle.StandardPixmap.SP_FileIcon),
    "open": ("&Open…", QKeySequence.StandardKey.Open, "open a .y90 case series",
             QStyle.StandardPixmap.SP_DialogOpenButton),
    "connect_registry": ("&Connect to registry…", None, "open a shared PostgreSQL registry (URL, user, password)",
                         QStyle.StandardPixmap.SP_DriveNetIcon),
    "backup": ("&Backup…", "Ctrl+Shift+B", "write a consistent copy of the open file", None),
    "import": ("&Import workbook…", "Ctrl+I", "validate an Excel workbook and import it (all or nothing)",
               QStyle.StandardPixmap.SP_ArrowDown),
    "export": ("E&xport workbook…", "Ctrl+E", "write the case series as an Excel workbook",
               QStyle.StandardPixmap.SP_ArrowUp),
    "template": ("Export &template…", None, "write an empty workbook in the exchange format", None),
    "export_report": ("Export &report…", "Ctrl+Shift+R", "save the study report (HTML, PDF or Excel)",
                      QStyle.StandardPixmap.SP_FileDialogDetailedView),
    "quit": ("&Quit", QKeySequence.StandardKey.Quit, "close y90gui", None),
    "undo": ("&Undo", QKeySequence.StandardKey.Undo, "undo the last change", QStyle.StandardPixmap.SP_ArrowBack),
    "redo": ("&Redo", QKeySequence.StandardKey.Redo, "redo the last undone change",
             QStyle.StandardPixmap.SP_ArrowForward),
    "about": ("&About y90gui", None, "version, file format and CTCAE version", None),
}
#: Implemented by gui2's editing module; disabled until it connects them.
EDITING_KEYS = ("backup", "import", "export", "template", "undo", "redo")


def build_actions(window: QMainWindow) -> dict[str, QAction]:
    style = window.style()
    actions: dict[str, QAction] = {}
    for key, (text, shortcut, tip, icon) in ACTION_SPECS.items():
        action = QAction(text, window)
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} — {tip}")
        if icon is not None:
            action.setIcon(style.standardIcon(icon))
        if key in EDITING_KEYS:
            action.setEnabled(False)
        actions[key] = action
    actions["quit"].setMenuRole(QAction.MenuRole.QuitRole)
    actions["about"].setMenuRole(QAction.MenuRole.AboutRole)
    return actions


def build_menus(window: Any, panel: PatientPanel, step_patient: Callable[[int], None]) -> QMenu:
    """Menus and toolbar of `window` (its `actions` dict and `views` tabs); returns the "Open
    recent" menu (filled from QSettings)."""
    a: dict[str, QAction] = window.actions
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a["new"])
    file_menu.addAction(a["open"])
    recent = file_menu.addMenu("Open r&ecent")
    recent.setObjectName("RecentMenu")
    file_menu.addAction(a["connect_registry"])
    file_menu.addSeparator()
    file_menu.addAction(a["backup"])
    file_menu.addSeparator()
    file_menu.addAction(a["import"])
    file_menu.addAction(a["export"])
    file_menu.addAction(a["template"])
    file_menu.addAction(a["export_report"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])

    edit_menu = bar.addMenu("&Edit")
    edit_menu.addAction(a["undo"])
    edit_menu.addAction(a["redo"])
    edit_menu.addSeparator()
    find = edit_menu.addAction("&Find patient")
    find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
    find.triggered.connect(panel.focus_search)
    clear = edit_menu.addAction("&Clear filters")
    clear.setShortcut(QKeySequence("Ctrl+Shift+L"))
    clear.triggered.connect(panel.clear_filters)
    window.edit_menu = edit_menu

    view_menu = bar.addMenu("&View")
    titles = {"Patient": "&Patient", "Survival": "&Survival", "Cohort toxicity": "&Cohort toxicity",
              "Swimmer": "Swi&mmer", "Waterfall": "&Waterfall", "Tables": "&Tables", "Report": "&Report",
              "Cox": "C&ox"}
    for i in range(window.views.count()):
        title = titles.get(window.views.tabText(i), window.views.tabText(i))
        act = view_menu.addAction(title)
        act.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
        act.triggered.connect(lambda _=False, i=i: window.views.setCurrentIndex(i))
    view_menu.addSeparator()
    nxt = view_menu.addAction("&Next patient")
    nxt.setShortcut(QKeySequence("Alt+Down"))
    nxt.triggered.connect(lambda: step_patient(1))
    prev = view_menu.addAction("Pre&vious patient")
    prev.setShortcut(QKeySequence("Alt+Up"))
    prev.triggered.connect(lambda: step_patient(-1))

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a["about"])

    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("MainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(toolbar.toolButtonStyle().ToolButtonTextBesideIcon)
    for key in ("open", "import", "export", None, "undo", "redo", None, "export_report"):
        if key is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(a[key])
    window.addToolBar(toolbar)
    assert isinstance(recent, QMenu)
    return recent
