"""The Cohort menu: save the table's current filter under a name, apply, rename, delete.

The work is `services.named_cohorts` (no Qt); this menu asks for names, hands each write's
Change to `Session.apply` (undoable like any edit: Ctrl+Z brings a deleted cohort back) and
re-applies a saved filter through `PatientPanel.apply_criteria`. On a registry the cohorts are
the registry's (shared; each one's patients as the login sees them; changed by their owner or a
coordinator, refusals shown as any write's). The saved list is read from
the file whenever the menu opens and after every change of the `cohorts` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow, QMenu, QWidget

from y90gui.core.errors import Y90Error
from y90gui.services import named_cohorts
from y90gui.services.registry_session import is_registry

if TYPE_CHECKING:
    from y90gui.store.cohorts import SavedCohort
    from y90gui.ui.patient_panel import PatientPanel
    from y90gui.ui.session import Session


class CohortMenu(QMenu):
    def __init__(self, session: Session, panel: PatientPanel, parent: QWidget | None = None) -> None:
        super().__init__("C&ohort", parent)
        self.setObjectName("CohortMenu")
        self.session = session
        self.panel = panel
        #: how a name is asked for: (title, label, proposed text) -> name or None; a seam for tests
        self.ask_name = self._ask_name
        self.aboutToShow.connect(self.rebuild)
        session.changed.connect(lambda change: self.rebuild() if "cohorts" in change.tables else None)
        session.opened.connect(lambda _store: self.rebuild())
        self.rebuild()

    def _ask_name(self, title: str, label: str, text: str) -> str | None:
        name, ok = QInputDialog.getText(self.parentWidget(), title, label, QLineEdit.EchoMode.Normal, text)
        return name if ok else None

    def cohorts(self) -> list[SavedCohort]:
        return named_cohorts.saved(self.session.store)

    def rebuild(self) -> None:
        self.clear()
        store = self.session.store
        writable = store is not None and not store.read_only and named_cohorts.supported(store)
        save = self.addAction("&Save current filter as cohort…")
        save.setObjectName("action_save_cohort")
        save.setEnabled(writable)
        if store is not None and store.read_only:
            save.setToolTip(f"cannot save a cohort: {getattr(store, 'read_only_reason', None) or 'read-only'}")
        save.triggered.connect(lambda: self.save_current())
        self.addSeparator()
        cohorts = self.cohorts()
        current = named_cohorts.matching(self.session.view, cohorts)
        if not cohorts:
            none = self.addAction("(none)")
            none.setToolTip("no saved cohorts yet: filter the table, then save the filter")
            none.setEnabled(False)
        for i, c in enumerate(cohorts, start=1):
            n = "all" if c.patient_ids is None else str(len(c.patient_ids))
            key = f"&{i} " if i < 10 else ""
            act = self.addAction(f"{key}{c.name.replace('&', '&&')}  ({n} patients when saved)")
            act.setCheckable(True)
            act.setChecked(current is not None and current.name == c.name)
            act.setToolTip(f"{c.description} (saved by {c.owner})" if c.owner else c.description)
            act.triggered.connect(lambda _=False, c=c: self.apply(c))
        self.addSeparator()
        rename = self.addMenu("&Rename cohort")
        delete = self.addMenu("&Delete cohort")
        for sub in (rename, delete):
            sub.setEnabled(writable and bool(cohorts))
        for c in cohorts:
            for sub, slot in ((rename, self.rename), (delete, self.delete)):
                act = sub.addAction(c.name.replace("&", "&&"))
                act.triggered.connect(lambda _=False, c=c, slot=slot: slot(c.name))
                if not self._may_change(c):  # the server would refuse it (registry.cohorts)
                    act.setEnabled(False)
                    act.setToolTip(f"{c.owner}'s cohort: only they or a coordinator may change it")

    def _may_change(self, cohort: SavedCohort) -> bool:
        """A registry's cohort is changed by its owner or a coordinator; a file's by whoever writes."""
        store = self.session.store
        me = getattr(store, "membership", None) if is_registry(store) else None
        if me is None or not cohort.owner:
            return True
        return bool(me.admin or me.role == "coordinator" or cohort.owner == me.login)

    # ---------------------------------------------------------------- commands
    def _write(self, title: str, fn: Any) -> bool:
        try:
            change = fn()
        except Y90Error as exc:
            self.session.failed.emit(title, exc)
            return False
        self.session.apply(change)
        return True

    def save_current(self, name: str | None = None) -> bool:
        view = self.panel.cohort_view()  # the filter as it is now, not as of the last debounce
        if name is None:
            name = self.ask_name("Save cohort", f"Name for {view.scope()}:", "")
            if name is None:
                return False
        store = self.session.store
        if store is None:
            return False
        ok = self._write("The cohort could not be saved", lambda: named_cohorts.save_view(store, name, view))
        if ok:
            self.session.message.emit(f"Saved cohort “{' '.join(name.split())}”: {view.scope()}", 8000)
        return ok

    def apply(self, cohort: SavedCohort) -> None:
        missing = self.panel.apply_criteria(cohort.search, cohort.filters)
        now = len(self.panel.filtered_ids())
        then = None if cohort.patient_ids is None else len(cohort.patient_ids)
        note = f"; {now} patients now, {then} when saved" if then is not None and then != now else ""
        if missing:
            note += f"; filter on {', '.join(missing)} no longer matches any patient and was left out"
        self.session.message.emit(f"Cohort “{cohort.name}” applied{note}", 10000)

    def rename(self, old: str, new: str | None = None) -> bool:
        if new is None:
            new = self.ask_name("Rename cohort", f"New name for “{old}”:", old)
            if new is None:
                return False
        store = self.session.store
        return store is not None and self._write("The cohort could not be renamed",
                                                 lambda: named_cohorts.rename(store, old, new))

    def delete(self, name: str) -> bool:
        store = self.session.store
        ok = store is not None and self._write("The cohort could not be deleted",
                                               lambda: named_cohorts.delete(store, name))
        if ok:
            back = "" if is_registry(store) else " (Undo brings it back)"  # a registry's are not undone
            self.session.message.emit(f"Deleted cohort “{name}”{back}", 8000)
        return ok


def install(window: QMainWindow, session: Session, panel: PatientPanel) -> CohortMenu:
    """Put the Cohort menu at the end of the View menu (View → Cohort ▸): every letter of
    "Cohort" is already a mnemonic of the menu bar or of a visible control, so a menu-bar
    entry would give Alt+<letter> two meanings."""
    menu = CohortMenu(session, panel, window)
    bar = window.menuBar()
    view_menu = next((a.menu() for a in bar.actions() if a.text().replace("&", "") == "View"), None)
    if isinstance(view_menu, QMenu):
        view_menu.addSeparator()
        view_menu.addMenu(menu)
    else:
        bar.addMenu(menu)
    return menu
