"""Attribute checks: code lists, the legal area against the geometry and the land uses.

The legal area (``poleEwidencyjne``) is the law's: differences are reported, never
"corrected" (domain reference §2). Code lists are data (``etl/codelists.yaml``).
"""

from __future__ import annotations

from psycopg import sql

from etl.checks.model import CheckContext, Found

AREA_TOLERANCE = 0.05  # legal vs geometric area, relative
LAND_USE_TOLERANCE_HA = 0.0001  # one square metre


def land_use_codes(ctx: CheckContext, table: str) -> Found:
    """Land-use contours with an OFU outside the code list."""
    query = sql.SQL(
        "SELECT local_id, contour_id || ': OFU ' || quote_literal(ofu)"
        " FROM staging.land_use_contour WHERE NOT (ofu = ANY(%s))"
    )
    return ctx.found(query, (ctx.codelists["ofu"],))


def soil_class_codes(ctx: CheckContext, table: str) -> Found:
    """Soil-class contours with an OZU or OZK outside the code lists."""
    query = sql.SQL(
        "SELECT local_id, contour_id || ': OZU ' || quote_literal(ozu) || ', OZK '"
        " || coalesce(quote_literal(ozk), '-') FROM staging.soil_class_contour"
        " WHERE NOT (ozu = ANY(%s)) OR (ozk IS NOT NULL AND NOT (ozk = ANY(%s)))"
    )
    return ctx.found(query, (ctx.codelists["ozu"], ctx.codelists["ozk"]))


def parcel_land_use_codes(ctx: CheckContext, table: str) -> Found:
    """Klasoużytki of parcels with codes outside the lists."""
    query = sql.SQL(
        "SELECT DISTINCT p.local_id, p.parcel_id || ': ' || coalesce(u->>'ofu', '-') || '/'"
        " || coalesce(u->>'ozu', '-') || '/' || coalesce(u->>'ozk', '-')"
        " FROM staging.parcel p, jsonb_array_elements(p.land_uses) u"
        " WHERE NOT (coalesce(u->>'ofu', '') = ANY(%s))"
        " OR (u->>'ozu' IS NOT NULL AND NOT (u->>'ozu' = ANY(%s)))"
        " OR (u->>'ozk' IS NOT NULL AND NOT (u->>'ozk' = ANY(%s)))"
    )
    lists = ctx.codelists
    return ctx.found(query, (lists["ofu"], lists["ozu"], lists["ozk"]))


def area_differences(ctx: CheckContext, table: str) -> Found:
    """Legal area differs from the geometric one by more than the tolerance."""
    query = sql.SQL(
        "SELECT local_id, parcel_id || ': ' || area_ha || ' ha legal, '"
        " || round((ST_Area(geom) / 10000)::numeric, 4) || ' ha geometric'"
        " FROM staging.parcel WHERE area_ha > 0"
        " AND abs(ST_Area(geom) / 10000 - area_ha) / area_ha > {}"
        " ORDER BY abs(ST_Area(geom) / 10000 - area_ha) / area_ha DESC"
    ).format(sql.Literal(AREA_TOLERANCE))
    return ctx.found(query)


def land_use_sums(ctx: CheckContext, table: str) -> Found:
    """The areas of a parcel's klasoużytki do not add up to its legal area."""
    query = sql.SQL(
        "SELECT local_id, parcel_id || ': ' || total || ' ha in land uses, ' || area_ha"
        " || ' ha legal' FROM (SELECT local_id, parcel_id, area_ha, round(sum((u->>'area_ha')"
        "::numeric), 4) AS total FROM staging.parcel, jsonb_array_elements(land_uses) u"
        " GROUP BY local_id, parcel_id, area_ha) s WHERE abs(total - area_ha) > {}"
    ).format(sql.Literal(LAND_USE_TOLERANCE_HA))
    return ctx.found(query)
