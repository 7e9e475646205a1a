"""Images of the publication outputs to look at: each figure at one (85 mm) and two (170 mm)
column widths, the greyscale Kaplan-Meier, the report document's PDF pages (pdftoppm), and
the Kaplan-Meier figures next to survminer's of the same rows at 170 x 120 mm, 300 dpi
(`y90gui_km_*.png`, `survminer_km_*.png`: docs/publication/KM-vs-survminer.md; survminer's only
where Rscript with survminer is installed).

    python scripts/publication_figures.py docs/screenshots/publication

Uses the demo cohort and the real command line, so the images are what a user gets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FIGURES = (("km", ["--strata", "extent"]), ("swimmer", []), ("waterfall", []), ("labs", ["--test", "alt"]))
SIZES = ((85, 90), (170, 120))
DPI = "200"


def run(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "y90gui", *args], check=True, stdout=subprocess.DEVNULL)


def survminer(db: Path, out: Path, tmp: Path) -> None:
    """survminer's figures of the same rows (scripts/km_csv.py, scripts/survminer_km.R)."""
    scripts = Path(__file__).resolve().parent
    if shutil.which("Rscript") is None or subprocess.run(["Rscript", "-e", "library(survminer)"],
                                                         capture_output=True).returncode != 0:
        print("Rscript with survminer is not installed: survminer_km_*.png not redrawn", file=sys.stderr)
        return
    rows = tmp / "km_rows.csv"
    subprocess.run([sys.executable, str(scripts / "km_csv.py"), str(db), str(rows)], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["Rscript", str(scripts / "survminer_km.R"), str(rows), str(out), str(tmp)], check=True,
                   stdout=subprocess.DEVNULL)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.y90"
        run("demo", "--db", str(db))
        for kind, extra in FIGURES:
            for width, height in SIZES:
                run("figure", kind, "--db", str(db), "--out", str(out / f"{kind}_{width}mm.png"), "--width-mm",
                    str(width), "--height-mm", str(height), "--dpi", DPI, *extra)
        run("figure", "km", "--db", str(db), "--out", str(out / "km_all_170mm.png"), "--dpi", DPI)
        run("figure", "km", "--db", str(db), "--out", str(out / "km_grey_85mm.png"), "--width-mm", "85",
            "--height-mm", "90", "--dpi", DPI, "--grey", "--strata", "who_grade")
        run("figure", "km", "--db", str(db), "--out", str(out / "y90gui_km_os.png"))
        run("figure", "km", "--db", str(db), "--strata", "recist_3m", "--out", str(out / "y90gui_km_recist.png"))
        survminer(db, out, Path(tmp))
        pdf = Path(tmp) / "report.pdf"
        run("report", "--db", str(db), "--pdf", str(pdf))
        if shutil.which("pdftoppm") is None:
            print("pdftoppm (poppler-utils) is not installed: document pages not rendered", file=sys.stderr)
            return 0
        for old in out.glob("report_page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "report_page")], check=True)
    print(f"wrote {len(list(out.glob('*.png')))} images to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/publication")))
