"""File → Connect to registry…: the registry's URL, the login and a password prompt.

The URL and the login are remembered (QSettings `registry/url`, `registry/user`); the password
never is: it goes to libpq for the one connection (`registry.connection.connect`) and the
field is cleared when the dialog closes. An empty password lets libpq use PGPASSWORD,
~/.pgpass or a service file, as the command line does.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from y90gui.registry.url import parse_registry_url, with_user, without_user

URL_KEY = "registry/url"
USER_KEY = "registry/user"


class ConnectRegistryDialog(QDialog):
    def __init__(self, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectRegistryDialog")
        self.setWindowTitle("Connect to registry")
        self.settings = settings
        self.url_edit = QLineEdit(str(settings.value(URL_KEY, "") or ""))
        self.url_edit.setObjectName("RegistryUrl")
        self.url_edit.setPlaceholderText("postgresql://host[:port]/database")
        self.user_edit = QLineEdit(str(settings.value(USER_KEY, "") or ""))
        self.user_edit.setObjectName("RegistryUser")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("RegistryPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty: PGPASSWORD or ~/.pgpass")
        self.error = QLabel()
        self.error.setObjectName("RegistryError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        form = QFormLayout()
        form.addRow("Registry &URL:", self.url_edit)
        form.addRow("&User:", self.user_edit)
        form.addRow("&Password:", self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Connect")
        ok.setObjectName("RegistryConnect")
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel("The shared PostgreSQL registry. The password is not saved.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.finished.connect(lambda _r: self.password_edit.clear())
        self.resize(520, self.sizeHint().height())
        (self.password_edit if self.url_edit.text() and self.user_edit.text() else self.url_edit).setFocus()
        self.url: str | None = None
        self.password: str | None = None

    def _check(self) -> None:
        """Accept only a well-formed URL with a user (the message says what is missing)."""
        from y90gui.core.errors import Y90Error

        try:
            url = with_user(self.url_edit.text(), self.user_edit.text())
        except Y90Error as exc:
            self.show_error(str(exc))
            return
        self.url = url
        self.password = self.password_edit.text() or None
        self.settings.setValue(URL_KEY, without_user(url))
        self.settings.setValue(USER_KEY, parse_registry_url(url).user)
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
