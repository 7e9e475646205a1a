"""SIGKILL in the middle of a large write, many times: the file stays intact and holds all of a
batch or none of it (WAL + one transaction per action)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from y90gui.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
PATIENTS, LABS = 150, 60

WRITER = textwrap.dedent(
    f"""
    import sys
    from tests.store.conftest import small_case
    from y90gui.store.store import Store
    batch = small_case(prefix=sys.argv[2] + "-", n={PATIENTS}, labs_per_patient={LABS})
    s = Store.open(sys.argv[1])
    print("open", flush=True)
    s.replace_patients(batch, "batch " + sys.argv[2])
    print("committed", flush=True)
    s.close()
    """
)


def run_writer(path: Path, tag: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path), tag], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)


@pytest.mark.slow
def test_killed_writer_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "crash.y90"
    Store.create(path).close()
    # one undisturbed run tells how long a batch takes and what "all" looks like
    started = time.perf_counter()
    proc = run_writer(path, "full")
    proc.communicate(timeout=120)
    duration = time.perf_counter() - started
    assert proc.returncode == 0
    with Store.open(path) as s:
        full_counts = {k: v for k, v in s.counts().items() if k != "reference_ranges"}
    per_batch = {k: v for k, v in full_counts.items()}

    rng = random.Random(20261126)
    outcomes = []
    for i in range(15):
        tag = f"k{i}"
        proc = run_writer(path, tag)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        time.sleep(rng.uniform(0.0, duration * 0.9))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Store.open(path) as s:  # takes over the dead writer's lock
            assert not s.read_only
            assert s.integrity() == "ok"
            rows = {
                table: s.conn.execute(f'SELECT count(*) FROM "{table}" WHERE patient_id LIKE ?',
                                      (f"{tag}-%",)).fetchone()[0]
                for table in per_batch
            }
        if rows["patients"] == 0:
            assert all(v == 0 for v in rows.values()), rows
            outcomes.append("none")
        else:
            assert rows == per_batch, rows
            outcomes.append("all")
    # the kills must really have hit writes in progress, not only before or after them
    assert "none" in outcomes, outcomes
