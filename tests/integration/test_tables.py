"""The table definitions in ``geoportal`` are exactly what the migrations build.

The ETL's COPY column lists come from those definitions, so this is what keeps the
migrations and the loads from drifting apart: Alembic compares the migrated test
database with the metadata, column by column (types, nullability), index by index and
foreign key by foreign key, the way ``alembic check`` would.
"""

from __future__ import annotations

import psycopg
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from geoportal.history import METADATA
from geoportal.tables import DATA_TABLES, columns_of

SCHEMAS = {"data", "ops"}


def _include(obj, name, type_, reflected, compare_to) -> bool:
    schema = getattr(obj, "schema", None) or getattr(getattr(obj, "table", None), "schema", None)
    if type_ == "table":
        return schema in SCHEMAS and name != "alembic_version"
    return schema in SCHEMAS


def _differences(database) -> list:
    conninfo = database.conninfo("owner")
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: psycopg.connect(conninfo), poolclass=NullPool
    )
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_schemas": True, "include_object": _include, "compare_type": True},
        )
        return compare_metadata(context, METADATA)


def test_migrations_build_exactly_the_table_definitions(database):
    assert _differences(database) == []


def test_copy_columns_are_the_table_columns_in_order(database):
    with database.connect("owner") as conn:
        for table in DATA_TABLES:
            rows = conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'data' AND table_name = %s ORDER BY ordinal_position",
                (table,),
            ).fetchall()
            assert columns_of(table) == tuple(r[0] for r in rows if r[0] not in ("gid", "run_id"))


def test_a_column_the_migrations_lack_is_found(database):
    from sqlalchemy import Column, Text

    column = Column("invented", Text)
    DATA_TABLES["parcel"].append_column(column)
    try:
        assert any("invented" in str(diff) for diff in _differences(database))
    finally:
        DATA_TABLES["parcel"]._columns.remove(column)


def test_every_data_table_moves_the_data_generation_and_a_rollback_does_not(database):
    """Tiles kept in memory trust ``publish.data_generation``: every data table must move it,
    in the changing transaction, whatever the statement (a new table without the trigger
    would let a web process serve tiles of data that have changed)."""
    with database.connect("owner") as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
            " WHERE s.nspname = 'data' AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM"
            " pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'data_generation'"
            " AND NOT t.tgisinternal)"
        )]  # fmt: skip
    assert tables == []

    def generation() -> int:
        with database.connect("public") as conn:
            return conn.execute("SELECT n FROM publish.data_generation").fetchone()[0]

    first = generation()
    with database.connect("owner") as conn:
        conn.execute("DELETE FROM data.topo_road WHERE false")  # a statement changing no row
        conn.rollback()
    assert generation() == first
    with database.connect("owner") as conn:
        conn.execute("DELETE FROM data.topo_road WHERE false")
    assert generation() == first + 1
