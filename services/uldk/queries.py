"""The SQL behind each ULDK request: fixed statements over the ``publish`` views.

Every statement is one of the constants below, composed from fixed fragments with
:mod:`psycopg.sql`; what the client sent only ever travels as a bound parameter. Each
kind of object has a *source* selecting the same columns (``teryt, parcel, region,
commune, function, geom, distance``), filtered to the county and to one of a few fixed
conditions; the outer statement transforms the geometry to the output CRS, writes only
the encodings asked for, orders the rows and caps their number.

Indexes: parcels by id (``parcel_id_current``), by number (``parcel_number_current``) and
by point (``parcel_geom_current``), buildings and obręby likewise; gminy and the county
come from the few cadastral units of the county (``publish.cadastral_units``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg import sql

from services.uldk.protocol import Kind

# Fragments the templates name in braces ({point}, {union}, {where}); psycopg.sql composes
# them, so no statement is ever built by string formatting.
POINT = "ST_SetSRID(ST_MakePoint(%(x)s::float8, %(y)s::float8), 2180)"
# One unit is its gmina as it stands; two (town and rural area) are merged.
UNION = "CASE WHEN count(*) = 1 THEN (array_agg(u.geom))[1] ELSE ST_Union(u.geom) END"

PARCELS = """
SELECT p.parcel_id AS teryt, p.number AS parcel, coalesce(p.district_name, '') AS region,
       coalesce(u.gmina_name, '') AS commune, '' AS function, p.geom, NULL::float8 AS distance
  FROM publish.parcels p
  LEFT JOIN publish.cadastral_units u ON u.unit_id = split_part(p.parcel_id, '.', 1)
 WHERE left(p.parcel_id, 4) = %(county)s AND ({where})
"""
BUILDINGS = """
SELECT b.building_id AS teryt,
       CASE WHEN cardinality(string_to_array(b.building_id, '.')) = 4
            THEN split_part(b.building_id, '.', 3) ELSE '' END AS parcel,
       coalesce(d.name, '') AS region, coalesce(u.gmina_name, '') AS commune,
       coalesce(b.kst_type, '') AS function, b.geom, NULL::float8 AS distance
  FROM publish.buildings b
  LEFT JOIN publish.districts d
         ON d.district_id = split_part(b.building_id, '.', 1) || '.' || split_part(b.building_id, '.', 2)
  LEFT JOIN publish.cadastral_units u ON u.unit_id = split_part(b.building_id, '.', 1)
 WHERE left(b.building_id, 4) = %(county)s AND ({where})
"""  # noqa: E501
REGIONS = """
SELECT d.district_id AS teryt, '' AS parcel, d.name AS region,
       coalesce(u.gmina_name, '') AS commune, '' AS function, d.geom, NULL::float8 AS distance
  FROM publish.districts d
  LEFT JOIN publish.cadastral_units u ON u.unit_id = d.unit_id
 WHERE left(d.district_id, 4) = %(county)s AND ({where})
"""
COMMUNES = """
SELECT u.gmina_id AS teryt, '' AS parcel, '' AS region, min(u.gmina_name) AS commune,
       '' AS function, {union} AS geom, NULL::float8 AS distance
  FROM publish.cadastral_units u
 WHERE left(u.gmina_id, 4) = %(county)s AND ({where})
 GROUP BY u.gmina_id
"""
COUNTIES = """
SELECT left(u.unit_id, 4) AS teryt, '' AS parcel, '' AS region, '' AS commune,
       '' AS function, {union} AS geom, NULL::float8 AS distance
  FROM publish.cadastral_units u
 WHERE left(u.unit_id, 4) = %(county)s AND ({where})
 GROUP BY left(u.unit_id, 4)
"""
AGGREGATE = """
SELECT '' AS teryt, '' AS parcel, '' AS region, '' AS commune, '' AS function,
       ST_Union(s.geom) AS geom, NULL::float8 AS distance
  FROM (SELECT p.parcel_id AS key, p.geom FROM publish.parcels p
         WHERE p.parcel_id = ANY(%(parcels)s::text[]) AND left(p.parcel_id, 4) = %(county)s
        UNION ALL
        SELECT d.district_id, d.geom FROM publish.districts d
         WHERE d.district_id = ANY(%(regions)s::text[]) AND left(d.district_id, 4) = %(county)s
        UNION ALL
        SELECT u.gmina_id, u.geom FROM publish.cadastral_units u
         WHERE u.gmina_id = ANY(%(communes)s::text[]) AND left(u.gmina_id, 4) = %(county)s) s
HAVING count(DISTINCT s.key) = %(count)s::int
"""
# The nearest boundary point of the parcels within the radius (ties: the first vertex).
VERTEX = """
SELECT '' AS teryt, '' AS parcel, '' AS region, '' AS commune, '' AS function,
       v.geom, ST_Distance(v.geom, pt.g) AS distance
  FROM (SELECT {point} AS g) pt
  JOIN publish.parcels p ON ST_DWithin(p.geom, pt.g, %(radius)s::float8)
 CROSS JOIN LATERAL ST_DumpPoints(p.geom) v
 WHERE left(p.parcel_id, 4) = %(county)s AND ST_DWithin(v.geom, pt.g, %(radius)s::float8)
 ORDER BY distance, p.parcel_id, v.path
 LIMIT 1
"""

SOURCES: dict[Kind, str] = {
    Kind.PARCEL: PARCELS, Kind.BUILDING: BUILDINGS, Kind.REGION: REGIONS,
    Kind.COMMUNE: COMMUNES, Kind.COUNTY: COUNTIES,
}  # fmt: skip

# Conditions, by kind and by how the request names the object.
BY_ID: dict[Kind, str] = {
    Kind.PARCEL: "p.parcel_id = %(id)s"
    " OR (p.number = %(number)s AND starts_with(p.parcel_id, %(sheet_prefix)s))",
    Kind.BUILDING: "b.building_id = %(id)s",
    Kind.REGION: "d.district_id = %(id)s",
    Kind.COMMUNE: "u.gmina_id = %(id)s",
    Kind.COUNTY: "left(u.unit_id, 4) = %(id)s",
}
BY_POINT: dict[Kind, str] = {
    Kind.PARCEL: "ST_Intersects(p.geom, {point})",
    Kind.BUILDING: "ST_Intersects(b.geom, {point})",
    Kind.REGION: "ST_Intersects(d.geom, {point})",
    Kind.COMMUNE: "u.gmina_id IN (SELECT c.gmina_id FROM publish.cadastral_units c"
    " WHERE ST_Intersects(c.geom, {point}))",
    Kind.COUNTY: "EXISTS (SELECT 1 FROM publish.cadastral_units c"
    " WHERE left(c.unit_id, 4) = %(county)s AND ST_Intersects(c.geom, {point}))",
}
BY_NAME_AND_NUMBER = "p.number = %(number)s AND lower(p.district_name) = lower(%(name)s)"

OUTER = """
SELECT o.teryt, o.parcel, o.region, o.commune, o.function, {wkb}, {wkt}, {extent}, o.distance
  FROM ({source}) o
 CROSS JOIN LATERAL (
       SELECT ST_Transform(CASE WHEN ST_NumGeometries(o.geom) = 1 THEN ST_GeometryN(o.geom, 1)
                                ELSE o.geom END, %(srid)s::int) AS geom) g
 ORDER BY o.teryt, o.distance
 LIMIT %(limit)s::int
"""
ENCODINGS = {
    "geom_wkb": "upper(encode(ST_AsEWKB(g.geom), 'hex'))",  # PostGIS's own text form
    "geom_wkt": "ST_AsEWKT(g.geom)",
    "geom_extent": "ARRAY[ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)]",
}


@dataclass(frozen=True)
class Statement:
    """SQL and its parameters, ready for ``cursor.execute``."""

    query: sql.Composed
    params: dict[str, Any]


@dataclass(frozen=True)
class Found:
    """One object of an answer; encodings not asked for are None."""

    teryt: str
    parcel: str
    region: str
    commune: str
    function: str
    wkb: str | None
    wkt: str | None
    extent: list[float] | None
    distance: float | None


def statement(source: str, where: str, fields: tuple[str, ...],
              params: dict[str, Any]) -> Statement:  # fmt: skip
    """The outer statement around a source and a condition, both constants of this module."""
    fragments = {"point": sql.SQL(POINT), "union": sql.SQL(UNION)}
    condition = sql.SQL(where).format(**fragments)
    inner = sql.SQL(source).format(where=condition, **fragments)
    encodings = {name[5:]: sql.SQL(ENCODINGS[name] if name in fields else "NULL")
                 for name in ENCODINGS}  # fmt: skip
    return Statement(sql.SQL(OUTER).format(source=inner, **encodings), params)
