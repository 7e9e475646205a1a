"""`CaseSeries`: the one interface the importer, exporter, analysis and window read a case series by.

Two implementations: `store.store.Store` (a `.y90` file, SQLite) and `registry.database.Registry`
(PostgreSQL). The consumers (the analysis frames, the exporter, the importer's preview, the
report workbook and document, the window's table) call only these methods, and each back end
answers them in its own SQL; mypy checks both against this Protocol (bottom of this module and
of `registry.database`). It lives in `store` so that every layer above may name it without
importing PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from y90gui.core.sheets import Sheet
    from y90gui.core.validate import CaseData
    from y90gui.store.cohorts import SavedCohort
    from y90gui.store.history import ReverseCounts
    from y90gui.store.store import Change, Store
    from y90gui.store.summary import PatientSummary


class CaseSeries(Protocol):
    """An open case series, file or registry, as one user sees it."""

    read_only: bool

    @property
    def name(self) -> str:
        """How reports and exports name the source (the file's name, user@host/db)."""
        ...

    @property
    def schema_version(self) -> int | None: ...

    def close(self) -> None: ...

    def integrity(self) -> str:
        """"ok", or what is wrong."""
        ...

    # reading -------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]: ...

    def patient_ids(self) -> list[str]: ...

    def read_table(self, table_name: str, patient_ids: Iterable[str] | None = None, *,
                   with_ids: bool = False) -> list[dict[str, Any]]: ...

    def read_case_data(self, patient_ids: Iterable[str] | None = None) -> CaseData: ...

    def sheet_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> list[tuple[Any, ...]]:
        """The analysis' shape (`analysis.frames.frame_from_rows`)."""
        ...

    def sheet_chunks(self, sheet: Sheet, patient_ids: Sequence[str] | None = None,
                     size: int = 100_000) -> Iterator[list[tuple[Any, ...]]]:
        """`sheet_rows` in chunks (the analysis frames are built chunk by chunk)."""
        ...

    def iter_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> Iterator[tuple[Any, ...]]:
        """The exporter's rows: parsed values in column order."""
        ...

    def patient_summary(self) -> PatientSummary: ...

    def mark(self) -> int | None:
        """Moves on with every action (of anyone): the import's "changed since the preview?"."""
        ...

    def reader(self) -> AbstractContextManager[CaseSeries]:
        """A series of reads from one consistent state, usable on the current thread."""
        ...

    def remember(self, key: str, value: str) -> bool:
        """Keep a note (a de-identification's mapping) with the case series; False when it cannot."""
        ...

    # writing -------------------------------------------------------------------------------------

    def action(self, description: str, kind: str = "edit",
               reverses: int | None = None) -> AbstractContextManager[Change]: ...

    def replace_patients(self, data: CaseData, description: str = "import", kind: str = "import") -> Change: ...

    def write_patients(self, data: CaseData, change: Change) -> None: ...

    # undo and redo (a registry: this login's own actions only) ----------------------------------

    def undo_stack(self) -> tuple[list[int], list[int]]:
        """(undoable action ids, redoable action ids), newest last."""
        ...

    def action_description(self, action_id: int) -> str: ...

    def action_row_count(self, action_id: int) -> int:
        """The audit rows of an action: how big its undo is (the window runs a big one on a worker)."""
        ...

    def undo_preview(self, which: str = "undo") -> ReverseCounts | None: ...

    def undo(self) -> Change: ...

    def redo(self) -> Change: ...

    # named cohorts ------------------------------------------------------------------------------

    def saved_cohorts(self) -> list[SavedCohort]: ...

    def save_cohort(self, name: str, *, search: str, filters: dict[str, Any], description: str,
                    patient_ids: Sequence[str] | None, replace: bool = False) -> Change: ...

    def rename_cohort(self, old: str, new: str) -> Change: ...

    def delete_cohort(self, name: str) -> Change: ...


if TYPE_CHECKING:
    def _store_is_a_case_series(store: Store) -> CaseSeries:
        return store  # mypy checks that Store implements the whole interface
