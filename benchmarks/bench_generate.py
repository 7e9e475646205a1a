"""How long generating a synthetic cohort (10,000 and 100,000 patients) and writing it to a store take.

Baselines measured in the same run: a plain `sqlite3` `executemany` of exactly the same rows
(same value conversion) into tables without constraints, indexes or triggers, and the same
into the store's own tables (CHECK constraints, foreign keys, indexes) with no audit. The
ratios show what the store's safety costs and where the time goes.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks import harness
from y90gui.core.sheets import SHEETS
from y90gui.core.validate import CaseData

MODULE = "generate"
SIZES = (10_000, 100_000)


def _sql_rows(sheet, rows):  # type: ignore[no-untyped-def]
    types = [(c.name, c.type) for c in sheet.columns]
    for r in rows:
        out = []
        for name, kind in types:
            v = r.get(name)
            if v is not None:
                if kind == "date":
                    v = v.isoformat()
                elif kind == "yesno":
                    v = int(v)
                elif kind == "number":
                    v = float(v)
            out.append(v)
        yield out


def plain_insert(data: CaseData, path: Path, ddl: list[str] | None = None) -> float:
    """Seconds to executemany every row in one transaction (optionally into the given schema)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    if ddl is None:
        ddl = [f'CREATE TABLE "{s.name}" ({", ".join(chr(34) + n + chr(34) for n in s.column_names)})'
               for s in SHEETS]
    for stmt in ddl:
        conn.execute(stmt)
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for sheet in SHEETS:
        names = sheet.column_names
        sql = (f'INSERT INTO "{sheet.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) '
               f'VALUES ({", ".join("?" * len(names))})')
        conn.executemany(sql, _sql_rows(sheet, data.get(sheet.name, [])))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def main(argv: Sequence[str]) -> int:
    """Generation at each size (repeated), then the store write at the smallest size against its peers."""
    from y90gui.demo.synthetic import build_cohort
    from y90gui.store import schema
    from y90gui.store.store import Store

    opts = harness.Options.parse(argv)
    sizes = opts.sizes_for(SIZES)
    if opts.wants(MODULE, "generate"):
        for n in sizes:
            samples = []
            for _ in range(opts.pairs(n)):
                t0 = time.perf_counter()
                data = build_cohort(n, seed=0)
                samples.append(time.perf_counter() - t0)
                rows = sum(len(v) for v in data.values())
                del data
            harness.record(MODULE, "generate", n, f"generate a synthetic cohort (build_cohort), {n:,} patients",
                           samples, "s", goal_row=False, save=opts.save, note=f"{rows:,} rows")
    if not opts.wants(MODULE, "store_write"):
        return 0
    n = min(sizes)
    data = build_cohort(n, seed=0)
    rows = sum(len(v) for v in data.values())
    constrained_ddl = [s for s in schema.create_statements() if not s.startswith("CREATE TRIGGER")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def fresh(name: str) -> Path:
            path = folder / name
            for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                p.unlink(missing_ok=True)
            return path

        def store_write() -> float:
            with Store.create(fresh("store.y90")) as store:
                t0 = time.perf_counter()
                store.replace_patients(data, "benchmark cohort")
                return time.perf_counter() - t0

        s = harness.interleaved({
            "store": store_write,
            "plain": lambda: plain_insert(data, fresh("plain.sqlite")),
            "constrained": lambda: plain_insert(data, fresh("constrained.sqlite"), constrained_ddl)},
            opts.pairs(n))
    harness.record(MODULE, "store_write", n, f"Store.replace_patients, {n:,} patients ({rows:,} rows)", s["store"],
                   "s", peer=s["plain"], peer_name="plain sqlite3 executemany, no constraints", goal_row=False,
                   save=opts.save)
    harness.record(MODULE, "store_tables", n, f"executemany into the store's tables, no audit, {n:,} patients",
                   s["constrained"], "s", peer=s["plain"], peer_name="plain sqlite3 executemany, no constraints",
                   goal_row=False, save=opts.save)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
