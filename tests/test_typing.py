"""Every layer, the Qt one included, passes `mypy --strict` (project convention).

What is checked, and how strictly, is set in pyproject.toml's [tool.mypy]: every module of
y90gui, ui included since issue 11. mypy is a test dependency, so this test fails rather than skips
when it is missing. It uses the default .mypy_cache, shared with `make lint`: a cold run
takes a few seconds, a warm one well under a second.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_gui_free_layers_pass_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"mypy found problems:\n{output}"
    assert "Success: no issues found" in result.stdout, output
