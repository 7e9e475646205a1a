"""How long generating a 10,000-patient synthetic cohort and writing it to a store take.

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
from pathlib import Path

from y90gui.core.sheets import SHEETS
from y90gui.core.validate import CaseData

N_PATIENTS = 10_000


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


def main() -> int:
    from y90gui.demo.synthetic import build_cohort
    from y90gui.store import schema
    from y90gui.store.store import Store

    t0 = time.perf_counter()
    data = build_cohort(N_PATIENTS, seed=0)
    generate = time.perf_counter() - t0
    rows = sum(len(v) for v in data.values())
    print(f"cohort: {N_PATIENTS} patients, {len(data['radioembolization'])} procedures, "
          f"{len(data['labs'])} lab values, {rows} rows in all")
    print(f"generate (build_cohort)          {generate:7.2f} s   {rows / generate:10,.0f} rows/s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain = plain_insert(data, folder / "plain.sqlite")
        constrained_ddl = [s for s in schema.create_statements() if not s.startswith("CREATE TRIGGER")]
        constrained = plain_insert(data, folder / "constrained.sqlite", constrained_ddl)
        t0 = time.perf_counter()
        store = Store.create(folder / "store.y90")
        created = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.replace_patients(data, "benchmark cohort")
        write = time.perf_counter() - t0
        audit_rows = store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        t0 = time.perf_counter()
        store.close()
        closed = time.perf_counter() - t0

    print(f"baseline: plain executemany      {plain:7.2f} s   {rows / plain:10,.0f} rows/s   (1.00x)")
    print(f"store tables, no audit           {constrained:7.2f} s   {rows / constrained:10,.0f} rows/s   "
          f"({constrained / plain:.2f}x baseline: CHECKs, foreign keys, indexes)")
    print(f"Store.replace_patients           {write:7.2f} s   {rows / write:10,.0f} rows/s   "
          f"({write / plain:.2f}x baseline; {audit_rows} audit rows)")
    print(f"Store.create {created:.2f} s, close (WAL checkpoint) {closed:.2f} s")
    print(f"generate + write                 {generate + write:7.2f} s   "
          f"({(generate + write) / plain:.2f}x the plain insert alone)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
