"""Reading a whole layer the way desktop clients do: page cost by depth, default ogr2ogr.

1. The first page and a deep page (the last full page of ``parcels``) of 100 items,
   each by ``offset`` and by following the ``next`` links from the first page; medians.
2. ``ogr2ogr`` with no options at all from OGC API Features (``OAPIF:``) and from WFS 2.0
   (``WFS:``) into a GeoPackage: wall time, and the requests it made, counted in the
   access log of the running instance (gunicorn writes one line per request).

Run alone with ``python -m benchmarks.paging`` (the whole layer takes minutes with
GDAL 3.6's defaults before paging was fixed); printed as numbers, never asserted.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from benchmarks.client import Client
from benchmarks.instance import running_instance
from benchmarks.timing import median_ms
from geoportal.instance import Instance

PAGE = 100


def _access_log(instance: Instance) -> Path:
    return instance.settings.var_dir / "log" / "bench" / "access.log"


def _lines(path: Path) -> int:
    with path.open("rb") as log:
        return sum(1 for _ in log)


def _deep_next_url(session: Client, items: str, pages: int) -> str | None:
    """The ``next`` link a client following links (and keeping ``limit`` at ``PAGE``,
    whatever page size the link offers) holds before its ``pages``-th page."""
    url: str | None = f"{items}?limit={PAGE}&f=json"
    for _ in range(pages):
        assert url is not None
        body = session.get(url, timeout=60).json()
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
        if url:
            base, query = url.split("?", 1)
            params = [(k, v) for k, v in parse_qsl(query) if k != "limit"]
            url = f"{base}?{urlencode([*params, ('limit', str(PAGE))])}"
    return url


def bench_page_depth(instance: Instance, repeat: int) -> None:
    """Median time of page 1 and of the last full page, by offset and by next link."""
    items = f"{instance.settings.base_url}/ogc/collections/parcels/items"
    session = Client()
    total = session.get(items, params={"limit": 1, "f": "json"}, timeout=30).json()
    deep = (int(total["numberMatched"]) // PAGE - 1) * PAGE
    for name, offset in (("first page", 0), (f"offset {deep}", deep)):
        url = f"{items}?limit={PAGE}&offset={offset}&f=json"
        ms = median_ms(lambda url=url: session.get(url, timeout=60).content, repeat)
        print(f"OGC API items, {PAGE} parcels, {name:14} by offset   {ms:8.2f} ms")
    deep_url = _deep_next_url(session, items, deep // PAGE)
    if deep_url:
        ms = median_ms(lambda: session.get(deep_url, timeout=60).content, repeat)
        page = deep // PAGE + 1
        print(f"OGC API items, {PAGE} parcels, page {page:3} by next link  {ms:8.2f} ms")
        print(f"  next link of that page: {deep_url.split('?', 1)[1]}")


def _ogr2ogr(instance: Instance, source: str, layer: str) -> None:
    log = _access_log(instance)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "out.gpkg"
        before = _lines(log)
        started = time.perf_counter()
        subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), source, layer],
                       check=True, capture_output=True, timeout=1800)  # fmt: skip
        seconds = time.perf_counter() - started
        requests_made = _lines(log) - before
        info = subprocess.run(["ogrinfo", "-so", "-al", str(target)],
                              check=True, capture_output=True, text=True).stdout  # fmt: skip
    count = next(line for line in info.splitlines() if line.startswith("Feature Count"))
    print(f"ogr2ogr {source.split(':', 1)[0]:5} {layer:18} {seconds:8.1f} s"
          f"  {requests_made:5} requests  {count}")  # fmt: skip


def bench_default_ogr2ogr(instance: Instance) -> None:
    """Whole parcel layer with GDAL's defaults, from OGC API Features and from WFS 2.0."""
    root = instance.settings.base_url
    _ogr2ogr(instance, f"OAPIF:{root}/ogc", "parcels")
    _ogr2ogr(instance, f"WFS:{root}/ows?VERSION=2.0.0", "geoportal:dzialki")


def main() -> int:
    """Start an instance (the 10k-parcel demo county) and print both measurements."""
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with running_instance() as instance:
        bench_page_depth(instance, repeat)
        bench_default_ogr2ogr(instance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
