"""The patient table's cell painter: a plain cell drawn here, every other cell by Qt's delegate.

Qt's `QStyledItemDelegate` asks the model seven roles of every painted cell (font, alignment,
colour, check state, mark, text, background), seven calls into Python, and then lays the text
out three times. Most cells show text and an alignment only: `paint` draws them from one call
to the model (`PatientTableModel.plain_text`) at the pixels Qt would draw (a repaint of the
table at 100,000 patients and 1440 x 900: 4.9 -> 3.0 ms median, old and new delegate
alternated 240 times; ~1 ms of it is Qt's own grid and dispatch). A selected, focused or
edited cell, a text of several lines, and an excluded patient's grey italic row with its mark
go through Qt's painting, the latter from `initStyleOption`, so what is shown is defined once,
by the model's `data`.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette, QStaticText, QTextLayout
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from y90gui.ui.patient_model import RIGHT, RIGHT_ALIGNED, PatientTableModel

_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay
#: states in which a cell is drawn by Qt (highlight, focus frame, an editor); a disabled or
#: inactive cell is drawn here, in that colour group's text colour
_QT_PAINTS = (QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Editing)
_ENABLED = QStyle.StateFlag.State_Enabled
_ACTIVE = QStyle.StateFlag.State_Active
_NORMAL, _INACTIVE, _DISABLED = (QPalette.ColorGroup.Normal, QPalette.ColorGroup.Inactive,
                                 QPalette.ColorGroup.Disabled)
_TEXT = QPalette.ColorRole.Text


#: a text as a cell shows it (elided), its advance, and once drawn twice its QStaticText
_Placed = tuple[str, float, "QStaticText | None"]
#: what QTextLayout breaks a line at (Qt's delegate turns "\n" into U+2028)
_LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029")


class _Metrics:
    """What placing a cell's text in one font takes, measured once: the line box and ascent of
    Qt's text layout (whole pixels, unlike QFontMetricsF.height), the style's text margin, and
    each (text, width) drawn: its elided form laid out as a QStaticText, and its advance."""

    #: (text, width) kept per font; beyond it the cache starts again (scrolling 100,000 rows)
    MAX_TEXTS = 20_000

    def __init__(self, font: QFont, widget: QWidget | None) -> None:
        self.font = QFont(font)
        layout = QTextLayout("x", font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1000)
        layout.endLayout()
        self.line_height = int(layout.boundingRect().size().toSize().height())
        self.fm = QFontMetricsF(font)
        self.fm_int = QFontMetrics(font)  # Qt's view items elide with integer metrics
        # the baseline is the line's top plus the line's ascent; a QStaticText is drawn from
        # its top-left, the baseline less the font's ascent
        self.ascent = line.ascent()
        self.top = self.ascent - self.fm.ascent()
        style = self.style = widget.style() if widget is not None else None
        self.margin = (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
                       if style is not None else 1)
        self.texts: dict[tuple[str, int], _Placed | None] = {}

    def place(self, text: str, width: int, elide: Any) -> _Placed | None:
        """`text` in `width` pixels: (as shown, its advance, no QStaticText yet); None for a
        text of several lines (a note with line breaks), which Qt's own layout stacks."""
        if len(self.texts) >= self.MAX_TEXTS:
            self.texts.clear()
        if any(ch in text for ch in _LINE_BREAKS):
            self.texts[(text, width)] = None
            return None
        shown = text
        advance = self.fm.horizontalAdvance(text)
        if advance > width:
            shown = self.fm_int.elidedText(text, elide, width)
            advance = self.fm.horizontalAdvance(shown)
        placed = self.texts[(text, width)] = (shown, advance, None)
        return placed

    def seen_again(self, text: str, width: int) -> None:
        """The next paint of (`text`, `width`) draws a QStaticText: laid out once, drawn many
        times. Not on first sight: a search shows ~200 new cells (IDs are unique), for which
        making and preparing a QStaticText costs more than drawing the text once."""
        placed = self.texts.get((text, width))
        if placed is not None:
            static = QStaticText(placed[0])
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self.font)
            self.texts[(text, width)] = (placed[0], placed[1], static)


class PatientCellDelegate(QStyledItemDelegate):
    """`QStyledItemDelegate` whose style option for a plain cell comes from one model call."""

    def __init__(self, model: PatientTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        # incoming features -> the same | HasDisplay: PySide's enum flag arithmetic per cell made a
        # repaint of 5,000 rows at 1400 x 900 13.4 ms instead of 7.6 ms
        self._with_display: dict[Any, Any] = {}
        self._plain_states: dict[Any, bool] = {}  # option.state -> painted here (not by Qt)
        self._pens: dict[tuple[Any, int], QColor] = {}  # (state, palette) -> the text colour
        self._last: _Metrics | None = None  # of the font last painted in (the table's)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        """A plain cell (text and alignment, not selected, focused or edited): its text drawn here.

        Qt's own path lays each cell's text out three times (its size, its elision, the drawing)
        behind the style's dispatch, for the ~200-400 cells of every repaint, on every search
        keystroke. This draws the same text at the same place: the style's text margin, Qt's
        elision, the line box of Qt's text layout centred as `QStyle.alignedRect` centres it
        (C++ integer division), the baseline at the line's ascent, the palette's text colour of
        the cell's state (tests/ui/test_patient_cell_delegate.py compares the pixels with Qt's,
        in the app's look too). Each distinct text is laid out once (`QStaticText`), each state
        and font looked up once: PySide's enum arithmetic and `QFont.key()` cost microseconds a
        call. Every other cell is painted by Qt."""
        state = option.state
        plain = self._plain_states.get(state)
        if plain is None:
            plain = self._plain_states[state] = not state & _QT_PAINTS
        c = index.column()
        text = self._model.plain_text(index.row(), c) if plain else None
        if text is None:
            super().paint(painter, option, index)
            return
        font = option.font
        widget = option.widget
        style = widget.style() if widget is not None else None
        metrics = self._last
        if metrics is None or metrics.font != font or metrics.style is not style:  # (a stylesheet set later)
            metrics = self._last = _Metrics(font, widget)
        rect = option.rect
        width = rect.width() - 2 * metrics.margin
        key = (text, width)
        drawn = metrics.texts[key] if key in metrics.texts else metrics.place(text, width, option.textElideMode)
        if drawn is None:  # more than one line: Qt's layout
            super().paint(painter, option, index)
            return
        shown, advance, static = drawn
        x = rect.x() + metrics.margin + (width - advance if RIGHT_ALIGNED[c] else 0.0)
        top = rect.y() + int((rect.height() - metrics.line_height) / 2)  # C++ division: towards 0
        palette = option.palette
        pen = self._pens.get((state, palette.cacheKey()))
        if pen is None:
            group = (_DISABLED if not state & _ENABLED else _NORMAL if state & _ACTIVE else _INACTIVE)
            pen = self._pens[(state, palette.cacheKey())] = palette.color(group, _TEXT)
        painter.setFont(font)
        painter.setPen(pen)
        if static is None:  # seen once so far (a new search's IDs): laid out as it is drawn
            painter.drawText(QPointF(x, top + metrics.ascent), shown)
            metrics.seen_again(text, width)
        else:
            painter.drawStaticText(QPointF(x, top + metrics.top), static)

    def initStyleOption(self, option: QStyleOptionViewItem,  # noqa: N802
                        index: QModelIndex | QPersistentModelIndex) -> None:
        c = index.column()
        text = self._model.plain_text(index.row(), c)  # the view's model (the panel sets both)
        if text is None:
            super().initStyleOption(option, index)
            return
        # what Qt's initStyleOption sets when only DisplayRole and TextAlignmentRole have values
        option.index = cast(QModelIndex, index)  # a view paints with model indexes
        features = option.features
        with_display = self._with_display.get(features)
        if with_display is None:
            with_display = self._with_display[features] = features | _HAS_DISPLAY
        option.features = with_display
        option.text = text
        if RIGHT_ALIGNED[c]:
            option.displayAlignment = RIGHT
