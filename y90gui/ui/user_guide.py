"""Help → User guide (F1): the offline guide of `services.user_guide` in a QTextBrowser dialog."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMainWindow, QMenu, QTextBrowser, QVBoxLayout, QWidget


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        from y90gui.services.user_guide import guide_html

        super().__init__(parent)
        self.setObjectName("UserGuideDialog")
        self.setWindowTitle("y90gui user guide")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("UserGuideBrowser")
        self.browser.setOpenLinks(True)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(guide_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(900, int(screen.width() * 0.9)), min(1000, int(screen.height() * 0.85)))

    def text(self) -> str:
        return self.browser.toPlainText()


class UserGuide:
    """Help → User guide (F1), first in the Help menu; one modeless dialog, kept once opened."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.dialog: UserGuideDialog | None = None
        self.action = QAction("&User guide", window)
        self.action.setObjectName("action_user_guide")
        self.action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.action.setStatusTip("the offline user guide, with the definition of every endpoint")
        self.action.triggered.connect(self.show)
        window.addAction(self.action)

    def show(self) -> UserGuideDialog:
        if self.dialog is None:
            self.dialog = UserGuideDialog(self.window)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog


def install(window: QMainWindow) -> UserGuide:
    guide = UserGuide(window)
    help_menu = next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help"), None)
    if isinstance(help_menu, QMenu):
        actions = help_menu.actions()
        help_menu.insertAction(actions[0] if actions else None, guide.action)  # type: ignore[arg-type]
    return guide
