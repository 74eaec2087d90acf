"""Stream records into ``staging`` tables with COPY.

Readers yield records of many tables interleaved, while one connection can run only one
COPY at a time. Rows are therefore spooled per table into temporary files in COPY text
format (memory stays bounded for a county-scale file) and copied table by table.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import IO, Any

import psycopg
import shapely
from psycopg import sql

from geoportal.crs import STORAGE_EPSG
from geoportal.tables import JSON_COLUMNS, SPATIAL, TABLES, columns_of

_SPOOL_BYTES = 8 * 1024 * 1024
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def create_staging(conn: psycopg.Connection, tables: Iterable[str] = TABLES) -> None:
    """(Re)create unlogged staging tables shaped like their ``data`` counterparts.

    ``staging.quarantined`` lists the objects checks set aside in this load.
    """
    conn.execute("DROP TABLE IF EXISTS staging.quarantined")
    conn.execute(
        "CREATE UNLOGGED TABLE staging.quarantined (table_name text, namespace text, local_id text)"
    )
    for table in tables:
        ident = sql.Identifier(table)
        conn.execute(sql.SQL("DROP TABLE IF EXISTS staging.{}").format(ident))
        conn.execute(
            sql.SQL("CREATE UNLOGGED TABLE staging.{} (LIKE data.{} INCLUDING DEFAULTS)").format(
                ident, ident
            )
        )
        conn.execute(sql.SQL("ALTER TABLE staging.{} DROP COLUMN gid").format(ident))
        if table in SPATIAL:  # an object without geometry must reach the checks to be named
            conn.execute(
                sql.SQL("ALTER TABLE staging.{} ALTER COLUMN geom DROP NOT NULL").format(ident)
            )


class StagingWriter:
    """Collects records per table, then COPYs them into ``staging``."""

    def __init__(self) -> None:
        self._spools: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = {}
        self.total = 0

    def add(self, table: str, record: Mapping[str, Any]) -> None:
        """Queue one record; unknown tables or columns fail loudly (a reader bug)."""
        columns = columns_of(table)
        unknown = set(record) - set(columns)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        spool = self._spools.get(table)
        if spool is None:
            spool = self._spools[table] = tempfile.SpooledTemporaryFile(
                max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8"
            )
        values = (
            _json_text(record.get(column))
            if column in JSON_COLUMNS
            else _copy_text(record.get(column))
            for column in columns
        )
        spool.write("\t".join(values) + "\n")
        self.counts[table] = self.counts.get(table, 0) + 1
        self.total += 1

    def copy_into(
        self, conn: psycopg.Connection, advance: Callable[[int], None] = lambda rows: None
    ) -> None:
        """COPY every spooled table into ``staging`` and release the spools."""
        for table, spool in self._spools.items():
            columns = sql.SQL(", ").join(map(sql.Identifier, columns_of(table)))
            statement = sql.SQL("COPY staging.{} ({}) FROM STDIN").format(
                sql.Identifier(table), columns
            )
            spool.seek(0)
            with conn.cursor().copy(statement) as copy:
                while chunk := spool.read(1 << 20):
                    copy.write(chunk)
            spool.close()
            advance(self.counts[table])
        self._spools.clear()


def _copy_text(value: Any) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, shapely.Geometry):
        geometry = shapely.set_srid(value, STORAGE_EPSG)
        return str(shapely.to_wkb(geometry, hex=True, include_srid=True))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict) or (
        isinstance(value, list) and value and isinstance(value[0], dict)
    ):
        return json.dumps(value, ensure_ascii=False, default=str).translate(_ESCAPES)
    if isinstance(value, (list, tuple)):
        return _array_literal(value).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def _json_text(value: Any) -> str:
    """A jsonb value in COPY text format (an empty list stays a JSON array)."""
    if value is None:
        return "\\N"
    return json.dumps(value, ensure_ascii=False, default=str).translate(_ESCAPES)


def _array_literal(values: Iterable[Any]) -> str:
    items = []
    for item in values:
        text = str(item).replace("\\", "\\\\").replace('"', '\\"')
        items.append(f'"{text}"')
    return "{" + ",".join(items) + "}"
