"""The patient search index finds exactly the rows the plain rule finds, for any text.

The plain rule: a row is shown when the search text (stripped, case-folded) occurs in
`casefold(ID + "\\x1f" + centre + "\\x1f" + notes)`. The index searches each field's distinct
values as UTF-8 bytes; these properties check it against the rule itself on random text
(non-ASCII letters, case pairs whose folding changes length like ß / SS, the separator and NUL,
values longer than the index's fixed-width limit), and through the panel the user types in.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from y90gui.store.summary import SUMMARY_COLUMNS, PatientSummary
from y90gui.ui.patient_model import ALL, PatientTableModel, SearchIndex
from y90gui.ui.patient_panel import PatientPanel

#: a small alphabet so that random needles do occur in random rows
ALPHABET = "abAB ßSsẞéÉ0-1\x1f\x00İi̇ﬃ"
TEXT = st.text(alphabet=ALPHABET, max_size=8)
VALUE = st.one_of(st.none(), TEXT, st.text(alphabet=ALPHABET, min_size=SearchIndex.LONG - 2,
                                            max_size=SearchIndex.LONG + 40))
ROWS = st.lists(st.tuples(TEXT, VALUE, VALUE), min_size=1, max_size=25,
                unique_by=lambda r: r[0])


def _plain(rows: list[tuple[str, str | None, str | None]], text: str) -> list[str]:
    needle = text.strip().casefold()
    return [pid for pid, centre, notes in rows
            if needle in "\x1f".join((str(pid), str(centre or ""), str(notes or ""))).casefold()]


def _summary(rows: list[tuple[str, str | None, str | None]]) -> PatientSummary:
    out = []
    for pid, centre, notes in rows:
        row = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(patient_id=pid, center=centre, notes=notes)
        out.append(tuple(row[c] for c in SUMMARY_COLUMNS))
    return PatientSummary(SUMMARY_COLUMNS, out)


def _matched(model: PatientTableModel, rows: list[tuple[str, str | None, str | None]], text: str) -> list[str]:
    mask = model.matching(text, {"center": ALL})
    return [r[0] for r in rows] if mask is None else [r[0] for r, hit in zip(rows, mask.tolist()) if hit]


@settings(max_examples=300, deadline=None)
@given(rows=ROWS, text=TEXT)
@example(rows=[("P1", "Straße", None), ("P2", "STRASSE", "x")], text="ss")
@example(rows=[("P1", "a\x1fb", None), ("P2", "a", "b")], text="a\x1fb")
@example(rows=[("P1", "x\x00", None), ("P2", "x", None)], text="x\x00")
@example(rows=[("P1", None, "é" * 200), ("P2", None, "e" * 300)], text="éé")
def test_index_matches_the_plain_substring_rule(rows, text) -> None:
    model = PatientTableModel()
    model.set_summary(_summary(rows))
    assert _matched(model, rows, text) == _plain(rows, text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, text=TEXT)
def test_the_table_shows_the_rows_of_the_plain_rule(qtbot, rows, text) -> None:
    panel = PatientPanel()
    qtbot.addWidget(panel)
    panel.set_summary(_summary(rows))
    panel.search.setText(text)
    shown = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert shown == [str(pid).replace("_", " ") for pid in _plain(rows, text)]
    assert panel.count_label.text() == f"{len(shown)} of {len(rows)} patients shown"


@settings(max_examples=200, deadline=None)
@given(rows=ROWS, typed=TEXT, edits=st.lists(TEXT, max_size=4))
@example(rows=[("P1", "ab", None), ("P2", "b", None), ("P3", "x", "ab")], typed="ab", edits=["b", "abx"])
def test_each_keystroke_of_a_search_finds_the_rows_of_the_plain_rule(rows, typed, edits) -> None:  # type: ignore[no-untyped-def]
    """One model searched as the user types (each prefix of a text, then other texts): the index
    narrows from its last hits when the new text contains the last one, and must still find
    exactly what the plain rule finds, also when the text shrinks or changes."""
    model = PatientTableModel()
    model.set_summary(_summary(rows))
    for text in [typed[:i] for i in range(1, len(typed) + 1)] + edits:
        assert _matched(model, rows, text) == _plain(rows, text), text
