"""A case series where it cannot be written: on a read-only drive, in a folder the user may not
write to, as a read-only (0444 or immutable) file. Every read command works (`info`, `export`,
`report`, `backup`, `import --dry-run`), `import` refuses with one line before it copies
anything, and the store says why it is read-only.

Root ignores file permissions, so the permission cases run as `nobody` (setpriv) when the
tests run as root; the read-only mount and the immutable file hold for root too."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.io.exporter import write_workbook
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and mounts")


def make_case(path: Path) -> Path:
    with Store.create(path) as s:
        s.replace_patients(small_case(n=3))
    assert path.read_bytes()[18] == 2  # a WAL-mode file: reading it needs a -shm index or immutable=1
    return path


def cli(*args: str, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    if as_nobody and IS_ROOT and shutil.which("setpriv") is None:
        pytest.skip("running as an unprivileged user needs setpriv (util-linux)")
    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if as_nobody and IS_ROOT else []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": tempfile.gettempdir()}
    return subprocess.run([*prefix, sys.executable, "-m", "y90gui", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A scratch folder everyone may enter (pytest's tmp_path is 0700, closed to `nobody`)."""
    folder = Path(tempfile.mkdtemp(prefix="y90-ro-"))
    folder.chmod(0o755)
    out = folder / "out"
    out.mkdir()
    out.chmod(0o777)
    try:
        yield folder
    finally:
        if shutil.which("chattr"):
            subprocess.run(["chattr", "-R", "-i", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def check_every_command(db: Path, out: Path, reason: str, as_nobody: bool = False) -> None:
    workbook = out / "in.xlsx"
    write_workbook(small_case(prefix="N", n=2), workbook)
    workbook.chmod(0o644)
    def siblings() -> set[str]:  # SQLite's own -wal/-shm of a reader in a writable folder aside
        return {p.name for p in db.parent.iterdir() if not p.name.endswith(("-wal", "-shm"))}

    before = siblings()
    for args in (["info", "--db", str(db)],
                 ["export", "--db", str(db), "--out", str(out / "series.xlsx")],
                 ["report", "--db", str(db), "--json"],
                 ["backup", "--db", str(db), "--out", str(out / "copy.y90")],
                 ["import", str(workbook), "--db", str(db), "--dry-run"]):
        r = cli(*args, as_nobody=as_nobody)
        assert r.returncode == 0 and "Traceback" not in r.stderr, (args, r.stderr)
    assert (out / "series.xlsx").exists() and (out / "copy.y90").exists()
    r = cli("import", str(workbook), "--db", str(db), as_nobody=as_nobody)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [f"y90gui import: error: {db.name} is open read-only: {reason}"]
    assert siblings() == before  # no backup copy, no lock file


@contextlib.contextmanager
def read_only_mount(folder: Path) -> Iterator[Path]:
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting needs root")
    mnt = folder / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_on_a_read_only_mount(shared_tmp: Path) -> None:
    with read_only_mount(shared_tmp) as mnt:
        db = make_case(mnt / "case.y90")
        assert subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True).returncode == 0
        with Store.open(db) as s:
            assert s.read_only and s.counts()["patients"] == 3
            assert s.read_only_reason == f"case.y90 is on a read-only drive or share ({mnt})"
        check_every_command(db, shared_tmp / "out", f"case.y90 is on a read-only drive or share ({mnt})")


def test_wal_file_with_unmerged_changes_on_a_read_only_mount_is_refused_clearly(shared_tmp: Path) -> None:
    with read_only_mount(shared_tmp) as mnt:
        db = make_case(mnt / "case.y90")
        killed = subprocess.run([sys.executable, "-c", (
            "import os, sys; from y90gui.store.store import Store; s = Store.open(sys.argv[1]); "
            "s.update_row('patients', 'P000', {'center': 'Leuven'}); os._exit(0)"), str(db)], cwd=ROOT)
        assert killed.returncode == 0 and (mnt / "case.y90-wal").stat().st_size > 0
        (mnt / "case.y90-shm").unlink()
        (mnt / "case.y90.lock").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        r = cli("info", "--db", str(db))
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "has changes in case.y90-wal that are not yet part of the file" in r.stderr


def test_in_a_folder_the_user_may_not_write(shared_tmp: Path) -> None:
    folder = shared_tmp / "theirs"
    folder.mkdir()
    db = make_case(folder / "case.y90")
    if not IS_ROOT:
        folder.chmod(0o555)
    reason = f"you may not write in the folder {folder}, where case.y90 is"
    check_every_command(db, shared_tmp / "out", reason, as_nobody=True)
    folder.chmod(0o755)


def test_a_read_only_file(shared_tmp: Path) -> None:
    folder = shared_tmp / "mine"
    folder.mkdir()
    db = make_case(folder / "case.y90")
    db.chmod(0o444)
    if IS_ROOT:
        os.chown(folder, 65534, 65534)
        os.chown(db, 65534, 65534)
    reason = "case.y90 is a read-only file (its permissions or attributes forbid changes)"
    check_every_command(db, shared_tmp / "out", reason, as_nobody=True)


def test_an_immutable_file_holds_for_root_too(shared_tmp: Path) -> None:
    if not IS_ROOT or shutil.which("chattr") is None:
        pytest.skip("chattr +i needs root and e2fsprogs")
    folder = shared_tmp / "locked"
    folder.mkdir()
    db = make_case(folder / "case.y90")
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("this file system has no immutable attribute")
    with Store.open(db) as s:
        assert s.read_only
        assert s.read_only_reason == "case.y90 is a read-only file (its permissions or attributes forbid changes)"
        assert s.counts()["patients"] == 3
