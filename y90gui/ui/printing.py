"""File → Print report… and Print figure…, through Qt's print dialog.

The report prints the report view's own HTML (`QTextDocument.print_`, paginated by Qt). A
figure prints the current page's plot as drawn on screen (at 3x its pixels), fitted to the page
under a title line that names the cohort it shows (`analysis.cohort_label`). `print_report` and
`print_figure` take any `QPrinter` (a seam: tests print to a PDF file without the dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter, QTextDocument
from PySide6.QtWidgets import QGraphicsView, QMainWindow, QMenu, QWidget

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from y90gui.ui.report_view import ReportView
    from y90gui.ui.session import Session


def print_report(view: ReportView, printer: QPrinter) -> bool:
    """The shown report into `printer`; False when no report is shown yet."""
    if view.report is None:
        return False
    doc = QTextDocument()
    doc.setHtml(view.browser.toHtml())
    doc.print_(printer)
    return True


def figure_view(page: QWidget | None) -> QGraphicsView | None:
    """The plot of a figure page: its first visible graphics view (pyqtgraph's is one)."""
    if page is None:
        return None
    views = [v for v in page.findChildren(QGraphicsView) if v.isVisible()] or page.findChildren(QGraphicsView)
    return views[0] if views else None


def print_figure(view: QGraphicsView, printer: QPrinter, title: str, scale: float = 3.0) -> None:
    """The plot as shown (axes, legend, at-risk table), scaled into the page below a title line.

    The view is drawn into an image at `scale` x its device pixels, then onto the page: rendering
    the scene straight into a 1200 dpi printer breaks pyqtgraph's items that ignore transforms
    (text at printer pixels, a 0 filling half the page)."""
    from PySide6.QtGui import QImage

    size = view.viewport().size()
    image = QImage(int(size.width() * scale), int(size.height() * scale), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.render(painter, QRectF(0, 0, size.width(), size.height()), view.viewport().rect())
    finally:
        painter.end()
    painter = QPainter(printer)
    try:
        page = printer.pageLayout().paintRectPixels(printer.resolution())
        width, height = float(page.width()), float(page.height())
        font = QFont(painter.font())
        font.setPointSizeF(10)
        painter.setFont(font)
        line = painter.fontMetrics().height() * 1.6
        painter.drawText(QRectF(0, 0, width, line), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         title)
        k = min(width / size.width(), (height - line) / size.height())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(0, line, size.width() * k, size.height() * k), image)
    finally:
        painter.end()


def _ask(parent: QWidget, title: str) -> QPrinter | None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    return printer if dialog.exec() == QPrintDialog.DialogCode.Accepted else None


@dataclass
class Printing:
    """The two File-menu actions and how a printed figure's title line reads."""

    actions: dict[str, QAction]
    figure_title: Callable[[str], str]


def install(window: QMainWindow, session: Session, report_view: ReportView, views: Any,
            figure_pages: Callable[[], list[QWidget]]) -> Printing:
    """Print report… (Ctrl+P) and Print figure… in the File menu, before Quit."""
    from y90gui.analysis.cohort_label import cohort_label
    from y90gui.services import named_cohorts

    def report() -> None:
        if report_view.report is None or report_view.stale:
            views.setCurrentWidget(report_view)
            report_view.refresh_if_stale()
            session.message.emit("The report is being computed: print again when it is shown", 8000)
            return
        printer = _ask(window, "Print report")
        if printer is not None:
            print_report(report_view, printer)

    def figure() -> None:
        page = views.currentWidget()
        plot = figure_view(page) if page in figure_pages() else None
        if plot is None:
            session.message.emit("Show a figure page (Survival) to print its figure", 8000)
            return
        printer = _ask(window, "Print figure")
        if printer is not None:
            print_figure(plot, printer, figure_title(views.tabText(views.currentIndex())))

    def figure_title(tab: str) -> str:
        info = named_cohorts.cohort_info(session.view, named_cohorts.saved(session.store))
        return f"{tab.replace('&', '')} — {cohort_label(info)}"

    actions = {"print_report": QAction("&Print report…", window), "print_figure": QAction("Print &figure…", window)}
    actions["print_report"].setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
    actions["print_report"].triggered.connect(report)
    actions["print_figure"].triggered.connect(figure)
    for key, action in actions.items():
        action.setObjectName(f"action_{key}")
    file_menu = next((a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"), None)
    if isinstance(file_menu, QMenu):
        quit_action = next((a for a in file_menu.actions() if a.objectName() == "action_quit"), None)
        if quit_action is None:
            file_menu.addActions(list(actions.values()))
        else:
            for action in actions.values():
                file_menu.insertAction(quit_action, action)
            file_menu.insertSeparator(quit_action)
    return Printing(actions, figure_title)
