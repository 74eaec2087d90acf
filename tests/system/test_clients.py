"""The whole application read the way QGIS and GDAL read it: OWSLib and GDAL's own drivers.

Expected parcel sets come from plain SQL on ``data`` (tests/system/expected.py), never from
the services under test.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from owslib.ogcapi.features import Features
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from owslib.wmts import WebMapTileService
from PIL import Image

from tests.system.expected import (
    box_around,
    current_parcel_ids,
    parcels_in_bbox_2180,
    parcels_in_bbox_lonlat,
)

pytestmark = pytest.mark.system
URN_2180 = "urn:ogc:def:crs:EPSG::2180"


def _drawn_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    return sum(1 for pixel in image.get_flattened_data() if pixel[3] > 0)


def test_wms_capabilities_list_every_layer(live_server, catalog):
    wms = WebMapService(f"{live_server}/ows", version="1.3.0")
    assert {layer.wms_name for layer in catalog.for_service("wms")} <= set(wms.contents)
    assert "EPSG:2180" in wms.contents["dzialki"].crsOptions


def test_wms_getmap_draws_parcels(live_server, known_parcel):
    wms = WebMapService(f"{live_server}/ows", version="1.3.0")
    # OWSLib takes easting-first and sends northing-first for EPSG:2180 in WMS 1.3.
    image = wms.getmap(layers=["dzialki"], styles=[""], srs="EPSG:2180",
                       bbox=box_around(known_parcel.x, known_parcel.y, 300), size=(256, 256),
                       format="image/png", transparent=True)  # fmt: skip
    assert image.info()["Content-Type"] == "image/png"
    assert _drawn_pixels(image.read()) > 500


def test_wms_getfeatureinfo_returns_the_parcel_id(live_server, http, known_parcel):
    x, y = known_parcel.x, known_parcel.y
    response = http.get(f"{live_server}/ows", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetFeatureInfo",
        "LAYERS": "dzialki", "QUERY_LAYERS": "dzialki", "STYLES": "", "CRS": "EPSG:2180",
        "BBOX": f"{y - 50},{x - 50},{y + 50},{x + 50}", "WIDTH": "101", "HEIGHT": "101",
        "I": "50", "J": "50", "INFO_FORMAT": "text/plain"})  # fmt: skip
    assert response.status_code == 200
    assert f"ID_DZIALKI = '{known_parcel.parcel_id}'" in response.text


def _wfs_parcel_ids(live_server: str, bbox: tuple) -> set[str]:
    wfs = WebFeatureService(f"{live_server}/ows", version="2.0.0")
    answer = wfs.getfeature(typename=["dzialki"], bbox=bbox, outputFormat="geojson")
    return {feature["properties"]["ID_DZIALKI"] for feature in json.load(answer)["features"]}


def test_wfs_bbox_in_epsg_2180(live_server, database, known_parcel):
    box = box_around(known_parcel.x, known_parcel.y, 250)
    expected = parcels_in_bbox_2180(database, box)
    assert known_parcel.parcel_id in expected
    assert _wfs_parcel_ids(live_server, (*box, URN_2180)) == expected


def test_wfs_bbox_in_wgs84(live_server, database, known_parcel):
    lon, lat = known_parcel.lon, known_parcel.lat
    box = (lon - 0.003, lat - 0.002, lon + 0.003, lat + 0.002)
    expected = parcels_in_bbox_lonlat(database, box)
    assert known_parcel.parcel_id in expected
    assert _wfs_parcel_ids(live_server, (*box, "urn:ogc:def:crs:EPSG::4326")) == expected


def test_wfs_gml32_is_the_default_output(live_server, http, known_parcel):
    x, y = known_parcel.x, known_parcel.y
    response = http.get(f"{live_server}/ows", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "dzialki",
        "BBOX": f"{y - 5},{x - 5},{y + 5},{x + 5},{URN_2180}"})  # fmt: skip
    assert response.status_code == 200
    assert "http://www.opengis.net/gml/3.2" in response.text
    assert known_parcel.parcel_id in response.text


def _ogr_features(datasource: str, layer: str, box: tuple[float, ...]) -> list[str]:
    """Feature blocks as ``ogrinfo`` prints them for a spatial filter (layer axis order)."""
    result = subprocess.run(
        ["ogrinfo", "-ro", "-q", "-geom=SUMMARY", "-spat", *map(str, box), datasource, layer],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout.split("OGRFeature(")[1:]


def test_gdal_reads_wfs_as_declared_multisurfaces_of_polygons(live_server, database, known_parcel):
    """GML 3.2 has no MultiPolygon: MapServer declares gml:MultiSurfacePropertyType and
    GDAL, reading the schema, makes MultiSurfaces whose members are plain polygons."""
    box = box_around(known_parcel.x, known_parcel.y, 200)
    features = _ogr_features(f"WFS:{live_server}/ows?VERSION=2.0.0", "geoportal:dzialki", box)
    assert len(features) == len(parcels_in_bbox_2180(database, box))
    assert all("MULTISURFACE" in feature and "\nPOLYGON" in feature for feature in features)
    assert not any(curve in feature for feature in features for curve in ("CURVE", "ARC"))
    assert any(known_parcel.parcel_id in feature for feature in features)


def test_gdal_takes_the_wfs_schema_as_declared(live_server, known_parcel):
    """GDAL 3.6 ignored the whole DescribeFeatureType over one gml:TimeInstant date and
    guessed the columns: NUMER_OBREBU "0001" became the integer 1, DATA "timePosition"."""
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"WFS:{live_server}/ows?VERSION=2.0.0", "geoportal:dzialki"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    fields = dict(re.findall(r"^(\w+): (\w+)", result.stdout, re.MULTILINE))
    assert fields["NUMER_OBREBU"] == "String" and fields["ID_DZIALKI"] == "String"
    assert fields["POLE_EWIDENCYJNE"] == "Real" and fields["GRUPA_REJESTROWA"] == "Integer"
    assert fields["DATA"] == "String" and "timePosition" not in fields
    box = box_around(known_parcel.x, known_parcel.y, 1)
    feature = _ogr_features(f"WFS:{live_server}/ows?VERSION=2.0.0", "geoportal:dzialki", box)[0]
    assert re.search(r"NUMER_OBREBU \(String\) = \d{4}$", feature, re.MULTILINE)
    assert re.search(r"DATA \(String\) = \d{4}-\d{2}-\d{2}$", feature, re.MULTILINE)


def _xyz(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    column = int((lon + 180) / 360 * n)
    row = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return column, row


def test_wmts_tile_comes_from_the_cache(live_server, settings, known_parcel):
    wmts = WebMapTileService(f"{live_server}/wmts/1.0.0/WMTSCapabilities.xml")
    assert "dzialki" in wmts.contents
    assert {"PL1992", "GLOBAL_WEBMERCATOR"} <= set(wmts.contents["dzialki"].tilematrixsetlinks)
    column, row = _xyz(known_parcel.lon, known_parcel.lat, 15)
    request = {"layer": "dzialki", "tilematrixset": "GLOBAL_WEBMERCATOR", "tilematrix": "15",
               "row": row, "column": column, "format": "image/png"}  # fmt: skip
    body = wmts.gettile(**request).read()
    assert _drawn_pixels(body) > 100
    cached = [path for path in settings.cache_dir.rglob("*.png") if path.read_bytes() == body]
    assert cached, "the tile served is not in the file cache"
    written = cached[0].stat().st_mtime_ns
    assert wmts.gettile(**request).read() == body
    assert cached[0].stat().st_mtime_ns == written, "a cached tile was rendered again"


def test_ogcapi_landing_page_and_collections(live_server, catalog):
    api = Features(f"{live_server}/ogc")
    assert api.links
    ids = {collection["id"] for collection in api.collections()["collections"]
           if collection.get("itemType") == "feature"}  # fmt: skip
    assert ids == {layer.id for layer in catalog.for_service("ogcapi")}


def test_ogcapi_bbox_in_crs84(live_server, database, known_parcel):
    lon, lat = known_parcel.lon, known_parcel.lat
    box = (lon - 0.003, lat - 0.002, lon + 0.003, lat + 0.002)
    api = Features(f"{live_server}/ogc")
    items = api.collection_items("parcels", bbox=list(box), limit=1000)
    found = {feature["properties"]["parcel_id"] for feature in items["features"]}
    assert found == parcels_in_bbox_lonlat(database, box)
    ring = items["features"][0]["geometry"]["coordinates"][0][0]
    assert 18 < ring[0][0] < 20 and 51 < ring[0][1] < 52  # longitude first


def test_gdal_reads_ogcapi_features(live_server, database, known_parcel):
    lon, lat = known_parcel.lon, known_parcel.lat
    box = (lon - 0.003, lat - 0.002, lon + 0.003, lat + 0.002)
    features = _ogr_features(f"OAPIF:{live_server}/ogc", "parcels", box)
    assert len(features) == len(parcels_in_bbox_lonlat(database, box))
    assert any(known_parcel.parcel_id in feature for feature in features)


def test_ogcapi_bbox_in_epsg_2180_is_northing_first(live_server, http, database, known_parcel):
    x_min, y_min, x_max, y_max = box_around(known_parcel.x, known_parcel.y, 150)
    response = http.get(f"{live_server}/ogc/collections/parcels/items", params={
        "bbox": f"{y_min},{x_min},{y_max},{x_max}", "limit": "1000", "f": "json",
        "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180"})  # fmt: skip
    assert response.status_code == 200
    found = {feature["properties"]["parcel_id"] for feature in response.json()["features"]}
    assert found == parcels_in_bbox_2180(database, (x_min, y_min, x_max, y_max))


# GDAL's field types for the catalog's property types and for the XSD types MapServer declares.
OGR_OF_PROPERTY = {"string": "String", "integer": "Integer", "number": "Real", "date": "Date",
                   "datetime": "DateTime"}  # fmt: skip
OGR_OF_XSD = {"string": "String", "integer": "Integer", "int": "Integer", "long": "Integer",
              "double": "Real", "decimal": "Real", "float": "Real", "date": "Date",
              "dateTime": "DateTime"}  # fmt: skip
XSD = "{http://www.w3.org/2001/XMLSchema}"


def _download(settings, tmp_path: Path, source: str, layer: str) -> tuple[str, list[str]]:
    """``ogr2ogr`` with no options into a GeoPackage: ``ogrinfo`` of it and the requests
    the application served meanwhile (its access log, one line per request)."""
    log = settings.var_dir / "log" / "access.log"
    before = len(log.read_text(encoding="utf-8").splitlines())
    target = tmp_path / "layer.gpkg"
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), source, layer],
                   capture_output=True, text=True, timeout=600, check=True)  # fmt: skip
    served = log.read_text(encoding="utf-8").splitlines()[before:]
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(target)], capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    return info.stdout, served


def _distinct(tmp_path: Path, column: str) -> set[str]:
    result = subprocess.run(
        ["ogrinfo", "-q", "-al", "-geom=NO", str(tmp_path / "layer.gpkg")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return set(re.findall(rf"^  {column} \(String\) = (.+)$", result.stdout, re.MULTILINE))


def _fields(info: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w+): (\w+) \(", info, re.MULTILINE))


def _requests(served: list[str], keep: Callable[[str], bool]) -> list[str]:
    return [line for line in served if keep(line)]


def test_gdal_downloads_the_whole_ogcapi_layer_in_few_requests(
    live_server, settings, database, catalog, tmp_path
):
    """GDAL 3.6 asks ``limit=10`` and then follows ``next``: the next pages are keyset
    pages of the default size (1000), so 1,500 parcels take a handful of requests."""
    expected = current_parcel_ids(database)
    info, served = _download(settings, tmp_path, f"OAPIF:{live_server}/ogc", "parcels")
    assert f"Feature Count: {len(expected)}" in info
    assert _distinct(tmp_path, "parcel_id") == expected
    layer = next(layer for layer in catalog.for_service("ogcapi") if layer.id == "parcels")
    declared = {prop.name: OGR_OF_PROPERTY[prop.type] for prop in layer.properties}
    assert _fields(info) == declared
    pages = _requests(served, lambda line: "/collections/parcels/items" in line)
    assert all('" 200 ' in line for line in served)
    assert len(served) <= 3 + math.ceil(len(expected) / 1000), served
    assert all("cursor=" in line and "offset=" not in line for line in pages[2:]), pages


def test_gdal_downloads_the_whole_wfs_layer_with_declared_types(
    live_server, settings, database, http, tmp_path
):
    """WFS 2.0: GDAL reads the schema once (not per page) and keeps its declared types;
    it pages by its own 100 (GDAL 3.6 ignores CountDefault)."""
    expected = current_parcel_ids(database)
    source = f"WFS:{live_server}/ows?VERSION=2.0.0"
    info, served = _download(settings, tmp_path, source, "geoportal:dzialki")
    assert f"Feature Count: {len(expected)}" in info
    assert _distinct(tmp_path, "ID_DZIALKI") == expected
    describe = _requests(served, lambda line: "DescribeFeatureType" in line)
    pages = _requests(served, lambda line: "REQUEST=GetFeature" in line)
    assert len(describe) == 1 and len(pages) <= math.ceil(len(expected) / 100) + 1
    schema = http.get(f"{live_server}/ows", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "DescribeFeatureType",
        "TYPENAMES": "geoportal:dzialki"}, timeout=30)  # fmt: skip
    types = {element.get("name"): element.get("type", "").rpartition(":")
             for element in ET.fromstring(schema.content).iter(f"{XSD}element")}  # fmt: skip
    # XML Schema's own types (MapServer writes them unprefixed): the properties
    declared = {name: OGR_OF_XSD[kind] for name, (prefix, _, kind) in types.items()
                if prefix in ("", "xs", "xsd") and kind}  # fmt: skip
    fields = _fields(info)
    assert declared and all(fields[name] == kind for name, kind in declared.items()), (
        declared, fields,
    )  # fmt: skip
