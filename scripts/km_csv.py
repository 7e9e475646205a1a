"""Write the Kaplan-Meier figure's input rows as CSV, for scripts/survminer_km.R.

    python scripts/km_csv.py [demo.y90] [docs/publication/km_demo_os.csv]

One row per analysed patient with a first radioembolization, exactly what `y90gui figure km`
fits (`survival.endpoint_rows` of `inclusion.analysed` frames): days from the first
radioembolization to death or last follow-up, status (1 = death), and the 3-month RECIST
category that `--strata recist_3m` groups by (empty = none: NE/not assessed are categories,
no assessment at all is missing and left out, as R's survdiff drops NA strata). Without a file
the synthetic demo cohort is written first (`y90gui demo`), so R draws the same data.
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "docs" / "publication" / "km_demo_os.csv"


def write_csv(db: Path, out: Path) -> int:
    from y90gui.analysis import inclusion
    from y90gui.analysis.frames import from_store
    from y90gui.analysis.strata import stratum_values
    from y90gui.analysis.survival import endpoint_rows
    from y90gui.store.store import Store

    with Store.open(db, read_only=True) as store:
        fr = inclusion.analysed(from_store(store))
    rows = endpoint_rows(fr, "os")
    recist = stratum_values(fr, "recist_3m")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["patient_id", "days", "status", "recist_3m"])
        for pid, days, event in zip(rows["patient_id"], rows["days"], rows["event"], strict=True):
            w.writerow([pid, int(days), int(bool(event)), recist.get(pid, "")])
    return len(rows)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    if argv:
        n = write_csv(Path(argv[0]), out)
    else:
        from y90gui.demo.commands import write_demo

        with tempfile.TemporaryDirectory() as tmp:
            n = write_csv(write_demo(Path(tmp) / "demo.y90"), out)
    print(f"wrote {n} patients to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
