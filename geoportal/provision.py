"""Make the database usable: embedded cluster up, roles, PostGIS, schema, views, grants.

The only module that starts or creates anything in PostgreSQL; ``geoportal db up`` and
``geoportal run`` call it, the web application never does.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from geoportal.catalog import Catalog
from geoportal.cluster import SUPERUSER
from geoportal.database import Database
from geoportal.schema import migrate


def ensure_database(database: Database, catalog: Catalog) -> bool:
    """Bring the database to the current schema; return True if we started a server."""
    started = database.embedded and _start_embedded(database)
    migrate(database, catalog)
    return started


def stop_database(database: Database) -> None:
    """Stop the embedded cluster (no-op for an external database)."""
    database.close()
    if database.embedded:
        database.cluster.stop()


def _start_embedded(database: Database) -> bool:
    """Create and start the embedded cluster as needed, then its roles and database."""
    cluster = database.cluster
    if not cluster.exists():
        cluster.init()
    changed = cluster.allow(database.roles.values())
    started = not cluster.is_running()
    if started:
        cluster.start(durable=database.settings.pg_durable)
    elif changed:
        cluster.reload()
    _bootstrap_embedded(database)
    return started


def _bootstrap_embedded(database: Database) -> None:
    """Create roles, the database and PostGIS in the embedded cluster (idempotent)."""
    cluster = database.cluster
    with psycopg.connect(cluster.conninfo(SUPERUSER, "postgres"), autocommit=True) as conn:
        for key, name in database.roles.items():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            # The limit holds for any connection as the role, not only for ours.
            conn.execute(
                sql.SQL("ALTER ROLE {} SET statement_timeout = {}").format(
                    sql.Identifier(name), sql.Literal(database.statement_timeout_ms(key))
                )
            )
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database.name,)
        ).fetchone()
        if not found:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database.name), sql.Identifier(database.role("owner"))
                )
            )
    with psycopg.connect(cluster.conninfo(SUPERUSER, database.name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        _grant_database_access(conn, database)


def _grant_database_access(conn: psycopg.Connection, database: Database) -> None:
    """Only our roles may connect; nobody but the owner may create in ``public``."""
    db = sql.Identifier(database.name)
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
    conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    for key in ("app", "public", "staff"):
        role = sql.Identifier(database.role(key))
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role))
