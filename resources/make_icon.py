"""Draw the y90gui application icon with QPainter (run: python resources/make_icon.py).

A teal tile with a white survival step curve falling over three microspheres: what the app
is about (Y-90 microspheres, survival), readable at 16 px. Writes the SVG master and PNGs
here and the 256-px PNG the running app loads (y90gui/ui/resources/y90gui.png).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, QSize, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath, QPen  # noqa: E402
from PySide6.QtSvg import QSvgGenerator  # noqa: E402

HERE = Path(__file__).resolve().parent
APP_COPY = HERE.parent / "y90gui" / "ui" / "resources" / "y90gui.png"


def paint(p: QPainter, size: float) -> None:
    s = size / 256.0
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    grad = QLinearGradient(0, 0, 0, size)
    grad.setColorAt(0, QColor("#138497"))
    grad.setColorAt(1, QColor("#0b4f5e"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    # microspheres
    for x, y, r, c in ((78, 178, 30, "#f7e98e"), (132, 196, 22, "#ffffff"), (176, 182, 16, "#bfe7ee")):
        p.setBrush(QColor(c))
        p.drawEllipse(QPointF(x * s, y * s), r * s, r * s)
    # survival step curve
    path = QPainterPath(QPointF(40 * s, 52 * s))
    for x, y in ((96, 52), (96, 84), (146, 84), (146, 112), (186, 112), (186, 132), (218, 132)):
        path.lineTo(x * s, y * s)
    pen = QPen(QColor("#ffffff"), 16 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)


def write_png(path: Path, px: int) -> None:
    image = QImage(px, px, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    paint(painter, px)
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        raise OSError(f"cannot write {path}")


def write_svg(path: Path) -> None:
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(QSize(256, 256))
    gen.setViewBox(QRectF(0, 0, 256, 256))
    gen.setTitle("y90gui")
    painter = QPainter(gen)
    paint(painter, 256)
    painter.end()


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    write_svg(HERE / "y90gui.svg")
    for px in (16, 32, 48, 64, 128, 256, 512):
        write_png(HERE / "icons" / f"y90gui-{px}.png", px)
    write_png(HERE / "y90gui.png", 256)
    write_png(APP_COPY, 256)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
