"""A throw-away PostgreSQL cluster for the registry tests: a real server, no mocks.

The session starts one cluster (initdb in a temporary folder, a free port, 127.0.0.1 only, no
Unix socket, trust authentication for the test roles) and stops it at the end. PostgreSQL
refuses to run as root, so as root (CI) initdb and pg_ctl run as the unprivileged `postgres`
system user (Debian's package creates it); as a normal user they run as that user. Every test
gets its own database (`registry_url`), while the roles are cluster-wide, as in production:
the tests name their logins uniquely. The tests are skipped, with the reason, only when the
PostgreSQL binaries are absent (`apt-get install postgresql`); .ci/run installs them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "postgres"
#: the demo centre the registry tests give their editor
AURORA = "Fictional Centre Aurora (synthetic demo)"
#: Qt's offscreen plugin's notices the window tests ignore (`pytest.mark.qt_log_ignore(OFFSCREEN)`)
OFFSCREEN = (r"This plugin does not support (propagateSizeHints\(\)|raise\(\)|lower\(\)"
             r"|grabbing the (keyboard|mouse)|setting window (masks|opacity))")


def _bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<ver>/bin with initdb, else initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    data: Path
    port: int
    run_as: list[str]

    def url(self, user: str = SUPERUSER, dbname: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.run_as, str(self.bin_dir / tool), *args], check=check,
                              capture_output=True, text=True, timeout=120)

    def sql(self, statement: str, dbname: str = "postgres", user: str = SUPERUSER) -> None:
        """Run SQL as the cluster's superuser (autocommit), for setting tests up."""
        import psycopg

        with psycopg.connect(self.url(user, dbname), autocommit=True) as conn:
            conn.execute(statement)


def _run_as() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no `postgres` system user to run the PostgreSQL server as")
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--"]
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")
    run_as = _run_as()
    root = Path(tempfile.mkdtemp(prefix="y90-pg-"))
    data = root / "data"
    if run_as:
        postgres = pwd.getpwnam("postgres")
        os.chown(root, postgres.pw_uid, postgres.pw_gid)
    cluster = Cluster(bin_dir, data, _free_port(), run_as)
    try:
        cluster.pg("initdb", "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8" if _has_c_utf8() else "--no-locale")
        with open(data / "pg_hba.conf", "w", encoding="utf-8") as f:  # only TCP on loopback
            f.write("host all all 127.0.0.1/32 trust\n")
        options = (f"-c listen_addresses=127.0.0.1 -c port={cluster.port} -c unix_socket_directories='' "
                   "-c fsync=off -c max_connections=60 -c shared_buffers=32MB")
        started = cluster.pg("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-o", options,
                             "-w", "-t", "60", "start", check=False)
        if started.returncode != 0:
            log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
            pytest.fail(f"the test PostgreSQL server did not start:\n{started.stdout}{started.stderr}{log}")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    try:
        yield cluster
    finally:
        cluster.pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


def _has_c_utf8() -> bool:
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.lower()
    return "c.utf8" in out or "c.utf-8" in out


_counter = itertools.count()


@pytest.fixture
def registry_db(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database of its own for one test; its name."""
    name = f"reg_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    pg_cluster.sql(f'CREATE DATABASE "{name}"')
    yield name
    pg_cluster.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def admin_url(pg_cluster: Cluster, registry_db: str) -> str:
    """The URL of the fresh database as the cluster's superuser (who runs `registry init`)."""
    return pg_cluster.url(SUPERUSER, registry_db)


@pytest.fixture
def registry_url(admin_url: str) -> str:
    """The fresh database with `registry init` run on it by the superuser."""
    from y90gui.registry.setup import init

    init(admin_url)
    return admin_url


@pytest.fixture
def login(pg_cluster: Cluster, registry_db: str) -> Callable[[str], str]:
    """login("alice") -> a login name unique to this test (roles are cluster-wide)."""
    tag = uuid.uuid4().hex[:6]
    return lambda base: f"{base}_{tag}"


@pytest.fixture
def url_of(pg_cluster: Cluster, registry_db: str) -> Callable[[str], str]:
    """url_of(login) -> the registry's URL as that login (trust authentication: no password)."""
    return lambda user: pg_cluster.url(user, registry_db)


def run_cli(*argv: str) -> tuple[int, str, str]:
    """y90gui's command line in this process: (exit code, stdout, stderr)."""
    import contextlib
    import io

    from y90gui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def ui_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's settings in the test's own folder (window tests use it autouse)."""
    monkeypatch.setenv("Y90GUI_SETTINGS_DIR", str(tmp_path / "settings"))
