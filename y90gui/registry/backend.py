"""`CaseSeries`: the one interface the importer, exporter, analysis and window read a case series by.

Two implementations: `store.store.Store` (a `.y90` file, SQLite) and `registry.database.Registry`
(PostgreSQL). Today the file's consumers reach into `store.conn` with SQLite SQL (julianday,
temp tables, rowid); each such place becomes one call of a method below, which each back end
answers in its own SQL. `Registry` implements all of it (checked statically at the bottom of
this module); `Store` has most already and needs `name`, `mark`, `sheet_rows`, `iter_rows` and
`patient_summary` (moved from the functions that hold that SQL today; see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from y90gui.core.sheets import Sheet
    from y90gui.core.validate import CaseData
    from y90gui.registry.database import Registry
    from y90gui.store.store import Change
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

    def iter_rows(self, sheet: Sheet, patient_ids: Sequence[str] | None = None) -> Iterator[tuple[Any, ...]]:
        """The exporter's rows: parsed values in column order."""
        ...

    def patient_summary(self) -> PatientSummary: ...

    def mark(self) -> int:
        """Moves on with every action (of anyone): the import's "changed since the preview?"."""
        ...

    # writing -------------------------------------------------------------------------------------

    def action(self, description: str, kind: str = "edit",
               reverses: int | None = None) -> AbstractContextManager[Change]: ...

    def replace_patients(self, data: CaseData, description: str = "import", kind: str = "import") -> Change: ...

    def write_patients(self, data: CaseData, change: Change) -> None: ...


if TYPE_CHECKING:
    def _registry_is_a_case_series(reg: Registry) -> CaseSeries:
        return reg  # mypy checks that Registry implements the whole interface
