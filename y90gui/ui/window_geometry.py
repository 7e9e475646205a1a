"""Where the main window goes on the screen it opens on: the fit rule, in one function.

Issue 12: at 1366 x 768 the first start opened 1360 x 840 (status bar and axes off-screen), a
size saved on a large screen came back on a small one, and at 200 % "maximized" was wider than
the screen. `fit_window` decides from the screen's available rectangle (without task bars) and
the saved geometry; it takes plain rectangles, so tests can give it any screen (offscreen Qt
cannot fake a QScreen). `MainWindow._restore_layout` calls it with the real screen.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

#: the size of a first start on a large screen
DEFAULT_SIZE = QSize(1360, 840)
#: room a window manager's title bar and borders take around the client area
FRAME = QSize(16, 40)
#: the smallest client size the layout is built for (960 x 540: a 1920 x 1080 screen at 200 %)
MIN_SIZE = QSize(900, 480)


def fits(rect: QRect, available: QRect) -> bool:
    """Whether a client rectangle plus its frame lies inside the available area."""
    framed = rect.adjusted(-FRAME.width() // 2, -(FRAME.height() - FRAME.width() // 2),
                           FRAME.width() // 2, FRAME.width() // 2)
    return available.contains(framed) and rect.width() >= MIN_SIZE.width() // 2


def fit_window(available: QRect, saved: QRect | None) -> QRect:
    """The client rectangle to open with: `saved` when it fits `available`; else, centred, the
    saved width and height where each fits, the default (at most `DEFAULT_SIZE`, at most the
    available area less the frame) where it does not."""
    if saved is not None and saved.isValid() and fits(saved, available):
        return QRect(saved)
    room = available.size() - FRAME
    size = DEFAULT_SIZE.boundedTo(room).expandedTo(QSize(1, 1))
    if saved is not None and saved.isValid():
        size = QSize(saved.width() if saved.width() <= room.width() else size.width(),
                     saved.height() if saved.height() <= room.height() else size.height())
    rect = QRect(0, 0, size.width(), size.height())
    rect.moveCenter(available.center())
    rect.moveTop(max(available.top() + FRAME.height() - FRAME.width() // 2, rect.top()))
    return rect


def place_window(window: QWidget, saved: object, available: QRect | None = None) -> QRect:
    """Restore `saved` (a `saveGeometry()` blob) on `window` when it fits the screen, else open at
    `fit_window`'s default. `available`: the screen's available area (default: the window's screen)."""
    if available is None:
        screen = window.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
    restored: QRect | None = None
    if isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved):
        if window.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            return window.geometry()  # the window manager fits a maximized window to the screen
        restored = window.geometry()
    rect = fit_window(available, restored)
    window.setGeometry(rect)
    return rect
