"""Write the demo cohort's overall-survival data for make_reference.R.

    .venv/bin/python tests/analysis/r/export_demo_os.py && Rscript tests/analysis/r/make_reference.R

Writes tests/analysis/data/r_input/demo_os.csv: time = days from the first radioembolization
to death or last follow-up, status = 1 for death, group = centre (for the log-rank test).
"""

from __future__ import annotations

import csv
from pathlib import Path

from y90gui.analysis.survival import os_data
from y90gui.demo.cohort import build_demo

OUT = Path(__file__).resolve().parents[1] / "data" / "r_input" / "demo_os.csv"


def main() -> None:
    data = build_demo()
    centre = {p["patient_id"]: p["center"] for p in data["patients"]}
    with open(OUT, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["time", "status", "group"])
        for pid, days, died in os_data(data):
            w.writerow([days, int(died), centre[pid]])
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
