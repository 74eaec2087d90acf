"""Expected answers computed independently of the services: plain SQL on ``data``."""

from __future__ import annotations

from geoportal.database import Database


def parcels_in_bbox_2180(database: Database, bbox: tuple[float, float, float, float]) -> set[str]:
    """Current parcel ids whose geometry intersects an EPSG:2180 (easting, northing) box."""
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL AND object_end IS NULL"
            " AND ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))",
            bbox,
        ).fetchall()
    return {row[0] for row in rows}


def parcels_in_bbox_lonlat(database: Database, bbox: tuple[float, float, float, float]) -> set[str]:
    """Current parcel ids intersecting a CRS84 (lon, lat) box, densified before transforming."""
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL AND object_end IS NULL"
            " AND ST_Intersects(geom, ST_Transform("
            "ST_Segmentize(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 0.0005), 2180))",
            bbox,
        ).fetchall()
    return {row[0] for row in rows}


def box_around(x: float, y: float, half: float) -> tuple[float, float, float, float]:
    """A square box around a point."""
    return (x - half, y - half, x + half, y + half)


def current_parcel_ids(database: Database) -> set[str]:
    """Every current parcel id (what a whole-layer download must hold)."""
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL AND object_end IS NULL"
        ).fetchall()
    return {row[0] for row in rows}
