"""The embedded PostgreSQL + PostGIS cluster under ``var/``.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres``
system user (created by Debian's package) and every server command runs through
``runuser``. The server listens only on a Unix socket in a private directory: nothing
outside this machine, and no port clash between a developer's run and the tests.

Who may connect is decided twice: the socket directory is entered only by the server's
user (and root), and authentication is ``peer`` with a map (``pg_ident.conf``) naming,
for each operating-system user, the database roles it may use. Any other local account
is refused even if it reached the socket: the role separation of the services rests on
nobody being able to choose another role.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SERVICE_USER = "postgres"
SUPERUSER = "postgres"
# A Unix socket path must fit in sun_path (108 bytes) with ".s.PGSQL.NNNNN" appended.
_MAX_SOCKET_DIR = 90
IDENT_MAP = "geoportal"
HBA = f"""# Written by geoportal (geoportal/cluster.py) whenever the server starts: do not edit.
# Unix socket only; each operating-system user may use the roles pg_ident.conf gives it.
local all all peer map={IDENT_MAP}
"""
# Durability costs little for a portal and protects cases and legal records from a
# power cut; only the test clusters trade it for speed.
_FAST_UNSAFE = " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"


class ClusterError(RuntimeError):
    """The embedded cluster could not be created or started."""


@dataclass(frozen=True)
class Cluster:
    """A private PostgreSQL cluster kept in one directory: data, socket and log."""

    home: Path
    port: int = 5432
    link: Path | None = None  # var/pg, when the cluster lives elsewhere (see ``under``)

    @classmethod
    def under(cls, var_dir: Path, port: int = 5432) -> Cluster:
        """The cluster of a ``var/`` directory (where it is; nothing is created).

        As root the server runs as ``postgres``, which cannot enter a checkout under a
        private home such as ``/root``. The cluster then lives in
        ``/var/lib/geoportal/<hash of var_dir>`` and ``init`` links ``var/pg`` to it.
        """
        home = var_dir / "pg"
        if os.geteuid() == 0 and not _reachable_by_service_user(var_dir):
            digest = hashlib.sha1(str(var_dir.resolve()).encode()).hexdigest()[:12]
            return cls(home=Path("/var/lib/geoportal") / digest, port=port, link=home)
        return cls(home=home, port=port)

    @property
    def data_dir(self) -> Path:
        """PGDATA."""
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        """Server log (written by the server user)."""
        return self.home / "postgresql.log"

    @property
    def socket_dir(self) -> Path:
        """Socket directory; in the cluster home unless that path is too long for a socket."""
        preferred = self.home / "socket"
        if len(str(preferred)) <= _MAX_SOCKET_DIR:
            return preferred
        digest = hashlib.sha1(str(self.home).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"geoportal-pg-{digest}"

    def exists(self) -> bool:
        """True once ``initdb`` has completed."""
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        """True when a server answers on our socket."""
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-q", "-h", str(self.socket_dir), "-p", str(self.port)],
            check=False,
        )
        return result.returncode == 0

    def init(self) -> None:
        """Create the cluster (about a second); peer authentication over the socket only."""
        if self.link is not None and not self.link.is_symlink():
            self.link.parent.mkdir(parents=True, exist_ok=True)
            self.link.symlink_to(self.home, target_is_directory=True)
        for directory in (self.home, self.data_dir, self.socket_dir):
            directory.mkdir(parents=True, exist_ok=True)
            _hand_over(directory)
        self._run_as_owner(
            [
                str(PG_BIN / "initdb"),
                "-D", str(self.data_dir),
                "-U", SUPERUSER,
                "--auth-local=peer",
                "--auth-host=reject",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )  # fmt: skip

    def allow(self, roles: Iterable[str]) -> bool:
        """Let the current OS user use ``roles`` (and the superuser); True if it changed.

        Writes ``pg_hba.conf`` and ``pg_ident.conf``; a running server must reload them.
        """
        if self.socket_dir.is_dir():
            _hand_over(self.socket_dir)  # a server started by an older version had 0755
        users = {_os_user(), SERVICE_USER} if os.geteuid() == 0 else {_os_user()}
        lines = [f"{IDENT_MAP} {user} {SUPERUSER}" for user in sorted(users)]
        lines += [f"{IDENT_MAP} {_os_user()} {role}" for role in roles]
        changed = _write_owned(self.data_dir / "pg_ident.conf", "\n".join(lines) + "\n")
        return _write_owned(self.data_dir / "pg_hba.conf", HBA) or changed

    def reload(self) -> None:
        """Make a running server read its configuration files again."""
        self._run_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "reload"])

    def start(self, durable: bool = True) -> None:
        """Start the server and wait until it accepts connections."""
        _hand_over(self.socket_dir)
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}'"
            f" -c port={self.port} -c unix_socket_permissions=0700"
            " -c shared_buffers=256MB -c max_connections=200"
        ) + ("" if durable else _FAST_UNSAFE)
        self._run_as_owner(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_file),
             "-o", options, "-w", "-t", "60", "start"]
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast mode: roll back open transactions, no orphans)."""
        if self.exists() and (self.data_dir / "postmaster.pid").exists():
            self._run_as_owner(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]
            )

    def destroy(self) -> None:
        """Stop the server and delete the cluster (tests start from nothing)."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def conninfo(self, user: str, dbname: str) -> str:
        """libpq connection string for a role over the private socket."""
        return f"host={self.socket_dir} port={self.port} dbname={dbname} user={user}"

    def _run_as_owner(self, argv: Sequence[str]) -> None:
        if os.geteuid() == 0:
            argv = ["runuser", "-u", SERVICE_USER, "--", *argv]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log_tail = _tail(self.log_file)
            raise ClusterError(
                f"{Path(argv[-1]).name if argv else 'command'} failed: "
                f"{result.stderr.strip() or result.stdout.strip()}\n{log_tail}"
            )


def _hand_over(directory: Path) -> None:
    """Give a directory to the server's user; data and socket are private to it.

    As root that user is ``postgres`` (initdb refuses root), which must be able to pass
    through the cluster home.
    """
    private = directory.name == "data" or directory.name.startswith(("socket", "geoportal-pg"))
    if os.geteuid() == 0:
        shutil.chown(directory, user=SERVICE_USER, group=SERVICE_USER)
    directory.chmod(0o700 if private else 0o755)


def _os_user() -> str:
    """The account this process runs as (what ``peer`` authentication sees)."""
    return pwd.getpwuid(os.geteuid()).pw_name


def _write_owned(path: Path, text: str) -> bool:
    """Write a server configuration file, owned by the server's user; True if changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    if os.geteuid() == 0:
        shutil.chown(path, user=SERVICE_USER, group=SERVICE_USER)
    return True


def _reachable_by_service_user(directory: Path) -> bool:
    """Whether the postgres user can create and enter ``directory`` (every parent +x)."""
    probe = directory
    while not probe.exists():
        probe = probe.parent
    result = subprocess.run(
        ["runuser", "-u", SERVICE_USER, "--", "test", "-x", str(probe)], check=False
    )
    return result.returncode == 0


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
