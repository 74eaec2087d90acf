"""MapServer at /ows: WMS 1.3.0 and WFS 2.0 over real PostGIS, read by real clients.

The fixture is a 4 x 3 grid of 100 m parcels (see ``test_mapserver_data``); parcel 6 is
the cell (1, 1), whose centre is 150 m east and 150 m north of the grid's corner.
"""

from __future__ import annotations

import io
import json
import re
import time
from urllib.parse import quote

import pytest
from lxml import etree
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from PIL import Image
from pyproj import Transformer

from tests.integration.test_mapserver_data import (
    EXTENT,
    X0,
    Y0,
    ows_client,
    parcel_id,
    wms_query,
)

KIEG_LAYERS = {"dzialki", "budynki", "numery_dzialek", "obreby"}
ALL_LAYERS = KIEG_LAYERS | {"uzytki", "klasouzytki", "mpzp"}
GML = {"wfs": "http://www.opengis.net/wfs/2.0", "gp": "https://geoportal.invalid/egib"}
KIEG_BLUE = (30, 144, 255)  # #1e90ff parcel boundaries


@pytest.fixture(scope="module")
def ows(instance):
    """Client of the MapServer app over the fixture rows (removed after the module)."""
    with ows_client(instance) as client:
        yield client


def _wfs(ows, **params: str):
    query = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": "dzialki"}
    query.update(params)
    return ows.get(
        "/?" + "&".join(f"{key}={quote(str(value), safe=':,')}" for key, value in query.items())
    )


def _gml_parcels(body: bytes) -> set[str]:
    root = etree.fromstring(body)
    return {element.text for element in root.iterfind(".//gp:ID_DZIALKI", GML)}


def _geojson_parcels(body: bytes) -> set[str]:
    return {feature["properties"]["ID_DZIALKI"] for feature in json.loads(body)["features"]}


def test_capabilities_list_kieg_layers_with_configured_url(ows, settings):
    answer = ows.get(
        "/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0", headers={"Host": "evil.example"}
    )
    assert answer.status_code == 200
    wms = WebMapService(settings.base_url + "/ows", version="1.3.0", xml=answer.data)
    assert ALL_LAYERS <= set(wms.contents)
    assert wms["dzialki"].title == "Działki ewidencyjne"
    assert "EPSG:2180" in wms["dzialki"].crsOptions and "EPSG:3857" in wms["dzialki"].crsOptions
    get_map = wms.getOperationByName("GetMap").methods[0]["url"]
    assert get_map.startswith(settings.base_url + "/ows?")
    assert b"evil.example" not in answer.data and b"MapServer version" not in answer.data


@pytest.mark.parametrize(
    ("version", "ows_uri"),
    [("2.0.0", "http://www.opengis.net/ows/1.1"), ("1.1.0", "http://www.opengis.net/ows")],
)
def test_wfs_capabilities_miss_no_metadata_and_name_the_portal(ows, settings, version, ows_uri):
    """MapServer writes a comment for every metadata item it lacks (16 once); the ones
    left would need a telephone or fax number, which the site file may give."""
    answer = ows.get(f"/?SERVICE=WFS&REQUEST=GetCapabilities&VERSION={version}")
    text = answer.get_data(as_text=True)
    missing = set(re.findall(r'metadata "(\w+)" was missing', text))
    assert missing <= {"ows_contactvoicetelephone", "ows_contactfacsimiletelephone"}
    root = etree.fromstring(answer.data)
    ows_ns = {"ows": ows_uri, "xlink": "http://www.w3.org/1999/xlink"}
    site = root.find(".//ows:ProviderSite", ows_ns).get(f"{{{ows_ns['xlink']}}}href")
    assert site == settings.base_url + "/"
    assert root.findtext(".//ows:Role", namespaces=ows_ns) == "pointOfContact"


def test_wfs_names_every_property_the_kieg_way(ows, catalog):
    """One naming in WMS/WFS: upper-case Polish, KIEG's names where KIEG has them (OGC API
    keeps the English names); buildings once mixed FUNKCJA and floors_below."""
    answer = ows.get("/?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType")
    root = etree.fromstring(answer.data)
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    types = root.findall(f"{xsd}complexType")
    assert len(types) == sum(1 for layer in catalog.layers if layer.services.wfs)
    for complex_type in types:
        names = [
            e.get("name") for e in complex_type.iter(f"{xsd}element") if e.get("name") != "geom"
        ]
        assert names and all(re.fullmatch(r"[A-Z][A-Z_]*", n) for n in names), names


def test_getmap_draws_parcels_in_kieg_blue(ows):
    started = time.perf_counter()
    answer = ows.get(wms_query())
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200 and answer.content_type == "image/png"
    image = Image.open(io.BytesIO(answer.data)).convert("RGBA")
    assert image.size == (400, 300)
    colours = image.getcolors(400 * 300)
    drawn = sum(count for count, pixel in colours if pixel[3] > 0)
    assert drawn > 1500, "parcel boundaries are missing"
    assert any(pixel[:3] == KIEG_BLUE for _count, pixel in colours)
    print(f"GetMap 400x300 parcels: {elapsed_ms:.1f} ms")


NORTHING_FIRST = {2176, 2177, 2178, 2179, 2180, 4258, 4326}  # EPSG axis order, WMS 1.3


@pytest.mark.parametrize(
    "crs", ["EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179", "EPSG:4258", "EPSG:4326",
            "EPSG:3857", "CRS:84"],
)  # fmt: skip
def test_getmap_in_every_polish_and_web_crs_draws_the_parcels(ows, crs):
    """A surveyor's PL-2000 zone, ETRS89 and the web systems: the fixture's parcels are
    drawn where the bounding box, transformed from EPSG:2180, says they are."""
    to_crs = Transformer.from_crs(2180, "OGC:CRS84" if crs == "CRS:84" else crs, always_xy=True)
    x1, y1, x2, y2 = to_crs.transform_bounds(*EXTENT)
    code = None if crs == "CRS:84" else int(crs.split(":")[1])
    bbox = (y1, x1, y2, x2) if code in NORTHING_FIRST else (x1, y1, x2, y2)
    answer = ows.get(wms_query(crs=crs, bbox=",".join(f"{v:.8f}" for v in bbox)))
    assert answer.status_code == 200 and answer.content_type == "image/png", answer.data[:300]
    image = Image.open(io.BytesIO(answer.data)).convert("RGBA")
    colours = image.getcolors(400 * 300)
    drawn = sum(count for count, pixel in colours if pixel[3] > 0)
    assert drawn > 1500, f"{crs}: parcel boundaries missing ({drawn} pixels drawn)"
    assert any(pixel[:3] == KIEG_BLUE for _count, pixel in colours)


def test_the_tile_cache_s_own_getmaps_spend_less_on_deflate(ows, settings):
    """The portal's own requests (the internal secret) get PNG level 1: the same pixels,
    fewer CPU cycles, more bytes; a client cannot ask for it, and others keep level 6."""
    from services.edge.internal import HEADER, internal_token

    layers = "uzytki,mpzp,dzialki,budynki,obreby,numery_dzialek"
    query = wms_query(layers=layers, width=1024, height=768)
    public = ows.get(query)
    inside = ows.get(query, headers={HEADER: internal_token(settings.runtime_dir)})
    assert public.status_code == inside.status_code == 200
    assert len(inside.data) > 1.1 * len(public.data)
    pixels = [Image.open(io.BytesIO(a.data)).convert("RGBA").tobytes() for a in (public, inside)]
    assert pixels[0] == pixels[1]
    assert ows.get(query).data == public.data  # the clone's level did not stay behind
    guessed = ows.get(query, headers={HEADER: "guess"})
    assert guessed.data == public.data
    asked = ows.get(query + "&MAP_PNG_COMPRESSION=0")
    assert asked.status_code == 400 and b"MAP_PNG_COMPRESSION" in asked.data


def test_getmap_is_byte_identical_when_repeated(ows):
    layers = "uzytki,mpzp,dzialki,budynki,obreby,numery_dzialek"
    first = ows.get(wms_query(layers=layers)).data
    assert all(ows.get(wms_query(layers=layers)).data == first for _ in range(3))


def test_getfeatureinfo_returns_the_clicked_parcel(ows):
    query = dict(request="GetFeatureInfo", query_layers="dzialki", i=150, j=150)
    expected = parcel_id(1, 1)
    html = ows.get(wms_query(**query, info_format="text/html"))
    assert html.status_code == 200 and html.content_type.startswith("text/html")
    assert f'data-name="ID_DZIALKI">Identyfikator działki</th><td>{expected}<' in html.text
    gml = ows.get(wms_query(**query, info_format="application/vnd.ogc.gml"))
    assert etree.fromstring(gml.data).findtext(".//ID_DZIALKI") == expected
    geojson = ows.get(wms_query(**query, info_format="application/json"))
    assert _geojson_parcels(geojson.data) == {expected}
    text = ows.get(wms_query(**query, info_format="text/plain"))
    assert f"ID_DZIALKI = '{expected}'" in text.text and "KW = 'LD1L/00012345/6'" in text.text


def test_getfeatureinfo_on_buildings_has_kieg_fields(ows):
    answer = ows.get(wms_query(request="GetFeatureInfo", layers="budynki", query_layers="budynki",
                               i=145, j=160, info_format="application/json"))  # fmt: skip
    properties = json.loads(answer.data)["features"][0]["properties"]
    assert {"ID_BUDYNKU", "FUNKCJA", "KONDYGNACJE"} <= set(properties)


def test_wfs_capabilities_advertise_page_size_and_geojson(ows, settings):
    answer = ows.get("/?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0")
    wfs = WebFeatureService(settings.base_url + "/ows", version="2.0.0", xml=answer.data)
    assert {"geoportal:dzialki", "geoportal:budynki", "geoportal:obreby"} <= set(wfs.contents)
    assert "geoportal:numery_dzialek" not in wfs.contents  # labels only: not a WFS layer
    assert re.search(
        rb'name="CountDefault">\s*<ows:NoValues/>\s*<ows:DefaultValue>10000<', answer.data
    )
    assert b"application/json; subtype=geojson" in answer.data


def test_wfs_bbox_in_epsg2180_returns_exactly_the_touched_parcels(ows):
    # WFS 2.0 with the EPSG URN: northing first. Cells (1..2, 1..2) -> parcels 6, 7, 10, 11.
    bbox = f"{Y0 + 150},{X0 + 150},{Y0 + 250},{X0 + 250},urn:ogc:def:crs:EPSG::2180"
    expected = {parcel_id(column, row) for column in (1, 2) for row in (1, 2)}
    gml = _wfs(ows, BBOX=bbox)
    assert gml.status_code == 200 and "gml/3.2" in gml.content_type
    assert _gml_parcels(gml.data) == expected
    geojson = _wfs(ows, BBOX=bbox, OUTPUTFORMAT="application/json; subtype=geojson")
    assert _geojson_parcels(geojson.data) == expected
    first = json.loads(geojson.data)["features"][0]["geometry"]["coordinates"][0][0]
    assert X0 <= first[0] <= EXTENT[2] and Y0 <= first[1] <= EXTENT[3]  # GeoJSON: x, y


def test_wfs_bbox_in_epsg4326_is_latitude_first(ows):
    to_wgs84 = Transformer.from_crs(2180, 4326, always_xy=True)
    lon1, lat1 = to_wgs84.transform(X0 + 140, Y0 + 140)
    lon2, lat2 = to_wgs84.transform(X0 + 160, Y0 + 160)
    bbox = f"{lat1},{lon1},{lat2},{lon2},urn:ogc:def:crs:EPSG::4326"
    srs = "urn:ogc:def:crs:EPSG::4326"
    gml = _wfs(ows, BBOX=bbox, SRSNAME=srs)
    assert _gml_parcels(gml.data) == {parcel_id(1, 1)}
    corner = etree.fromstring(gml.data).findtext(".//{http://www.opengis.net/gml/3.2}lowerCorner")
    assert 49 < float(corner.split()[0]) < 55 and 14 < float(corner.split()[1]) < 25  # lat lon
    geojson = _wfs(ows, BBOX=bbox, SRSNAME=srs, OUTPUTFORMAT="application/json; subtype=geojson")
    assert _geojson_parcels(geojson.data) == {parcel_id(1, 1)}
    lon, lat = json.loads(geojson.data)["features"][0]["geometry"]["coordinates"][0][0]
    assert 14 < lon < 25 and 49 < lat < 55  # GeoJSON stays lon, lat


def test_wfs_post_getfeature(ows):
    body = f"""<wfs:GetFeature service="WFS" version="2.0.0"
        xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0">
      <wfs:Query typeNames="dzialki"><fes:Filter><fes:PropertyIsEqualTo>
        <fes:ValueReference>ID_DZIALKI</fes:ValueReference>
        <fes:Literal>{parcel_id(3, 2)}</fes:Literal>
      </fes:PropertyIsEqualTo></fes:Filter></wfs:Query></wfs:GetFeature>"""
    answer = ows.post("/", data=body, content_type="application/xml")
    assert answer.status_code == 200
    assert _gml_parcels(answer.data) == {parcel_id(3, 2)}  # the parcel numbered 185/1


def test_filter_injection_matches_nothing(ows):
    flt = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
        "<fes:ValueReference>parcel_id</fes:ValueReference>"
        "<fes:Literal>x' OR '1'='1</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"
    )
    answer = _wfs(ows, FILTER=flt)
    assert answer.status_code == 200 and _gml_parcels(answer.data) == set()
