"""The bad-input catalogue (shared/reference/bad-inputs.md) against the whole running stack.

One table, one case per line: what is sent, and the exact answer (HTTP status and the
exception code of the edge's table, or of the engine where it answers by itself). Every
answer is also checked for what must never be in it (paths, versions, SQL, stack traces)
and for the security headers, and must come within a second. A new entry point adds its
lines here.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pytest
import requests
from lxml import etree

pytestmark = pytest.mark.system

LEAKS = ("Traceback", "/work/", "/usr/", "var/run", "MapServer version", "psycopg", "SELECT ",
         "0.21.0", "pg_sleep", "root:x")  # fmt: skip
GETMAP = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "dzialki",
          "STYLES": "", "CRS": "EPSG:2180", "BBOX": "410000,507000,411000,508000",
          "WIDTH": "256", "HEIGHT": "256", "FORMAT": "image/png"}  # fmt: skip
GETFEATURE = {"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
              "TYPENAMES": "dzialki", "COUNT": "5"}  # fmt: skip
CACHED_WMS = {"SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": "dzialki",
              "STYLES": "", "SRS": "EPSG:2180", "BBOX": "507000,410000,508000,411000",
              "WIDTH": "64", "HEIGHT": "64", "FORMAT": "image/png"}  # fmt: skip
GETTILE = {"SERVICE": "WMTS", "REQUEST": "GetTile", "VERSION": "1.0.0", "LAYER": "dzialki",
           "STYLE": "default", "TILEMATRIXSET": "PL1992", "TILEMATRIX": "5", "TILEROW": "1",
           "TILECOL": "1", "FORMAT": "image/png"}  # fmt: skip
MVT = "/ogc/collections/parcels/tiles/WebMercatorQuad"
ITEMS = "/ogc/collections/parcels/items"
FES = 'xmlns="http://www.opengis.net/fes/2.0"'
XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       '<GetFeature service="WFS" version="2.0.0">&e;</GetFeature>')  # fmt: skip
BOMB = ('<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>')  # fmt: skip


CSW_CAPS = {"service": "CSW", "version": "2.0.2", "request": "GetCapabilities"}
CSW_RECORDS = {"service": "CSW", "version": "2.0.2", "request": "GetRecords",
               "typenames": "csw:Record", "elementsetname": "brief",
               "constraintlanguage": "CQL_TEXT",
               "constraint_language_version": "1.1.0"}  # fmt: skip
CSW_XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           '<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
           'version="2.0.2">&e;</csw:GetRecords>')  # fmt: skip
CSW_INSERT = ('<csw:Transaction xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
              'version="2.0.2"><csw:Insert/></csw:Transaction>')  # fmt: skip
MAP = "/ogc/collections/parcels/map"
DATASET_MAP = "/ogc/map"


@dataclass(frozen=True)
class Case:
    """One request of the catalogue and the answer it must get."""

    path: str
    params: dict[str, str] = field(default_factory=dict)
    status: int = 400
    code: str | None = None  # exception code (OGC XML) or "code" (OGC API JSON)
    method: str = "GET"
    body: str | None = None
    content_type: str | None = None


def _filter(name: str) -> str:
    return (f"<Filter {FES}><PropertyIsEqualTo><ValueReference>{name}</ValueReference>"
            "<Literal>1</Literal></PropertyIsEqualTo></Filter>")  # fmt: skip


ULDK = "/uldk"
BY_ID = {"request": "GetParcelById", "id": "100302_4.0001.12"}
BY_XY = {"request": "GetParcelByXY", "xy": "507335.5,415320"}


def _deep_cql(levels: int) -> str:
    leaf = '{"op": "=", "args": [{"property": "number"}, "1"]}'
    return '{"op": "not", "args": [' * levels + leaf + "]}" * levels


CASES = {
    # 1. BBOX: wrong count, trailing junk, nan/inf; min ≥ max
    "wms bbox three numbers": Case("/ows", GETMAP | {"BBOX": "1,2,3"}, 400,
                                   "InvalidParameterValue"),
    "wms bbox 4c": Case("/ows", GETMAP | {"BBOX": "410000,507000,411000,508000c"}, 400,
                        "InvalidParameterValue"),
    "wms bbox nan": Case("/ows", GETMAP | {"BBOX": "nan,507000,411000,508000"}, 400,
                         "InvalidParameterValue"),
    "wms bbox min > max": Case("/ows", GETMAP | {"BBOX": "411000,508000,410000,507000"}, 400),
    "cached wms bbox inf": Case("/wms", CACHED_WMS | {"BBOX": "inf,1,2,3"}, 400,
                                "InvalidParameterValue"),
    "cached wms bbox nan": Case("/wms", CACHED_WMS | {"BBOX": "nan,1,2,3"}, 400,
                                "InvalidParameterValue"),
    "api bbox reversed": Case(ITEMS, {"bbox": "19.2,51.6,19.1,51.5"}, 400, "InvalidParameterValue"),
    "api bbox inf": Case(ITEMS, {"bbox": "19.1,51.5,inf,51.6"}, 400, "InvalidParameterValue"),
    # 3. CRS outside the list
    "wms crs 99999": Case("/ows", GETMAP | {"CRS": "EPSG:99999"}, 400, "InvalidCRS"),
    "wms crs injection": Case("/ows", GETMAP | {"CRS": "EPSG:4326;DROP"}, 400, "InvalidCRS"),
    "wms crs auto2": Case("/ows", GETMAP | {"CRS": "AUTO2:42001,1,19,52"}, 400, "InvalidCRS"),
    "wms crs init": Case("/ows", GETMAP | {"CRS": "init=epsg:32633"}, 400, "InvalidCRS"),
    "wfs srsname init": Case("/ows", GETFEATURE | {"SRSNAME": "init=epsg:2180"}, 400,
                             "InvalidParameterValue"),
    "cached wms crs injection": Case("/wms", CACHED_WMS | {"SRS": "EPSG:4326;DROP"}, 400,
                                     "InvalidCRS"),
    "api crs injection": Case(ITEMS, {"crs": "EPSG:4326;DROP"}, 400, "InvalidParameterValue"),
    "api bbox-crs unknown": Case(ITEMS, {"bbox-crs": "EPSG:99999", "bbox": "1,2,3,4"}, 400,
                                 "InvalidParameterValue"),
    # 4. image sizes
    "wms width 0": Case("/ows", GETMAP | {"WIDTH": "0"}, 400),
    "wms width -1": Case("/ows", GETMAP | {"WIDTH": "-1"}, 400, "InvalidParameterValue"),
    "wms width 100000": Case("/ows", GETMAP | {"WIDTH": "100000"}, 400),
    "cached wms width 100000": Case("/wms", CACHED_WMS | {"WIDTH": "100000"}, 400,
                                    "InvalidParameterValue"),
    # 5-7. paging and unknown parameters of the OGC API
    "api limit unlimited": Case(ITEMS, {"limit": "unlimited"}, 400, "InvalidParameterValue"),
    "api limit 0": Case(ITEMS, {"limit": "0"}, 400, "InvalidParameterValue"),
    "api offset 10^20": Case(ITEMS, {"offset": "100000000000000000000"}, 400,
                             "InvalidParameterValue"),
    "api unknown parameter": Case(ITEMS, {"evil": "1"}, 400, "InvalidParameterValue"),
    "api cursor forged": Case(ITEMS, {"cursor": "1_0' OR 1=1"}, 400, "InvalidParameterValue"),
    "api cursor with offset": Case(ITEMS, {"cursor": "3_1", "offset": "3"}, 400,
                                   "InvalidParameterValue"),
    "api datetime not rfc 3339": Case(ITEMS, {"datetime": "2024-02-30"}, 400,
                                      "InvalidParameterValue"),
    "wfs startindex -1": Case("/ows", GETFEATURE | {"STARTINDEX": "-1"}, 400,
                              "InvalidParameterValue"),
    "wfs startindex 10^20": Case("/ows", GETFEATURE | {"STARTINDEX": "1" + "0" * 20}, 400,
                                 "InvalidParameterValue"),
    "wfs resulttype evil": Case("/ows", GETFEATURE | {"RESULTTYPE": "evil"}, 400,
                                "InvalidParameterValue"),
    # 8-10. filters and property names
    "api cql quote break": Case(ITEMS, {"filter": "number = '1' OR '1'='1"}, 400,
                                "InvalidParameterValue"),
    "api cql pg_sleep": Case(ITEMS, {"filter": "pg_sleep(5) = 1"}, 400, "InvalidParameterValue"),
    "api cql function": Case(ITEMS, {"filter": "number = lower('1')"}, 400,
                             "InvalidParameterValue"),
    "api cql json deep": Case(ITEMS, {}, 400, "InvalidParameterValue", "POST", _deep_cql(1600),
                              "application/json"),
    "api properties sql": Case(ITEMS, {"properties": "number,exec(1)"}, 400,
                               "InvalidParameterValue"),
    "api sortby sql": Case(ITEMS, {"sortby": "-number;DROP"}, 400, "InvalidParameterValue"),
    "wms filter injection": Case("/ows", GETMAP | {
        "FILTER": "(" + _filter('gid", pg_sleep(2) FROM publish.parcels LIMIT 1 --') + ")"},
        400, "InvalidParameterValue"),  # fmt: skip
    "wms filter unknown property": Case("/ows", GETMAP | {"FILTER": f"({_filter('nope')})"},
                                        400, "InvalidParameterValue"),
    "wfs filter injection": Case("/ows", GETFEATURE | {"FILTER": _filter("x' OR '1'='1")}, 400,
                                 "InvalidParameterValue"),
    "wfs propertyname sql": Case("/ows", GETFEATURE | {"PROPERTYNAME": "parcel_id,pg_sleep(1)"},
                                 400, "InvalidParameterValue"),
    # 11. feature ids
    "api item 1abc": Case(f"{ITEMS}/1abc", {}, 404, "NotFound"),
    "api item drop": Case(f"{ITEMS}/1;DROP TABLE x", {}, 404, "NotFound"),
    "api item script": Case(f"{ITEMS}/1<script>", {}, 404, "NotFound"),
    "mvt negative row": Case(f"{MVT}/16/-1/1", {}, 404, "NotFound"),
    "mvt zoom 10^20": Case(f"{MVT}/{'1' + '0' * 20}/1/1", {}, 404, "NotFound"),
    "mvt row beyond matrix": Case(f"{MVT}/16/65536/1", {}, 404, "NotFound"),
    "mvt sql in column": Case(f"{MVT}/16/1/1;DROP TABLE x", {}, 404, "NotFound"),
    "mvt traversal": Case("/ogc/collections/parcels/tiles/..%2f..%2f/16/1/1", {}, 404,
                          "NotFound"),
    "mvt format png": Case(f"{MVT}/16/1/1", {"f": "png"}, 400, "InvalidParameterValue"),
    "wfs resourceid injection": Case("/ows", GETFEATURE | {"RESOURCEID": "dzialki.1 OR 1=1"},
                                     400, "InvalidParameterValue"),
    # 12. traversal
    "static traversal": Case("/static/..%2f..%2fetc/passwd", {}, 404),
    "api static traversal": Case("/ogc/static/..%2f..%2fetc/passwd", {}, 404, "NotFound"),
    "api collection traversal": Case("/ogc/collections/..%2f..%2fetc/items", {}, 404, "NotFound"),
    "tiles traversal": Case("/tiles/..%2f..%2fetc/passwd", {}, 404),
    "wmts tilematrix traversal": Case("/wmts", GETTILE | {"TILEMATRIX": "../.."}, 400,
                                      "InvalidParameterValue"),
    "wmts tilematrix abc": Case("/wmts", GETTILE | {"TILEMATRIX": "abc"}, 400,
                                "InvalidParameterValue"),
    "wmts version 9.9": Case("/wmts", {"SERVICE": "WMTS", "REQUEST": "GetCapabilities",
                                       "VERSION": "9.9"}, 400, "InvalidParameterValue"),
    # the cache-hit fast path serves only MapProxy's layers, grids and levels
    "wmts rest level beyond the grid": Case("/wmts/dzialki/PL1992/16/0/0.png", {}, 400,
                                            "TileOutOfRange"),
    "wmts rest row beyond the grid": Case("/wmts/dzialki/PL1992/3/0/8.png", {}, 400,
                                          "TileOutOfRange"),
    "wmts rest unknown layer": Case("/wmts/nieznana/PL1992/5/1/1.png", {}, 400,
                                    "InvalidParameterValue"),
    "map parameter": Case("/ows", GETMAP | {"MAP": "/etc/passwd"}, 400, "InvalidParameterValue"),
    "tile source compression from a client": Case("/ows", GETMAP | {"MAP_PNG_COMPRESSION": "9"},
                                                  400, "InvalidParameterValue"),
    "ows endpoint traversal": Case("/ows/..%2f..%2fetc%2fpasswd", GETMAP, 404, "NotFound"),
    "ows endpoint unknown": Case("/ows/geoportal", GETMAP, 404, "NotFound"),
    "kieg filter injection": Case("/ows/kieg", GETMAP | {
        "FILTER": "(" + _filter('gid", pg_sleep(2) FROM publish.parcels LIMIT 1 --') + ")"},
        400, "InvalidParameterValue"),  # fmt: skip
    "kieg hidden property": Case("/ows/kieg", GETMAP | {
        "LAYERS": "budynki", "FILTER": f"({_filter('floors_below')})"},
        400, "InvalidParameterValue"),  # fmt: skip
    "kieg crs init": Case("/ows/kieg", GETMAP | {"CRS": "init=epsg:32633"}, 400, "InvalidCRS"),
    # 13-14. XML: external entities, bombs, size
    "wfs post xxe": Case("/ows", {}, 400, "InvalidParameterValue", "POST", XXE, "text/xml"),
    "wfs post bomb": Case("/ows", {}, 400, "InvalidParameterValue", "POST", BOMB, "text/xml"),
    "wfs post 2 MB": Case("/ows", {}, 413, "InvalidParameterValue", "POST",
                          "<x>" + "a" * 2_000_000 + "</x>", "text/xml"),
    "api post 100 kB": Case(ITEMS, {}, 413, "InvalidParameterValue", "POST",
                            "{" + " " * 100_000 + "}", "application/json"),
    # 15. SLD
    "sld body": Case("/ows", GETMAP | {"SLD_BODY": "<StyledLayerDescriptor/>"}, 400,
                     "InvalidParameterValue"),
    "sld url": Case("/ows", GETMAP | {"SLD": "http://127.0.0.1:9/x.sld"}, 400,
                    "InvalidParameterValue"),
    # the probe's findings: lenient parsing, exceptions into images, many parameters
    "wms five styles": Case("/ows", GETMAP | {"STYLES": "a,b,c,d,e"}, 400,
                            "InvalidParameterValue"),
    "wms version injection": Case("/ows", GETMAP | {"VERSION": "1.3.0;DROP"}, 400,
                                  "InvalidParameterValue"),
    "wms gfi pixel outside": Case("/ows", GETMAP | {"REQUEST": "GetFeatureInfo", "QUERY_LAYERS":
                                  "dzialki", "I": "256", "J": "256"}, 400,
                                  "InvalidParameterValue"),  # fmt: skip
    "wms gfi empty format": Case("/ows", GETMAP | {"REQUEST": "GetFeatureInfo", "QUERY_LAYERS":
                                 "dzialki", "I": "5", "J": "5", "INFO_FORMAT": ""}, 400,
                                 "InvalidParameterValue"),  # fmt: skip
    "wms exceptions inimage": Case("/ows", GETMAP | {"EXCEPTIONS": "INIMAGE"}, 400,
                                   "InvalidParameterValue"),
    "wms unknown layer": Case("/ows", GETMAP | {"LAYERS": "no_such_layer"}, 400,
                              "LayerNotDefined"),
    "wfs unknown type": Case("/ows", GETFEATURE | {"TYPENAMES": "no_such_layer"}, 400,
                             "InvalidParameterValue"),
    "three hundred parameters": Case("/ows", {f"p{n}": "1" for n in range(300)}, 400,
                                     "InvalidParameterValue"),
    "api unknown collection": Case("/ogc/collections/no_such_layer/items", {}, 404, "NotFound"),
    # methods
    "ows put": Case("/ows", GETMAP, 405, "OperationNotSupported", "PUT"),
    "api delete": Case(f"{ITEMS}/1", {}, 405, "OperationNotSupported", "DELETE"),
    "tiles put": Case("/tiles/dzialki/PL1992/5/1/1.png", {}, 405, "OperationNotSupported", "PUT"),
    "wmts trace": Case("/wmts", GETTILE, 405, "OperationNotSupported", "TRACE"),
    "cached wms patch": Case("/wms", CACHED_WMS, 405, "OperationNotSupported", "PATCH"),
    # ULDK (services/uldk): a malformed request is a 4xx with a "-1 …" line; an identifier
    # that cannot exist finds nothing, a 200 "-1 brak wyników" as the national service says
    "uldk unknown request": Case(ULDK, {"request": "NieMaTakiego", "id": "1"}, 400, "-1"),
    "uldk no request": Case(ULDK, {"id": "100302_4.0001.12"}, 400, "-1"),
    "uldk missing id": Case(ULDK, {"request": "GetParcelById"}, 400, "-1"),
    "uldk missing xy": Case(ULDK, {"request": "GetParcelByXY"}, 400, "-1"),
    "uldk xy three numbers": Case(ULDK, BY_XY | {"xy": "1,2,3,4"}, 400, "-1"),
    "uldk xy 4c": Case(ULDK, BY_XY | {"xy": "507335.5,415320c"}, 400, "-1"),
    "uldk xy nan": Case(ULDK, BY_XY | {"xy": "nan,415320"}, 400, "-1"),
    "uldk xy inf": Case(ULDK, BY_XY | {"xy": "507335.5,inf"}, 400, "-1"),
    "uldk xy huge": Case(ULDK, BY_XY | {"xy": "1e300,1e300"}, 400, "-1"),
    "uldk xy latitude 95": Case(ULDK, BY_XY | {"xy": "19,95,4326"}, 400, "-1"),
    "uldk xy injection": Case(ULDK, BY_XY | {"xy": "507335,415320);DROP TABLE x--"}, 400, "-1"),
    "uldk xy unknown srid": Case(ULDK, BY_XY | {"xy": "507335.5,415320,32633"}, 400, "-1"),
    "uldk unknown srid": Case(ULDK, BY_ID | {"srid": "99999"}, 400, "-1"),
    "uldk srid injection": Case(ULDK, BY_ID | {"srid": "4326;DROP"}, 400, "-1"),
    "uldk unknown result field": Case(ULDK, BY_ID | {"result": "teryt,nope"}, 400, "-1"),
    "uldk result injection": Case(ULDK, BY_ID | {"result": "teryt,pg_sleep(5)"}, 400, "-1"),
    "uldk result quote": Case(ULDK, BY_ID | {"result": "teryt'--"}, 400, "-1"),
    "uldk radius 1e9": Case(ULDK, {"request": "SnapToPoint", "xy": "507335.5,415320",
                                   "radius": "1e9"}, 400, "-1"),
    "uldk id injection": Case(ULDK, BY_ID | {"id": "1' OR '1'='1"}, 200, "-1"),
    "uldk id pg_sleep": Case(ULDK, BY_ID | {"id": "100302_4.0001.1';SELECT pg_sleep(5)--"},
                             200, "-1"),
    "uldk name pg_sleep": Case(ULDK, {"request": "GetParcelByIdOrNr",
                                      "id": "x' OR pg_sleep(5) IS NULL OR 'a 1"}, 200, "-1"),
    "uldk id script": Case(ULDK, BY_ID | {"id": "<script>alert(1)</script>"}, 200, "-1"),
    "uldk overlong id": Case(ULDK, BY_ID | {"id": "1" * 1000}, 400, "-1"),
    "uldk repeated id": Case(f"{ULDK}?request=GetParcelById&id=a&id=b", {}, 400, "-1"),
    "uldk three hundred parameters": Case(ULDK, {f"p{n}": "1" for n in range(300)}, 400, "-1"),
    "uldk post": Case(ULDK, BY_ID, 405, "-1", "POST", "request=GetParcelById",
                      "application/x-www-form-urlencoded"),
    "uldk put": Case(ULDK, BY_ID, 405, "-1", "PUT"),
    "uldk delete": Case(ULDK, BY_ID, 405, "-1", "DELETE"),
    "uldk unknown path": Case(f"{ULDK}/..%2f..%2fetc/passwd", {}, 404, "-1"),
    # downloads, processes, records, print, search, cases, statistics
    "download traversal": Case("/pobieranie/pliki/..%2f..%2fetc%2fpasswd", {}, 404),
    "download unlisted file": Case("/pobieranie/pliki/manifest.json", {}, 404),
    "download feed of no theme": Case("/pobieranie/x'--.atom", {}, 404),
    "process unknown": Case("/ogc/processes/x/execution", {}, 404, "NotFound", "POST",
                            '{"inputs": {}}', "application/json"),
    "process subscriber": Case("/ogc/processes/raport-dzialki/execution", {}, 400,
                               "InvalidParameterValue", "POST",
                               '{"inputs": {}, "subscriber": {"successUri": "http://127.0.0.1:9"}}',
                               "application/json"),
    "process sql in parcel id": Case("/ogc/processes/raport-dzialki/execution", {}, 400,
                                     "InvalidParameterValue", "POST",
                                     '{"inputs": {"parcel_ids": ["1\' OR 1=1 --"]}}',
                                     "application/json"),
    "records unknown parameter": Case("/ogc/collections/metadane/items", {"x": "1"}, 400,
                                      "InvalidParameterValue"),
    "records nan bbox": Case("/ogc/collections/metadane/items", {"bbox": "nan,1,2,3"}, 400,
                             "InvalidParameterValue"),
    "print absurd scale": Case("/drukuj", {"x": "509000", "y": "413500", "scale": "7"}, 400),
    "print huge dpi": Case("/drukuj", {"x": "509000", "y": "413500", "scale": "1000",
                                       "dpi": "100000"}, 400),
    "print opacity out of range": Case("/drukuj", {"x": "509000", "y": "413500", "scale": "1000",
                                       "layers": "parcels", "opacity": "parcels:500"}, 400),
    "search overlong": Case("/api/search", {"q": "x" * 300}, 400),
    "as-of future date": Case("/api/historia/dzialki", {"date": "2999-01-01",
                              "bbox": "505000,410000,506000,411000"}, 400, "date_future"),
    "as-of date before the data": Case("/api/historia/dzialki", {"date": "1900-01-01",
                                       "bbox": "505000,410000,506000,411000"}, 400,
                                       "date_before_data"),
    "as-of impossible date": Case("/api/historia/dzialki", {"date": "2026-02-30",
                                  "bbox": "505000,410000,506000,411000"}, 400, "date_malformed"),
    "as-of sql in date": Case("/api/historia/dzialki", {"date": "2026-01-01' OR 1=1 --",
                              "bbox": "505000,410000,506000,411000"}, 400, "date_malformed"),
    "as-of no date": Case("/api/historia/dzialki", {"bbox": "505000,410000,506000,411000"}, 400,
                          "date_missing"),
    "as-of nan bbox": Case("/api/historia/dzialki", {"date": "2026-01-01", "bbox": "nan,1,2,3"},
                           400, "bbox_malformed"),
    "as-of county-sized bbox": Case("/api/historia/dzialki", {"date": "2026-01-01",
                                    "bbox": "480000,390000,530000,440000"}, 400,
                                    "bbox_too_large"),
    "as-of unknown parameter": Case("/api/historia/dzialki", {"date": "2026-01-01",
                                    "bbox": "505000,410000,506000,411000", "filter": "x"}, 400,
                                    "unknown_parameter"),
    "as-of post": Case("/api/historia/dzialki", {}, 405, None, "POST"),
    "case status malformed token": Case("/api/sprawy/' OR 1=1 --", {}, 404),
    "case document of no case": Case("/sprawy/abc/dokumenty/ABCDEFGH2345.pdf", {}, 404),
    "statistics post": Case("/bip/statystyki.json", {}, 405, None, "POST"),
    # the topographic base map (/ows/baza, its tiles, the roads and places collections)
    "baza filter injection": Case("/ows/baza", GETMAP | {"LAYERS": "drogi", "FILTER":
        "(" + _filter('road_class", pg_sleep(2) FROM publish.topo_roads LIMIT 1 --') + ")"},
        400, "InvalidParameterValue"),
    "baza layer of another endpoint": Case("/ows/baza", GETMAP | {"LAYERS": "dzialki"}, 400,
                                           "LayerNotDefined"),
    "baza wfs propertyname sql": Case("/ows/baza", GETFEATURE | {
        "TYPENAMES": "drogi", "PROPERTYNAME": "road_class,pg_sleep(1)"}, 400,
        "InvalidParameterValue"),
    "baza wms huge size": Case("/ows/baza", GETMAP | {"LAYERS": "drogi", "WIDTH": "100000"}, 400),
    "base map tilematrix traversal": Case("/wmts", GETTILE | {
        "LAYER": "mapa_topograficzna", "TILEMATRIX": "../.."}, 400, "InvalidParameterValue"),
    "base map tiles traversal": Case("/tiles/mapa_topograficzna/..%2f..%2fetc/passwd", {}, 404),
    "roads properties sql": Case("/ogc/collections/roads/items", {
        "properties": "name,exec(1)"}, 400, "InvalidParameterValue"),
    "places cql pg_sleep": Case("/ogc/collections/place_names/items", {
        "filter": "pg_sleep(5) = 1"}, 400, "InvalidParameterValue"),
    "water bbox nan": Case("/ogc/collections/water_areas/items", {"bbox": "nan,1,2,3"}, 400,
                           "InvalidParameterValue"),
    # boundary points and administrative boundaries
    "granice layer of another endpoint": Case("/ows/granice", GETMAP | {"LAYERS": "drogi"}, 400,
                                              "LayerNotDefined"),
    "granice filter injection": Case("/ows/granice", GETMAP | {"LAYERS": "gminy", "FILTER":
        "(" + _filter('name", pg_sleep(2) FROM publish.communes LIMIT 1 --') + ")"},
        400, "InvalidParameterValue"),
    "granice wfs unknown property": Case("/ows/granice", GETFEATURE | {
        "TYPENAMES": "powiaty", "PROPERTYNAME": "gmina_id"}, 400, "InvalidParameterValue"),
    "boundary points wfs sortby sql": Case("/ows/ewidencja", GETFEATURE | {
        "TYPENAMES": "punkty_graniczne", "SORTBY": "point_id;DROP TABLE x"}, 400,
        "InvalidParameterValue"),
    "boundary points limit unlimited": Case("/ogc/collections/boundary_points/items", {
        "limit": "unlimited"}, 400, "InvalidParameterValue"),
    "boundary points offset huge": Case("/ogc/collections/boundary_points/items", {
        "offset": "100000000000000000000"}, 400, "InvalidParameterValue"),
    "communes bbox crs injection": Case("/ogc/collections/communes/items", {
        "bbox": "1,2,3,4", "bbox-crs": "EPSG:4326;DROP"}, 400, "InvalidParameterValue"),
    "addresses cql quote break": Case("/ogc/collections/addresses/items", {
        "filter": "street = 'a' OR '1'='1"}, 400, "InvalidParameterValue"),
    "addresses wfs owner column": Case("/ows/ewidencja", GETFEATURE | {
        "TYPENAMES": "adresy", "PROPERTYNAME": "pesel"}, 400, "InvalidParameterValue"),
    "watercourse id injection": Case("/ogc/collections/watercourses/items/1;DROP TABLE x", {},
                                     404, "NotFound"),
    # the general plan's zones (/ows/pog, OGC API general_plan_zones)
    "pog layer of another endpoint": Case("/ows/pog", GETMAP | {"LAYERS": "mpzp"}, 400,
                                          "LayerNotDefined"),
    "pog filter injection": Case("/ows/pog", GETMAP | {"LAYERS": "strefy_planistyczne",
        "FILTER": "(" + _filter('symbol", pg_sleep(2) FROM publish.general_plan_zones LIMIT 1'
                                ' --') + ")"}, 400, "InvalidParameterValue"),
    "pog wfs unknown property": Case("/ows/pog", GETFEATURE | {
        "TYPENAMES": "strefy_planistyczne", "PROPERTYNAME": "plan_text"}, 400,
        "InvalidParameterValue"),
    "pog wfs sortby sql": Case("/ows/pog", GETFEATURE | {
        "TYPENAMES": "strefy_planistyczne", "SORTBY": "symbol;DROP TABLE x"}, 400,
        "InvalidParameterValue"),
    "general plan bbox three numbers": Case("/ogc/collections/general_plan_zones/items", {
        "bbox": "1,2,3"}, 400, "InvalidParameterValue"),
    "general plan unknown property filter": Case("/ogc/collections/general_plan_zones/items", {
        "filter": "exec(1) = 1"}, 400, "InvalidParameterValue"),
    "general plan id injection": Case("/ogc/collections/general_plan_zones/items/1;DROP TABLE x",
                                      {}, 404, "NotFound"),
    # the CSW catalogue (services/csw) and OGC API maps (services/pygeoapi/maps.py)
    "csw unknown parameter": Case("/csw", CSW_CAPS | {"mode": "opensearch"}, 400,
                                  "InvalidParameterValue"),
    "csw version 3": Case("/csw", CSW_CAPS | {"version": "3.0.0"}, 400, "InvalidParameterValue"),
    "csw malformed cql": Case("/csw", CSW_RECORDS | {"constraint": "dc:title like"}, 400,
                              "InvalidParameterValue"),
    "csw unknown property": Case("/csw", CSW_RECORDS | {"constraint": "x') = 1 --"}, 400,
                                 "InvalidParameterValue"),
    "csw quote break": Case("/csw", CSW_RECORDS | {
        "constraint": "dc:title = 'x'' OR ''1''=''1'"}, 400, "InvalidParameterValue"),
    "csw sql in literal": Case("/csw", CSW_RECORDS | {  # a value, matching nothing
        "constraint": "dc:title = 'x; DROP TABLE catalogue.record; --'"}, 200),
    "csw huge start": Case("/csw", CSW_RECORDS | {"startposition": "10" * 20}, 400,
                           "InvalidParameterValue"),
    "csw post xxe": Case("/csw", {}, 400, "InvalidParameterValue", "POST", CSW_XXE,
                         "application/xml"),
    "csw post bomb": Case("/csw", {}, 400, "InvalidParameterValue", "POST", BOMB, "text/xml"),
    "csw post 100 kB": Case("/csw", {}, 413, "InvalidParameterValue", "POST",
                            "<x>" + "a" * 100_000 + "</x>", "text/xml"),
    "csw post not xml": Case("/csw", {}, 400, "InvalidParameterValue", "POST", "{}",
                             "application/json"),
    "csw transaction": Case("/csw", {}, 501, "OperationNotSupported", "POST", CSW_INSERT,
                            "text/xml"),
    "csw put": Case("/csw", {}, 405, "OperationNotSupported", "PUT", "x", "text/xml"),
    "map width 0": Case(MAP, {"width": "0"}, 400, "InvalidParameterValue"),
    "map 100000 px": Case(MAP, {"width": "100000", "height": "100000"}, 400,
                          "InvalidParameterValue"),
    "map nan bbox": Case(MAP, {"bbox": "nan,1,2,3"}, 400, "InvalidParameterValue"),
    "map crs injection": Case(MAP, {"crs": "EPSG:4326;DROP"}, 400, "InvalidParameterValue"),
    "map named colour": Case(MAP, {"bgcolor": "<script>"}, 400, "InvalidParameterValue"),
    "map unknown parameter": Case(MAP, {"styles": "x"}, 400, "InvalidParameterValue"),
    "map infinite scale": Case(MAP, {"scale-denominator": "inf"}, 400, "InvalidParameterValue"),
    "map nan scale": Case(MAP, {"scale-denominator": "NaN"}, 400, "InvalidParameterValue"),
    "map scale 0": Case(MAP, {"scale-denominator": "0"}, 400, "InvalidParameterValue"),
    "map scale beyond the crs": Case(MAP, {"scale-denominator": "99999999"}, 400,
                                     "InvalidParameterValue"),
    "map scale 10^9": Case(MAP, {"scale-denominator": "1e9"}, 400, "InvalidParameterValue"),
    "map scale and width and bbox": Case(MAP, {
        "bbox": "19.1,51.6,19.2,51.7", "scale-denominator": "1000", "width": "10"}, 400,
        "InvalidParameterValue"),
    "map bbox and center": Case(MAP, {"bbox": "19.1,51.6,19.2,51.7", "center": "19.1,51.6"},
                                400, "InvalidParameterValue"),
    "map inverted bbox": Case(MAP, {"bbox": "19.2,51.6,19.1,51.7"}, 400,
                              "InvalidParameterValue"),
    "map unknown crs": Case(MAP, {"crs": "EPSG:99999"}, 400, "InvalidParameterValue"),
    "map unknown center crs": Case(MAP, {"center": "1,2", "center-crs": "EPSG:99999"}, 400,
                                   "InvalidParameterValue"),
    "map inf center": Case(MAP, {"center": "inf,51.6"}, 400, "InvalidParameterValue"),
    "map subset sql": Case(MAP, {"subset": "Lat(1:2);DROP TABLE x"}, 400,
                           "InvalidParameterValue"),
    "map subset unknown axis": Case(MAP, {"subset": "exec(1:2)"}, 400, "InvalidParameterValue"),
    "map subset outside": Case(MAP, {"subset": "Lat(80:85)"}, 404, "NotFound"),
    "map traversal": Case("/ogc/collections/..%2f..%2fetc/map", {}, 404, "NotFound"),
    "map of no collection": Case("/ogc/collections/no_such_layer/map", {}, 404, "NotFound"),
    "map post": Case(MAP, {}, 405, None, "POST", "x", "text/plain"),
    "map mm-per-pixel 0": Case(MAP, {"mm-per-pixel": "0"}, 400, "InvalidParameterValue"),
    "map mm-per-pixel nan": Case(MAP, {"mm-per-pixel": "NaN"}, 400, "InvalidParameterValue"),
    "map mm-per-pixel -inf": Case(MAP, {"mm-per-pixel": "-inf"}, 400, "InvalidParameterValue"),
    "map mm-per-pixel 1e-300": Case(MAP, {"mm-per-pixel": "1e-300"}, 400,
                                    "InvalidParameterValue"),
    "map mm-per-pixel 1e300": Case(MAP, {"mm-per-pixel": "1e300"}, 400,
                                   "InvalidParameterValue"),
    "map mm-per-pixel twice": Case(f"{MAP}?mm-per-pixel=0.28&mm-per-pixel=0.1", {}, 400,
                                   "InvalidParameterValue"),
    "dataset map width 0": Case(DATASET_MAP, {"width": "0"}, 400, "InvalidParameterValue"),
    "dataset map 100000 px": Case(DATASET_MAP, {"width": "100000", "height": "100000"}, 400,
                                  "InvalidParameterValue"),
    "dataset map nan bbox": Case(DATASET_MAP, {"bbox": "nan,1,2,3"}, 400,
                                 "InvalidParameterValue"),
    "dataset map crs injection": Case(DATASET_MAP, {"crs": "EPSG:4326;DROP"}, 400,
                                      "InvalidParameterValue"),
    "dataset map script colour": Case(DATASET_MAP, {"bgcolor": "<script>"}, 400,
                                      "InvalidParameterValue"),
    "dataset map layers parameter": Case(DATASET_MAP, {"layers": "dzialki"}, 400,
                                         "InvalidParameterValue"),
    "dataset map collections parameter": Case(DATASET_MAP, {"collections": "parcels"}, 400,
                                              "InvalidParameterValue"),
    "dataset map scale 0": Case(DATASET_MAP, {"scale-denominator": "0"}, 400,
                                "InvalidParameterValue"),
    "dataset map subset sql": Case(DATASET_MAP, {"subset": "Lat(1:2);DROP TABLE x"}, 400,
                                   "InvalidParameterValue"),
    "dataset map subset outside": Case(DATASET_MAP, {"subset": "Lat(80:85)"}, 404, "NotFound"),
    "dataset map mm-per-pixel 0": Case(DATASET_MAP, {"mm-per-pixel": "0"}, 400,
                                       "InvalidParameterValue"),
    "dataset map mm-per-pixel -1": Case(DATASET_MAP, {"mm-per-pixel": "-1"}, 400,
                                        "InvalidParameterValue"),
    "dataset map mm-per-pixel inf": Case(DATASET_MAP, {"mm-per-pixel": "inf"}, 400,
                                         "InvalidParameterValue"),
    "dataset map mm-per-pixel text": Case(DATASET_MAP, {"mm-per-pixel": "0.28mm"}, 400,
                                          "InvalidParameterValue"),
    "dataset map traversal": Case("/ogc/map/..%2f..%2fetc%2fpasswd", {}, 404, "NotFound"),
    "dataset map legend": Case("/ogc/map/legend", {}, 404, "NotFound"),
    "dataset map post": Case(DATASET_MAP, {}, 405, None, "POST", "x", "text/plain"),
    "report without a form token": Case("/e-uslugi/map_incident", {}, 400, None, "POST",
                                        "location_parcel=1%27%20OR%201%3D1&category=x",
                                        "application/x-www-form-urlencoded"),
    "report form unknown service": Case("/e-uslugi/..%2fpanel", {}, 404),
    "panel assign of no case id": Case("/panel/sprawy/1%27/przydzial", {}, 404, None, "POST",
                                       "assignee=x", "application/x-www-form-urlencoded"),
    # A redirect carries only a language we have: never a header break or another address
    # into Location (followed here: the start page and the sign-in page, nothing else).
    "display switch lang header break": Case("/wyglad", {"kontrast": "1",
                                             "lang": "en\r\nSet-Cookie: x=1"}, 200),
    "display switch lang address": Case("/wyglad", {"kontrast": "1",
                                        "lang": "en&next=//evil.example"}, 200),
    "panel redirect lang script": Case("/panel", {"lang": "en<script>"}, 200),
}  # fmt: skip


def _code(response: requests.Response) -> str | None:
    kind = response.headers.get("Content-Type", "")
    if kind.startswith("text/plain"):  # ULDK: the status token of the first line
        return response.text.split(" ", 1)[0]
    if "json" in kind:
        return json.loads(response.text).get("code")
    if "xml" in kind:
        root = etree.fromstring(response.content)
        codes = {e.get("code") or e.get("exceptionCode") for e in root.iter()} - {None}
        return next(iter(codes), None)
    return None


# nginx refuses these itself, before any engine: a path climbing above the root, TRACE.
REFUSED_BY_NGINX = {
    "static traversal": 400,
    "tiles traversal": 400,
    "ows endpoint traversal": 400,
    "uldk unknown path": 400,
    "wmts trace": 405,
}


@pytest.fixture(params=["gunicorn", "nginx"])
def entry(request) -> str:
    """The application itself, and nginx in front of it (``geoportal front nginx``)."""
    return request.getfixturevalue("live_server" if request.param == "gunicorn" else "front")


@pytest.mark.parametrize("name", list(CASES))
def test_catalogue(entry, name, request):
    case = CASES[name]
    if request.node.callspec.params["entry"] == "nginx" and name in REFUSED_BY_NGINX:
        case = replace(case, status=REFUSED_BY_NGINX[name], code=None)
    url = f"{entry}{case.path}" + (f"?{urlencode(case.params)}" if case.params else "")
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    started = time.monotonic()
    response = requests.request(case.method, url, data=case.body, headers=headers, timeout=30)
    elapsed = time.monotonic() - started
    assert response.status_code == case.status, (name, response.status_code, response.text[:300])
    if case.code is not None:
        assert _code(response) == case.code, (name, response.text[:300])
    assert not any(leak in response.text for leak in LEAKS), (name, response.text[:300])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert elapsed < 1.0, f"{name}: {elapsed:.2f} s"


def test_forged_host_headers_change_no_links(live_server):
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example",
              "X-Forwarded-Proto": "https", "Forwarded": "host=evil.example"}  # fmt: skip
    for path in ("/ows?SERVICE=WMS&REQUEST=GetCapabilities", "/wmts/1.0.0/WMTSCapabilities.xml",
                 "/ogc?f=json", "/services"):  # fmt: skip
        response = requests.get(live_server + path, headers=forged, timeout=30)
        assert response.status_code == 200 and "evil.example" not in response.text, path


def test_floods_are_rate_limited_then_served_again(live_server):
    """Last in the module: it empties this client's bucket for /ows."""
    url = f"{live_server}/ows?SERVICE=WMS&REQUEST=GetCapabilities"
    refused_at_once = f"{live_server}/ows?MAP=x"  # cheap to answer: the flood is fast
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda _: requests.get(refused_at_once, timeout=30), range(1000)))
    limited = [a for a in answers if a.status_code == 429]
    assert limited and {a.status_code for a in answers} <= {400, 429}
    assert all(int(a.headers["Retry-After"]) >= 1 for a in limited)
    time.sleep(3)  # the bucket refills for the tests that follow
    assert requests.get(url, timeout=30).status_code == 200
