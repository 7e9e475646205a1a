"""`y90gui demo` on the command line and the demo copy in the user's data folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from y90gui.demo.commands import demo_copy_path
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "y90gui", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_cli_demo_then_info(tmp_path: Path) -> None:
    db = tmp_path / "d.y90"
    done = run("demo", "--db", str(db))
    assert done.returncode == 0, done.stderr
    info = run("info", "--db", str(db), "--json")
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert (data["patients"], data["procedures"], data["integrity"]) == (44, 58, "ok")


def test_cli_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    db = tmp_path / "mine.y90"
    db.write_bytes(b"precious user data")
    refused = run("demo", "--db", str(db))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    assert db.read_bytes() == b"precious user data"
    forced = run("demo", "--db", str(db), "--force")
    assert forced.returncode == 0, forced.stderr
    with Store.open(db, read_only=True) as store:
        assert store.counts()["patients"] == 44


def test_cli_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = run("demo", "--db", str(tmp_path / "nope" / "d.y90"))
    assert done.returncode == 1 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_demo_copy_created_once_and_never_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y90GUI_DATA_DIR", str(tmp_path))
    path = demo_copy_path()
    assert path == tmp_path / "demo.y90"
    with Store.open(path) as store:  # the user edits the demo copy
        store.delete_patients(["DEMO-001"])
    before = path.read_bytes()
    assert demo_copy_path() == path
    assert path.read_bytes() == before
    with Store.open(path, read_only=True) as store:
        assert store.counts()["patients"] == 43


def test_demo_copy_skips_a_file_that_is_not_a_case_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("Y90GUI_DATA_DIR", str(tmp_path))
    (tmp_path / "demo.y90").write_text("not a database")
    (tmp_path / "demo-2.y90").write_bytes(b"")
    path = demo_copy_path()
    assert path == tmp_path / "demo-3.y90"
    assert (tmp_path / "demo.y90").read_text() == "not a database"
    assert (tmp_path / "demo-2.y90").read_bytes() == b""
    with Store.open(path, read_only=True) as store:
        assert store.counts()["radioembolization"] == 58
    assert demo_copy_path() == path


def test_cli_force_refuses_a_file_open_elsewhere(tmp_path: Path) -> None:
    db = tmp_path / "busy.y90"
    assert run("demo", "--db", str(db)).returncode == 0
    before = db.read_bytes()
    # another live process (pid 1 on this host) holds the write lock
    import json
    import socket

    (tmp_path / "busy.y90.lock").write_text(json.dumps(
        {"user": "someone", "host": socket.gethostname(), "pid": 1, "since": "2020-01-01T00:00:00"}))
    refused = run("demo", "--db", str(db), "--force")
    assert refused.returncode == 1 and "someone" in refused.stderr
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["busy.y90", "busy.y90.lock"]
