"""The figure export dialog: size, dpi, font, format, greyscale, with a live preview.

Every figure of the window (KM, swimmer, waterfall, laboratory course, forest plot) is saved
through `export_figure`: the file is drawn by `figures.render` from the same
`FigureDescription` the screen shows, at the physical size asked for, never from the window's
pixels. The ranges and the pixel rule are `figures.settings`' (one place); a value outside them
is refused with one message and nothing is written. The preview is the renderer's own output at
the chosen settings (at a lower dpi, so the layout in inches is the file's), computed on a
worker; the file is written on a worker too (`write_figure`, atomically). The last settings are
remembered in the app's QSettings. The cohort the figure was computed on (`cohort_of`: the
filter or named cohort, `services.named_cohorts.label_for`) goes into the file's metadata and
caption line, and into the preview's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from y90gui.figures.settings import (
    FORMATS,
    ONE_COLUMN_MM,
    RANGES,
    TWO_COLUMNS_MM,
    FigureSettingsError,
    RenderSettings,
    format_of,
)
from y90gui.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from y90gui.core.progress import Progress
    from y90gui.figures.model import FigureDescription

Describe = Callable[[], "FigureDescription | Sequence[FigureDescription]"]
#: (preset label, width mm or None for custom)
PRESETS: tuple[tuple[str, float | None], ...] = (
    (f"One column ({ONE_COLUMN_MM:g} mm)", ONE_COLUMN_MM),
    (f"Two columns ({TWO_COLUMNS_MM:g} mm)", TWO_COLUMNS_MM),
    ("Custom", None),
)
FORMAT_LABELS = {"png": "PNG (raster)", "tiff": "TIFF (raster)", "svg": "SVG (vector)", "pdf": "PDF (vector)"}
PREVIEW_DEBOUNCE_MS = 200
PREVIEW_MAX_PX = (620, 460)
#: QSettings keys of the remembered settings
KEY = "figure_export/"
#: field name -> label of the dialog (the option names in errors are the CLI's; here the labels)
LABELS = {"width_mm": "Width", "height_mm": "Height", "dpi": "Resolution", "font_pt": "Font size"}


def _pages(desc: FigureDescription | Sequence[FigureDescription]) -> list[FigureDescription]:
    from y90gui.figures.model import FigureDescription

    return [desc] if isinstance(desc, FigureDescription) else list(desc)


def render_preview(desc: FigureDescription, settings: RenderSettings, max_px: tuple[int, int],
                   progress: Progress) -> bytes:
    """PNG bytes of `desc` at the settings' size, at a dpi that fits `max_px` (worker thread)."""
    from y90gui.figures.render import build_figure

    progress.step(0.1, 1, "drawing the preview")
    w_in, h_in = settings.width_mm / 25.4, settings.height_mm / 25.4
    # laid out and drawn at the preview's own dpi (text measured as drawn); the layout is in
    # inches, so it is the file's; a large figure is scaled down further by the dialog
    lo = RANGES["dpi"][0]
    dpi = max(lo, min(settings.dpi, max_px[0] / w_in, max_px[1] / h_in))
    fig = build_figure(desc, replace(settings, dpi=dpi))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def write_file(desc: FigureDescription | Sequence[FigureDescription], path: Path, settings: RenderSettings,
               progress: Progress, cohort: str | None = None) -> list[Path]:
    from y90gui.figures.render import write_figure

    progress.step(0.1, 1, f"writing {path.name}")
    return write_figure(desc, path, settings, cohort=cohort)


def cohort_of(session: Any) -> str | None:
    """The sentence naming the session's cohort (its filter, or the saved cohort it matches):
    what an exported figure says it shows. None without an open case series."""
    if session is None or session.store is None:
        return None
    from y90gui.services import named_cohorts

    return named_cohorts.label_for(session.view, named_cohorts.saved(session.store))


class FigureExportDialog(QDialog):
    """Asks for the settings and the file; `written` holds the files after a successful save."""

    def __init__(self, parent: QWidget | None, describe: Describe, name: str, settings: Any = None,
                 cohort: str | None = None) -> None:
        super().__init__(parent)
        from y90gui.ui.settings import app_settings

        self.setWindowTitle(f"Export figure — {name}")
        self.setObjectName("FigureExportDialog")
        self.qsettings = settings if settings is not None else app_settings()
        self.describe = describe
        self.cohort = cohort
        self.name = name
        self.tasks = TaskRunner(self)
        self.pages: list[FigureDescription] | None = None
        self.written: list[Path] = []
        self.preview_image: QImage | None = None

        self.preset = QComboBox(self)
        for label, width in PRESETS:
            self.preset.addItem(label, width)
        self.preset.setAccessibleName("size preset")
        self.width_edit = self._edit("width_mm", "width in millimetres")
        self.height_edit = self._edit("height_mm", "height in millimetres")
        self.dpi_edit = self._edit("dpi", "resolution in dots per inch (PNG, TIFF)")
        self.font_edit = self._edit("font_pt", "font size in points")
        self.format_combo = QComboBox(self)
        for fmt in FORMATS:
            self.format_combo.addItem(FORMAT_LABELS[fmt], fmt)
        self.format_combo.setAccessibleName("file format")
        self.grey_check = QCheckBox("&Greyscale (strata told apart by line style)", self)
        self.path_edit = QLineEdit(self)
        self.path_edit.setAccessibleName("file name")
        browse = QPushButton("&Browse…", self)
        browse.clicked.connect(self._browse)
        self.pixels_label = QLabel(self)
        self.pixels_label.setObjectName("SubtleLabel")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("ErrorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.page_label = QLabel(self)
        self.page_label.setObjectName("SubtleLabel")
        self.preview = QLabel("Drawing the preview…", self)
        self.preview.setObjectName("FigurePreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(*PREVIEW_MAX_PX)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background: #e9eef0; border: 1px solid #c9d6dc;")

        form = QFormLayout()
        form.addRow("Si&ze:", self.preset)
        for text, edit, unit in (("&Width:", self.width_edit, "mm"), ("&Height:", self.height_edit, "mm"),
                                 ("&Resolution:", self.dpi_edit, "dpi"), ("&Font size:", self.font_edit, "pt")):
            row = QHBoxLayout()
            row.addWidget(edit)
            row.addWidget(QLabel(unit, self))
            row.addStretch(1)
            caption = QLabel(text, self)
            caption.setBuddy(edit)
            form.addRow(caption, row)
        form.addRow("F&ormat:", self.format_combo)
        form.addRow("", self.grey_check)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        file_label = QLabel("F&ile:", self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, file_row)
        form.addRow("", self.pixels_label)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.error_label)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.preview, 1)
        right.addWidget(self.page_label)
        body = QHBoxLayout()
        body.addLayout(left)
        body.addLayout(right, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)

        self._restore()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._timer.timeout.connect(self._start_preview)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        for edit in (self.width_edit, self.height_edit, self.dpi_edit, self.font_edit):
            edit.textChanged.connect(self._changed)
        self.width_edit.textEdited.connect(self._width_edited)
        self.grey_check.toggled.connect(self._changed)
        self.format_combo.currentIndexChanged.connect(self._format_chosen)
        self.path_edit.textEdited.connect(self._path_edited)
        self._changed()
        self.tasks.start("describe", lambda _p: _pages(describe()), self._described, self._failed)

    # ------------------------------------------------------------------ fields
    def _edit(self, field: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(self)
        lo, hi = RANGES[field]
        edit.setAccessibleName(accessible)
        edit.setToolTip(f"{lo:g}–{hi:g}")
        edit.setMaximumWidth(90)
        return edit

    def _restore(self) -> None:
        default = RenderSettings()
        q = self.qsettings
        for field, edit in self._fields().items():
            value: Any = q.value(KEY + field, getattr(default, field))
            edit.setText(f"{float(value):g}" if _is_number(value) else f"{getattr(default, field):g}")
        self.grey_check.setChecked(str(q.value(KEY + "grey", "false")).lower() == "true")
        fmt = str(q.value(KEY + "format", "png"))
        self.format_combo.setCurrentIndex(max(0, self.format_combo.findData(fmt if fmt in FORMATS else "png")))
        folder = Path(str(q.value(KEY + "folder", str(Path.home()))))
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.name.lower()).strip("-") or "figure"
        self.path_edit.setText(str(folder / f"{stem}.{self.format_combo.currentData()}"))
        self._sync_preset()

    def _fields(self) -> dict[str, QLineEdit]:
        return {"width_mm": self.width_edit, "height_mm": self.height_edit, "dpi": self.dpi_edit,
                "font_pt": self.font_edit}

    def _sync_preset(self) -> None:
        try:
            width = float(self.width_edit.text())
        except ValueError:
            width = -1.0
        index = next((i for i, (_l, w) in enumerate(PRESETS) if w == width), len(PRESETS) - 1)
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(index)
        self.preset.blockSignals(False)

    def _preset_chosen(self, index: int) -> None:
        width = self.preset.itemData(index)
        if width is not None:
            self.width_edit.setText(f"{width:g}")

    def _width_edited(self, _text: str) -> None:
        self._sync_preset()

    def _format_chosen(self, _index: int) -> None:
        fmt = self.format_combo.currentData()
        text = self.path_edit.text().strip()
        if text:
            p = Path(text)
            self.path_edit.setText(str(p.with_suffix(f".{fmt}")))
        self._changed()

    def _path_edited(self, text: str) -> None:
        try:
            fmt = format_of(text)
        except FigureSettingsError:
            self._changed()
            return
        self.format_combo.blockSignals(True)
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))
        self.format_combo.blockSignals(False)
        self._changed()

    def _browse(self) -> None:
        fmt = self.format_combo.currentData()
        filters = ";;".join(f"{FORMAT_LABELS[f]} (*.{f}{' *.tif' if f == 'tiff' else ''})" for f in FORMATS)
        chosen = f"{FORMAT_LABELS[fmt]} (*.{fmt}{' *.tif' if fmt == 'tiff' else ''})"
        path, selected = QFileDialog.getSaveFileName(self, "Export figure", self.path_edit.text(), filters, chosen)
        if not path:
            return
        if not Path(path).suffix:
            fmt = next((f for f in FORMATS if FORMAT_LABELS[f] in selected), fmt)
            path = f"{path}.{fmt}"
        self.path_edit.setText(path)
        self._path_edited(path)

    # ------------------------------------------------------------------ values
    def settings(self) -> RenderSettings:
        """The settings as entered; raises FigureSettingsError naming the field."""
        values: dict[str, float] = {}
        for field, edit in self._fields().items():
            text = edit.text().strip().replace(",", ".")
            try:
                values[field] = float(text)
            except ValueError:
                raise FigureSettingsError(LABELS[field], f"{edit.text()!r} is not a number") from None
            lo, hi = RANGES[field]
            if not lo <= values[field] <= hi:  # also NaN
                unit = {"width_mm": "mm", "height_mm": "mm", "dpi": "dpi", "font_pt": "pt"}[field]
                raise FigureSettingsError(LABELS[field], f"{values[field]:g} {unit} is outside {lo:g}–{hi:g} {unit}")
        return RenderSettings(grey=self.grey_check.isChecked(), **values).check()

    def target(self) -> Path:
        text = self.path_edit.text().strip()
        if not text:
            raise FigureSettingsError("File", "give a file name")
        path = Path(text).expanduser()
        format_of(path)
        if path.is_dir() or not path.parent.is_dir():
            raise FigureSettingsError("File", f"{path}: give a file name in an existing folder")
        return path

    def _changed(self, *_args: Any) -> None:
        try:
            s = self.settings()
        except FigureSettingsError as exc:
            self._error(str(exc))
            self.pixels_label.setText("")
            return
        fmt = self.format_combo.currentData()
        if fmt in ("png", "tiff"):
            w, h = s.pixels
            self.pixels_label.setText(f"{w} × {h} px at {s.dpi:g} dpi")
        else:
            self.pixels_label.setText(f"{s.width_mm:g} × {s.height_mm:g} mm, vector")
        self._error("")
        self._timer.start()

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not text or self.error_label.property("write_error") is True)

    # ------------------------------------------------------------------ preview
    def _described(self, pages: list[FigureDescription]) -> None:
        self.pages = pages
        self._start_preview()

    def _start_preview(self) -> None:
        if self.pages is None:
            return
        try:
            s = self.settings()
        except FigureSettingsError:
            return
        from y90gui.figures.render import with_cohort

        desc = with_cohort(self.pages[0], self.cohort)
        n = len(self.pages)
        self.page_label.setText(f"Preview of page 1 of {n} (one file per page; PDF: one file)" if n > 1 else "")
        size = self.preview.size()
        max_px = (max(200, size.width() - 8), max(150, size.height() - 8))
        self.tasks.start("preview", lambda p: render_preview(desc, s, max_px, p), self._show_preview,
                         self._preview_failed)

    def _show_preview(self, png: bytes) -> None:
        image = QImage.fromData(png)
        self.preview_image = image
        pixmap = QPixmap.fromImage(image)
        room = self.preview.size()
        if pixmap.width() > room.width() or pixmap.height() > room.height():
            pixmap = pixmap.scaled(room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(pixmap)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview.setPixmap(QPixmap())
        self.preview.setText("No preview")
        self._error(str(exc) if isinstance(exc, FigureSettingsError) else f"The preview failed: {exc}")

    def _failed(self, exc: BaseException) -> None:
        self.preview.setText("The figure could not be described")
        self._error(f"The figure could not be described: {exc}")

    # ------------------------------------------------------------------ save
    def save(self) -> None:
        """Check, then write on a worker; the dialog closes when the file is complete."""
        try:
            s = self.settings()
            path = self.target()
        except FigureSettingsError as exc:
            self._error(str(exc))
            return
        if self.pages is None:
            self._error("The figure is still being computed; try again in a moment.")
            return
        self._remember(s, path)
        pages, cohort = self.pages, self.cohort
        self.buttons.setEnabled(False)
        self.error_label.setText(f"Writing {path.name}…")
        self.error_label.setStyleSheet("")
        self.error_label.show()
        self.tasks.start("write", lambda p: write_file(pages, path, s, p, cohort), self._written, self._write_failed)

    def _written(self, paths: list[Path]) -> None:
        self.written = paths
        self.accept()

    def _write_failed(self, exc: BaseException) -> None:
        from y90gui.core.errors import Y90Error

        self.buttons.setEnabled(True)
        self.error_label.setStyleSheet("color: #b00020;")
        text = str(exc) if isinstance(exc, (Y90Error, OSError)) else f"{type(exc).__name__}: {exc}"
        self.error_label.setText(f"The figure was not saved: {text}")
        self.error_label.show()

    def _remember(self, s: RenderSettings, path: Path) -> None:
        q = self.qsettings
        for field in RANGES:
            q.setValue(KEY + field, float(getattr(s, field)))
        q.setValue(KEY + "grey", s.grey)
        q.setValue(KEY + "format", format_of(path))
        q.setValue(KEY + "folder", str(path.parent))
        q.sync()

    def done(self, result: int) -> None:
        if result != QDialog.DialogCode.Accepted and "write" in self.tasks.running():
            return  # a write in progress finishes (atomically) first; it cannot be half-written
        for key in ("preview", "describe"):
            self.tasks.cancel(key)
        self.tasks.shutdown(10000)
        super().done(result)


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def export_figure(parent: QWidget, describe: Describe, *, name: str, cohort: str | None = None) -> Path | None:
    """Ask for the settings and a file, write the figure; the (first) file written, or None.

    `describe` is called once, on a worker: it must compute from data only, never touch a widget.
    `cohort`: the sentence naming the patients drawn (`cohort_of(session)`), for the file.
    """
    dialog = FigureExportDialog(parent, describe, name, cohort=cohort)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.written:
            return None
        return dialog.written[0]
    finally:
        dialog.deleteLater()
