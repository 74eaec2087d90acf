"""The geoportal's PostgreSQL: where it is, which roles there are, their connections.

One :class:`Database` is built by the composition root of the web application and one by
the command line; everything that talks to PostgreSQL gets it from there. Connecting
never starts, creates or writes anything: bringing the database up is
``geoportal.provision``'s job, and an unreachable server is :class:`DatabaseUnavailable`.

Roles (``settings.roles``): ``owner`` runs migrations and loads, ``app`` serves the staff
side, ``public`` may read only the ``publish`` views (every anonymous service connects as
it), ``staff`` may read personal data. Engines configured by file (MapServer's
``CONNECTION``, pygeoapi's provider block) name a role by its libpq *service*; the
service file that defines those names is written from the same parameters
(:meth:`Database.service_file_text`), so committed configurations never hold a host,
path or password.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import psycopg
from psycopg.conninfo import make_conninfo

from geoportal.cluster import Cluster
from geoportal.pool import ConnectionPool
from geoportal.settings import Settings
from geoportal.watch import DatabaseWatch

ROLE_KEYS = ("owner", "app", "public", "staff")
SERVICE_FILE_ENV = "PGSERVICEFILE"
CONNECT_TIMEOUT_S = 3
CLIENT_CHECK_MS = 2000  # how often a running statement checks that its client is there


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached now; the caller may retry later."""


class Database:
    """Connection settings, roles and connection pools of one geoportal database."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.name = settings.database_name
        self.roles: dict[str, str] = settings.roles.model_dump()
        self._pools: dict[str, ConnectionPool] = {}
        self._watch: DatabaseWatch | None = None
        self._on_unavailable: list[Callable[[], None]] = []

    @property
    def embedded(self) -> bool:
        """True when the database is the private cluster under ``var/``."""
        return self.settings.embedded

    @cached_property
    def cluster(self) -> Cluster:
        """The embedded cluster (only meaningful when :attr:`embedded`)."""
        return Cluster.under(self.settings.var_dir, port=self.settings.pg_port)

    def role(self, key: str) -> str:
        """The PostgreSQL role name behind a role key (``public`` → ``geoportal_public``)."""
        try:
            return self.roles[key]
        except KeyError:
            raise ValueError(f"unknown role {key!r}; one of {', '.join(ROLE_KEYS)}") from None

    def statement_timeout_ms(self, key: str) -> int:
        """How long one statement of a role may run: loads may take long, requests not."""
        settings = self.settings
        return (
            settings.load_statement_timeout_ms if key == "owner" else settings.statement_timeout_ms
        )

    def params(self, key: str) -> dict[str, str]:
        """libpq connection parameters of one role."""
        # A killed client's statement stops within seconds, not when it would have ended
        # (a killed load held the one-load lock until its statement finished).
        options = (
            f"-c statement_timeout={self.statement_timeout_ms(key)}"
            f" -c client_connection_check_interval={CLIENT_CHECK_MS}"
        )
        if key == "owner":
            # A load runs some hundred costly statements once each: compiling each with
            # JIT cost more than it saved (checks on 20k parcels: 8.4 s with, 6.5 s without).
            options += " -c jit=off"
        else:
            # Serial plans give a stable row order: identical renders of the same request.
            # Loads keep parallel plans: the overlap check on 300k parcels took 73 s serial,
            # 47 s with two workers.
            options += " -c max_parallel_workers_per_gather=0"
        common = {
            "connect_timeout": str(CONNECT_TIMEOUT_S),
            "options": options,
            "application_name": "geoportal",
        }
        return common | self._location(self.role(key))

    def conninfo(self, key: str) -> str:
        """libpq connection string of one role."""
        return make_conninfo(**self.params(key))

    @contextmanager
    def connect(self, key: str = "app", **kwargs: Any) -> Iterator[psycopg.Connection]:
        """A new connection as one role, closed (and committed) when the block ends."""
        try:
            conn = psycopg.connect(self.conninfo(key), **kwargs)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(f"database unreachable as {key}: {exc}") from exc
        with conn:
            yield conn

    def pool(self, key: str) -> ConnectionPool:
        """The process's pool of autocommit connections for one role (created on first use)."""
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools.setdefault(key, ConnectionPool(self.conninfo(key)))
        return pool

    def close(self) -> None:
        """Stop watching and close every pooled connection (tests, shutdown)."""
        if self._watch is not None:
            self._watch.stop()
        for pool in self._pools.values():
            pool.close()

    def watch(self) -> None:
        """Start asking every second whether the database answers (a web process does).

        When it stops answering, the queries waiting on it are interrupted and the
        ``on_unavailable`` listeners are called; :attr:`available` says so meanwhile.
        """
        self._watch = DatabaseWatch(self.conninfo("public"))
        self._watch.subscribe(self._interrupt)
        self._watch.start()

    @property
    def available(self) -> bool:
        """False while a watched database does not answer (True when nothing watches)."""
        return self._watch is None or self._watch.available

    def on_unavailable(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when the watched database stops answering."""
        self._on_unavailable.append(listener)

    def _interrupt(self) -> None:
        for pool in self._pools.values():
            pool.interrupt()
        for listener in self._on_unavailable:
            listener()

    def service_name(self, key: str) -> str:
        """The libpq service name under which engines reach a role (the role's name)."""
        return self.role(key)

    def service_file_text(self) -> str:
        """``pg_service.conf`` defining one service per role."""
        lines: list[str] = []
        for key in ROLE_KEYS:
            lines.append(f"[{self.service_name(key)}]")
            lines += [f"{name}={value}" for name, value in self.params(key).items()]
            lines.append("")
        return "\n".join(lines)

    def _location(self, role_name: str) -> dict[str, str]:
        if self.embedded:
            return {"host": str(self.cluster.socket_dir), "port": str(self.cluster.port),
                    "dbname": self.name, "user": role_name}  # fmt: skip
        url = urlsplit(self.settings.database_url or "")
        query = dict(parse_qsl(url.query))  # libpq URIs may name a socket: ?host=/run/postgresql
        params = {
            "host": url.hostname or query.get("host", "localhost"),
            "port": str(url.port or query.get("port", 5432)),
            "dbname": url.path.lstrip("/") or self.name,
            "user": role_name,
        }
        # Only the owner's password may come from the URL; the other roles authenticate the
        # libpq way (~/.pgpass, peer, certificates), so no file of ours holds their secrets.
        if role_name == self.role("owner") and url.password:
            params["password"] = unquote(url.password)
        return params
