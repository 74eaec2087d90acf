"""Every service ``/services?f=json`` lists answers a real request, checked by protocol.

The list is read from the running portal, never from the code that builds it, and each
entry is visited the way a client pointed at it would: OWSLib parses the capabilities of
WMS, WFS and WMTS and the layers they offer must be exactly the listed ones; then a map,
a feature or a tile over the demo county is fetched and decoded.
"""

from __future__ import annotations

import io
import math
from collections import Counter

import pytest
import rasterio
from lxml import etree
from owslib.csw import CatalogueServiceWeb
from owslib.iso import MD_Metadata
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from owslib.wmts import WebMapTileService
from PIL import Image

from services.downloads.build import ensure_downloads


@pytest.fixture(scope="module")
def listing(live_server, http, instance) -> list[dict]:
    ensure_downloads(instance, lambda message: None)  # geoportal run builds them
    response = http.get(f"{live_server}/services", params={"f": "json"}, timeout=30)
    assert response.status_code == 200
    return response.json()


def _image(response, size: tuple[int, int]) -> Image.Image:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] in ("image/png", "image/jpeg"), response.text[:300]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == size
    return image


def _check_wms(entry, http, parcel) -> None:
    answer = http.get(entry["capabilities"], timeout=30)
    wms = WebMapService(entry["url"], version="1.3.0", xml=answer.content)
    offered = {name for name, layer in wms.contents.items() if not layer.children}
    assert offered == set(entry["layers"]), entry["name"]
    assert set(entry["crs"]) <= set(wms.contents[entry["layers"][0]].crsOptions)
    x, y = parcel.x, parcel.y  # 200 m around a parcel: every layer is within its scales
    params = {
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": entry["layers"][0],
        "STYLES": "", "CRS": "EPSG:2180", "BBOX": f"{y - 100},{x - 100},{y + 100},{x + 100}",
        "WIDTH": "256", "HEIGHT": "256", "FORMAT": "image/png"}  # fmt: skip
    _image(http.get(entry["url"], params=params, timeout=60), (256, 256))


def _check_wfs(entry, http, parcel) -> None:
    answer = http.get(entry["capabilities"], timeout=30)
    wfs = WebFeatureService(entry["url"], version="2.0.0", xml=answer.content)
    assert {name.split(":")[-1] for name in wfs.contents} == set(entry["layers"])
    for name in entry["layers"]:
        features = http.get(entry["url"], params={
            "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": name,
            "COUNT": "1", "OUTPUTFORMAT": "geojson"}, timeout=60)  # fmt: skip
        assert features.status_code == 200, features.text[:300]
        assert len(features.json()["features"]) == 1, (entry["name"], name)


def _check_wmts(entry, http, parcel) -> None:
    answer = http.get(entry["capabilities"], timeout=30)
    wmts = WebMapTileService(entry["url"], xml=answer.content)
    assert set(entry["layers"]) <= set(wmts.contents)
    assert {"PL1992", "GLOBAL_WEBMERCATOR"} <= set(wmts.tilematrixsets)


def _check_tms(entry, http, parcel) -> None:
    answer = http.get(entry["capabilities"], timeout=30)
    assert answer.status_code == 200
    titles = {e.get("href", "").rstrip("/").split("/")[-2]
              for e in etree.fromstring(answer.content).iter("TileMap")}  # fmt: skip
    assert set(entry["layers"]) <= titles


def _check_xyz(entry, http, parcel) -> None:
    zoom = 16
    column, row = _webmercator_tile(parcel.lon, parcel.lat, zoom)
    url = entry["url"].format(z=zoom, x=column, y=row)
    _image(http.get(url, timeout=60), (256, 256))


def _check_ogcapi(entry, http, parcel) -> None:
    landing = http.get(entry["capabilities"], timeout=30)
    assert landing.status_code == 200
    assert {"conformance", "data"} <= {
        link["rel"].split("/")[-1] for link in landing.json()["links"]
    }
    collections = http.get(f"{entry['url']}/collections", params={"f": "json"}, timeout=30)
    features = [c for c in collections.json()["collections"] if c.get("itemType") == "feature"]
    assert {c["id"] for c in features} == set(entry["layers"])
    items = http.get(f"{entry['url']}/collections/{entry['layers'][0]}/items",
                     params={"f": "json", "limit": "1"}, timeout=30)  # fmt: skip
    assert len(items.json()["features"]) == 1


def _check_mvt(entry, http, parcel) -> None:
    description = http.get(entry["capabilities"], timeout=30)
    assert description.status_code == 200
    templates = [link["href"] for link in description.json()["links"]
                 if link["type"] == "application/vnd.mapbox-vector-tile"]  # fmt: skip
    assert templates, "the tile-set list names no MVT template"
    column, row = _webmercator_tile(parcel.lon, parcel.lat, 16)
    tile = http.get(entry["url"].format(z=16, x=column, y=row), timeout=60)
    assert tile.status_code in (200, 204), tile.text[:300]
    if tile.status_code == 200:
        assert tile.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"


def _check_processes(entry, http, parcel) -> None:
    listed = {p["id"] for p in http.get(entry["capabilities"], timeout=30).json()["processes"]}
    assert listed == set(entry["layers"])
    inputs = {"coordinates": [[parcel.x, parcel.y]], "source_crs": "EPSG:2180",
              "target_crs": "EPSG:4326"}  # fmt: skip
    execution = f"{entry['url']}/przeliczenie-wspolrzednych/execution"
    answer = http.post(execution, json={"inputs": inputs}, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    lon, lat = answer.json()["coordinates"][0]
    assert abs(lon - parcel.lon) < 1e-7 and abs(lat - parcel.lat) < 1e-7


def _check_wcs(entry, http, parcel) -> None:
    capabilities = etree.fromstring(http.get(entry["capabilities"], timeout=30).content)
    ids = [element.text for element in capabilities.iter("{*}CoverageId")]
    assert ids == entry["layers"]
    described = http.get(entry["url"], timeout=30, params={
        "SERVICE": "WCS", "VERSION": "2.0.1", "REQUEST": "DescribeCoverage",
        "COVERAGEID": ids[0]})  # fmt: skip
    lower = etree.fromstring(described.content).findtext(".//{*}lowerCorner")
    north, east = (float(v) for v in lower.split())  # EPSG:2180: northing first
    subsets = f"SUBSET=x({east},{east + 100})&SUBSET=y({north},{north + 100})"
    query = (f"SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID={ids[0]}"
             f"&FORMAT=image/tiff&{subsets}")  # fmt: skip
    coverage = http.get(f"{entry['url']}?{query}", timeout=60)
    assert coverage.status_code == 200 and coverage.headers["Content-Type"] == "image/tiff"
    with rasterio.MemoryFile(coverage.content) as memory, memory.open() as raster:
        assert raster.crs.to_epsg() == 2180 and raster.width == raster.height == 20


def _check_atom(entry, http, parcel) -> None:
    feed = etree.fromstring(http.get(entry["url"], timeout=30).content)
    links = [link.get("href") for link in feed.iterfind("{*}entry/{*}link")]
    assert links and all(link.startswith(entry["url"].rsplit("/", 1)[0]) for link in links)
    if entry["name"] != "atom":  # a theme's feed: its first file is a GeoPackage
        head = http.get(links[0], headers={"Range": "bytes=0-15"}, timeout=30)
        assert head.content.startswith(b"SQLite format 3"), entry["name"]


def _check_dcat(entry, http, parcel) -> None:
    catalog = http.get(entry["url"], timeout=30).json()
    assert catalog["@type"] == "dcat:Catalog"
    assert len(catalog["dcat:dataset"]) == len(entry["layers"])


def _check_records(entry, http, parcel) -> None:
    items = http.get(f"{entry['url']}/items", params={"f": "json", "limit": "500"}, timeout=30)
    ids = {record["id"] for record in items.json()["features"]}
    assert f"service-{entry['name']}" in ids and "dataset-parcels" in ids


def _check_csw(entry, http, parcel) -> None:
    csw = CatalogueServiceWeb(entry["url"], version="2.0.2", timeout=30)
    typenames = csw.get_operation_by_name("GetRecords").parameters["typeNames"]["values"]
    assert set(entry["layers"]) <= set(typenames)
    own = f"service-{entry['name']}"  # the catalogue lists itself
    csw.getrecordbyid(id=[own], outputschema="http://www.isotc211.org/2005/gmd")
    record = csw.records[own]
    assert isinstance(record, MD_Metadata) and record.identification[0].type == "discovery"


MAP_REL = "http://www.opengis.net/def/rel/ogc/1.0/map"


def _check_maps(entry, http, parcel) -> None:
    x, y = parcel.x, parcel.y  # 200 m around a parcel, northing first in EPSG:2180
    params = {"bbox": f"{y - 100},{x - 100},{y + 100},{x + 100}", "bbox-crs": "EPSG:2180",
              "width": "256", "height": "256"}  # fmt: skip
    if entry["url"].endswith("/map"):  # the dataset map, linked from the landing page
        links = http.get(entry["capabilities"], timeout=30).json()["links"]
        assert entry["url"] in {link["href"] for link in links if link["rel"] == MAP_REL}
        _image(http.get(entry["url"], params=params, timeout=60), (256, 256))
        return
    listing = http.get(entry["capabilities"], timeout=30).json()["collections"]
    mapped = {c["id"] for c in listing if any(link["rel"] == MAP_REL for link in c["links"])}
    assert mapped == set(entry["layers"])
    url = f"{entry['url']}/collections/{entry['layers'][0]}/map"
    answer = http.get(url, params=params, timeout=60)
    _image(answer, (256, 256))


def _check_uldk(entry, http, parcel) -> None:
    by_id = http.get(entry["url"], params={"request": "GetParcelById", "id": parcel.parcel_id,
                                           "result": "teryt"}, timeout=30)  # fmt: skip
    assert by_id.status_code == 200 and by_id.text.splitlines()[:2] == ["0", parcel.parcel_id]
    by_xy = http.get(entry["url"], params={"request": "GetParcelByXY", "result": "teryt",
                                           "xy": f"{parcel.x},{parcel.y}"}, timeout=30)  # fmt: skip
    assert parcel.parcel_id in by_xy.text.splitlines()


CHECKS = {"WMS": _check_wms, "WFS": _check_wfs, "WCS": _check_wcs, "WMTS": _check_wmts,
          "TMS": _check_tms, "XYZ": _check_xyz, "OGC API – Features": _check_ogcapi,
          "OGC API – Tiles": _check_mvt, "OGC API – Processes": _check_processes,
          "ATOM": _check_atom, "DCAT-AP": _check_dcat,
          "OGC API – Records": _check_records, "ULDK": _check_uldk, "CSW": _check_csw,
          "OGC API – Maps": _check_maps}  # fmt: skip


def _webmercator_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    column = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return column, row


def test_every_listed_service_answers_a_real_request(listing, http, known_parcel):
    unchecked = sorted({entry["protocol"] for entry in listing} - set(CHECKS))
    assert not unchecked, f"no live check for {unchecked}"
    failures = []
    for entry in listing:
        try:
            CHECKS[entry["protocol"]](entry, http, known_parcel)
        except AssertionError as error:
            failures.append(f"{entry['name']}: {error}")
    assert not failures, "\n".join(failures)
    counts = Counter(entry["protocol"] for entry in listing)
    print(f"{len(listing)} services checked live: {dict(counts)}")


def test_the_listing_names_every_thematic_endpoint(listing, instance):
    urls = {entry["url"] for entry in listing}
    assert {f"{instance.settings.base_url}/ows/{pub.key}" for pub in instance.publications} <= urls
