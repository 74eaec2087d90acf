"""Geometry checks: empty, invalid, repeated vertices, off the centimetre grid, misplaced, slivers.

Run in this order (the registry's): repairs first (invalid, repeated vertices, precision),
because ``ST_ReducePrecision`` throws on invalid input and snapping can make a geometry
invalid again — the precision repair validates what it snapped. Only the invalid ones are
passed to ``ST_MakeValid`` (all of them took 3–7× longer in the stack notes' measurement).
"""

from __future__ import annotations

from psycopg import sql

from etl.checks.labels import label, staging
from etl.checks.model import CheckContext, Found
from geoportal.crs import POLAND_2180, STORAGE_EPSG

GRID_M = 0.01  # EGiB coordinates are given to the centimetre
SLIVER_AREA_M2 = 1.0  # smaller than any parcel or building
SLIVER_SHAPE = 0.02  # 4πA/P²: 1 for a circle, ~0 for a needle…
SLIVER_THIN_M2 = 100.0  # …but strip fields are thin too: only small thin ones are slivers
NULLABLE_GEOMETRY = frozenset({"address"})


def _fixed(geometry: sql.Composable) -> sql.Composed:
    """A repaired geometry of the same dimension (polygons stay MultiPolygons)."""
    return sql.SQL(
        "CASE WHEN ST_Dimension(geom) = 2 THEN ST_Multi(ST_CollectionExtract({g}, 3)) ELSE {g} END"
    ).format(g=geometry)


def empty(ctx: CheckContext, table: str) -> Found:
    """Objects without a geometry where the table needs one."""
    missing = sql.SQL("ST_IsEmpty(geom)" if table in NULLABLE_GEOMETRY else
                      "geom IS NULL OR ST_IsEmpty(geom)")  # fmt: skip
    query = sql.SQL("SELECT local_id, {l} FROM {t} s WHERE {m}").format(
        l=label(table), t=staging(table), m=missing
    )
    return ctx.found(query)


def invalid(ctx: CheckContext, table: str) -> Found:
    """Invalid geometries (self-intersections, bow-ties, unclosed rings), with the reason."""
    query = sql.SQL(
        "SELECT local_id, {l} || ': ' || ST_IsValidReason(geom) FROM {t} s"
        " WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)"
    ).format(l=label(table), t=staging(table))
    found = ctx.found(query)
    if ctx.repair and found.count:
        repair = sql.SQL(
            "UPDATE {t} SET geom = {f} WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)"
            " RETURNING local_id, round(ST_Area(geom)::numeric, 2), ST_NumGeometries(geom)"
        ).format(t=staging(table), f=_fixed(sql.SQL("ST_MakeValid(geom)")))
        after = {str(r[0]): r for r in ctx.conn.execute(repair).fetchall()}
        found.repaired = len(after)
        found.labels = [  # before: the reason; after: what the repair made of it
            f"{text} → valid: {after[lid][1]} m², {after[lid][2]} part(s)" if lid in after else text
            for lid, text in zip(found.local_ids, found.labels, strict=True)
        ]
    else:
        ctx.invalid[table] = found.local_ids
    return found


def repeated_vertices(ctx: CheckContext, table: str) -> Found:
    """Consecutive duplicated vertices (harmless to draw, wrong in an exchange file)."""
    query = sql.SQL(
        "SELECT local_id, {l} || ': ' || (ST_NPoints(geom) - ST_NPoints("
        "ST_RemoveRepeatedPoints(geom)))::text || ' repeated vertices' FROM {t} s"
        " WHERE geom IS NOT NULL AND ST_NPoints(ST_RemoveRepeatedPoints(geom)) < ST_NPoints(geom)"
    ).format(l=label(table), t=staging(table))
    found = ctx.found(query)
    if ctx.repair and found.count:
        repair = sql.SQL(
            "UPDATE {t} SET geom = ST_RemoveRepeatedPoints(geom) WHERE geom IS NOT NULL"
            " AND ST_NPoints(ST_RemoveRepeatedPoints(geom)) < ST_NPoints(geom)"
        ).format(t=staging(table))
        found.repaired = ctx.conn.execute(repair).rowcount
    return found


def off_grid(ctx: CheckContext, table: str) -> Found:
    """Coordinates finer than a centimetre (noise from a transformation or a CAD export)."""
    # Detected against the grid (SnapToGrid keeps the vertices in order), repaired
    # robustly (ReducePrecision keeps polygons polygons), then validated again.
    grid = sql.Literal(GRID_M)
    snapped = sql.SQL("ST_ReducePrecision(geom, {})").format(grid)
    where = sql.SQL(
        "geom IS NOT NULL AND ST_IsValid(geom)"
        " AND ST_HausdorffDistance(geom, ST_SnapToGrid(geom, {})) > {}"
    ).format(grid, sql.Literal(GRID_M / 10))  # binary floats never sit exactly on the grid
    query = sql.SQL("SELECT local_id, {l} FROM {t} s WHERE {w}").format(
        l=label(table), t=staging(table), w=where
    )
    found = ctx.found(query)
    if ctx.repair and found.count:
        repair = sql.SQL("UPDATE {t} SET geom = {f} WHERE {w}").format(
            t=staging(table), f=_fixed(sql.SQL("ST_MakeValid({})").format(snapped)), w=where
        )
        found.repaired = ctx.conn.execute(repair).rowcount
    return found


def outside_poland(ctx: CheckContext, table: str) -> Found:
    """Geometries outside the area of EPSG:2180 over Poland: swapped axes, a wrong CRS."""
    return _outside(ctx, table, POLAND_2180, "outside Poland (EPSG:2180)")


def outside_county(ctx: CheckContext, table: str) -> Found:
    """Geometries outside the county's extent (site file): another county's data."""
    return _outside(ctx, table, ctx.site.extent, f"outside the county {ctx.site.county.teryt}")


def _outside(
    ctx: CheckContext, table: str, box: tuple[float, float, float, float], what: str
) -> Found:
    query = sql.SQL(
        "SELECT local_id, {l} || {w} FROM {t} s WHERE geom IS NOT NULL AND NOT ST_Intersects("
        "geom, ST_MakeEnvelope(%s, %s, %s, %s, {srid}))"
    ).format(l=label(table), w=sql.Literal(": " + what), t=staging(table),
             srid=sql.Literal(STORAGE_EPSG))  # fmt: skip
    return ctx.found(query, box)


def slivers(ctx: CheckContext, table: str) -> Found:
    """Needle-thin or tiny polygons (digitising leftovers)."""
    query = sql.SQL(
        "SELECT local_id, {l} || ': ' || round(ST_Area(geom)::numeric, 2) || ' m²' FROM {t} s"
        " WHERE ST_Dimension(geom) = 2 AND (ST_Area(geom) < {a} OR (ST_Area(geom) < {s}"
        " AND 4 * pi() * ST_Area(geom) / nullif(ST_Perimeter(geom) ^ 2, 0) < {k}))"
    ).format(l=label(table), t=staging(table), a=sql.Literal(SLIVER_AREA_M2),
             s=sql.Literal(SLIVER_THIN_M2), k=sql.Literal(SLIVER_SHAPE))  # fmt: skip
    return ctx.found(query)
