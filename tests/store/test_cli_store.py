"""`y90gui info` and `y90gui backup` as a user runs them: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.store.conftest import small_case
from y90gui.store import schema
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]


def y90gui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "y90gui", *args], capture_output=True, text=True, cwd=ROOT)


def test_info_json_and_backup(tmp_path: Path) -> None:
    db = tmp_path / "s.y90"
    with Store.create(db) as s:
        s.replace_patients(small_case(n=3))
    out = y90gui("info", "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["patients"] == 3
    assert info["procedures"] == 3
    assert info["prrt_cycles"] == 3
    assert info["lab_values"] == 9
    assert info["adverse_events"] == 3
    assert info["schema_version"] == schema.SCHEMA_VERSION
    assert info["integrity"] == "ok"
    backup = tmp_path / "b.y90"
    out = y90gui("backup", "--db", str(db), "--out", str(backup))
    assert out.returncode == 0, out.stderr
    assert json.loads(y90gui("info", "--db", str(backup), "--json").stdout)["patients"] == 3


def test_errors_are_one_line_with_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.y90"
    bad.write_text("hello")
    out = y90gui("info", "--db", str(bad))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1
    assert "not a y90gui case series" in out.stderr
    assert "Traceback" not in out.stderr
    out = y90gui("info")
    assert out.returncode == 2
    out = y90gui("info", "--db", str(tmp_path / "missing.y90"))
    assert out.returncode == 1
    assert "does not exist" in out.stderr
