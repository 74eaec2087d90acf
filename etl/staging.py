"""Stream records into ``staging`` tables with COPY.

Readers yield records of many tables interleaved, while one connection can run only one
COPY at a time. Rows are therefore spooled per table into temporary files in COPY text
format (memory stays bounded for a county-scale file) and copied table by table.
The spools live in the load's work folder, so files read by other processes join the
same COPY.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import psycopg
import shapely
from psycopg import sql

from geoportal.crs import STORAGE_EPSG
from geoportal.tables import JSON_COLUMNS, SPATIAL, TABLES, columns_of

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def create_staging(conn: psycopg.Connection, tables: Iterable[str] = TABLES) -> None:
    """(Re)create unlogged staging tables shaped like their ``data`` counterparts.

    Only the tables of this load exist afterwards: checks decide what a load brought by
    which staging tables exist.

    ``staging.quarantined`` lists the objects checks set aside in this load.
    """
    conn.execute("DROP TABLE IF EXISTS staging.quarantined")
    conn.execute(
        "CREATE UNLOGGED TABLE staging.quarantined (table_name text, namespace text, local_id text)"
    )
    for table in TABLES:  # all of them: a table an earlier load left would pass for this load's
        conn.execute(sql.SQL("DROP TABLE IF EXISTS staging.{}").format(sql.Identifier(table)))
    for table in tables:
        ident = sql.Identifier(table)
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
    """Spools records per table into files of a work folder, then COPYs them to ``staging``.

    Several writers (one per reading process) may spool into the same folder; the parent
    ``adopt``s what the others wrote and copies everything.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._open: dict[str, IO[str]] = {}
        self.parts: dict[str, list[Path]] = {}
        self.counts: dict[str, int] = {}
        self.total = 0

    def add(self, table: str, record: Mapping[str, Any]) -> None:
        """Queue one record; unknown tables or columns fail loudly (a reader bug)."""
        columns = columns_of(table)
        unknown = set(record) - set(columns)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        spool = self._open.get(table) or self._start(table)
        values = (
            _json_text(record.get(column))
            if column in JSON_COLUMNS
            else _copy_text(record.get(column))
            for column in columns
        )
        spool.write("\t".join(values) + "\n")
        self.counts[table] = self.counts.get(table, 0) + 1
        self.total += 1

    def close(self) -> None:
        """Finish the spool files (a reading process hands them over after this)."""
        for spool in self._open.values():
            spool.close()
        self._open.clear()

    def adopt(self, parts: dict[str, list[Path]], counts: dict[str, int]) -> None:
        """Take over spool files another writer finished."""
        for table, paths in parts.items():
            self.parts.setdefault(table, []).extend(paths)
        for table, count in counts.items():
            self.counts[table] = self.counts.get(table, 0) + count
            self.total += count

    def copy_into(
        self, conn: psycopg.Connection, advance: Callable[[int], None] = lambda rows: None
    ) -> None:
        """COPY every spooled table into ``staging`` and delete the spools."""
        self.close()
        for table, paths in self.parts.items():
            columns = sql.SQL(", ").join(map(sql.Identifier, columns_of(table)))
            statement = sql.SQL("COPY staging.{} ({}) FROM STDIN").format(
                sql.Identifier(table), columns
            )
            with conn.cursor().copy(statement) as copy:
                for path in paths:
                    with path.open("rb") as spool:
                        while chunk := spool.read(1 << 20):
                            copy.write(chunk)
                    path.unlink()
            advance(self.counts.get(table, 0))
        self.parts.clear()

    def _start(self, table: str) -> IO[str]:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by close()
            "w", encoding="utf-8", dir=self.folder, prefix=f"{table}.", suffix=".copy",
            delete=False,
        )  # fmt: skip
        self._open[table] = handle
        self.parts.setdefault(table, []).append(Path(handle.name))
        return handle


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
