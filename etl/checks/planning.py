"""Planning checks: zones of one plan overlapping, zones outside their plan, unknown symbols.

A plan's symbols are its own (domain reference §8): a symbol outside the usual lists is
reported for a person to look at, never refused. Zones of local plans (``plan_zone``) and
of general plans (``general_plan_zone``) are checked alike; the column holding a zone's
marking ("1MN", "1SJ") is ``MARKING`` of its table.
"""

from __future__ import annotations

import re

from psycopg import sql

from etl.checks.model import CheckContext, Found
from etl.checks.topology import overlapping_pairs, reaching_outside, substantial

_DESIGNATION = re.compile(r"^\d*\.?([A-ZŁ]+(?:/[A-ZŁ]+)?)\d*$")
MARKING = {"plan_zone": "symbol", "general_plan_zone": "oznaczenie"}
# A general plan's zone parameters are given "z dokładnością do pierwszego miejsca po
# przecinku" (app2.xsd, the annotations of StrefaPlanistyczna's four parameters).
PARAMETERS = ("max_intensity", "max_built_share", "max_height_m", "min_bio_share")
ZONE_TABLES = tuple(MARKING)


def zone_overlaps(ctx: CheckContext, table: str) -> Found:
    """Pairs of zones of one plan that overlap (both are named)."""
    return overlapping_pairs(ctx, table, "zone_id", "plan_id")


def zones_outside_plan(ctx: CheckContext, table: str) -> Found:
    """Zones reaching outside the boundary of their plan."""
    return reaching_outside(ctx, table, "zone_id", "plan", "plan_id")


def zone_gaps(ctx: CheckContext, table: str) -> Found:
    """Parts of a plan's area in no zone: a plan assigns every piece of its area (a local
    plan's roads are zones too; a plan ogólny divides the whole gmina into zones).

    Zones of both kinds count, so the check runs once, for the first zone table loaded.
    """
    loaded = [t for t in ZONE_TABLES if ctx.loaded(t)]
    if not ctx.loaded("plan") or loaded[:1] != [table]:
        return Found()
    zones = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT z.plan_id, z.geom FROM {t} z WHERE {v}").format(
            t=sql.Identifier("staging", t), v=ctx.valid("z", t))
        for t in loaded
    )  # fmt: skip
    query = sql.SQL(
        "SELECT local_id, plan_id || ': ' || round(ST_Area(gap)::numeric, 1) || ' m² in no"
        " zone at ' || round(ST_X(ST_PointOnSurface(gap))) || ' ' || round(ST_Y(ST_PointOnSurface("
        "gap))) FROM (SELECT p.local_id, p.plan_id, (ST_Dump(ST_Difference(p.geom, coalesce(("
        " SELECT ST_Union(z.geom) FROM ({zones}) z WHERE z.plan_id = p.plan_id),"
        " 'POLYGON EMPTY'::geometry)))).geom AS gap"
        " FROM staging.plan p WHERE {vp}) g WHERE {s}"
    ).format(s=substantial("gap"), zones=zones, vp=ctx.valid("p", "plan"))
    return ctx.found(query)


def zone_designations_twice(ctx: CheckContext, table: str) -> Found:
    """Zones of one plan with the same designation ("1SU" twice)."""
    query = sql.SQL(
        "SELECT local_id, zone_id || ': ' || {m} || ' on each of ' || others FROM (SELECT"
        " local_id, zone_id, {m}, string_agg(zone_id, ', ') OVER w AS others, count(*) OVER w"
        " AS n FROM {t} WINDOW w AS (PARTITION BY plan_id, {m})) z WHERE n > 1"
    ).format(m=sql.Identifier(MARKING[table]), t=sql.Identifier("staging", table))
    return ctx.found(query)


def zone_symbols(ctx: CheckContext, table: str) -> Found:
    """Zone markings whose symbol part is not a usual one: a general plan's among the 13
    zone kinds of the act, a local plan's among either list (older plans borrow)."""
    known = set(ctx.codelists["plan_zone_general"])
    if table == "plan_zone":
        known |= set(ctx.codelists["plan_zone_local"])
    found = Found()
    for local_id, zone_id, symbol in ctx.rows(
        sql.SQL("SELECT local_id, zone_id, {m} FROM {t}").format(
            m=sql.Identifier(MARKING[table]), t=sql.Identifier("staging", table))
    ):  # fmt: skip
        match = _DESIGNATION.match(symbol or "")
        if match is None or match.group(1) not in known:
            found.local_ids.append(str(local_id))
            found.labels.append(f"{zone_id}: symbol {symbol!r}")
    return found


def parameter_precision(ctx: CheckContext, table: str) -> Found:
    """General plan zones whose parameters have more than the one decimal APP 2.0 asks."""
    found = Found()
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in PARAMETERS)
    query = sql.SQL("SELECT local_id, zone_id, {c} FROM {t}").format(
        c=columns, t=sql.Identifier("staging", table)
    )
    for local_id, zone_id, *values in ctx.rows(query):
        wrong = [
            f"{name} {value}"
            for name, value in zip(PARAMETERS, values, strict=True)
            if value is not None and value != round(value, 1)
        ]
        if wrong:
            found.local_ids.append(str(local_id))
            found.labels.append(f"{zone_id}: {', '.join(wrong)}")
    return found
