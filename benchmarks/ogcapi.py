"""OGC API Features: a bbox query against the plain SQL answering it, and throughput
with 8 clients against TiPg on the same view and the same boxes."""

from __future__ import annotations

from benchmarks.client import Client
from benchmarks.instance import county_centre
from benchmarks.peers import paired_throughput, tipg_server
from benchmarks.timing import paired_ms, report
from geoportal.database import Database
from geoportal.instance import Instance
from services.edge.internal import HEADER, internal_token

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
    session = Client()
    features = session.get(url, params=params, timeout=30).json()["features"]
    assert len(features) == 100, len(features)
    with instance.database.connect("public") as conn:
        ours, plain = paired_ms(
            lambda: session.get(url, params=params, timeout=30).content,
            lambda: conn.execute(PLAIN_SQL, bbox).fetchone(),
            repeat,
        )
    report("OGC API items, bbox, 100 parcels", ours, plain, "plain SQL")


def _boxes_around(bbox: tuple[float, float, float, float], count: int = 16) -> list[str]:
    """``count`` boxes of ``bbox``'s size in a ring around it: many answers, none cached."""
    x0, y0, x1, y1 = bbox
    width, height = x1 - x0, y1 - y0
    shifts = [(i % 4 - 1.5, i // 4 - 1.5) for i in range(count)]
    return [f"{x0 + dx * width:.6f},{y0 + dy * height:.6f},{x1 + dx * width:.6f},"
            f"{y1 + dy * height:.6f}" for dx, dy in shifts]  # fmt: skip


def bench_ogcapi_throughput(instance: Instance) -> None:
    """Bbox pages of 100 parcels per second with 8 clients: ours against TiPg."""
    boxes = _boxes_around(_bbox_with_about_100_parcels(instance.database))
    ours_url = f"{instance.settings.base_url}/ogc/collections/parcels/items"
    # The rate limit is for one person's client; the portal's own header keeps it out.
    internal = {HEADER: internal_token(instance.settings.runtime_dir)}
    # The same answer from both: a GeoJSON FeatureCollection. TiPg's f=json is another,
    # lighter format (a bare list of properties with the geometry as EWKT text).
    with tipg_server(instance) as tipg_base:
        peer_url = f"{tipg_base}/collections/publish.parcels/items"
        ours, peer = paired_throughput(
            [f"{ours_url}?limit=100&f=json&bbox={box}" for box in boxes],
            [f"{peer_url}?limit=100&f=geojson&bbox={box}" for box in boxes],
            internal,
        )
    print(f"{'OGC API items throughput, 8 clients':42} ours {ours:8.1f} /s   "
          f"TiPg {peer:8.1f} /s   ratio {ours / peer:6.2f}x")  # fmt: skip
