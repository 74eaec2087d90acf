"""Run the benchmarks against a real instance: ``make bench`` or ``python -m benchmarks``.

1. A cached WMTS tile through our application (gunicorn → the cache-hit fast path) against
   the same tile file served by a static file server (Python's threaded ``http.server``),
   same client; and against stock MapProxy in the same gunicorn set-up, one client and
   16 connections, then both behind the same nginx: ours as ``geoportal front nginx``
   writes it (``benchmarks/tilehits.py``).
2. An OGC API Features bbox query (~100 parcels) against the plain SQL that answers it
   (GeoJSON assembled by PostgreSQL), both as the public reader role; and bbox pages per
   second with 8 clients against TiPg on the same view.
3. An uncached 256² WMS GetMap through /ows (edge checks, a render process over a pipe)
   against bare mapscript rendering the same request in this process.
4. Vector tiles (OGC API Tiles, z14-16) against the prepared ``ST_AsMVT`` statement, and
   their throughput with 8 clients against TiPg on the same view (``benchmarks/mvt.py``).
5. Search suggestions (p50, p95) over a few hundred typed prefixes through /api/search
   against the finder's own SQL in this process.
6. A ULDK GetParcelByXY through /uldk against the plain SQL answering it (public reader)
   and against the same request answered without a query.
7. An OGC API map against the WMS GetMap it is drawn by, and a CSW record against the
   same record from OGC API Records (``benchmarks/catalogue.py``).
8. The time slider's parcels as of a day (/api/historia/dzialki) against the same box's
   current parcels as GeoJSON in plain SQL (``benchmarks/asof.py``).
9. An A4 print at 300 dpi against the GetMap it is drawn from (``benchmarks/printing.py``).
"""

from __future__ import annotations

import sys

from benchmarks.asof import bench_asof
from benchmarks.catalogue import bench_csw_record, bench_ogcapi_map
from benchmarks.instance import running_instance
from benchmarks.mvt import bench_mvt_latency, bench_mvt_throughput
from benchmarks.ogcapi import bench_ogcapi_bbox, bench_ogcapi_throughput
from benchmarks.printing import bench_print
from benchmarks.search import bench_search
from benchmarks.tilehits import bench_cached_tile_vs_mapproxy
from benchmarks.tiles import bench_cached_tile
from benchmarks.uldk import bench_uldk_by_xy
from benchmarks.wms import bench_uncached_getmap


def main() -> int:
    """Start an instance, run every benchmark, print one ratio line each."""
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with running_instance() as instance:
        bench_cached_tile(instance, repeat)
        bench_cached_tile_vs_mapproxy(instance, repeat)
        bench_ogcapi_bbox(instance, repeat)
        bench_ogcapi_throughput(instance)
        bench_uncached_getmap(instance, repeat)
        bench_mvt_latency(instance, repeat)
        bench_mvt_throughput(instance)
        bench_search(instance)
        bench_uldk_by_xy(instance, repeat)
        bench_ogcapi_map(instance, repeat)
        bench_csw_record(instance, repeat)
        bench_asof(instance, repeat)
        bench_print(instance, max(3, repeat // 30))
    return 0


if __name__ == "__main__":
    sys.exit(main())
