"""OGC API Features bbox query vs the plain SQL answering it."""

from __future__ import annotations

import requests

from benchmarks.instance import county_centre
from benchmarks.timing import median_ms, report
from geoportal.database import Database
from geoportal.instance import Instance

PLAIN_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
         json_build_object('type', 'Feature', 'id', gid,
                           'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
                           'properties', to_jsonb(p) - 'geom' - 'gid')), '[]'))
  FROM (SELECT * FROM publish.parcels
         WHERE geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 2180)
         ORDER BY gid LIMIT 100) p
"""


def _bbox_with_about_100_parcels(database: Database) -> tuple[float, float, float, float]:
    lon, lat = county_centre(database)
    with database.connect("public") as conn:
        half = 0.002
        while half < 0.2:
            bbox = (lon - half, lat - half / 1.6, lon + half, lat + half / 1.6)
            count = conn.execute(
                "SELECT count(*) FROM publish.parcels"
                " WHERE geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 2180)",
                bbox,
            ).fetchone()
            if count and count[0] >= 100:
                return bbox
            half *= 1.3
    raise RuntimeError("no bbox with 100 parcels in the demo county")


def bench_ogcapi_bbox(instance: Instance, repeat: int) -> None:
    """Print medians of the OGC API items request and of the plain SQL, and their ratio."""
    bbox = _bbox_with_about_100_parcels(instance.database)
    url = f"{instance.settings.base_url}/ogc/collections/parcels/items"
    params = {"bbox": ",".join(f"{value:.6f}" for value in bbox), "limit": "100", "f": "json"}
    session = requests.Session()
    features = session.get(url, params=params, timeout=30).json()["features"]
    assert len(features) == 100, len(features)
    ours = median_ms(lambda: session.get(url, params=params, timeout=30).content, repeat)
    with instance.database.connect("public") as conn:
        plain = median_ms(lambda: conn.execute(PLAIN_SQL, bbox).fetchone(), repeat)
    report("OGC API items, bbox, 100 parcels", ours, plain, "plain SQL")
