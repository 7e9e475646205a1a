"""Exactly one writer at any time: two processes opening the same file at (nearly) the same
moments, again and again, are never both writable; a lock this process cannot verify is
respected with a message that says how to clear it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.store.conftest import small_case
from y90gui.store.lock import lock_path
from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]

#: Opens the store `n` times, each at t0 + i * period plus a random jitter, so two racers open
#: within a fraction of a millisecond of each other; while writable it claims an O_EXCL marker
#: (a second writer at the same time finds the marker taken) and edits once.
RACER = textwrap.dedent(
    """
    import json, os, random, sys, time
    from y90gui.store.store import Store
    path, marker, n, t0, period, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), \\
        float(sys.argv[5]), int(sys.argv[6])
    rng = random.Random(seed)
    writers = overlaps = read_only = 0
    for i in range(n):
        wait = t0 + i * period + rng.uniform(0, period / 8) - time.time()
        if wait > 0:
            time.sleep(wait)
        s = Store.open(path)
        try:
            if s.read_only:
                read_only += 1
                continue
            writers += 1
            try:
                fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                overlaps += 1
                continue
            os.close(fd)
            s.update_row("patients", "P000", {"center": f"{seed}-{i}"})
            time.sleep(rng.uniform(0, period / 4))
            os.unlink(marker)
        finally:
            s.close()
    print(json.dumps({"writers": writers, "overlaps": overlaps, "read_only": read_only}))
    """
)


def race(path: Path, opens: int, period: float = 0.03) -> dict[str, int]:
    """Two racing processes; the summed counts."""
    marker = path.with_name("writer.marker")
    t0 = time.time() + 1.5  # both interpreters are up by then
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(path), str(marker), str(opens), str(t0),
                               str(period), str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT) for seed in (1, 2)]
    totals = {"writers": 0, "overlaps": 0, "read_only": 0}
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        for k, v in json.loads(out).items():
            totals[k] += v
    return totals


def test_two_processes_opening_at_the_same_moments_are_never_both_writers(tmp_path: Path) -> None:
    path = tmp_path / "race.y90"
    with Store.create(path) as s:
        s.replace_patients(small_case(n=1))
    totals = race(path, opens=100)
    print(f"race: 2 x 100 opens: {totals}")
    assert totals["overlaps"] == 0, totals
    assert totals["writers"] + totals["read_only"] == 200
    # The lock does not just refuse everyone (a loaded machine lets the two drift apart, so
    # both may find the other's lock in some rounds: not every round has a writer).
    assert totals["writers"] >= 50
    with Store.open(path) as s:
        assert s.integrity() == "ok"
        writes = s.conn.execute("SELECT count(*) FROM actions WHERE description LIKE 'edit patients%'").fetchone()[0]
        assert writes == totals["writers"]  # every writer's edit is there: none was lost to another
    assert not lock_path(path).exists()


def test_lock_from_another_host_says_how_to_clear_it(tmp_path: Path) -> None:
    path = tmp_path / "remote.y90"
    Store.create(path).close()
    lock_path(path).write_text('{"user": "anna", "host": "ward-pc-7", "pid": 1, "since": "2026-01-01T08:00:00"}')
    with Store.open(path) as s:
        assert s.read_only and s.locked_by is not None and s.locked_by.user == "anna"
        assert s.read_only_reason == (
            "anna on ward-pc-7 (since 2026-01-01T08:00:00) has it open for writing; if nobody uses it on "
            "ward-pc-7 any more (y90gui closed there, or that computer crashed), delete remote.y90.lock beside "
            "the file and open it again")


def test_lock_naming_a_live_process_that_holds_no_lock_says_how_to_clear_it(tmp_path: Path) -> None:
    """After a crash the dead writer's pid may be reused by an unrelated program: respected, with advice."""
    path = tmp_path / "reused.y90"
    Store.create(path).close()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        info = {"user": "bob", "host": os.uname().nodename, "pid": other.pid, "since": "2026-01-01T08:00:00"}
        lock_path(path).write_text(json.dumps(info))
        with Store.open(path) as s:
            assert s.read_only
            assert s.read_only_reason is not None
            assert f"the lock names process {other.pid}, which still runs" in s.read_only_reason
            assert "delete reused.y90.lock beside the file" in s.read_only_reason
    finally:
        other.kill()
        other.wait()
    with Store.open(path) as s:  # its process gone: taken over
        assert not s.read_only


def test_holder_still_writing_its_name_is_not_taken_over(tmp_path: Path) -> None:
    """The old race: an empty lock file used to be taken over as 'half-written'."""
    path = tmp_path / "slow.y90"
    Store.create(path).close()
    import fcntl

    fd = os.open(lock_path(path), os.O_CREAT | os.O_RDWR)  # a holder that has its lock, no JSON yet
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        with Store.open(path) as s:
            assert s.read_only
            assert s.locked_by is not None
    finally:
        os.close(fd)
    with Store.open(path) as s:
        assert not s.read_only
