"""ULDK GetParcelByXY through the application vs the plain SQL answering it.

Two peers. The plain SQL is the database floor: one statement as the public reader over
a kept connection, the parcel containing the point and its hex EWKB, no HTTP. The same
request for a point far from Poland is the HTTP floor: the whole stack (gunicorn, rate
limiter, headers, reading the request) answers it without a query. The points are
interior points of parcels spread over the county, visited in turn. At ~300 requests a
second the benchmark would be a flood to the rate limiter: it sends the portal's internal
header, which the limiter lets through (one token-bucket check less).
"""

from __future__ import annotations

import itertools

from benchmarks.client import Client
from benchmarks.timing import median_ms, report
from geoportal.instance import Instance
from services.edge.internal import HEADER, internal_token

PLAIN_SQL = """
SELECT parcel_id, upper(encode(ST_AsEWKB(ST_GeometryN(geom, 1)), 'hex')) FROM publish.parcels
 WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180))
"""


def _points(instance: Instance, count: int = 50) -> list[tuple[float, float]]:
    with instance.database.connect("public") as conn:
        rows = conn.execute(
            "SELECT ST_X(pt), ST_Y(pt) FROM (SELECT ST_PointOnSurface(geom) AS pt, parcel_id"
            " FROM publish.parcels ORDER BY md5(parcel_id) LIMIT %s) p",
            (count,),
        ).fetchall()
    return [(float(x), float(y)) for x, y in rows]


def bench_uldk_by_xy(instance: Instance, repeat: int) -> None:
    """Print medians of GetParcelByXY through /uldk and of the plain SQL, and their ratio."""
    points = _points(instance)
    session = Client()
    session.headers[HEADER] = internal_token(instance.settings.runtime_dir)
    url = f"{instance.settings.base_url}/uldk"

    def ask(point: tuple[float, float]) -> str:
        params = {"request": "GetParcelByXY", "xy": f"{point[0]},{point[1]}",
                  "result": "teryt,geom_wkb"}  # fmt: skip
        text = session.get(url, params=params, timeout=30).text
        assert text.startswith("0\n"), text[:200]
        return text

    cycle = itertools.cycle(points)
    ours = median_ms(lambda: ask(next(cycle)), repeat)
    far = {"request": "GetParcelByXY", "xy": "2.35,48.85,4326", "result": "teryt,geom_wkb"}
    floor = median_ms(lambda: session.get(url, params=far, timeout=30).text, repeat)
    with instance.database.connect("public") as conn:
        conn.execute("SET jit = off")  # as the application's pooled connections
        cycle = itertools.cycle(points)
        plain = median_ms(lambda: conn.execute(PLAIN_SQL, next(cycle)).fetchall(), repeat)
    report("ULDK GetParcelByXY, one parcel", ours, plain, "plain SQL")
    report("ULDK GetParcelByXY, one parcel", ours, floor, "no query")
