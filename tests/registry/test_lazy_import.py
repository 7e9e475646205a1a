"""Opening a `.y90` file (and the CLI on a file) never imports psycopg: the file keeps its start-up budget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from y90gui.demo.commands import write_demo


def test_opening_a_file_imports_nothing_of_postgresql(tmp_path: Path) -> None:
    """The CLI's info, export and report on a file, and the window (which offers Connect to
    registry…) opening a file: psycopg stays unloaded."""
    db = write_demo(tmp_path / "demo.y90")
    code = (
        "import sys\n"
        "from y90gui.cli import main\n"
        f"assert main(['info', '--db', {str(db)!r}]) == 0\n"
        "from y90gui.store.store import Store\n"
        f"Store.open({str(db)!r}, read_only=True).close()\n"
        "from y90gui.analysis.frames import from_store\n"
        f"with Store.open({str(db)!r}, read_only=True) as s: from_store(s)\n"
        f"assert main(['export', '--db', {str(db)!r}, '--out', {str(tmp_path / 'x.xlsx')!r}]) == 0\n"
        f"assert main(['report', '--db', {str(db)!r}, '--out', {str(tmp_path / 'r.xlsx')!r}]) == 0\n"
        "import os; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        f"os.environ['Y90GUI_SETTINGS_DIR'] = {str(tmp_path / 'settings')!r}\n"
        "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
        "from y90gui.ui.main_window import MainWindow; w = MainWindow()\n"
        f"assert w.open_file({str(db)!r})\n"
        "assert 'connect_registry' in w.actions\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_binary', 'psycopg_c'))\n"
        "assert not bad, bad\n"
        "print('clean')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("clean")


def test_the_registry_does_import_it(registry_url: str) -> None:
    """The check above is not vacuous: the registry path does load psycopg."""
    code = (
        "import sys\n"
        "from y90gui.cli import main\n"
        f"assert main(['info', '--db', {registry_url!r}]) == 0\n"
        "assert 'psycopg' in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
