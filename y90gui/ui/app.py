"""Start the Qt application (placeholder until the review GUI lands: a window with the patient count)."""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    from y90gui.store.store import Store

    app = QApplication.instance() or QApplication([])
    path = args.file
    if path is None:
        from y90gui.demo.commands import demo_copy_path

        path = demo_copy_path()
    store = Store.open(path)
    window = QMainWindow()
    window.setWindowTitle(f"y90gui — {os.path.basename(str(path))}")
    window.setCentralWidget(QLabel(f"{store.counts()['patients']} patients"))
    window.show()
    return app.exec()
