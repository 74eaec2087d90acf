"""Planning checks: zones of one plan overlapping, zones outside their plan, unknown symbols.

A plan's symbols are its own (domain reference §8): a symbol outside the usual lists is
reported for a person to look at, never refused.
"""

from __future__ import annotations

import re

from psycopg import sql

from etl.checks.model import CheckContext, Found
from etl.checks.topology import overlapping_pairs, reaching_outside

_DESIGNATION = re.compile(r"^\d*\.?([A-ZŁ]+(?:/[A-ZŁ]+)?)\d*$")


def zone_overlaps(ctx: CheckContext, table: str) -> Found:
    """Pairs of zones of one plan that overlap (both are named)."""
    return overlapping_pairs(ctx, "plan_zone", "zone_id", "plan_id")


def zones_outside_plan(ctx: CheckContext, table: str) -> Found:
    """Zones reaching outside the boundary of their plan."""
    return reaching_outside(ctx, "plan_zone", "zone_id", "plan", "plan_id")


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
