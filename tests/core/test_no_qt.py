"""The core (everything outside y90gui/ui/) must be importable without loading any Qt module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import y90gui

QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
SCRIPT = """
import pkgutil, importlib, sys, y90gui
names = []
for info in pkgutil.walk_packages(y90gui.__path__, "y90gui."):
    if info.name.startswith("y90gui.ui") or info.name.endswith("__main__"):
        continue
    importlib.import_module(info.name)
    names.append(info.name)
import y90gui.cli
bad = sorted(m for m in sys.modules if m.split(".")[0] in {qt})
print(len(names))
print(",".join(bad))
"""


def test_core_imports_no_qt() -> None:
    script = SCRIPT.replace("{qt}", repr(set(QT_MODULES)))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(y90gui.__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    count, bad = out.stdout.strip().split("\n") + [""] * (2 - len(out.stdout.strip().split("\n")))
    assert int(count) >= 10, "the walk found too few core modules to prove anything"
    assert bad == "", f"core imported Qt: {bad}"


def test_cli_command_dispatch_imports_no_qt() -> None:
    script = (
        "import sys; from y90gui.cli import build_parser; build_parser();"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(QT_MODULES)!r}))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
