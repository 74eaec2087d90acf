"""Versioned objects: every row of a data table is one version of one object.

EGiB and APP objects carry an ``idIIP`` (namespace, local id, version id) and life-cycle
dates (domain reference §2), so "the parcel as it was on date D" is answerable from the
rows. The columns and indexes every data table shares are defined here once; the tables
themselves live beside the domain they belong to (``geoportal.cadastre.tables``,
``geoportal.planning.tables``), and ``tests/integration/test_tables.py`` proves that the
migrations build exactly these definitions.
"""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP

from geoportal.crs import STORAGE_EPSG

METADATA = MetaData()
CURRENT = text("version_end IS NULL")

ETL_RUN = Table(
    "etl_run",
    METADATA,
    Column("run_id", BigInteger, Identity(always=True), primary_key=True),
    Column("source", Text, nullable=False),
    Column("started_at", TIMESTAMP(timezone=True), nullable=False, server_default=text("now()")),
    Column("finished_at", TIMESTAMP(timezone=True)),
    Column("status", Text, nullable=False, server_default=text("'running'::text")),
    Column("counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("report", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("dry_run", Boolean, nullable=False, server_default=text("false")),
    Column("report_html", Text),  # the quality report a person reads
    Column("changed_area", Geometry("GEOMETRY", srid=STORAGE_EPSG, spatial_index=False)),
    Column("cache_refreshed_at", TIMESTAMP(timezone=True)),  # changed tiles truncated, reseeded
    CheckConstraint("status IN ('running', 'done', 'failed')"),
    schema="ops",
)

# Objects a load set aside instead of publishing them (policy "quarantine"): kept, listed
# in the report, never silently dropped.
ETL_QUARANTINE = Table(
    "etl_quarantine",
    METADATA,
    Column("quarantine_id", BigInteger, Identity(always=True), primary_key=True),
    Column("run_id", BigInteger, ForeignKey(ETL_RUN.c.run_id), nullable=False),
    Column("table_name", Text, nullable=False),
    Column("namespace", Text),
    Column("local_id", Text),
    Column("check_name", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("record", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("geom", Geometry("GEOMETRY", srid=STORAGE_EPSG, spatial_index=False)),
    schema="ops",
)
Index("etl_quarantine_run", ETL_QUARANTINE.c.run_id)

# A counter every change to a data table moves in its own transaction (a statement
# trigger on each): what tiles kept in a web process's memory are checked against.
DATA_GENERATION = Table(
    "data_generation",
    METADATA,
    Column("only_row", Boolean, primary_key=True, server_default=text("true")),
    Column("n", BigInteger, nullable=False),
    CheckConstraint("only_row"),
    schema="ops",
)

# Columns every versioned table starts with, in this order.
_BOOKKEEPING = ("gid", "run_id")


def geometry(kind: str) -> Geometry:
    """A geometry column type in the storage CRS (indexes are declared by the table)."""
    return Geometry(kind, srid=STORAGE_EPSG, spatial_index=False)


def versioned_table(name: str, *columns: Any, spatial: bool = False) -> Table:
    """A table in ``data`` whose rows are object versions, with its history indexes.

    ``spatial`` adds the GiST index over the current versions that every map request
    and bbox query uses.
    """
    table = Table(
        name,
        METADATA,
        Column("gid", BigInteger, Identity(always=True), primary_key=True),
        Column("namespace", Text, nullable=False),
        Column("local_id", Text, nullable=False),
        Column("version_id", Text, nullable=False),
        Column("object_start", TIMESTAMP(timezone=True)),
        Column("version_start", TIMESTAMP(timezone=True), nullable=False),
        Column("version_end", TIMESTAMP(timezone=True)),
        Column("object_end", TIMESTAMP(timezone=True)),
        Column("run_id", BigInteger, ForeignKey(ETL_RUN.c.run_id)),
        *columns,
        schema="data",
    )
    Index(f"{name}_namespace_local_id_version_id_idx", table.c.namespace, table.c.local_id,
          table.c.version_id, unique=True)  # fmt: skip
    Index(f"{name}_current_uq", table.c.namespace, table.c.local_id, unique=True,
          postgresql_where=CURRENT)  # fmt: skip
    if spatial:
        Index(f"{name}_geom_current", table.c.geom, postgresql_using="gist",
              postgresql_where=CURRENT)  # fmt: skip
    return table


def loadable_columns(table: Table) -> tuple[str, ...]:
    """The columns a load writes, in table order: all but the surrogate key and run id."""
    return tuple(column.name for column in table.columns if column.name not in _BOOKKEEPING)


def search_indexes(table: Table) -> None:
    """The search box's indexes of an address table (migration 0005): locality, street and
    house number keys (``data.search_key`` and friends), in byte order ("C" collation in the
    migration; reflection drops COLLATE from index expressions, so it is left out here)."""
    keys = ("data.search_key(locality)", "data.street_key(street)", "data.number_key(house_number)")
    Index(f"{table.name}_search_locality", *(text(f"({key})") for key in keys), _table=table,
          postgresql_where=CURRENT)  # fmt: skip
    Index(f"{table.name}_search_street", *(text(f"({key})") for key in keys[1:]), _table=table,
          postgresql_where=text("version_end IS NULL AND street IS NOT NULL"))  # fmt: skip
