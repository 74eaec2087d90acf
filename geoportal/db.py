"""Database connections by role, the libpq service file, and bootstrap of roles.

Every component connects through a libpq *service* name (``service=geoportal_public``)
defined in ``var/run/pg_service.conf``. The committed engine configurations (mapfile,
pygeoapi config) therefore name a role, never a host, path or password, and the same
files work for the embedded cluster and for an external database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import psycopg
from psycopg import sql

from geoportal.cluster import SUPERUSER, Cluster
from geoportal.settings import Settings

SERVICE_FILE_ENV = "PGSERVICEFILE"


def cluster_for(settings: Settings) -> Cluster:
    """The embedded cluster described by the settings."""
    return Cluster.under(settings.var_dir, port=settings.pg_port)


def service_name(settings: Settings, role: str) -> str:
    """libpq service name for one of the configured roles (``owner``, ``public``…)."""
    return str(getattr(settings.roles, role))


def _role_params(settings: Settings, role_name: str) -> dict[str, str]:
    options = (
        f"-c statement_timeout={settings.statement_timeout_ms}"
        " -c max_parallel_workers_per_gather=0"  # stable row order: byte-identical renders
    )
    params = {"connect_timeout": "3", "options": options, "application_name": "geoportal"}
    if settings.embedded:
        cluster = cluster_for(settings)
        params |= {"host": str(cluster.socket_dir), "port": str(cluster.port),
                   "dbname": settings.database_name, "user": role_name}  # fmt: skip
        return params
    url = urlsplit(settings.database_url or "")
    query = dict(parse_qsl(url.query))  # libpq URIs may name a socket: ?host=/run/postgresql
    params |= {
        "host": url.hostname or query.get("host", "localhost"),
        "port": str(url.port or query.get("port", 5432)),
        "dbname": url.path.lstrip("/") or settings.database_name,
        "user": role_name,
    }
    # Only the owner's password may come from the URL; the other roles authenticate the
    # libpq way (~/.pgpass, peer, certificates), so no file of ours holds their secrets.
    if role_name == settings.roles.owner and url.password:
        params["password"] = unquote(url.password)
    return params


def write_service_file(settings: Settings) -> Path:
    """Write ``pg_service.conf`` for all roles and point libpq at it in this process."""
    path = settings.runtime_dir / "pg_service.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    for role_name in settings.roles.model_dump().values():
        lines.append(f"[{role_name}]")
        lines += [f"{key}={value}" for key, value in _role_params(settings, role_name).items()]
        lines.append("")
    path.write_text("\n".join(lines))
    path.chmod(0o600)
    os.environ[SERVICE_FILE_ENV] = str(path)
    return path


def conninfo(settings: Settings, role: str) -> str:
    """Connection string for a role (``owner``, ``app``, ``public``, ``staff``)."""
    return f"service={service_name(settings, role)}"


@contextmanager
def connect(
    settings: Settings, role: str = "app", **kwargs: object
) -> Iterator[psycopg.Connection]:
    """Open a psycopg connection as one of the configured roles."""
    if SERVICE_FILE_ENV not in os.environ:
        write_service_file(settings)
    with psycopg.connect(conninfo(settings, role), **kwargs) as conn:  # type: ignore[arg-type]
        yield conn


def sqlalchemy_url(settings: Settings, role: str = "owner") -> str:
    """SQLAlchemy URL that resolves through the service file."""
    return f"postgresql+psycopg:///?service={service_name(settings, role)}"


def bootstrap_embedded(settings: Settings) -> None:
    """Create roles, the database and PostGIS in the embedded cluster (idempotent)."""
    cluster = cluster_for(settings)
    roles = settings.roles
    with psycopg.connect(cluster.conninfo(SUPERUSER, "postgres"), autocommit=True) as conn:
        for name in roles.model_dump().values():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        db = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (settings.database_name,)
        ).fetchone()
        if not db:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(settings.database_name), sql.Identifier(roles.owner)
                )
            )
    with psycopg.connect(
        cluster.conninfo(SUPERUSER, settings.database_name), autocommit=True
    ) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        grant_database_access(conn, settings)


def grant_database_access(conn: psycopg.Connection, settings: Settings) -> None:
    """Only our roles may connect; nobody but the owner may create in ``public``."""
    roles = settings.roles
    db = sql.Identifier(settings.database_name)
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
    conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    for name in (roles.app, roles.public, roles.staff):
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, sql.Identifier(name)))
