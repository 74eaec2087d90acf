"""The CSW repository in PostgreSQL, rewritten whole from the discovery records.

``services.records`` calls :func:`store_records` whenever it regenerates the records, so
the CSW and OGC API Records always list the same records. Every web process does that at
start-up: the rewrite is one transaction under an advisory lock, and a reader sees the
old set or the new one, never a mix. Rows carry the county's TERYT, so two portals on one
database (the second-county test) keep their catalogues apart.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from geoportal.database import Database
from services.csw.iso import iso_document, repository_row

TABLE = ("catalogue", "record")
VIEW = ("publish", "catalogue_records")  # what the public role reads
_LOCK = 0x43535700  # "CSW\0": one rewrite at a time


def store_records(database: Database, county: str, records: list[dict[str, Any]]) -> int:
    """Replace one county's rows (``county``: its TERYT) by these records; how many."""
    rows = [{"county": county, **repository_row(record, iso_document(record))}
            for record in records]  # fmt: skip
    columns = list(rows[0]) if rows else []
    insert = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(*TABLE),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder(name) for name in columns),
    )
    with database.connect("app") as conn, conn.transaction():  # schema.py grants it
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        delete = sql.SQL("DELETE FROM {} WHERE county = %s").format(sql.Identifier(*TABLE))
        conn.execute(delete, (county,))
        with conn.cursor() as cursor:
            cursor.executemany(insert, rows)
    return len(rows)
