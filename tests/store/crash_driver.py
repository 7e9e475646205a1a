"""Kill loop of the reliability suite: `python -m tests.store.crash_driver MODE DB KILLS SEED`.

The driver imports y90gui once and forks a child for every round, so a round costs a fork,
not an interpreter start (hundreds of SIGKILLs fit in a CI minute). The child writes; the
driver SIGKILLs it at a random moment of its work, reaps it, then opens the file itself
(taking over the dead child's lock) and checks it:

- `import`: the child runs `apply_import` of a batch of new patients (the backup copy first,
  then the write, row by row or, every fourth round, by the bulk path); after the kill the
  file is intact and holds all of the batch or none of it;
- `edit`: the child repeats one action that sets the centre of two patients to a new value,
  with undo and redo in between; after the kill both patients have the same centre, every
  action has exactly its audit rows, and every undo/redo as many as the action it reverses.

Prints one JSON object with the counts.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path
from typing import Any

from tests.store.conftest import small_case
from y90gui.store.store import Store

SMALL, BULK = (40, 30), (150, 40)  # (patients, labs per patient): row by row, and over BULK_ROWS


def _child_import(path: Path, tag: str, bulk: bool, ready: int) -> None:
    from y90gui.io.importer import ImportPlan, _store_mark, apply_import

    n, labs = BULK if bulk else SMALL
    batch = small_case(prefix=tag + "-", n=n, labs_per_patient=labs)
    s = Store.open(path)
    assert not s.read_only
    plan = ImportPlan(Path(f"{tag}.xlsx"), data=batch, new=[r["patient_id"] for r in batch["patients"]],
                      store_mark=_store_mark(s))
    os.write(ready, b"1")
    apply_import(s, plan)
    s.close()


def _child_edit(path: Path, tag: str, ready: int) -> None:
    s = Store.open(path)
    assert not s.read_only
    os.write(ready, b"1")
    rng = random.Random(tag)
    for i in range(100_000):
        with s.action("pair edit") as change:
            for pid in ("E000", "E001"):
                s.conn.execute("UPDATE patients SET center = ? WHERE patient_id = ?", (f"{tag}-{i}", pid))
            change.tables.add("patients")
        if rng.random() < 0.3:
            s.undo()
            if rng.random() < 0.5:
                s.redo()


def _fork(target: Any, *args: Any) -> tuple[int, int]:
    """(pid, read end of a pipe the child writes one byte to when it holds the store)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the driver's loop
        os.close(r)
        code = 0
        try:
            target(*args, w)
        except BaseException:  # noqa: BLE001 - reported through the exit code
            import traceback

            traceback.print_exc()
            code = 3
        os._exit(code)
    os.close(w)
    return pid, r


def _kill_after(pid: int, ready: int, delay: float) -> bool:
    """Wait for the child to hold the store, SIGKILL it after `delay`; False if it had finished."""
    os.read(ready, 1)
    os.close(ready)
    time.sleep(delay)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0:
        raise SystemExit(f"the writer failed by itself (exit {os.WEXITSTATUS(status)})")
    return os.WIFSIGNALED(status)


def _timed_run(target: Any, *args: Any) -> float:
    """Seconds from the child holding the store to its end, undisturbed."""
    pid, ready = _fork(target, *args)
    os.read(ready, 1)
    os.close(ready)
    started = time.perf_counter()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return time.perf_counter() - started


def run_import(path: Path, kills: int, rng: random.Random) -> dict[str, Any]:
    tables = ("patients", "prrt", "radioembolization", "response", "labs", "adverse_events", "treatments_after")
    expected = {}
    duration = {}
    for bulk in (False, True):
        tag = "full-bulk" if bulk else "full"
        duration[bulk] = _timed_run(_child_import, path, tag, bulk)
        with Store.open(path) as s:
            expected[bulk] = {t: s.conn.execute(f'SELECT count(*) FROM "{t}" WHERE patient_id LIKE ?',
                                                (f"{tag}-%",)).fetchone()[0] for t in tables}
    out: dict[str, Any] = {"kills": 0, "finished_before_kill": 0, "all": 0, "none": 0, "integrity_failures": 0,
                           "partial": 0}
    for i in range(kills):
        bulk = i % 4 == 3
        tag = f"k{i}"
        pid, ready = _fork(_child_import, path, tag, bulk)
        # a little beyond the undisturbed duration, so that some rounds commit before the kill
        killed = _kill_after(pid, ready, rng.uniform(0, 1.15 * duration[bulk]))
        out["kills" if killed else "finished_before_kill"] += 1
        with Store.open(path) as s:  # takes over the dead child's lock
            assert not s.read_only, s.read_only_reason
            if s.integrity() != "ok":
                out["integrity_failures"] += 1
            rows = {t: s.conn.execute(f'SELECT count(*) FROM "{t}" WHERE patient_id LIKE ?',
                                      (f"{tag}-%",)).fetchone()[0] for t in tables}
            if all(v == 0 for v in rows.values()):
                out["none"] += 1
            elif rows == expected[bulk]:
                out["all"] += 1
                s.delete_patients([r[0] for r in s.conn.execute("SELECT patient_id FROM patients WHERE patient_id "
                                                                "LIKE ?", (f"{tag}-%",))])
            else:
                out["partial"] += 1
    return out


def run_edit(path: Path, kills: int, rng: random.Random) -> dict[str, Any]:
    with Store.open(path) as s:
        s.replace_patients(small_case(prefix="E", n=2, labs_per_patient=1))
    out: dict[str, Any] = {"kills": 0, "integrity_failures": 0, "partial": 0, "actions_checked": 0}
    for i in range(kills):
        pid, ready = _fork(_child_edit, path, f"e{i}")
        if _kill_after(pid, ready, rng.uniform(0.0, 0.05)):
            out["kills"] += 1
        with Store.open(path) as s:
            assert not s.read_only, s.read_only_reason
            if s.integrity() != "ok":
                out["integrity_failures"] += 1
            centres = {r[0] for r in s.conn.execute("SELECT center FROM patients WHERE patient_id IN ('E000', 'E001')")}
            # an action with audit rows other than its own two, or an undo/redo that does not
            # mirror the action it reverses, would be a half-written action
            odd = s.conn.execute(
                "SELECT count(*) FROM actions a WHERE a.description = 'pair edit' AND "
                "(SELECT count(*) FROM audit WHERE action_id = a.id) != 2").fetchone()[0]
            odd += s.conn.execute(
                "SELECT count(*) FROM actions a WHERE a.kind IN ('undo', 'redo') AND "
                "(SELECT count(*) FROM audit WHERE action_id = a.id) != "
                "(SELECT count(*) FROM audit WHERE action_id = a.reverses)").fetchone()[0]
            out["actions_checked"] = s.conn.execute("SELECT count(*) FROM actions").fetchone()[0]
            if len(centres) != 1 or odd:
                out["partial"] += 1
    return out


def main(argv: list[str]) -> int:
    mode, db, kills, seed = argv[0], Path(argv[1]), int(argv[2]), int(argv[3])
    rng = random.Random(seed)
    if not db.exists():
        Store.create(db).close()
    result = run_import(db, kills, rng) if mode == "import" else run_edit(db, kills, rng)
    print(json.dumps({"mode": mode, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
