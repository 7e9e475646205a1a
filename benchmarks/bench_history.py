"""The History tab's "All patients" page on a file of 1.5 M audit rows (the 30,000-patient cohort).

Issue 12 leftover: paging the whole case series' history took 35–58 s a page, because every
page grouped every audit row (`store.history._net_rows` over the whole trail, with a window
count). Now the trail is paged action by action (`store.history.action_spans`, from the index
`audit_action_tbl_op`, read once per file and then only the rows added since). Figures, taken
in turns (ours, before, ours, ...), each a page of 500 changes at an offset in the middle:

- `history_page` cold: the first page of a session (nothing read of this file yet);
- `history_page` warm: a later page (another offset), as the researcher pages on;
- before: the single grouping pass of the whole trail (the page query up to this change; still
  the fallback when two actions' audit ids interleave), on the same file.

Goal: every sample of ours (cold and warm) <= 1 s. Run: `nice python -m benchmarks history`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks import harness

N = 30_000  # 1.54 M audit rows: the cohort's first import


def history_db() -> Path:
    """The N-patient cohort as a .y90 (built once under benchmarks/out, like `cohorts.ensure_cohort`)."""
    from benchmarks.cohorts import OUT, cohort_paths, write_db
    from y90gui.demo.synthetic import build_cohort

    db = cohort_paths(N)[0]
    if not db.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        write_db(build_cohort(N, 0), db)
    return db


def main(argv: list[str]) -> int:
    from y90gui.store import history
    from y90gui.store.store import Store

    opts = harness.Options.parse(argv)
    if not opts.wants("history", "history_page"):
        return 0
    pairs = opts.repeats or 3
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.y90"
        shutil.copy(history_db(), path)
        with Store.open(path) as store:  # opened for writing once: the index is built (older files too)
            for pid in store.patient_ids()[:3]:
                store.update_row("patients", pid, {"ki67_pct": 12.5})
        store = Store.open(path, read_only=True)
        conn = store.conn
        rows = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        total = history.change_count(conn)
        middle = total // 2 // 500 * 500
        spans = history.action_spans

        def cold() -> float:
            history._TRAILS.clear()
            return harness.timed(lambda: history.history_page(conn, None, middle, 500))

        def warm() -> float:
            return harness.timed(lambda: history.history_page(conn, None, middle + 500, 500))

        def before() -> float:
            history.action_spans = lambda conn: None  # type: ignore[assignment]
            try:
                return harness.timed(lambda: history.history_page(conn, None, middle, 500))
            finally:
                history.action_spans = spans

        ours = history.history_page(conn, None, middle, 500)
        history.action_spans = lambda conn: None  # type: ignore[assignment]
        theirs = history.history_page(conn, None, middle, 500)
        history.action_spans = spans
        assert ours[0] == theirs[0] and [c.audit_id for c in ours[1]] == [c.audit_id for c in theirs[1]]
        samples = harness.interleaved({"cold": cold, "warm": warm, "before": before}, pairs)
        store.close()
    note = f"{rows:,} audit rows, page of 500 at offset {middle:,} of {total:,} changes"
    harness.record("bench_history", "history_page", N, "History, all patients: first page of a session",
                   samples["cold"], "s", peer=samples["before"], peer_name="before (one grouping pass)",
                   max_value=1.0, note=note, save=opts.save)
    harness.record("bench_history", "history_page", N, "History, all patients: next page",
                   samples["warm"], "s", peer=samples["before"], peer_name="before (one grouping pass)",
                   max_value=1.0, note=note, save=opts.save)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
