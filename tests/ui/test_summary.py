"""store.summary: the patient table rows from one SQL query equal the definitions, row by row."""

from __future__ import annotations

from cohort_fixture import build_small_cohort

from y90gui.store.store import Store
from y90gui.store.summary import patient_summary


def test_summary_rows_follow_the_definitions(small_store_path):
    data = build_small_cohort()
    with Store.open(small_store_path, read_only=True) as store:
        summary = patient_summary(store.conn)
    assert len(summary.rows) == len(data["patients"])
    by_id = {r[0]: dict(zip(summary.columns, r)) for r in summary.rows}
    for p in data["patients"]:
        pid = p["patient_id"]
        row = by_id[pid]
        res = sorted((r for r in data["radioembolization"] if r["patient_id"] == pid),
                     key=lambda r: (r["date"], r["procedure"]))
        prrt = [r for r in data["prrt"] if r["patient_id"] == pid]
        first = res[0]["date"]
        assert row["re_procedures"] == len(res)
        assert row["first_extent"] == res[0]["extent"]
        assert row["prrt_cycles"] == len(prrt)
        assert abs(row["prrt_gbq"] - sum(r["activity_gbq"] for r in prrt)) < 1e-9
        last = max(r["date"] for r in prrt if r["date"] <= first)
        assert row["prrt_to_re_days"] == (first - last).days
        assert row["age_first_re"] == first.year - p["birth_year"]
        assert abs(row["followup_years"] - (p["followup_date"] - first).days / 365.25) < 1e-9
        assert row["vital_status"] == p["vital_status"]


def test_patient_without_procedures_has_empty_derived_cells(tmp_path):
    data = build_small_cohort(n=2)
    data["radioembolization"] = [r for r in data["radioembolization"] if r["patient_id"] != "T002"]
    data["adverse_events"] = [r for r in data["adverse_events"] if r["patient_id"] != "T002"]
    with Store.create(tmp_path / "x.y90") as store:
        store.replace_patients(data, "fixture")
        rows = {r[0]: dict(zip(patient_summary(store.conn).columns, r)) for r in patient_summary(store.conn).rows}
    assert rows["T002"]["re_procedures"] == 0
    assert rows["T002"]["first_extent"] is None
    assert rows["T002"]["prrt_to_re_days"] is None
    assert rows["T002"]["followup_years"] is None
    assert rows["T001"]["re_procedures"] == 1


def test_prefetched_summary_is_used_only_while_the_file_is_unchanged(small_store_path):
    from y90gui.store.summary import SummaryPrefetch

    prefetch = SummaryPrefetch(str(small_store_path))
    with Store.open(small_store_path) as store:
        assert prefetch.result(store.conn) == patient_summary(store.conn)
        stale = SummaryPrefetch(str(small_store_path))
        stale.result(store.conn)  # finished ...
        store.update_row("patients", "T001", {"center": "Leuven"})  # ... then the file changed
        assert stale.result(store.conn) is None


def test_prefetch_of_a_file_that_is_not_a_case_series_gives_nothing(tmp_path):
    import sqlite3

    from y90gui.store.summary import SummaryPrefetch

    bad = tmp_path / "x.y90"
    bad.write_bytes(b"not a database" * 50)
    other = sqlite3.connect(":memory:")
    assert SummaryPrefetch(str(bad)).result(other) is None


def test_prefetch_never_creates_a_missing_file(tmp_path):
    import sqlite3

    from y90gui.store.summary import SummaryPrefetch

    missing = tmp_path / "nope.y90"
    assert SummaryPrefetch(str(missing)).result(sqlite3.connect(":memory:")) is None
    assert not missing.exists()


def test_prefetch_gives_a_first_screenful_then_every_row(small_store_path):
    from y90gui.store.summary import SummaryPrefetch

    with Store.open(small_store_path) as store:
        full = patient_summary(store.conn)
        prefetch = SummaryPrefetch(str(small_store_path))
        first = prefetch.first_rows(store.conn, 3)
        assert first is not None and first.rows == full.rows[:3]
        assert prefetch.patient_count == len(full.rows) > 3
        assert prefetch.result(store.conn) == full
        assert prefetch.first_rows(store.conn, 2).rows == full.rows[:2]  # from the rows already read
        stale = SummaryPrefetch(str(small_store_path))
        assert stale.first_rows(store.conn, 3) is not None
        store.update_row("patients", "T001", {"center": "Leuven"})  # the file changed before the rest was read
        assert stale.result(store.conn) is None
        assert stale.first_rows(store.conn, 3) is None


def test_window_at_start_lists_the_first_rows_then_every_patient(qtbot, small_store_path, monkeypatch):
    from ui_helpers import close_window

    from y90gui.store.summary import SummaryPrefetch
    from y90gui.ui import main_window
    from y90gui.ui.main_window import MainWindow

    with Store.open(small_store_path, read_only=True) as store:
        full = patient_summary(store.conn)
    n = len(full.rows)
    monkeypatch.setattr(main_window, "FIRST_ROWS", 3)
    win = MainWindow()
    try:
        assert win.open_file(small_store_path, SummaryPrefetch(str(small_store_path)))
        panel = win.patient_panel
        assert panel.proxy.rowCount() == 3
        assert [panel.proxy.index(r, 0).data() for r in range(3)] == [r[0] for r in full.rows[:3]]
        assert panel.count_label.text() == f"reading {n} patients…"
        assert [c.currentText() for c in panel.combos.values()] == ["All"] * len(panel.combos)
        win.show()  # the rest is read right after the first paint
        qtbot.waitUntil(lambda: panel.proxy.rowCount() == n, timeout=30000)
        assert panel.count_label.text() == f"{n} of {n} patients shown"
        assert panel.combos["center"].count() > 2  # the filter choices come with the full list
        assert win.current_patient_id() == full.rows[0][0]
    finally:
        close_window(qtbot, win)


def test_asking_for_the_cohort_before_the_first_paint_lists_everyone(qtbot, small_store_path, monkeypatch):
    from ui_helpers import close_window

    from y90gui.store.summary import SummaryPrefetch
    from y90gui.ui import main_window
    from y90gui.ui.main_window import MainWindow

    monkeypatch.setattr(main_window, "FIRST_ROWS", 2)
    win = MainWindow()
    try:
        assert win.open_file(small_store_path, SummaryPrefetch(str(small_store_path)))
        with Store.open(small_store_path, read_only=True) as store:
            expected = [r[0] for r in patient_summary(store.conn).rows]
        assert win.filtered_patient_ids() == expected
    finally:
        close_window(qtbot, win)
