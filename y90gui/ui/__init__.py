"""The Qt review window (PySide6 + pyqtgraph). Nothing outside this package imports Qt."""

from y90gui.ui.qt_compat import immortalize_bools

immortalize_bools()  # before any signal is emitted (PySide6 6.12 bug, see qt_compat)
