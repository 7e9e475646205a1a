"""What a validated edit in the review window costs, on a 1,000-patient case series.

Baseline measured in the same run: `store.update_row` of the same cell (one transaction with
its audit row, no validation). Measured against it: the GUI's whole commit path
(`SheetRowsModel.setData`: parse, row and record rules, write), undo and redo of an edit,
loading one patient's rows into the detail models, loading the History tab, and undo of a
1,000-patient import (which the window runs on a worker).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N_PATIENTS = 1000
REPEAT = 40


def _median(times: list[float]) -> float:
    times = sorted(times)
    return times[len(times) // 2]


def _time(fn, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    out = []
    for i in range(repeat):
        t0 = time.perf_counter()
        fn(i)
        out.append(time.perf_counter() - t0)
    return _median(out)


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from benchmarks.cohorts import ensure_cohort
    from y90gui.core.sheets import PATIENT_CHILD_SHEETS
    from y90gui.store.store import Store
    from y90gui.ui.history import HistoryModel
    from y90gui.ui.models.sheet_model import PatientFieldsModel, SheetRowsModel

    app = QApplication.instance() or QApplication([])
    db, xlsx = ensure_cohort(N_PATIENTS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.y90"
        shutil.copy(db, path)
        store = Store.open(path)
        pid = store.patient_ids()[N_PATIENTS // 2]
        lab = store.read_table("labs", [pid], with_ids=True)[0]

        base = _time(lambda i: store.update_row("labs", lab["id"], {"value": 10.0 + i}))
        model = SheetRowsModel(store, "labs", pid)
        column = model.column_index("value")
        row = model.row_for_key(lab["id"])
        gui = _time(lambda i: model.setData(model.index(row, column), str(100 + i)))
        refused = _time(lambda i: model.setData(model.index(row, column), "abc"))
        undo = _time(lambda i: store.undo(), repeat=10)
        redo = _time(lambda i: store.redo(), repeat=10)
        models = [PatientFieldsModel(store)] + [SheetRowsModel(store, s.name) for s in PATIENT_CHILD_SHEETS]
        ids = store.patient_ids()
        select = _time(lambda i: [m.set_patient(ids[i * 7 % len(ids)]) for m in models])
        history = HistoryModel(store)
        hist = _time(lambda i: history.set_patient(ids[i * 11 % len(ids)]))
        store.close()

        from y90gui.io.importer import apply_import, prepare_import

        empty = Store.create(Path(tmp) / "import.y90")
        plan = prepare_import(xlsx, empty)
        apply_import(empty, plan)
        t0 = time.perf_counter()
        empty.undo()
        undo_import = time.perf_counter() - t0
        empty.close()
    del app

    print(f"{N_PATIENTS} patients; medians of {REPEAT} runs; baseline = store.update_row of one lab value "
          f"({base * 1000:.2f} ms)")
    print(f"  validated edit via SheetRowsModel.setData : {gui / base:6.2f} x baseline ({gui * 1000:.2f} ms)")
    print(f"  refused edit (nothing written)             : {refused / base:6.2f} x baseline ({refused * 1000:.2f} ms)")
    print(f"  undo of one edit                           : {undo / base:6.2f} x baseline ({undo * 1000:.2f} ms)")
    print(f"  redo of one edit                           : {redo / base:6.2f} x baseline ({redo * 1000:.2f} ms)")
    print(f"  select a patient (7 detail models reload)  : {select / base:6.2f} x baseline ({select * 1000:.2f} ms)")
    print(f"  History tab of one patient                 : {hist / base:6.2f} x baseline ({hist * 1000:.2f} ms)")
    print(f"  undo of the {N_PATIENTS}-patient import (worker) : {undo_import / base:6.0f} x baseline "
          f"({undo_import:.2f} s)")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # PySide6 can crash in final garbage collection; the figures are printed
