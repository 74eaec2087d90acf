"""Bring the database to the current schema: migrations, publish views, grants.

Publish views come from the layer catalog (``layers/*/view.sql``) and are re-applied on
every migrate, so adding a layer folder is enough to publish it. A few publish views are
not map layers (the search box's keys, a parcel's klasoużytki and buildings for the
text-only parcel page): they are ``geoportal/views/<name>.sql``, applied the same way.
Grants follow the rule that the public reader role may SELECT in ``publish`` and nothing
else; cases and staff accounts are the application's alone.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from psycopg import sql
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from geoportal.cadastre.tables import PERSONAL
from geoportal.catalog import Catalog
from geoportal.database import Database

MIGRATIONS = Path(__file__).parent / "migrations"
VIEWS = Path(__file__).parent / "views"


def migrate(database: Database, catalog: Catalog) -> None:
    """Run Alembic migrations, then (re)create publish views and grants, in one transaction."""
    conninfo = database.conninfo("owner")
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(conninfo), poolclass=NullPool
    )
    with engine.begin() as sa_conn:
        sa_conn.exec_driver_sql("SET lock_timeout = '30s'")
        sa_conn.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS ops")  # Alembic's version table
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = sa_conn
        command.upgrade(config, "head")
        conn = sa_conn.connection.driver_connection
        assert isinstance(conn, psycopg.Connection)
        apply_views(conn, catalog)
        apply_grants(conn, database)
    engine.dispose()


def apply_views(conn: psycopg.Connection, catalog: Catalog) -> None:
    """Recreate every publish view from the catalog (dropped first: columns may change)."""
    conn.execute("DROP SCHEMA IF EXISTS publish CASCADE")
    conn.execute("CREATE SCHEMA publish")
    for layer in catalog.layers:
        conn.execute(layer.view_sql().encode())
    layer_views = {layer.view for layer in catalog.layers}
    for name, body in other_views().items():
        if name in layer_views:
            raise ValueError(f"publish.{name} is both a layer's view and {VIEWS.name}/{name}.sql")
        conn.execute(f"CREATE VIEW publish.{name} AS\n{body};".encode())


def other_views() -> dict[str, str]:
    """Publish views that are not map layers: ``geoportal/views/<name>.sql`` by name."""
    return {
        path.stem: path.read_text(encoding="utf-8").strip().rstrip(";")
        for path in sorted(VIEWS.glob("*.sql"))
    }


def apply_grants(conn: psycopg.Connection, database: Database) -> None:
    """Grant each role exactly what it needs; the public reader sees only ``publish``."""
    public, app, staff = (sql.Identifier(database.role(key)) for key in ("public", "app", "staff"))
    personal = sql.SQL(", ").join(sql.Identifier(t.schema or "", t.name) for t in PERSONAL)
    statements: list[bytes | sql.Composed] = [
        b"REVOKE ALL ON ALL TABLES IN SCHEMA data, ops, staging FROM PUBLIC",
        b"REVOKE ALL ON SCHEMA data, ops, staging, publish FROM PUBLIC",
        sql.SQL("GRANT USAGE ON SCHEMA publish TO {}, {}, {}").format(public, app, staff),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA publish TO {}, {}, {}").format(
            public, app, staff),
        sql.SQL("GRANT USAGE ON SCHEMA data, ops TO {}, {}").format(app, staff),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA data, ops TO {}, {}").format(app, staff),
        # Subjects and shares are personal data: staff only (art. 24 ust. 5 PGiK).
        sql.SQL("REVOKE ALL ON {} FROM {}").format(personal, app),
        *_case_grants(app),
        *_document_grants(app, public),
        *_job_grants(app),
        *_catalogue_grants(app),
    ]  # fmt: skip
    for statement in statements:
        conn.execute(statement)


def _case_grants(app: sql.Identifier) -> list[bytes | sql.Composed]:
    """Cases and staff accounts: the application adds, reads and moves cases; nobody else.

    Applicants' names and addresses are personal data: no grant at all to the public
    reader. The application may change only the columns a step changes, bump the mark
    sequence, and append audit events (never change them: no UPDATE, DELETE or TRUNCATE,
    and a trigger refuses those even to the owner). Staff accounts are written by the
    owner (``geoportal staff add``) and only read by the application (sign-in).
    """
    return [
        b"REVOKE ALL ON ALL TABLES IN SCHEMA cases, auth FROM PUBLIC",
        b"REVOKE ALL ON SCHEMA cases, auth FROM PUBLIC",
        sql.SQL("GRANT USAGE ON SCHEMA cases, auth TO {}").format(app),
        sql.SQL("GRANT SELECT, INSERT ON cases.case_file, cases.mark_sequence, cases.audit_event"
                " TO {}").format(app),
        sql.SQL("GRANT UPDATE (state, state_changed_at, exemption_granted, assignee)"
                " ON cases.case_file"
                " TO {}").format(app),
        sql.SQL("GRANT UPDATE (last) ON cases.mark_sequence TO {}").format(app),
        # The audit id is taken before the insert: it is part of the hashed row.
        sql.SQL("GRANT USAGE ON SEQUENCE cases.audit_event_id_seq TO {}").format(app),
        sql.SQL("GRANT SELECT ON auth.staff_user TO {}").format(app),
    ]  # fmt: skip


def _document_grants(app: sql.Identifier, public: sql.Identifier) -> list[bytes | sql.Composed]:
    """Issued documents: the application adds and reads them (a trigger refuses changes);
    the public reader may only ask :sql:`documents.verify(code)` (case mark, kind, date,
    hash: what the verification page shows), never read the table."""
    return [
        b"REVOKE ALL ON ALL TABLES IN SCHEMA documents FROM PUBLIC",
        b"REVOKE ALL ON SCHEMA documents FROM PUBLIC",
        b"REVOKE ALL ON FUNCTION documents.verify(text) FROM PUBLIC",
        sql.SQL("GRANT USAGE ON SCHEMA documents TO {}, {}").format(app, public),
        sql.SQL("GRANT SELECT, INSERT ON documents.issued_document TO {}").format(app),
        sql.SQL("GRANT EXECUTE ON FUNCTION documents.verify(text) TO {}, {}").format(app, public),
    ]


def _catalogue_grants(app: sql.Identifier) -> list[bytes | sql.Composed]:
    """The CSW repository: the web process (the application) rewrites it from the records
    it regenerates at start-up; the public reader sees it only as
    ``publish.catalogue_records``."""
    return [
        b"REVOKE ALL ON ALL TABLES IN SCHEMA catalogue FROM PUBLIC",
        b"REVOKE ALL ON SCHEMA catalogue FROM PUBLIC",
        sql.SQL("GRANT USAGE ON SCHEMA catalogue TO {}").format(app),
        sql.SQL("GRANT SELECT, INSERT, DELETE ON catalogue.record TO {}").format(app),
    ]


def _job_grants(app: sql.Identifier) -> list[bytes | sql.Composed]:
    """The job queue (procrastinate): the application defers jobs and runs the worker."""
    return [
        b"REVOKE ALL ON ALL TABLES IN SCHEMA jobs FROM PUBLIC",
        b"REVOKE ALL ON SCHEMA jobs FROM PUBLIC",
        sql.SQL("GRANT USAGE ON SCHEMA jobs TO {}").format(app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA jobs TO {}").format(
            app
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA jobs TO {}").format(app),
        sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA jobs TO {}").format(app),
    ]
