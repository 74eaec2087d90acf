"""Planning checks: zones of one plan overlapping, zones outside their plan, unknown symbols.

A plan's symbols are its own (domain reference §8): a symbol outside the usual lists is
reported for a person to look at, never refused.
"""

from __future__ import annotations

import re

from psycopg import sql

from etl.checks.model import CheckContext, Found
from etl.checks.topology import overlapping_pairs, reaching_outside, substantial

_DESIGNATION = re.compile(r"^\d*\.?([A-ZŁ]+(?:/[A-ZŁ]+)?)\d*$")


def zone_overlaps(ctx: CheckContext, table: str) -> Found:
    """Pairs of zones of one plan that overlap (both are named)."""
    return overlapping_pairs(ctx, "plan_zone", "zone_id", "plan_id")


def zones_outside_plan(ctx: CheckContext, table: str) -> Found:
    """Zones reaching outside the boundary of their plan."""
    return reaching_outside(ctx, "plan_zone", "zone_id", "plan", "plan_id")


def zone_gaps(ctx: CheckContext, table: str) -> Found:
    """Parts of a plan's area in no zone: a plan assigns every piece of its area (a local
    plan's roads are zones too; a plan ogólny divides the whole gmina into zones)."""
    if not ctx.loaded("plan"):
        return Found()
    query = sql.SQL(
        "SELECT local_id, plan_id || ': ' || round(ST_Area(gap)::numeric, 1) || ' m² in no"
        " zone at ' || round(ST_X(ST_PointOnSurface(gap))) || ' ' || round(ST_Y(ST_PointOnSurface("
        "gap))) FROM (SELECT p.local_id, p.plan_id, (ST_Dump(ST_Difference(p.geom, coalesce(("
        " SELECT ST_Union(z.geom) FROM staging.plan_zone z WHERE z.plan_id = p.plan_id"
        " AND {vz}), 'POLYGON EMPTY'::geometry)))).geom AS gap"
        " FROM staging.plan p WHERE {vp}) g WHERE {s}"
    ).format(s=substantial("gap"), vz=ctx.valid("z", "plan_zone"), vp=ctx.valid("p", "plan"))
    return ctx.found(query)


def zone_designations_twice(ctx: CheckContext, table: str) -> Found:
    """Zones of one plan with the same designation ("1SU" twice)."""
    query = sql.SQL(
        "SELECT local_id, zone_id || ': ' || symbol || ' on each of ' || others FROM (SELECT"
        " local_id, zone_id, symbol, string_agg(zone_id, ', ') OVER w AS others, count(*) OVER w"
        " AS n FROM staging.plan_zone WINDOW w AS (PARTITION BY plan_id, symbol)) z WHERE n > 1"
    )
    return ctx.found(query)


def zone_symbols(ctx: CheckContext, table: str) -> Found:
    """Zone symbols whose designation part is in neither list of usual symbols."""
    known = set(ctx.codelists["plan_zone_local"]) | set(ctx.codelists["plan_zone_general"])
    found = Found()
    for local_id, zone_id, symbol in ctx.rows(
        sql.SQL("SELECT local_id, zone_id, symbol FROM staging.plan_zone")
    ):
        match = _DESIGNATION.match(symbol or "")
        if match is None or match.group(1) not in known:
            found.local_ids.append(str(local_id))
            found.labels.append(f"{zone_id}: symbol {symbol!r}")
    return found
