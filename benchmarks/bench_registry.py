"""The shared registry (spec/registry.md, issue 17) on a throw-away PostgreSQL cluster.

1. `registry_editing`: 20 concurrent editor processes x 1,000 edits each on 50 overlapping patients of
   their centre. Each edit reads the row with its version, adds one to the patient's counter and
   writes it back with that version; a refusal (someone else was first) is counted and the edit
   retried after re-reading. Goal: 0 lost updates: the counters' sum equals the successful edits
   (20,000), and the audit holds exactly one update row per successful edit of each login.
2. `registry_write`: writing 10,000 patients (the same `CaseData`) into an empty registry against
   into a new `.y90` (`replace_patients` on both), interleaved: the write step alone, informational
   (the spec's goal is on the whole import, 3.; the server's audit of 500,000 rows dominates this).
3. `registry_import`: the whole import (workbook read, validation, preview, write) of the
   10,000-patient workbook into an empty registry against into a new `.y90`; goal <= 2x.
4. `registry_report`: the report JSON on the 10,000 patients, registry against `.y90`, in-process
   with warm imports; goal <= 1.5x.

The cluster runs with fsync on (the `.y90` side syncs too). Run it `nice`:

    nice python -m benchmarks.bench_registry [--only registry_editing,registry_write,registry_import,registry_report]
"""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import harness

MODULE = "registry"
N = 10_000
EDITORS = 20
EDITS = 1_000
SHARED_PATIENTS = 50


@contextmanager
def cluster() -> Iterator[Any]:
    """The tests' throw-away cluster (tests/registry/conftest.py), here with fsync on."""
    from tests.registry import conftest as c

    bin_dir = c._bin_dir()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries are not installed: apt-get install postgresql")
    run_as = c._run_as()
    root = Path(tempfile.mkdtemp(prefix="y90-bench-pg-"))
    if run_as:
        import os
        import pwd

        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
    cl = c.Cluster(bin_dir, root / "data", c._free_port(), run_as)
    cl.pg("initdb", "-D", str(cl.data), "-U", c.SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale")
    (cl.data / "pg_hba.conf").write_text("host all all 127.0.0.1/32 trust\n", encoding="utf-8")
    options = (f"-c listen_addresses=127.0.0.1 -c port={cl.port} -c unix_socket_directories='' "
               "-c max_connections=60 -c shared_buffers=128MB")
    cl.pg("pg_ctl", "-D", str(cl.data), "-l", str(root / "server.log"), "-o", options, "-w", "-t", "60", "start")
    try:
        yield cl
    finally:
        cl.pg("pg_ctl", "-D", str(cl.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def fresh_registry(cl: Any) -> str:
    """A new database with `registry init` run on it; its superuser URL."""
    from y90gui.registry.setup import init

    name = f"bench_{uuid.uuid4().hex[:8]}"
    cl.sql(f'CREATE DATABASE "{name}"')
    url: str = cl.url("postgres", name)
    init(url)
    return url


# ------------------------------------------------------------------------- 1. concurrent editing

def _editor(url: str, seed: int, edits: int) -> tuple[int, int]:
    """One editor process: `edits` successful increments; (successes, conflicts)."""
    from y90gui.registry.database import Registry
    from y90gui.registry.errors import ConflictError

    rnd = random.Random(seed)
    ok = conflicts = 0
    with Registry.open(url) as reg:
        while ok < edits:
            pid = f"A-{rnd.randrange(SHARED_PATIENTS):03d}"
            row = reg.read_table("patients", [pid], with_versions=True)[0]
            try:
                reg.update_row("patients", pid, {"notes": str(int(row["notes"] or 0) + 1)}, row["row_version"])
                ok += 1
            except ConflictError:
                conflicts += 1
    return ok, conflicts


def bench_editing(opts: harness.Options, cl: Any) -> None:
    import datetime as dt

    import psycopg

    from y90gui.registry import setup
    from y90gui.registry.database import Registry

    admin = fresh_registry(cl)
    dbname = admin.rsplit("/", 1)[1]
    with Registry.open(admin) as reg:
        reg.replace_patients({"patients": [
            {"patient_id": f"A-{i:03d}", "center": "A", "vital_status": "alive",
             "followup_date": dt.date(2024, 1, 1), "notes": "0"} for i in range(SHARED_PATIENTS)]}, "patients")
    tag = uuid.uuid4().hex[:6]
    logins = [f"ed{i}_{tag}" for i in range(EDITORS)]
    for user in logins:
        setup.grant(admin, user, "editor", "A")
    edits = opts.repeats * 100 if opts.repeats else EDITS
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(EDITORS) as pool:
        results = pool.starmap(_editor, [(cl.url(u, dbname), i, edits) for i, u in enumerate(logins)])
    seconds = time.perf_counter() - t0
    ok = sum(r[0] for r in results)
    conflicts = sum(r[1] for r in results)
    with psycopg.connect(admin) as conn:
        total = conn.execute("SELECT sum(notes::int) FROM y90.patients").fetchone()[0]  # type: ignore[index]
        audited = dict(conn.execute(
            "SELECT \"user\", count(*) FROM y90.audit WHERE op = 'update' GROUP BY \"user\"").fetchall())
    per_login_ok = all(audited.get(u, 0) == r[0] for u, r in zip(logins, results, strict=True))
    lost = (EDITORS * edits - int(total)) + (0 if per_login_ok else 1)
    print(f"{EDITORS} editors x {edits} edits: {ok} written, {conflicts} conflicts reported and retried, "
          f"counters sum {total}, audit rows per login {'match' if per_login_ok else 'DIFFER'}", flush=True)
    harness.record(MODULE, "editing_lost_updates", EDITORS * edits, f"lost updates, {EDITORS} editors x {edits} edits",
                   [float(lost)], "updates", max_value=0, save=opts.save,
                   note=f"{conflicts} conflicts reported and retried; audit = successes per login: {per_login_ok}")
    harness.record(MODULE, "editing_time", EDITORS * edits, f"{EDITORS} editors x {edits} edits, wall time",
                   [seconds], "s", goal_row=False, save=opts.save,
                   note=f"{EDITORS * edits / seconds:.0f} edits/s on this machine")


# ------------------------------------------------------------------------- 2./3. import

def bench_write(opts: harness.Options, cl: Any, tmp: Path) -> None:
    from benchmarks.cohorts import ensure_cohort
    from y90gui.registry.database import Registry
    from y90gui.store.store import Store

    with Store.open(ensure_cohort(N)[0], read_only=True) as src:
        data = src.read_case_data()

    def to_file() -> float:
        path = tmp / f"{uuid.uuid4().hex}.y90"
        with Store.create(path) as store:
            t = harness.timed(lambda: store.replace_patients(data, "bench"))
        path.unlink()
        return t

    def to_registry() -> float:
        with Registry.open(fresh_registry(cl)) as reg:
            return harness.timed(lambda: reg.replace_patients(data, "bench"))

    s = harness.interleaved({"registry": to_registry, "file": to_file}, opts.pairs(N))
    harness.record(MODULE, "registry_write", N, f"write {N:,} patients into the registry", s["registry"], "s",
                   peer=s["file"], peer_name="the same write into a new .y90", goal_row=False, save=opts.save)


def bench_import(opts: harness.Options, cl: Any, tmp: Path) -> None:
    from benchmarks.cohorts import ensure_cohort
    from y90gui.io.importer import apply_import, prepare_import
    from y90gui.registry import imports
    from y90gui.registry.database import Registry
    from y90gui.store.store import Store

    xlsx = ensure_cohort(N)[1]

    def to_file() -> float:
        path = tmp / f"{uuid.uuid4().hex}.y90"

        def run() -> None:
            with Store.create(path) as store:
                apply_import(store, prepare_import(xlsx, store))
        t = harness.timed(run)
        path.unlink()
        return t

    def to_registry() -> float:
        url = fresh_registry(cl)

        def run() -> None:
            with Registry.open(url) as reg:
                imports.import_workbook(reg, xlsx)
        return harness.timed(run)

    s = harness.interleaved({"registry": to_registry, "file": to_file}, opts.repeats or 3)
    harness.record(MODULE, "registry_import", N, f"import {N:,} patients into the registry", s["registry"], "s",
                   peer=s["file"], peer_name="the same import into a new .y90", max_ratio=2.0, save=opts.save)


# ------------------------------------------------------------------------- 4. report

def bench_report(opts: harness.Options, cl: Any) -> None:
    from benchmarks.cohorts import ensure_cohort
    from y90gui.analysis.report import report_for_store
    from y90gui.registry.database import Registry
    from y90gui.store.store import Store

    db = ensure_cohort(N)[0]
    url = fresh_registry(cl)
    with Store.open(db, read_only=True) as store, Registry.open(url) as reg:
        reg.replace_patients(store.read_case_data(), "bench")
        reg.conn.execute("VACUUM ANALYZE")
        same = report_for_store(reg) == report_for_store(store)
        s = harness.interleaved({"registry": lambda: harness.timed(lambda: json.dumps(report_for_store(reg))),
                                 "file": lambda: harness.timed(lambda: json.dumps(report_for_store(store)))},
                                opts.pairs(N), warmup=True)
    harness.record(MODULE, "registry_report", N, f"report JSON on {N:,} registry patients", s["registry"], "s",
                   peer=s["file"], peer_name="the same report on the .y90", max_ratio=1.5, save=opts.save,
                   note="equal to the .y90 report" if same else "DIFFERS from the .y90 report")


def main(argv: Sequence[str]) -> int:
    opts = harness.Options.parse(argv)
    figures = ("registry_editing", "registry_write", "registry_import", "registry_report")
    if not any(opts.wants(MODULE, f) for f in figures):
        return 0
    with cluster() as cl, tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        if opts.wants(MODULE, "registry_editing"):
            bench_editing(opts, cl)
        if opts.wants(MODULE, "registry_write"):
            bench_write(opts, cl, tmp)
        if opts.wants(MODULE, "registry_import"):
            bench_import(opts, cl, tmp)
        if opts.wants(MODULE, "registry_report"):
            bench_report(opts, cl)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
