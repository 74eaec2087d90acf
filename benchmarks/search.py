"""Search suggestions as a person types: p50 and p95 over a few hundred typed prefixes.

The prefixes are what a person types, sign by sign, for parcels (obręb name and number,
full ids), addresses (locality, street, number; villages without streets), obręb and gmina
names and coordinates, taken from the loaded county. Each prefix is one request of the
viewer's combobox (``/api/search?q=…&limit=8``) through gunicorn on a keep-alive client.

The floor, measured in the same run on the same prefixes, is the finder itself in this
process: the same SQL statements over one pooled connection of the public role, without
HTTP, Flask or JSON. The ratio is what the web layer adds. ``python -m benchmarks.search``
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterable

from benchmarks.client import Client
from benchmarks.instance import running_instance
from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.search.finder import Finder

SUGGESTIONS = 8  # what the viewer asks for (web/viewer/pageconfig.py)


def typed_prefixes(database: Database, per_kind: int = 12) -> list[str]:
    """Every prefix of at least two signs of realistic search texts from the database."""
    with database.connect("public") as conn:
        parcels = conn.execute(
            "SELECT district_name, number, parcel_id FROM publish.search_parcels"
            " ORDER BY md5(parcel_id) LIMIT %s",
            (per_kind,),
        ).fetchall()
        addresses = conn.execute(
            "SELECT locality, street, house_number FROM publish.search_addresses"
            " ORDER BY md5(gid::text || locality) LIMIT %s",
            (per_kind,),
        ).fetchall()
        places = conn.execute(
            "SELECT name FROM publish.search_places ORDER BY md5(id) LIMIT %s", (per_kind // 2,)
        ).fetchall()
        points = conn.execute(
            "SELECT ST_Y(pt), ST_X(pt), ST_X(p2), ST_Y(p2) FROM (SELECT"
            " ST_Transform(ST_PointOnSurface(geom), 4326) AS pt, ST_PointOnSurface(geom) AS p2"
            " FROM publish.search_parcels ORDER BY md5(parcel_id) LIMIT 3) s"
        ).fetchall()
    texts = [f"{name} {number}" for name, number, _ in parcels]
    texts += [parcel_id for _, _, parcel_id in parcels[: per_kind // 3]]
    texts += [f"{loc}, {street} {no}" if street else f"{loc} {no}" for loc, street, no in addresses]
    texts += [name for (name,) in places]
    texts += [f"{lat:.5f}, {lon:.5f}" for lat, lon, _, _ in points]
    texts += [f"{x:.2f} {y:.2f}" for _, _, x, y in points]
    return [text[:end] for text in texts for end in range(2, len(text) + 1) if text[:end].strip()]


def percentiles(action: Callable[[str], object], prefixes: Iterable[str]) -> tuple[float, float]:
    """p50 and p95 wall time of ``action`` over the prefixes, in milliseconds."""
    samples = []
    for prefix in prefixes:
        started = time.perf_counter()
        action(prefix)
        samples.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def bench_search(instance: Instance, rounds: int = 1) -> None:
    """Print p50 and p95 of the suggestions through HTTP and of the finder in process."""
    prefixes = typed_prefixes(instance.database) * rounds
    url = f"{instance.settings.base_url}/api/search"
    session = Client()

    def over_http(prefix: str) -> None:
        response = session.get(url, params={"q": prefix, "limit": SUGGESTIONS}, timeout=30)
        assert response.status_code == 200, (prefix, response.status_code)

    finder = Finder(instance.database, tuple(instance.site.extent))  # type: ignore[arg-type]
    for prefix in prefixes[:20]:  # warm both paths: pools, plans, page cache
        over_http(prefix)
        finder.search(prefix, SUGGESTIONS)
    ours = percentiles(over_http, prefixes)
    floor = percentiles(lambda prefix: finder.search(prefix, SUGGESTIONS), prefixes)
    with instance.database.connect("public") as conn:
        row = conn.execute("SELECT count(*) FROM publish.search_parcels").fetchone()
    parcels = row[0] if row else 0
    label = f"{len(prefixes)} typed prefixes, {parcels:,} parcels"
    for name, index in (("p50", 0), ("p95", 1)):
        print(
            f"search suggestions {name} ({label})  ours {ours[index]:7.2f} ms"
            f"   finder in-process {floor[index]:7.2f} ms"
            f"   ratio {ours[index] / floor[index]:5.2f}x"
        )


def main() -> int:
    """Start an instance (the demo county, loaded if empty) and run the search benchmark."""
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    with running_instance() as instance:
        bench_search(instance, rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
