"""The figure export dialog: the file has the size asked for, bad values are refused, the
settings are remembered, the preview is the renderer's drawing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from y90gui.figures.model import Axis, Bar, FigureDescription, LegendEntry, Style
from y90gui.ui.dialogs.figure_export import FigureExportDialog, export_figure


def _desc() -> FigureDescription:
    return FigureDescription(
        kind="waterfall", title="test", caption="three bars",
        x=Axis("", 0.3, 3.7, (), ()), y=Axis("Change, %", -100, 40, (-100.0, 0.0, 40.0), ("-100", "0", "40")),
        styles={"PD": Style("#D55E00", "#333333"), "PR": Style("#0072B2", "#999999")},
        bars=[Bar("PD", 1, 0, 30), Bar("PR", 2, 0, -40), Bar("PR", 3, 0, -60)],
        legend=[LegendEntry("PD", "PD", "patch"), LegendEntry("PR", "PR", "patch")])


def _settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "fig.ini"), QSettings.Format.IniFormat)


def _set(dialog: FigureExportDialog, **values: str) -> None:
    for field, text in values.items():
        edit = getattr(dialog, f"{field}_edit")
        edit.selectAll()
        edit.clear()
        edit.insert(text)


def _save_button(dialog: FigureExportDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


@pytest.mark.parametrize(("preset", "width", "height", "dpi"), [(0, 85, 60, 300), (1, 170, 120, 600)])
def test_png_has_the_pixel_size_of_mm_and_dpi(qtbot, tmp_path: Path, preset: int, width: float, height: float,
                                              dpi: float) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = FigureExportDialog(parent, _desc, "Waterfall", settings=_settings(tmp_path))
    qtbot.addWidget(dialog)
    dialog.preset.setCurrentIndex(preset)
    assert dialog.width_edit.text() == f"{width:g}"
    _set(dialog, height=str(height), dpi=str(dpi))
    dialog.path_edit.setText(str(tmp_path / "w.png"))
    qtbot.waitUntil(lambda: dialog.preview_image is not None, timeout=20000)
    expected = (round(width / 25.4 * dpi), round(height / 25.4 * dpi))
    assert dialog.pixels_label.text().startswith(f"{expected[0]} × {expected[1]} px")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.written), timeout=20000)
    image = QImage(str(tmp_path / "w.png"))
    assert (image.width(), image.height()) == expected
    # the preview keeps the file's aspect ratio (it is the same drawing at a lower dpi)
    p = dialog.preview_image
    assert p is not None and abs(p.width() / p.height() - width / height) < 0.02


@pytest.mark.parametrize(("field", "text", "word"), [("width", "500", "Width"), ("dpi", "30", "Resolution"),
                                                     ("font", "abc", "Font size"), ("height", "10", "Height")])
def test_bad_values_are_refused_with_one_message_and_no_file(qtbot, tmp_path: Path, field: str, text: str,
                                                             word: str) -> None:
    dialog = FigureExportDialog(None, _desc, "Waterfall", settings=_settings(tmp_path))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "bad.png"))
    _set(dialog, **{field: text})
    assert dialog.error_label.text().startswith(f"{word}:")
    assert not _save_button(dialog).isEnabled()  # type: ignore[attr-defined]
    dialog.save()
    qtbot.wait(300)
    assert not (tmp_path / "bad.png").exists() and not dialog.written


def test_height_too_small_for_the_text_is_one_message(qtbot, tmp_path: Path) -> None:
    dialog = FigureExportDialog(None, _desc, "Waterfall", settings=_settings(tmp_path))
    qtbot.addWidget(dialog)
    _set(dialog, height="30", font="24")
    qtbot.waitUntil(lambda: "too small" in dialog.error_label.text(), timeout=20000)


def test_format_follows_the_file_name_and_settings_are_remembered(qtbot, tmp_path: Path) -> None:
    qs = _settings(tmp_path)
    dialog = FigureExportDialog(None, _desc, "Waterfall", settings=qs)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.path_edit, "")
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "w.svg"))
    assert dialog.format_combo.currentData() == "svg"
    _set(dialog, width="120", font="9")
    dialog.grey_check.setChecked(True)
    qtbot.waitUntil(lambda: dialog.pages is not None, timeout=20000)
    dialog.save()
    qtbot.waitUntil(lambda: bool(dialog.written), timeout=20000)
    svg = (tmp_path / "w.svg").read_text()
    assert 'width="340.157' in svg  # 120 mm in pt
    again = FigureExportDialog(None, _desc, "Waterfall", settings=qs)
    qtbot.addWidget(again)
    assert (again.width_edit.text(), again.font_edit.text(), again.grey_check.isChecked()) == ("120", "9", True)
    assert again.format_combo.currentData() == "svg" and again.preset.currentText() == "Custom"
    assert Path(again.path_edit.text()).parent == tmp_path


def test_write_error_is_one_message(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from y90gui.core.errors import DiskFullError
    from y90gui.ui.dialogs import figure_export

    def full(*_a: object, **_k: object) -> list[Path]:
        raise DiskFullError("the disk is full; nothing was written")

    monkeypatch.setattr(figure_export, "write_file", full)
    dialog = FigureExportDialog(None, _desc, "Waterfall", settings=_settings(tmp_path))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "w.png"))
    qtbot.waitUntil(lambda: dialog.pages is not None, timeout=20000)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_label.text().startswith("The figure was not saved"), timeout=20000)
    assert dialog.isEnabled() and not dialog.written and not (tmp_path / "w.png").exists()


def test_export_figure_returns_the_file(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path))
    parent = QWidget()
    qtbot.addWidget(parent)

    def drive() -> None:
        dialog = parent.findChild(FigureExportDialog)
        if dialog is None or dialog.pages is None:
            QTimer.singleShot(50, drive)
            return
        dialog.path_edit.setText(str(tmp_path / "f.pdf"))
        dialog.save()

    QTimer.singleShot(50, drive)
    assert export_figure(parent, _desc, name="Waterfall") == tmp_path / "f.pdf"
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
