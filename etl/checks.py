"""Quality checks and repairs run on ``staging`` before anything reaches ``data``.

Each check returns a finding (a count and a few examples) for the quality report. Only a
check marked ``fatal`` stops the load; the rest are reported, and geometry repairs are
applied in staging so that ``data`` only ever holds valid geometries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from geoportal.tables import SPATIAL

# Strict form of a parcel identifier (domain.md §1); county data may be lenient: reported.
PARCEL_ID_PATTERN = r"^(\d{2})(\d{2})(\d{2})_([1-589])\.(\d{4})(?:\.AR_(\d+))?\.(\d+(?:/\d+)?)$"
AREA_TOLERANCE = 0.05  # report legal vs geometric area differences above 5 %


@dataclass
class Finding:
    """One quality finding of a load."""

    check: str
    table: str
    count: int
    fatal: bool = False
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for ``ops.etl_run.report``."""
        return {"check": self.check, "table": self.table, "count": self.count,
                "fatal": self.fatal, "examples": self.examples}  # fmt: skip


def run_checks(conn: psycopg.Connection, tables: list[str]) -> list[Finding]:
    """Run all checks on the loaded staging tables; repairs happen in place."""
    findings: list[Finding] = []
    for table in tables:
        findings.append(_duplicates(conn, table))
        if table in SPATIAL:
            findings.append(_repair_invalid(conn, table))
            findings.append(_drop_empty(conn, table))
    if "parcel" in tables:
        findings.append(_parcel_ids(conn))
        findings.append(_area_differences(conn))
    return [finding for finding in findings if finding.count]


def _examples(conn: psycopg.Connection, query: sql.Composable) -> tuple[int, list[str]]:
    rows = conn.execute(query).fetchall()
    return len(rows), [str(row[0]) for row in rows[:5]]


def _duplicates(conn: psycopg.Connection, table: str) -> Finding:
    query = sql.SQL(
        "SELECT local_id FROM staging.{} GROUP BY namespace, local_id, version_id"
        " HAVING count(*) > 1"
    ).format(sql.Identifier(table))
    count, examples = _examples(conn, query)
    return Finding("duplicate_version", table, count, fatal=True, examples=examples)


def _repair_invalid(conn: psycopg.Connection, table: str) -> Finding:
    ident = sql.Identifier(table)
    count, examples = _examples(
        conn, sql.SQL("SELECT local_id FROM staging.{} WHERE NOT ST_IsValid(geom)").format(ident)
    )
    if count:
        dimension = sql.SQL("ST_Dimension(geom)")
        conn.execute(
            sql.SQL(
                "UPDATE staging.{t} SET geom = CASE WHEN {d} = 2"
                " THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))"
                " ELSE ST_MakeValid(geom) END WHERE NOT ST_IsValid(geom)"
            ).format(t=ident, d=dimension)
        )
    return Finding("invalid_geometry_repaired", table, count, examples=examples)


def _drop_empty(conn: psycopg.Connection, table: str) -> Finding:
    query = sql.SQL(
        "DELETE FROM staging.{} WHERE geom IS NULL OR ST_IsEmpty(geom) RETURNING local_id"
    ).format(sql.Identifier(table))
    count, examples = _examples(conn, query)
    return Finding("empty_geometry_dropped", table, count, examples=examples)


def _parcel_ids(conn: psycopg.Connection) -> Finding:
    query = sql.SQL("SELECT parcel_id FROM staging.parcel WHERE parcel_id !~ {}").format(
        sql.Literal(PARCEL_ID_PATTERN)
    )
    count, examples = _examples(conn, query)
    return Finding("parcel_id_not_strict", "parcel", count, examples=examples)


def _area_differences(conn: psycopg.Connection) -> Finding:
    query = sql.SQL(
        "SELECT parcel_id || ': ' || area_ha || ' ha legal, '"
        " || round((ST_Area(geom) / 10000)::numeric, 4) || ' ha geometric'"
        " FROM staging.parcel WHERE area_ha > 0"
        " AND abs(ST_Area(geom) / 10000 - area_ha) / area_ha > {}"
    ).format(sql.Literal(AREA_TOLERANCE))
    count, examples = _examples(conn, query)
    return Finding("area_difference_over_5pct", "parcel", count, examples=examples)
