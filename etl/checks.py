"""Quality checks and repairs run on ``staging`` before anything reaches ``data``.

``CHECKS`` is the registry, on one screen: a name, the tables a check applies to, and the
function that runs it in SQL (PostGIS is faster than Python at this). Each returns a
finding (a count and a few examples) for the quality report. Only a ``fatal`` finding
stops the load; geometry repairs are applied in staging, so ``data`` only ever holds
valid geometries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from geoportal.cadastre.identifiers import PARCEL_ID_PATTERN, IdentifierError, read_parcel_id
from geoportal.tables import SPATIAL, TABLES

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


CheckFunction = Callable[[psycopg.Connection, str], tuple[int, list[str]]]


@dataclass(frozen=True)
class Check:
    """One check: what it does to a staging table, where it applies, if it stops a load."""

    run: CheckFunction
    tables: frozenset[str]
    fatal: bool = False


def run_checks(conn: psycopg.Connection, tables: list[str]) -> list[Finding]:
    """Run every registered check on the loaded staging tables; repairs happen in place."""
    findings = []
    for name, check in CHECKS.items():
        for table in (t for t in tables if t in check.tables):
            count, examples = check.run(conn, table)
            if count:
                findings.append(Finding(name, table, count, check.fatal, examples))
    return findings


def _examples(conn: psycopg.Connection, query: sql.Composed) -> tuple[int, list[str]]:
    rows = conn.execute(query).fetchall()
    return len(rows), [str(row[0]) for row in rows[:5]]


def duplicate_versions(conn: psycopg.Connection, table: str) -> tuple[int, list[str]]:
    """The same object version twice: the snapshot is ambiguous."""
    query = sql.SQL(
        "SELECT local_id FROM staging.{} GROUP BY namespace, local_id, version_id"
        " HAVING count(*) > 1"
    ).format(sql.Identifier(table))
    return _examples(conn, query)


def repair_invalid(conn: psycopg.Connection, table: str) -> tuple[int, list[str]]:
    """Invalid geometries, repaired with ``ST_MakeValid`` (only those)."""
    ident = sql.Identifier(table)
    found = _examples(
        conn, sql.SQL("SELECT local_id FROM staging.{} WHERE NOT ST_IsValid(geom)").format(ident)
    )
    if found[0]:
        conn.execute(
            sql.SQL(
                "UPDATE staging.{t} SET geom = CASE WHEN ST_Dimension(geom) = 2"
                " THEN ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3))"
                " ELSE ST_MakeValid(geom) END WHERE NOT ST_IsValid(geom)"
            ).format(t=ident)
        )
    return found


def drop_empty(conn: psycopg.Connection, table: str) -> tuple[int, list[str]]:
    """Objects without a geometry where the table needs one: dropped."""
    query = sql.SQL(
        "DELETE FROM staging.{} WHERE geom IS NULL OR ST_IsEmpty(geom) RETURNING local_id"
    ).format(sql.Identifier(table))
    return _examples(conn, query)


def parcel_ids(conn: psycopg.Connection, table: str) -> tuple[int, list[str]]:
    """Parcel ids outside the strict rule (domain reference §1), with the reason for each."""
    query = sql.SQL("SELECT parcel_id FROM staging.parcel WHERE parcel_id !~ {}").format(
        sql.Literal(PARCEL_ID_PATTERN)
    )
    count, examples = _examples(conn, query)
    return count, [f"{example}: {_reasons(example)}" for example in examples]


def _reasons(parcel_id: str) -> str:
    try:
        return "; ".join(read_parcel_id(parcel_id).deviations)
    except IdentifierError as exc:
        return str(exc)


def area_differences(conn: psycopg.Connection, table: str) -> tuple[int, list[str]]:
    """Legal area differs from the geometric one by more than the tolerance (reported only)."""
    query = sql.SQL(
        "SELECT parcel_id || ': ' || area_ha || ' ha legal, '"
        " || round((ST_Area(geom) / 10000)::numeric, 4) || ' ha geometric'"
        " FROM staging.parcel WHERE area_ha > 0"
        " AND abs(ST_Area(geom) / 10000 - area_ha) / area_ha > {}"
    ).format(sql.Literal(AREA_TOLERANCE))
    return _examples(conn, query)


PARCEL = frozenset({"parcel"})
CHECKS: dict[str, Check] = {
    "duplicate_version": Check(duplicate_versions, frozenset(TABLES), fatal=True),
    "invalid_geometry_repaired": Check(repair_invalid, SPATIAL),
    "empty_geometry_dropped": Check(drop_empty, SPATIAL),
    "parcel_id_not_strict": Check(parcel_ids, PARCEL),
    "area_difference_over_5pct": Check(area_differences, PARCEL),
}
