"""Network file systems (SMB/CIFS, NFS) are detected when a store is opened, and a file there is
written in rollback-journal mode: WAL's shared memory does not work between computers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.store.conftest import small_case
from y90gui.store import places
from y90gui.store.store import Store

FAKE_MOUNTINFO = r"""22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
35 22 0:31 / /mnt/clinic rw,relatime shared:9 - cifs //fileserver/study rw,vers=3.1.1
36 22 0:32 / /mnt/nfs\040share rw,relatime shared:10 - nfs4 nas:/export rw,vers=4.2
37 35 0:33 / /mnt/clinic/local rw,relatime shared:11 - tmpfs tmpfs rw
"""


def test_mountinfo_names_the_file_system_of_the_deepest_mount() -> None:
    mounts = places.parse_mountinfo(FAKE_MOUNTINFO)
    assert ("/mnt/nfs share", "nfs4") in mounts
    assert places.type_of_mount("/mnt/clinic/series/case.y90", mounts) == "cifs"
    assert places.type_of_mount("/mnt/clinic/local/case.y90", mounts) == "tmpfs"
    assert places.type_of_mount("/mnt/nfs share/case.y90", mounts) == "nfs4"
    assert places.type_of_mount("/mnt/clinical/case.y90", mounts) == "ext4"  # a prefix of the name is not a mount


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/mountinfo")
def test_network_file_system_detected_from_mountinfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "mountinfo"
    fake.write_text(FAKE_MOUNTINFO)
    monkeypatch.setattr(places, "MOUNTINFO", str(fake))
    assert places.is_network_filesystem(Path("/mnt/clinic/case.y90"))
    assert places.is_network_filesystem(Path("/mnt/nfs share/case.y90"))
    assert not places.is_network_filesystem(Path("/mnt/clinic/local/case.y90"))
    assert not places.is_network_filesystem(Path("/home/anna/case.y90"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a tmpfs mount")
def test_a_real_mount_reports_its_type() -> None:
    mnt = Path(tempfile.mkdtemp(prefix="y90-fs-"))
    try:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                          capture_output=True).returncode:
            pytest.skip("mounting a tmpfs is not permitted here")
        try:
            assert places.filesystem_type(mnt / "case.y90") == "tmpfs"
            assert not places.is_network_filesystem(mnt / "case.y90")
        finally:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
    finally:
        shutil.rmtree(mnt, ignore_errors=True)


def test_a_file_on_a_network_share_is_written_with_a_rollback_journal(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "case.y90"
    with Store.create(path) as s:
        assert s.journal_mode == "wal"  # a local disk
        s.replace_patients(small_case(n=1))
    monkeypatch.setattr(places, "filesystem_type", lambda p: "cifs")
    with Store.open(path) as s:
        assert s.journal_mode == "delete"
        s.update_row("patients", "P000", {"center": "Leuven"})
        assert not path.with_name("case.y90-wal").exists()
    assert path.read_bytes()[18] == 1  # the file itself says: rollback journal (WAL would be 2)
    monkeypatch.setattr(places, "filesystem_type", lambda p: "ext4")
    with Store.open(path) as s:  # copied back to a local disk: WAL again
        assert s.journal_mode == "wal"
        assert s.read_table("patients")[0]["center"] == "Leuven"
