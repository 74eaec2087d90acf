"""The time slider's request: parcels as they were on a day, in a 1:5 000 view.

Ours: ``/api/historia/dzialki?date=…&bbox=…`` through gunicorn (a keep-alive client), for
today and for the oldest day of the data, in a 1,500 m × 1,000 m box at the county's
centre. The floor: the same box's current parcels as GeoJSON assembled by PostgreSQL from
``publish.parcels`` (whose GiST index covers current versions only), as the public role.
The ratio is what reading all versions and the web layer add. ``python -m benchmarks.asof``
"""

from __future__ import annotations

import sys

from benchmarks.client import Client
from benchmarks.instance import running_instance
from benchmarks.timing import median_ms, report
from geoportal.instance import Instance

PLAIN_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
         json_build_object('type', 'Feature',
                           'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
                           'properties', json_build_object('parcel_id', parcel_id,
                                                           'number', number,
                                                           'area_ha', area_ha))), '[]'))
  FROM publish.parcels WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 2180)
"""


def view_box(instance: Instance) -> tuple[float, float, float, float]:
    """A 1,500 m × 1,000 m box (a 1:5 000 screen) at the centre of the parcels."""
    with instance.database.connect("public") as conn:
        row = conn.execute(
            "SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(ST_Extent(geom)::geometry) AS c"
            " FROM publish.parcels) e"
        ).fetchone()
    assert row is not None
    x, y = row
    return x - 750, y - 500, x + 750, y + 500


def bench_asof(instance: Instance, repeat: int) -> None:
    """Print medians of the as-of request (today, oldest day) and of the plain SQL."""
    box = view_box(instance)
    session = Client()
    base = f"{instance.settings.base_url}/api/historia"
    span = session.get(base, timeout=30).json()
    with instance.database.connect("public") as conn:
        plain = median_ms(lambda: conn.execute(PLAIN_SQL, box).fetchone(), repeat)
        row = conn.execute(PLAIN_SQL, box).fetchone()
    current = len(row[0]["features"]) if row else 0
    for label, day in (("today", span["last"]), ("oldest day", span["first"])):
        params = {"date": day, "bbox": ",".join(f"{v:.1f}" for v in box)}
        answer = session.get(f"{base}/dzialki", params=params, timeout=30)
        assert answer.status_code == 200, answer.text[:200]
        count = len(answer.json()["features"])
        ours = median_ms(
            lambda params=params: session.get(f"{base}/dzialki", params=params, timeout=30).content,
            repeat,
        )
        report(f"as-of {label} ({count} vs {current} parcels)", ours, plain, "current SQL")


def main() -> int:
    """Start an instance (the demo county, loaded if empty) and run the benchmark."""
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with running_instance() as instance:
        bench_asof(instance, repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
