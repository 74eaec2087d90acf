"""What a request names, checked against the published register (``publish`` views).

Shared by every intake channel (the web forms, the e-delivery inbox): which parcels
exist, where a report's place given as a parcel is, whether a place is in the county.
(How many zones a planning wypis lists, for its fee, is the document's own reading:
:func:`geoportal.documents.planning.listed_zones`.)
"""

from __future__ import annotations

from decimal import Decimal

import psycopg


def existing_parcels(conn: psycopg.Connection, ids: list[str]) -> set[str]:
    """The ids among ``ids`` that name current parcels."""
    if not ids:
        return set()
    with conn.transaction():
        rows = conn.execute(
            "SELECT parcel_id FROM publish.parcels WHERE parcel_id = ANY(%s)", (ids,)
        ).fetchall()
    return {row[0] for row in rows}


def point_in_parcel(conn: psycopg.Connection, parcel_id: str) -> tuple[Decimal, Decimal] | None:
    """A point inside the current parcel (to the centimetre), or None if there is none."""
    with conn.transaction():
        row = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p"
            " FROM publish.parcels WHERE parcel_id = %s LIMIT 1) s",
            (parcel_id,),
        ).fetchone()
    if row is None:
        return None
    x, y = (Decimal(str(value)).quantize(Decimal("0.01")) for value in row)
    return x, y


def in_county(conn: psycopg.Connection, x: Decimal, y: Decimal) -> bool:
    """Whether the point (EPSG:2180) lies in one of the county's cadastral districts."""
    with conn.transaction():
        row = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM publish.districts"
            " WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180)))",
            (float(x), float(y)),
        ).fetchone()
    return bool(row and row[0])
