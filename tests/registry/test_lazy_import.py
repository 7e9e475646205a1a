"""Opening a `.y90` file (and the CLI on a file) never imports psycopg: the file keeps its start-up budget."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from y90gui.demo.commands import write_demo


def test_opening_a_file_imports_nothing_of_postgresql(tmp_path: Path) -> None:
    db = write_demo(tmp_path / "demo.y90")
    code = (
        "import sys\n"
        "from y90gui.cli import main\n"
        f"assert main(['info', '--db', {str(db)!r}]) == 0\n"
        "from y90gui.store.store import Store\n"
        f"Store.open({str(db)!r}, read_only=True).close()\n"
        "from y90gui.analysis.frames import from_store\n"
        f"with Store.open({str(db)!r}, read_only=True) as s: from_store(s)\n"
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
