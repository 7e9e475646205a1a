"""SIGKILL in the middle of imports and edits, hundreds of times: the file stays intact and
holds all of an action or none of it (WAL + one transaction per action). The kill loop runs
in `tests/store/crash_driver.py`, which forks a writer per round (see there); together the
two tests kill 240 writers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="os.fork")]


def drive(mode: str, db: Path, rounds: int, seed: int) -> dict[str, int]:
    r = subprocess.run([sys.executable, "-m", "tests.store.crash_driver", mode, str(db), str(rounds), str(seed)],
                       capture_output=True, text=True, cwd=ROOT, timeout=400)
    assert r.returncode == 0, r.stderr[-3000:]
    result: dict[str, int] = json.loads(r.stdout)
    print(result)
    return result


def test_killed_imports_leave_all_or_nothing(tmp_path: Path) -> None:
    result = drive("import", tmp_path / "crash.y90", 140, seed=20261126)
    assert result["integrity_failures"] == 0 and result["partial"] == 0, result
    assert result["kills"] >= 120, result  # nearly every round was killed, not finished first
    assert result["none"] > 0, result  # the kills really hit writes in progress
    assert result["none"] + result["all"] == 140


def test_killed_edits_undo_and_redo_leave_whole_actions(tmp_path: Path) -> None:
    result = drive("edit", tmp_path / "crash.y90", 100, seed=7)
    assert result["integrity_failures"] == 0 and result["partial"] == 0, result
    assert result["kills"] == 100, result
    assert result["actions_checked"] > 200, result  # many actions written and checked, killed among them
