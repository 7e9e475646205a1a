"""Save a pyqtgraph scene as a print-quality PNG (>= 300 dpi) or as SVG.

Rendering touches the scene and must stay on the GUI thread, but it is the quick part; the
slow part of a 300-dpi PNG (~3000 px wide) is compressing and writing it, which runs on a
worker (a QImage is a value type, safe to hand over). The window shows progress meanwhile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from y90gui.core.atomic import atomic_path

SCREEN_DPI = 96.0
INCH_PER_METRE = 39.3700787


def render_png(scene: Any, dpi: int = 300) -> QImage:
    """The scene as an image sized for `dpi` (its on-screen size taken at 96 dpi)."""
    from pyqtgraph.exporters import ImageExporter

    exporter = ImageExporter(scene)
    width = max(1, round(scene.sceneRect().width() / SCREEN_DPI * dpi))
    exporter.parameters()["width"] = width
    exporter.parameters()["antialias"] = True
    image = exporter.export(toBytes=True)
    assert isinstance(image, QImage)
    dots = round(dpi * INCH_PER_METRE)
    image.setDotsPerMeterX(dots)
    image.setDotsPerMeterY(dots)
    return image


def write_png(image: QImage, path: Path, progress: Any) -> Path:
    progress.step(0.2, 1, "writing the PNG")
    with atomic_path(path) as tmp:
        if not image.save(str(tmp), "PNG"):  # type: ignore[call-overload]  # (the stubs say bytes; PySide6 wants str)
            raise OSError(f"cannot write {path}")
    return path


def export_png(session: Any, scene: Any, path: Path, dpi: int = 300) -> Any:
    """Render now, write on a worker; the session's status says when it is saved (or why not)."""
    session.message.emit("Rendering the figure…", 0)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        image = render_png(scene, dpi)
    finally:
        QApplication.restoreOverrideCursor()
    session.busy.emit(f"Writing {path.name}…")

    def done(p: Path) -> None:
        session.idle.emit()
        session.message.emit(f"Figure saved: {p} ({image.width()} × {image.height()} px, {dpi} dpi)", 8000)

    def failed(exc: BaseException) -> None:
        session.idle.emit()
        session.failed.emit("The figure could not be saved", exc)

    return session.tasks.start(f"export:{path}", lambda p: write_png(image, path, p), done, failed)


def export_svg(scene: Any, path: Path, title: str = "Kaplan-Meier overall survival") -> Path:
    """Vector SVG through Qt's own QSvgGenerator.

    pyqtgraph's SVGExporter post-processes Qt's SVG text and fails on the path syntax that
    Qt 6.12 writes ("not enough values to unpack"), so the scene is painted straight into a
    QSvgGenerator: the same vector output, without the fragile rewrite.
    """
    from PySide6.QtCore import QSize

    rect = scene.sceneRect()
    size = QSize(round(rect.width()), round(rect.height()))
    with atomic_path(path) as tmp:
        _paint_svg(scene, tmp, size, title)
    return path


def _paint_svg(scene: Any, tmp: Path, size: Any, title: str) -> None:
    from PySide6.QtCore import QRect, QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    rect = scene.sceneRect()
    generator = QSvgGenerator()
    generator.setFileName(str(tmp))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setResolution(round(SCREEN_DPI))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        raise OSError(f"cannot write {tmp}")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), rect)
    finally:
        painter.end()


