"""Screenshots of the window on a registry: `python scripts/screenshots_registry.py OUTDIR`.

The window connected as an editor (1366 x 768 and 1920 x 1080, login and role in the status
bar), the import preview, the refusal of an undo over someone else's later change, the File and
Cohort menus. Needs the PostgreSQL server binaries: starts its own throw-away cluster (the
registry tests' `Cluster`) in a temporary folder and removes it afterwards.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from screenshots import _app, _save, _settle, _wait  # noqa: E402

from tests.registry import conftest as c  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/registry")
AURORA = "Fictional Centre Aurora (synthetic demo)"


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="y90-shot-pg-"))
    import pwd
    run_as = c._run_as()
    if run_as:
        pg = pwd.getpwnam("postgres")
        os.chown(root, pg.pw_uid, pg.pw_gid)
    cluster = c.Cluster(c._bin_dir(), root / "data", c._free_port(), run_as)
    cluster.pg("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
    with open(cluster.data / "pg_hba.conf", "w") as f:
        f.write("host all all 127.0.0.1/32 trust\n")
    cluster.pg("pg_ctl", "-D", str(cluster.data), "-l", str(root / "log"), "-o",
               f"-c listen_addresses=127.0.0.1 -c port={cluster.port} -c unix_socket_directories='' -c fsync=off",
               "-w", "start")
    try:
        run(cluster, root)
    finally:
        cluster.pg("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def run(cluster, root: Path) -> None:  # type: ignore[no-untyped-def]
    work = Path(tempfile.mkdtemp(prefix="y90-shot-"))
    os.environ["Y90GUI_SETTINGS_DIR"] = str(work / "settings")
    os.environ["Y90GUI_DATA_DIR"] = str(work / "appdata")
    root = work
    cluster.sql("CREATE DATABASE study")
    admin = cluster.url("postgres", "study")
    from y90gui.demo.cohort import build_demo
    from y90gui.io.exporter import write_workbook
    from y90gui.registry.database import Registry
    from y90gui.registry.setup import grant, init

    init(admin)
    grant(admin, "anna", "editor", AURORA)
    grant(admin, "ben", "editor", AURORA)
    demo = build_demo()
    with Registry.open(admin) as reg:
        reg.replace_patients(demo, "demo")
        other = next(r["patient_id"] for r in demo["patients"] if r["center"] != AURORA)
        mine = [r["patient_id"] for r in demo["patients"] if r["center"] == AURORA]
        reg.save_cohort("study-wide sample", search="", filters={}, description="study-wide",
                        patient_ids=[other, *mine[:3]])
    data = {n: [r for r in rows if (r["center"] == AURORA if n == "reference_ranges" else r["patient_id"] in mine)]
            for n, rows in demo.items()}
    data["patients"][0]["notes"] = "ki67 re-read by pathology"
    new = dict(data["patients"][1], patient_id="AUR-NEW-01")
    data["patients"].append(new)
    workbook = write_workbook(data, root / "aurora-2026-12.xlsx")

    app = _app()
    from y90gui.ui.main_window import MainWindow

    win = MainWindow()
    win.resize(1366, 768)
    win.show()
    _wait(lambda: win.plots_built)
    assert win.registry.connect_to(cluster.url("anna", "study"))
    _wait(lambda: win.cohort is not None and not win.tasks.running())
    win.patient_panel.select_patient(mine[0])
    _settle(1.0)
    OUT.mkdir(parents=True, exist_ok=True)
    _save(win, OUT / "registry_window_1366.png")
    file_menu = win.menuBar().actions()[0].menu()
    dialog = win.editing.open_import(workbook)
    _wait(lambda: dialog.plan is not None)
    _settle(0.5)
    _save(dialog, OUT / "registry_import_preview.png")
    dialog.import_button.click()
    _wait(lambda: not dialog.isVisible())
    _settle(0.5)
    # anna's edit, then ben's later change of the same row, then anna's undo: refused
    model = win.detail.models["patients"]
    win.patient_panel.select_patient(mine[2])
    _wait(lambda: win.detail.patient_id == mine[2])
    index = model.index(model.row_for_key("notes"), 1)
    model.setData(index, "anna: checked")
    _settle(0.5)
    with Registry.open(cluster.url("ben", "study")) as reg:
        seen = reg.read_table("patients", [mine[2]], with_versions=True)[0]["row_version"]
        reg.update_row("patients", mine[2], {"notes": "ben: re-checked"}, seen)
    win.actions["undo"].trigger()
    from PySide6.QtWidgets import QMessageBox
    _wait(lambda: win.findChild(QMessageBox, "UndoRefused") is not None)
    _settle(0.5)
    box = win.findChild(QMessageBox, "UndoRefused")
    _save(box, OUT / "registry_undo_refused.png")
    box.close()
    win.cohort_menu.rebuild()
    win.cohort_menu.popup(win.mapToGlobal(win.rect().center()))
    _settle(0.5)
    _save(win.cohort_menu, OUT / "registry_cohort_menu.png")
    win.cohort_menu.close()
    file_menu.popup(win.mapToGlobal(win.rect().topLeft()))
    _settle(0.5)
    _save(file_menu, OUT / "registry_file_menu.png")
    file_menu.close()
    win.resize(1920, 1080)
    _settle(0.8)
    _save(win, OUT / "registry_window_1920.png")
    win.close()
    win.tasks.shutdown()
    app.processEvents()


if __name__ == "__main__":
    main()
    print(f"wrote {OUT}")
