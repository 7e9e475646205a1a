"""Child process of `test_timeline_view.py::test_dense_course_labels_never_overlap_at_200_percent`:
QT_SCALE_FACTOR must be set before Qt starts, so the 200 % window runs here. Opens the demo in a
960 x 540 logical window (a 1920 x 1080 screen at 200 %), shows DEMO-029's timeline (the densest
course) and prints, as JSON, the device pixel ratio and the scene rectangles of every visible
label (glyph box, without the text item's empty margin) and marker; argv[2], if given, a PNG."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from y90gui.demo.commands import write_demo
    from y90gui.ui.main_window import MainWindow

    def wait(cond, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError
            app.processEvents()
            time.sleep(0.01)

    path = write_demo(Path(argv[0]) / "demo.y90")
    win = MainWindow()
    assert win.open_file(path)
    win.show()
    win.resize(*(int(v) for v in (argv[2] if len(argv) > 2 else "960x540").split("x")))
    wait(lambda: win.plots_built and win.cohort is not None and not win.tasks.running())
    assert win.patient_panel.select_patient("DEMO-029")
    win.detail_tabs.setCurrentWidget(win.detail.timeline_page)
    wait(lambda: win.timeline is not None and win.timeline.items and win.timeline.labels)
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        app.processEvents()
    tl = win.timeline
    vb = tl.plot.getPlotItem().vb
    labels = []
    for lane, text in tl.labels:
        if not text.isVisible():
            continue
        m = text.textItem.document().documentMargin()
        r = text.sceneBoundingRect().adjusted(0, m, 0, -m)
        labels.append({"lane": lane, "text": text.toPlainText(), "tip": text.toolTip(),
                       "box": [r.left(), r.top(), r.right(), r.bottom()]})
    markers = []
    for scatter in tl.scatters.values():
        for point in scatter.points():
            p = vb.mapViewToScene(point.pos())
            half = 13 / 2 - 2
            markers.append([p.x() - half, p.y() - half, p.x() + half, p.y() + half])
    frame = vb.sceneBoundingRect()
    from PySide6.QtCore import QPointF

    lane_px = abs(vb.mapViewToScene(QPointF(0, 1)).y() - vb.mapViewToScene(QPointF(0, 0)).y())
    out = {"dpr": tl.devicePixelRatioF(), "labels": labels, "markers": markers, "lane_px": lane_px,
           "items": [it.label for it in tl.items], "waiting": getattr(tl, "waiting_labels", 0),
           "hint": tl.crowded.full_text(), "hint_shown": tl.crowded.text(), "hint_tip": tl.crowded.toolTip(),
           "hint_fits": tl.crowded.fontMetrics().horizontalAdvance(tl.crowded.text())
           <= tl.crowded.contentsRect().width(),
           "frame": [frame.left(), frame.top(), frame.right(), frame.bottom()]}
    # where the x axis's numbers end and the legend begins, in the timeline widget's coordinates
    axis = tl.plot.getAxis("bottom")
    axis_bottom = tl.plot.mapTo(tl, tl.plot.mapFromScene(axis.sceneBoundingRect().bottomLeft())).y()
    out["axis_bottom"] = axis_bottom
    out["legend"] = ({"top": tl.legend.geometry().top(), "bottom": tl.legend.geometry().bottom()}
                     if tl.legend.isVisible() else None)
    out["timeline_height"] = tl.height()
    tl.days_mode.setChecked(True)  # the days axis has a second line of text: a taller plot minimum
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        app.processEvents()
    out["days_axis_bottom"] = tl.plot.mapTo(tl, tl.plot.mapFromScene(axis.sceneBoundingRect().bottomLeft())).y()
    out["days_legend"] = tl.legend.geometry().top() if tl.legend.isVisible() else None
    if len(argv) > 1:
        win.grab().save(argv[1])
    print(json.dumps(out))
    sys.stdout.flush()
    win.close()
    return 0


if __name__ == "__main__":
    import os

    code = main(sys.argv[1:])
    os._exit(code)
