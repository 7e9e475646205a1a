"""What an action changed, grouped from its audit rows: an import's row replacements become field
changes, and the undo preview counts exactly what an undo would remove."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.store.conftest import small_case
from y90gui.demo.commands import write_demo
from y90gui.io.exporter import export_store
from y90gui.io.importer import apply_import, prepare_import
from y90gui.store import history
from y90gui.store.history import action_changes, change_count, changes_page, history_page
from y90gui.store.store import Store


def _import_two_changed_fields(store: Store, tmp_path: Path) -> int:
    """Export, change ki67_pct and grade of P000's first rows in Excel's way, import back."""
    path = export_store(store, tmp_path / "centre.xlsx")
    wb = openpyxl.load_workbook(path)
    header = [c.value for c in wb["patients"][1]]
    wb["patients"].cell(2, header.index("birth_year") + 1, 1956)
    ae_header = [c.value for c in wb["adverse_events"][1]]
    wb["adverse_events"].cell(2, ae_header.index("grade") + 1, 3)
    wb.save(path)
    plan = prepare_import(path, store)
    assert plan.ok, plan.errors
    apply_import(store, plan)
    return store.undo_stack()[0][-1]


def test_an_import_of_two_changed_fields_shows_two_field_changes(tmp_path: Path) -> None:
    with Store.create(tmp_path / "s.y90") as store:
        store.replace_patients(small_case(n=3), "initial import")
        action = _import_two_changed_fields(store, tmp_path)
        raw = store.conn.execute("SELECT count(*) FROM audit WHERE action_id = ?", (action,)).fetchone()[0]
        assert raw > 10  # the import replaced P000's whole record: many deletes and inserts
        changes = action_changes(store.conn, action)
        assert sorted((c.op, c.sheet, c.key) for c in changes) == [
            ("update", "adverse_events", "P000 · 2017-02-01 fatigue"), ("update", "patients", "P000")]
        fields = sorted((f.sheet, f.patient_id, f.column, f.old, f.new) for c in changes for f in c.fields)
        assert fields == [("adverse_events", "P000", "grade", 2, 3), ("patients", "P000", "birth_year", 1955, 1956)]
        assert change_count(store.conn, action_id=action) == 2
        assert change_count(store.conn, "P000") == 2 + 9  # its initial rows (1+1+1+1+3+1+1) and the two changes
        initial = store.conn.execute("SELECT count(*) FROM audit WHERE action_id = 1").fetchone()[0]
        assert change_count(store.conn) == initial + 2  # the whole trail pairs the import's rows too
        total, page = history_page(store.conn, None, 0, 2)
        assert total == initial + 2
        assert sorted(f.column for c in page for f in c.fields) == ["birth_year", "grade"]
        preview = store.undo_preview()
        assert preview is not None and preview.removed_rows == 0
        assert {k: n for k, n in preview.changes.items() if n} == {"patients": 1, "adverse_events": 1}
        assert preview.describe().startswith("Undo “import centre.xlsx")
        assert preview.describe().endswith("” changes 1 patient, 1 adverse event.")
        assert not preview.needs_confirmation()


def test_pages_of_changes_cover_every_change_once(tmp_path: Path) -> None:
    with Store.create(tmp_path / "s.y90") as store:
        store.replace_patients(small_case(n=4), "initial import")
        total = change_count(store.conn)
        assert total == store.conn.execute("SELECT count(*) FROM audit").fetchone()[0]  # all inserts
        seen = [c.audit_id for off in range(0, total, 7) for c in changes_page(store.conn, offset=off, limit=7)]
        assert len(seen) == total and len(set(seen)) == total
        assert seen == sorted(seen, reverse=True)  # newest first


def _single_pass(conn, offset, limit, monkeypatch):
    """The whole trail grouped in one pass (the page query before action-by-action paging)."""
    with monkeypatch.context() as m:
        m.setattr(history, "action_spans", lambda conn: None)
        return history_page(conn, None, offset, limit)


def _seen(page):
    return [(c.action_id, c.sheet, c.key, c.op, c.audit_id, c.fields) for c in page]


def test_action_by_action_pages_equal_the_single_pass(tmp_path: Path, monkeypatch) -> None:
    """Paging the whole trail action by action (the History tab's "All patients" on 1.5 M audit
    rows) gives the very pages, totals and order of one grouping pass over every audit row: across
    an import, a re-import that changes two fields, edits and an undo, for pages straddling them."""
    with Store.create(tmp_path / "s.y90") as store:
        store.replace_patients(small_case(n=5), "initial import")
        _import_two_changed_fields(store, tmp_path)
        store.update_row("patients", "P001", {"ki67_pct": 33.0})
        store.delete_patients(["P002"])
        store.undo()  # brings P002 back: a new action of inserts
        store.update_row("patients", "P003", {"ki67_pct": 7.0})
        assert history.action_spans(store.conn) is not None
        total, _ = _single_pass(store.conn, 0, 1, monkeypatch)
        assert change_count(store.conn) == total
        for limit in (1, 7, 50, total + 5):
            for offset in range(0, total + limit, max(1, limit // 2 + 3)):
                ours = history_page(store.conn, None, offset, limit)
                assert ours[0] == total
                assert _seen(ours[1]) == _seen(_single_pass(store.conn, offset, limit, monkeypatch)[1])
        # a change after the trail was read shows first, with the total one higher (read incrementally)
        store.update_row("patients", "P004", {"ki67_pct": 8.0})
        total2, newest = history_page(store.conn, None, 0, 3)
        assert total2 == total + 1 and [f.new for f in newest[0].fields] == [8.0]
        assert _seen(newest) == _seen(_single_pass(store.conn, 0, 3, monkeypatch)[1])


def test_older_files_get_the_history_index_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "s.y90"
    with Store.create(path) as store:
        store.replace_patients(small_case(n=3), "initial import")
        store.conn.execute("DROP INDEX audit_action_tbl_op")
        want = history_page(store.conn, None, 0, 10)
    with Store.open(path, read_only=True) as store:  # reading never writes: paged without it, same pages
        assert _seen(history_page(store.conn, None, 0, 10)[1]) == _seen(want[1])
        assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit_action_tbl_op'"
                                  ).fetchone()[0] == 0
    with Store.open(path) as store:
        assert store.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'audit_action_tbl_op'"
                                  ).fetchone()[0] == 1
        assert _seen(history_page(store.conn, None, 0, 10)[1]) == _seen(want[1])


def test_undo_preview_of_the_demo_says_it_removes_the_cohort(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "demo.y90")
    with Store.open(path) as store:
        counts = store.counts()
        preview = store.undo_preview("undo")
        assert preview is not None
        assert preview.removes["patients"] == counts["patients"] == 44
        assert preview.removes["radioembolization"] == counts["radioembolization"]
        assert preview.needs_confirmation()
        text = preview.describe()
        assert text.startswith(f"Undo “demo cohort” removes 44 patients, {counts['prrt']} PRRT cycles, "
                               f"{counts['radioembolization']} procedures")
        assert store.undo_preview("redo") is None
        store.undo()
        redo = store.undo_preview("redo")
        assert redo is not None and redo.removes.get("patients", 0) == 0 and redo.restores["patients"] == 44
        assert not redo.needs_confirmation()
