"""Make the installers' icon files from the app icon (build time only).

The artwork is owned by the GUI (resources/ or y90gui/ui/resources/); installers need it in other shapes: hicolor PNGs
for the Linux desktop, an .ico for Windows, an .icns for macOS. This script finds the best
source (an SVG, else the largest PNG whose name says icon/app/y90gui) and renders them with Qt,
so no extra build tool is needed. Without any artwork it draws a plain placeholder and says so,
because a missing icon must never fail a build.

    python packaging/icons.py OUT_DIR      # writes OUT_DIR/hicolor/..., y90gui.ico, y90gui.icns, y90gui.png
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


SEARCH = (ROOT / "resources", ROOT / "y90gui" / "ui" / "resources")


def find_source(folders: tuple[Path, ...] = SEARCH) -> Path | None:
    """The app icon: prefer names mentioning y90gui, then 'icon'/'app'; SVG before PNG, then the biggest."""
    candidates = [p for folder in folders if folder.is_dir() for p in folder.rglob("*")
                  if p.suffix.lower() in (".svg", ".png") and p.is_file()]

    def rank(p: Path) -> tuple:
        name = p.stem.lower()
        named = 0 if "y90gui" in name else 1 if ("icon" in name or name.startswith("app")) else 2
        return (named, p.suffix.lower() != ".svg", -p.stat().st_size, str(p))

    candidates = [p for p in candidates if rank(p)[0] < 2]
    return sorted(candidates, key=rank)[0] if candidates else None


def render(source: Path | None, size: int):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    if source is not None and source.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgRenderer

        QSvgRenderer(str(source)).render(painter, QRectF(0, 0, size, size))
    elif source is not None:
        src = QImage(str(source))
        painter.drawImage(QRectF(0, 0, size, size), src.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                                                Qt.TransformationMode.SmoothTransformation))
    else:  # placeholder: a rounded teal square with "Y90"
        painter.setBrush(QColor("#1f6f78"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
        painter.setPen(QColor("white"))
        font = QFont("DejaVu Sans")
        font.setBold(True)
        font.setPixelSize(max(6, int(size * 0.36)))
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "Y90")
    painter.end()
    return image


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    out = Path(argv[1] if len(argv) > 1 else ROOT / "build" / "icons")
    out.mkdir(parents=True, exist_ok=True)
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841  (fonts need an application)
    source = find_source()
    where = source.relative_to(ROOT) if source else "none in resources/ or y90gui/ui/resources/ (placeholder drawn)"
    print(f"icons: source {where}")
    for size in SIZES:
        folder = out / "hicolor" / f"{size}x{size}"
        for kind, name in (("apps", "y90gui.png"), ("mimetypes", "application-x-y90gui.png")):
            (folder / kind).mkdir(parents=True, exist_ok=True)
            if not render(source, size).save(str(folder / kind / name)):
                print(f"icons: cannot write {folder / kind / name}", file=sys.stderr)
                return 1
    if source is not None and source.suffix.lower() == ".svg":
        for kind, name in (("apps", "y90gui.svg"), ("mimetypes", "application-x-y90gui.svg")):
            (out / "hicolor" / "scalable" / kind).mkdir(parents=True, exist_ok=True)
            (out / "hicolor" / "scalable" / kind / name).write_bytes(source.read_bytes())
    render(source, 256).save(str(out / "y90gui.png"))
    # Qt's image format plugins write both container formats (libqico / libqicns)
    render(source, 256).save(str(out / "y90gui.ico"), "ICO")
    render(source, 512).save(str(out / "y90gui.icns"), "ICNS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
