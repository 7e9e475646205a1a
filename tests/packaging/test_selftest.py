"""The self-test an installer runs (`y90gui --self-test`) passes from the source tree, and fails loudly.

Run as a subprocess, like a user's double-click, so the test sees exactly the exit code and the
lines an installed app produces, and pytest's own QApplication is not involved.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", Y90GUI_DATA_DIR=str(tmp_path / "data"),
               Y90GUI_SETTINGS_DIR=str(tmp_path / "settings"), **(extra_env or {}))
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_self_test_passes_and_logs_every_step(tmp_path: Path) -> None:
    result = _run(tmp_path, "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    steps = [ln for ln in lines if ln.startswith(("ok   ", "FAIL "))]
    assert len(steps) == 11 and all(s.startswith("ok   ") for s in steps), result.stdout
    assert any(s.startswith("ok   registry driver") and "psycopg 3." in s for s in steps), result.stdout
    assert lines[-1].startswith("self-test PASSED")
    log = (tmp_path / "data" / "y90gui.log").read_text(encoding="utf-8")
    for step in steps:  # windowed builds have no stdout: the log must carry the same lines
        assert step in log
    # the temporary demo file must not become the user's last or recent file
    settings = (tmp_path / "settings" / "y90gui.ini")
    assert "selftest-demo" not in (settings.read_text(encoding="utf-8") if settings.exists() else "")


@pytest.mark.slow
def test_self_test_fails_when_a_step_fails(tmp_path: Path) -> None:
    # a bundle that lacks the analysis package must not pass: hide it with a failing import hook
    hook = tmp_path / "sitecustomize.py"
    hook.write_text(
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'y90gui.analysis.km_figure':\n"
        "            raise ImportError('km_figure removed for the test')\n"
        "sys.meta_path.insert(0, Block())\n", encoding="utf-8")
    result = _run(tmp_path, "--self-test", extra_env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1, result.stdout
    assert "FAIL KM figure" in result.stdout
    assert "self-test FAILED" in result.stdout.splitlines()[-1]


def test_packaging_sources_are_consistent() -> None:
    """Desktop entry, MIME type (magic = the store's application id), Inno Setup, Info.plist, pins."""
    result = subprocess.run(["bash", str(ROOT / "packaging" / "linux" / "test_deb.sh"), "--static"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, PY=sys.executable))
    assert result.returncode == 0, result.stdout + result.stderr
