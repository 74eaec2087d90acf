"""What a request names, checked against the published register (``publish`` views).

Shared by every intake channel (the web forms, the e-delivery inbox): which parcels
exist, and how many plan zones cover them (the planning wypis has a part per zone).
"""

from __future__ import annotations

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


def count_zones(conn: psycopg.Connection, parcel_ids: list[str]) -> int:
    """How many plan zones cover the parcels (more than a sliver of 0.01 m²)."""
    with conn.transaction():
        row = conn.execute(
            "SELECT count(DISTINCT z.zone_id) FROM publish.plan_zones z"
            " JOIN publish.parcels p ON ST_Intersects(z.geom, p.geom)"
            " AND ST_Area(ST_Intersection(z.geom, p.geom)) > 0.01"
            " WHERE p.parcel_id = ANY(%s)",
            (parcel_ids,),
        ).fetchone()
    return int(row[0]) if row else 0
