"""A backup or export killed before it finished leaves a temporary file a user recognises
(`~<name>.y90gui.partial`), and the next run of the command into that folder removes it;
a temporary file another process is still writing is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.cli import main
from y90gui.core.atomic import partial_name, remove_leftovers
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]

#: Runs one CLI command and SIGKILLs itself just before the finished temporary file would be
#: renamed into place: the worst moment, with all the data in the leftover.
KILLED = textwrap.dedent(
    """
    import os, signal, sys
    os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
    from y90gui.cli import main
    main(sys.argv[1:])
    """
)


@pytest.mark.parametrize("command", ["backup", "export"])
def test_killed_backup_or_export_leaves_a_recognisable_partial_that_the_next_run_removes(
        tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "case.y90"
    with Store.create(db) as s:
        s.replace_patients(small_case(n=3))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / ("copy.y90" if command == "backup" else "series.xlsx")
    args = [command, "--db", str(db), "--out", str(target)]
    killed = subprocess.run([sys.executable, "-c", KILLED, *args], cwd=ROOT, capture_output=True)
    assert killed.returncode == -9
    left = sorted(p.name for p in out_dir.iterdir())
    assert left == [f"~{target.name}.y90gui.partial"], left
    assert (out_dir / left[0]).stat().st_size > 0  # it holds the data: it must not linger
    assert main(args) == 0
    capsys.readouterr()
    assert sorted(p.name for p in out_dir.iterdir()) == [target.name]


def test_a_partial_another_process_is_writing_is_left_alone(tmp_path: Path) -> None:
    import fcntl

    busy = partial_name(tmp_path / "report.xlsx")
    fd = os.open(busy, os.O_CREAT | os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    dead = partial_name(tmp_path / "series.xlsx")
    dead.write_bytes(b"patient data of a killed export")
    try:
        assert remove_leftovers(tmp_path) == [dead]
        assert busy.exists()
    finally:
        os.close(fd)
