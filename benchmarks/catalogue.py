"""OGC API Maps and the CSW against the requests they are built on, through the same server.

1. A 256² OGC API map of parcels (``/ogc/collections/parcels/map``: our checks, the bbox
   transform, the in-process call to ``/ows``) against the WMS 1.1.1 GetMap it becomes,
   sent to ``/ows`` directly.
2. A CSW GetRecordById in ISO 19139 (pycsw over ``publish.catalogue_records``) against
   the same record from OGC API Records (our provider over the records file).
"""

from __future__ import annotations

from pyproj import Transformer

from benchmarks.client import Client
from benchmarks.instance import county_centre
from benchmarks.timing import paired_ms, report
from geoportal.instance import Instance

GMD = "http://www.isotc211.org/2005/gmd"


def bench_ogcapi_map(instance: Instance, repeat: int) -> None:
    """Print medians of an OGC API map and of the WMS GetMap it is drawn by, and the ratio."""
    lon, lat = county_centre(instance.database)
    x, y = Transformer.from_crs(4326, 2180, always_xy=True).transform(lon, lat)
    base, session = instance.settings.base_url, Client()
    ogc = (f"{base}/ogc/collections/parcels/map", {
        "bbox": f"{y - 150},{x - 150},{y + 150},{x + 150}", "bbox-crs": "EPSG:2180",
        "crs": "EPSG:2180", "width": "256", "height": "256"})  # fmt: skip
    wms = (f"{base}/ows", {
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": "dzialki",
        "STYLES": "", "SRS": "EPSG:2180", "BBOX": f"{x - 150},{y - 150},{x + 150},{y + 150}",
        "WIDTH": "256", "HEIGHT": "256", "FORMAT": "image/png", "TRANSPARENT": "TRUE",
        "BGCOLOR": "0xFFFFFF"})  # fmt: skip
    for url, params in (ogc, wms):
        answer = session.get(url, params=params, timeout=30)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    ours, peer = paired_ms(
        lambda: session.get(ogc[0], params=ogc[1], timeout=30).content,
        lambda: session.get(wms[0], params=wms[1], timeout=30).content,
        repeat,
    )
    report("OGC API map 256², parcels", ours, peer, "WMS GetMap")


def bench_csw_record(instance: Instance, repeat: int) -> None:
    """Print medians of a CSW GetRecordById (ISO) and of the OGC API record, and the ratio."""
    base, session = instance.settings.base_url, Client()
    csw = (f"{base}/csw", {"service": "CSW", "version": "2.0.2", "request": "GetRecordById",
                           "id": "dataset-parcels", "outputschema": GMD})  # fmt: skip
    records = (f"{base}/ogc/collections/metadane/items/dataset-parcels", {"f": "json"})
    for url, params in (csw, records):
        assert session.get(url, params=params, timeout=30).status_code == 200
    ours, peer = paired_ms(lambda: session.get(csw[0], params=csw[1], timeout=30).content,
                           lambda: session.get(records[0], params=records[1], timeout=30).content,
                           repeat)  # fmt: skip
    report("CSW GetRecordById (ISO 19139)", ours, peer, "OGC API record")
