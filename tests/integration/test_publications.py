"""Thematic endpoints ``/ows/<key>``: each publishes only its layers, under its names.

The KIEG endpoint is what GUGiK's integration harvests: layers ``dzialki``,
``numery_dzialek``, ``budynki``, ``obreby``, ``uzytki``, ``kontury`` and GetFeatureInfo
with exactly the prescribed fields (``../shared/reference/domain.md`` §7). The fixture is
the 4 x 3 grid of ``test_mapserver_data``.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from lxml import etree
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from PIL import Image

from tests.integration.test_mapserver_data import EXTENT, ows_client, parcel_id, wms_query

KIEG_PARCEL_FIELDS = ["ID_DZIALKI", "NUMER_DZIALKI", "NUMER_ARKUSZA", "NUMER_OBREBU",
                      "NAZWA_OBREBU", "NAZWA_GMINY", "POLE_EWIDENCYJNE", "KW",
                      "GRUPA_REJESTROWA", "DATA"]  # fmt: skip
KIEG_BUILDING_FIELDS = ["ID_BUDYNKU", "FUNKCJA", "KONDYGNACJE"]
EXPECTED_LAYERS = {
    "kieg": {"dzialki", "numery_dzialek", "budynki", "obreby", "uzytki", "kontury"},
    "ewidencja": {
        "dzialki",
        "numery_dzialek",
        "budynki",
        "obreby",
        "jednostki_ewidencyjne",
        "punkty_graniczne",
        "adresy",
    },
    "uzytki": {"uzytki", "klasouzytki"},
    "mpzp": {"mpzp"},
    "baza": {"wody", "cieki", "drogi", "budynki", "nazwy_miejscowosci"},
    "granice": {"gminy", "powiaty"},
}
WMS_NS = "http://www.opengis.net/wms"
KIEG_BLUE, BUILDING_RED = (30, 144, 255), (192, 0, 0)


@pytest.fixture(scope="module")
def ows(instance):
    with ows_client(instance) as client:
        yield client


def _on(key: str, query: str) -> str:
    return query.replace("/?", f"/{key}?", 1)


def _capabilities(ows, key: str, service: str = "WMS") -> bytes:
    version = "1.3.0" if service == "WMS" else "2.0.0"
    answer = ows.get(f"/{key}?SERVICE={service}&REQUEST=GetCapabilities&VERSION={version}")
    assert answer.status_code == 200, answer.data[:300]
    return answer.data


@pytest.mark.parametrize("key", sorted(EXPECTED_LAYERS))
def test_each_endpoint_lists_exactly_its_layers_and_its_own_url(ows, settings, site, key):
    url = f"{settings.base_url}/ows/{key}"
    document = _capabilities(ows, key)
    wms = WebMapService(url, version="1.3.0", xml=document)
    assert set(wms.contents) == EXPECTED_LAYERS[key] | {f"geoportal_{key}"}  # with the root
    assert wms.getOperationByName("GetMap").methods[0]["url"].startswith(url + "?")
    assert site.data.licence.name in wms.identification.accessconstraints
    email = etree.fromstring(document).findtext(f".//{{{WMS_NS}}}ContactElectronicMailAddress")
    assert email == site.contact.email


def test_a_layer_of_another_endpoint_is_not_defined_here(ows):
    answer = ows.get(_on("mpzp", wms_query(layers="dzialki")))
    assert answer.status_code == 400 and b"LayerNotDefined" in answer.data


def test_unknown_endpoint_is_404_with_an_exception_report(ows):
    answer = ows.get("/nieznana?SERVICE=WMS&REQUEST=GetCapabilities")
    assert answer.status_code == 404
    assert b"NotFound" in answer.data and b"/services" in answer.data


def test_kieg_speaks_wms_only(ows):
    answer = ows.get("/kieg?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0")
    assert answer.status_code in (400, 403) and b"ExceptionReport" in answer.data


def test_kieg_getfeatureinfo_on_parcels_has_exactly_the_prescribed_fields(ows):
    query = wms_query(request="GetFeatureInfo", query_layers="dzialki", i=150, j=150,
                      info_format="application/vnd.ogc.gml")  # fmt: skip
    answer = ows.get(_on("kieg", query))
    assert answer.status_code == 200, answer.data[:300]
    feature = etree.fromstring(answer.data).find(".//dzialki_feature")
    fields = [child.tag for child in feature
              if etree.QName(child).namespace is None and child.tag != "geom"]  # fmt: skip
    assert fields == KIEG_PARCEL_FIELDS
    assert feature.findtext("ID_DZIALKI") == parcel_id(1, 1)


def test_kieg_getfeatureinfo_on_buildings_has_exactly_the_prescribed_fields(ows):
    query = wms_query(request="GetFeatureInfo", layers="budynki", query_layers="budynki",
                      i=145, j=160, info_format="application/json")  # fmt: skip
    answer = ows.get(_on("kieg", query))
    properties = json.loads(answer.data)["features"][0]["properties"]
    assert list(properties) == KIEG_BUILDING_FIELDS
    # The full service keeps the building's other properties.
    full = json.loads(ows.get(query).data)["features"][0]["properties"]
    assert set(KIEG_BUILDING_FIELDS) < set(full)


def test_kieg_html_featureinfo_shows_only_the_prescribed_fields(ows):
    query = wms_query(request="GetFeatureInfo", layers="budynki", query_layers="budynki",
                      i=145, j=160, info_format="text/html")  # fmt: skip
    html = ows.get(_on("kieg", query)).text
    assert 'data-name="FUNKCJA"' in html and 'data-name="KONDYGNACJE_PODZIEMNE"' not in html


def test_kieg_draws_blue_parcels_and_red_buildings(ows):
    answer = ows.get(_on("kieg", wms_query(layers="dzialki,budynki,numery_dzialek")))
    assert answer.status_code == 200 and answer.content_type == "image/png"
    colours = {pixel[:3] for _n, pixel in Image.open(io.BytesIO(answer.data)).convert("RGBA")
               .getcolors(400 * 300) if pixel[3] == 255}  # fmt: skip
    assert KIEG_BLUE in colours and BUILDING_RED in colours


def test_kontury_is_the_soil_class_layer_under_kieg_name(ows):
    query = wms_query(request="GetFeatureInfo", layers="kontury", query_layers="kontury",
                      i=10, j=10, info_format="application/json")  # fmt: skip
    features = json.loads(ows.get(_on("kieg", query)).data)["features"]
    assert [feature["properties"]["OZK"] for feature in features] == ["IIIa"]


def test_thematic_wfs_serves_its_layers_with_owslib(ows, settings):
    url = f"{settings.base_url}/ows/uzytki"
    wfs = WebFeatureService(url, version="2.0.0", xml=_capabilities(ows, "uzytki", "WFS"))
    assert set(wfs.contents) == {"geoportal:uzytki", "geoportal:klasouzytki"}
    x1, y1, x2, y2 = EXTENT
    query = urlencode({"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                       "TYPENAMES": "uzytki", "OUTPUTFORMAT": "geojson",
                       "BBOX": f"{y1},{x1},{y2},{x2},urn:ogc:def:crs:EPSG::2180"})  # fmt: skip
    answer = ows.get(f"/uzytki?{query}")
    assert answer.status_code == 200, answer.data[:300]
    assert "U1" in {f["properties"]["ID_KONTURU"] for f in json.loads(answer.data)["features"]}
    refused = ows.get(f"/uzytki?{query.replace('uzytki', 'dzialki')}")
    assert refused.status_code == 400
