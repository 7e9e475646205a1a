"""The layer contracts of pyproject.toml's [tool.importlinter] hold (issue 11).

ui -> services -> io | analysis | demo -> store -> core; only y90gui.ui imports Qt; no import
cycles inside y90gui.ui. `make lint` runs the same `lint-imports`. import-linter is a test
dependency, so this test fails rather than skips when it is missing. A second test proves the
contracts can fail: a layer import the wrong way round and an import cycle inside ui, in a
throwaway copy, are reported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` of this environment on the project at `cwd` (its pyproject.toml, its y90gui)."""
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", script, "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(cwd)})


def test_layer_contracts_are_kept() -> None:
    result = _lint(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"import contracts broken:\n{output}"
    assert "0 broken" in output and "BROKEN" not in output, output


def test_a_wrong_way_import_breaks_them(tmp_path: Path) -> None:
    copy = tmp_path / "proj"
    shutil.copytree(ROOT / "y90gui", copy / "y90gui", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    with (copy / "y90gui" / "analysis" / "fractions.py").open("a", encoding="utf-8") as f:
        f.write("\nimport y90gui.services.cohort_view  # noqa\n")
    with (copy / "y90gui" / "ui" / "km_items.py").open("a", encoding="utf-8") as f:
        f.write("\nimport y90gui.ui.km_widget  # noqa\n")  # km_widget imports km_items: a cycle
    result = _lint(copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "y90gui.analysis.fractions -> y90gui.services.cohort_view" in output
    assert "No import cycles inside y90gui.ui (its subpackages and modules) BROKEN" in output
