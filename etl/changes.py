"""What a load changes: objects added, removed and changed per table, and where.

Computed from staging against the current published versions before the swap (so a dry
run can say it too). The area is a set of 1 km cells covering the old and new geometries
of every changed object: coarse on purpose — it is what the tile cache truncates and
reseeds, and a cell set stays small however many objects changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from etl.swap import vanished
from geoportal.crs import STORAGE_EPSG
from geoportal.tables import SPATIAL

CELL_M = 1000


@dataclass
class Changes:
    """Counts per table and the changed area (WKB hex of a MultiPolygon, or None)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    area_wkb: str | None = None
    area_m2: float = 0.0

    @property
    def nothing(self) -> bool:
        """Whether the load changes nothing at all (the same files again)."""
        return not any(sum(counts.values()) for counts in self.counts.values())


def detect_changes(conn: psycopg.Connection, tables: list[str]) -> Changes:
    """Added, removed and changed objects of the loaded tables, and the cells they touch."""
    changes = Changes()
    conn.execute("CREATE TEMP TABLE changed_box (box geometry) ON COMMIT DROP")
    for table in tables:
        changes.counts[table] = _counts(conn, table)
        if table in SPATIAL:
            _collect_boxes(conn, table)
    row = conn.execute(
        sql.SQL(
            "SELECT ST_AsHexEWKB(ST_Multi(ST_Union(cell))), coalesce(ST_Area(ST_Union(cell)), 0)"
            " FROM (SELECT DISTINCT ST_MakeEnvelope(x * {c}, y * {c}, (x + 1) * {c},"
            " (y + 1) * {c}, {srid}) AS cell FROM changed_box,"
            " generate_series(floor(ST_XMin(box) / {c})::int, floor(ST_XMax(box) / {c})::int) x,"
            " generate_series(floor(ST_YMin(box) / {c})::int, floor(ST_YMax(box) / {c})::int) y)"
            " cells"
        ).format(c=sql.Literal(CELL_M), srid=sql.Literal(STORAGE_EPSG))
    ).fetchone()
    if row and row[0]:
        changes.area_wkb, changes.area_m2 = str(row[0]), float(row[1])
    conn.execute("DROP TABLE changed_box")
    return changes


def _counts(conn: psycopg.Connection, table: str) -> dict[str, int]:
    t = sql.Identifier(table)
    row = conn.execute(
        sql.SQL(
            "SELECT (SELECT count(*) FROM staging.{t} s WHERE NOT EXISTS (SELECT 1"
            "  FROM data.{t} d WHERE d.version_end IS NULL AND d.namespace = s.namespace"
            "  AND d.local_id = s.local_id)),"
            " (SELECT count(*) FROM data.{t} d WHERE d.version_end IS NULL {vanished}),"
            " (SELECT count(*) FROM staging.{t} s JOIN data.{t} d ON d.version_end IS NULL"
            "  AND d.namespace = s.namespace AND d.local_id = s.local_id"
            "  AND d.version_id <> s.version_id)"
        ).format(t=t, vanished=vanished(table))
    ).fetchone()
    added, removed, changed = row if row else (0, 0, 0)
    return {"added": int(added), "removed": int(removed), "changed": int(changed)}


def _collect_boxes(conn: psycopg.Connection, table: str) -> None:
    t = sql.Identifier(table)
    conn.execute(
        sql.SQL(
            "INSERT INTO changed_box SELECT ST_Envelope(s.geom) FROM staging.{t} s"
            " LEFT JOIN data.{t} d ON d.version_end IS NULL AND d.namespace = s.namespace"
            " AND d.local_id = s.local_id WHERE s.geom IS NOT NULL"
            " AND (d.gid IS NULL OR d.version_id <> s.version_id)"
            " UNION ALL SELECT ST_Envelope(d.geom) FROM data.{t} d JOIN staging.{t} s"
            " ON d.version_end IS NULL AND d.namespace = s.namespace AND d.local_id = s.local_id"
            " AND d.version_id <> s.version_id WHERE d.geom IS NOT NULL"
            " UNION ALL SELECT ST_Envelope(d.geom) FROM data.{t} d"
            " WHERE d.version_end IS NULL AND d.geom IS NOT NULL {vanished}"
        ).format(t=t, vanished=vanished(table))
    )
