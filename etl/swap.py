"""Swap staged objects into ``data`` while keeping every earlier version.

A load is a complete snapshot of the namespaces it contains (``PL.PZGiK.1003.EGiB``…).
In one transaction, per table: current versions that the snapshot no longer carries are
closed (``version_end``; objects that vanished also get ``object_end``), then versions the
data schema has not seen yet are inserted. Re-loading the same files changes nothing.
"""

from __future__ import annotations

import datetime as dt

import psycopg
from psycopg import sql

from etl.tables import columns_of


def swap_table(
    conn: psycopg.Connection, table: str, run_id: int, at: dt.datetime
) -> dict[str, int]:
    """Close superseded versions and insert new ones for one table; return the counts."""
    closed = _close_versions(conn, table, at)
    inserted = _insert_new_versions(conn, table, run_id)
    return {"closed": closed, "inserted": inserted}


def _close_versions(conn: psycopg.Connection, table: str, at: dt.datetime) -> int:
    # A superseded version ends when its successor starts; a vanished object ends now.
    query = sql.SQL(
        """
        UPDATE data.{t} AS d
           SET version_end = coalesce(s.version_start, %(at)s),
               object_end = CASE WHEN s.local_id IS NULL THEN %(at)s ELSE d.object_end END
          FROM data.{t} AS cur
          LEFT JOIN staging.{t} AS s
                 ON s.namespace = cur.namespace AND s.local_id = cur.local_id
         WHERE d.gid = cur.gid
           AND cur.version_end IS NULL
           AND cur.namespace IN (SELECT DISTINCT namespace FROM staging.{t})
           AND NOT EXISTS (SELECT 1 FROM staging.{t} AS same
                            WHERE same.namespace = cur.namespace
                              AND same.local_id = cur.local_id
                              AND same.version_id = cur.version_id)
        """
    ).format(t=sql.Identifier(table))
    return conn.execute(query, {"at": at}).rowcount


def _insert_new_versions(conn: psycopg.Connection, table: str, run_id: int) -> int:
    columns = sql.SQL(", ").join(map(sql.Identifier, columns_of(table)))
    query = sql.SQL(
        """
        INSERT INTO data.{t} ({cols}, run_id)
        SELECT {cols}, %(run_id)s FROM staging.{t} AS s
         WHERE NOT EXISTS (SELECT 1 FROM data.{t} AS d
                            WHERE d.namespace = s.namespace AND d.local_id = s.local_id
                              AND d.version_id = s.version_id)
        """
    ).format(t=sql.Identifier(table), cols=columns)
    return conn.execute(query, {"run_id": run_id}).rowcount
