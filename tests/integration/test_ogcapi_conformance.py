"""The assertions of the OGC ETS for OGC API - Features Part 1 (ets-ogcapi-features10),
run here in Python because the ETS itself cannot: it is a Java TEAM Engine suite whose
parent POM (org.opengis.cite:ets-common) comes from Maven Central, unreachable here.

Each test names the ETS test method it mirrors (class.method, from
github.com/opengeospatial/ets-ogcapi-features10, src/main/java/.../conformance/core) and
the abstract test of the standard. Where the ETS only records a response ("TODO: assert
returned features") or skips (no temporal extent), the requirement itself is checked.
Expected features come from plain SQL on ``publish``, never from the provider.
"""

from __future__ import annotations

import datetime as dt
import http.client
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pyproj
import pytest
import requests
from openapi_spec_validator import validate
from shapely.geometry import box, shape

from tests.integration.ogc_openapi_local import local_openapi, remote_refs
from tests.integration.test_ogcapi_support import (
    E0,
    N0,
    SIZE,
    http_server,
    known_parcels,
    sql_parcel_ids,
)

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
HTML_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
OAS30_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GEOJSON = "application/geo+json"
TO_LONLAT = pyproj.Transformer.from_crs(2180, 4326, always_xy=True)


@pytest.fixture(scope="module")
def root(settings, database) -> Iterator[str]:
    with known_parcels(database), http_server(settings, database) as url:
        yield url


@pytest.fixture(scope="module")
def session() -> requests.Session:
    return requests.Session()


def _json(session: requests.Session, url: str, **params: Any) -> requests.Response:
    """GET asking for JSON the way the ETS does (Accept header, no ``f``)."""
    accept = GEOJSON if "/items" in url else "application/json"
    return session.get(url, params=params, headers={"Accept": accept}, timeout=30)


def _rel(links: list[dict[str, Any]], rel: str) -> list[dict[str, Any]]:
    return [link for link in links if link.get("rel") == rel]


def _assert_self_and_alternates(links: list[dict[str, Any]], self_type: str) -> None:
    """Requirement 13 A/B, /req/core/fc-links, /req/core/f-links: a self link, an alternate
    link for every other encoding this server conforms to (HTML), rel and type on each."""
    selves = _rel(links, "self")
    assert len(selves) == 1 and selves[0].get("type")
    assert selves[0]["type"].split(";")[0] == self_type
    alternates = _rel(links, "alternate")
    assert any(link.get("type") == "text/html" for link in alternates)
    assert all(link.get("type") and link.get("href") for link in selves + alternates)


@pytest.fixture(scope="module")
def landing(root, session) -> dict[str, Any]:
    response = _json(session, f"{root}/")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def collections(root, session) -> dict[str, Any]:
    response = _json(session, f"{root}/collections")
    assert response.status_code == 200
    return response.json()


def _feature_collections(collections: dict[str, Any]) -> list[dict[str, Any]]:
    """As FeatureCollections.createCollectionsMap: itemType feature, with an items link."""
    return [c for c in collections["collections"]
            if c.get("itemType", "feature") == "feature" and _rel(c["links"], "items")]  # fmt: skip


@pytest.fixture(scope="module")
def api_document(root, session, landing) -> dict[str, Any]:
    link = _rel(landing["links"], "service-desc")[0]
    response = session.get(link["href"], headers={"Accept": link["type"]}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return local_openapi(response.json())


def _items_parameter(api_document: dict[str, Any], collection: str, name: str) -> dict[str, Any]:
    """A parameter of GET /collections/{collection}/items, ``$ref``s followed."""
    for parameter in api_document["paths"][f"/collections/{collection}/items"]["get"]["parameters"]:
        while "$ref" in parameter:
            node: Any = api_document
            for part in parameter["$ref"].lstrip("#/").split("/"):
                node = node[part]
            parameter = node
        if parameter.get("name") == name:
            return parameter
    raise AssertionError(f"{name} is not a parameter of {collection}/items")


def test_general_http_1_1(root):
    """GeneralHttp.http - Abstract Test 1 (/req/core/http): HTTP 1.1."""
    url = urlparse(root)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("GET", f"{url.path}/")
    response = connection.getresponse()
    assert response.version == 11 and response.status == 200
    connection.close()


def test_landing_page(root, session, landing):
    """LandingPage.landingPageRetrieval and landingPageValidation - Abstract Tests 3, 4
    (/req/core/root-op, /req/core/root-success): service-desc or service-doc,
    conformance and data links."""
    rels = {link["rel"] for link in landing["links"]}
    assert {"service-desc", "conformance", "data"} <= rels
    assert all(link.get("href") and link.get("type") for link in landing["links"])
    html = session.get(f"{root}/", headers={"Accept": "text/html"}, timeout=30)
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")


def test_api_definition(api_document):
    """ApiDefinition.openapiDocumentRetrieval and apiDefinitionValidation - Abstract Tests
    5, 6 (/req/core/api-definition-op, -success): the document, with the OGC files it
    refers to, is valid OpenAPI 3.0."""
    assert remote_refs(api_document) == []
    validate(api_document)
    assert api_document["openapi"].startswith("3.0")


def test_conformance(root, session, landing):
    """Conformance.validateConformanceOperationAndResponse - Abstract Tests 7, 8: reached
    through the landing page's link; core, GeoJSON, HTML and OpenAPI 3.0 declared."""
    link = _rel(landing["links"], "conformance")[0]
    response = _json(session, link["href"])
    assert response.status_code == 200
    conforms = response.json()["conformsTo"]
    assert all(isinstance(uri, str) for uri in conforms)
    assert {CORE, GEOJSON_CLASS, HTML_CLASS, OAS30_CLASS} <= set(conforms)


def test_collections(root, session, landing, collections):
    """FeatureCollections.validateFeatureCollectionsMetadataOperation, ..._Links,
    ..._CrsProperty, ..._Content - Abstract Tests 9, 10 (/req/core/fc-md-op, -success,
    /req/core/crs84)."""
    assert _rel(landing["links"], "data")[0]["href"].rstrip("/") == f"{root}/collections"
    _assert_self_and_alternates(collections["links"], "application/json")
    assert collections["collections"] and _feature_collections(collections)
    if "crs" in collections:
        assert collections["crs"][0] == CRS84
    for collection in _feature_collections(collections):
        assert collection.get("crs", [CRS84])[0] == CRS84 or "#/crs" in collection["crs"]


def test_each_collection(root, session, collections):
    """FeatureCollection.validateFeatureCollectionMetadataOperation and
    validateFeatureCollectionMetadataResponse - Abstract Tests 11, 12: id, title,
    description and extent equal to the /collections entry; extent in CRS84."""
    for entry in _feature_collections(collections):
        response = _json(session, f"{root}/collections/{entry['id']}")
        assert response.status_code == 200, entry["id"]
        collection = response.json()
        for key in ("id", "title", "description", "extent"):
            assert collection.get(key) == entry.get(key), (entry["id"], key)
        west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
        assert -180 <= west < east <= 180 and -90 <= south < north <= 90
        assert collection["extent"]["spatial"].get("crs", CRS84) == CRS84


def test_collection_extent_holds_its_features(root, session, database, collections):
    """The spatial extent (Requirement 15, /req/core/fc-md-extent) holds the features: the
    test grid's extent from SQL lies inside the advertised bbox. The bbox is the county's
    (site.yaml), not computed from the data: the support module's one parcel placed
    outside the county (``FAR``) is outside it, so the grid alone is checked."""
    parcels = next(c for c in collections["collections"] if c["id"] == "parcels")
    west, south, east, north = parcels["extent"]["spatial"]["bbox"][0]
    with database.connect("public") as conn:
        row = conn.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM"
            " (SELECT ST_Extent(ST_Transform(geom, 4326))::geometry AS e FROM publish.parcels"
            "   WHERE ST_Within(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))) x",
            (E0, N0, E0 + 3 * SIZE, N0 + 3 * SIZE),
        ).fetchone()
    assert row is not None
    assert west <= row[0] and south <= row[1] and row[2] <= east and row[3] <= north


def _all_pages(session: requests.Session, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every page from ``url`` following ``next`` links as the ETS does
    (FeaturesAssertions.assertNumberMatched / collectNumberOfAllReturnedFeatures)."""
    pages, next_url = [], url
    while next_url and len(pages) < 50:
        response = _json(session, next_url, **(params if not pages else {}))
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith(GEOJSON)
        pages.append(response.json())
        nexts = _rel(pages[-1]["links"], "next")
        assert all(link.get("type") == GEOJSON for link in nexts)
        next_url = nexts[0]["href"] if nexts else None
    return pages


def _assert_feature_collection(body: dict[str, Any], before: dt.datetime) -> None:
    """Features.validateFeaturesResponse_TypeProperty, _FeaturesProperty, _Links,
    _TimeStamp, _NumberReturned, _GeometryInCRS84 - Abstract Tests 2, 22-26."""
    assert body["type"] == "FeatureCollection" and isinstance(body["features"], list)
    assert all(feature["type"] == "Feature" for feature in body["features"])
    _assert_self_and_alternates(body["links"], GEOJSON)
    stamp = dt.datetime.fromisoformat(body["timeStamp"].replace("Z", "+00:00"))
    assert before - dt.timedelta(seconds=5) <= stamp <= dt.datetime.now(dt.UTC)
    assert body["numberReturned"] == len(body["features"])
    for feature in body["features"]:
        west, south, east, north = shape(feature["geometry"]).bounds
        assert 14 < west <= east < 25 and 49 < south <= north < 55  # CRS84: lon, lat


def test_features(root, session, database, collections):
    """Features.validateFeaturesOperation and the response tests above, then
    validateFeaturesResponse_NumberMatched: numberMatched equals the features of all
    pages followed by next links, and the rows SQL finds."""
    for entry in _feature_collections(collections):
        before = dt.datetime.now(dt.UTC)
        pages = _all_pages(session, f"{root}/collections/{entry['id']}/items", limit=3)
        for page in pages:
            _assert_feature_collection(page, before)
        assert all(page["numberMatched"] == sum(len(p["features"]) for p in pages)
                   for page in pages), entry["id"]  # fmt: skip
    parcels = _all_pages(session, f"{root}/collections/parcels/items", limit=3)
    served = sorted(f["properties"]["parcel_id"] for page in parcels for f in page["features"])
    assert served == sql_parcel_ids(database, "TRUE") and len(parcels) >= 2


def test_limit(root, session, api_document, collections):
    """FeaturesLimit.limitParameterDefinition, validateFeaturesWithLimitOperation,
    validateFeaturesWithLimitResponse - Abstract Tests 16, 17 (/req/core/fc-limit-*):
    the definition, at most ``limit`` features, a limit above the maximum is no error."""
    limit = _items_parameter(api_document, "parcels", "limit")
    assert limit["in"] == "query" and not limit.get("required", False)
    assert limit.get("style", "form") == "form" and limit.get("explode") is False
    schema = limit["schema"]
    assert schema["type"] == "integer" and schema["minimum"] >= 0 and schema["default"] >= 0
    maximum = schema["maximum"]
    for asked in (1, 2, maximum + 1):
        before = dt.datetime.now(dt.UTC)
        response = _json(session, f"{root}/collections/parcels/items", limit=asked)
        assert response.status_code == 200
        body = response.json()
        _assert_feature_collection(body, before)
        assert len(body["features"]) <= min(asked, maximum)
        assert len(body["features"]) == min(asked, body["numberMatched"])


def _crs84_box() -> tuple[float, float, float, float]:
    west, south = TO_LONLAT.transform(E0 + 50, N0 + 50)
    east, north = TO_LONLAT.transform(E0 + 250, N0 + 150)
    return west, south, east, north


def test_bbox(root, session, api_document, database):
    """FeaturesBBox.boundingBoxParameterDefinition, validateFeaturesWithBoundingBoxOperation,
    validateFeaturesWithBoundingBoxResponse - Abstract Tests 14, 15: the definition; only
    and all features intersecting the box (SQL decides; every geometry is checked)."""
    bbox = _items_parameter(api_document, "parcels", "bbox")
    assert bbox["in"] == "query" and not bbox.get("required", False)
    assert bbox.get("style", "form") == "form" and bbox.get("explode") is False
    schema = bbox["schema"]
    assert schema["type"] == "array" and (schema["minItems"], schema["maxItems"]) == (4, 6)
    assert schema["items"]["type"] == "number"
    box_ = _crs84_box()
    before = dt.datetime.now(dt.UTC)
    text = ",".join(repr(value) for value in box_)
    response = _json(session, f"{root}/collections/parcels/items", bbox=text)
    assert response.status_code == 200
    body = response.json()
    _assert_feature_collection(body, before)
    assert all(shape(f["geometry"]).intersects(box(*box_)) for f in body["features"])
    expected = sql_parcel_ids(
        database,
        "ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
        box_,
    )
    assert sorted(f["properties"]["parcel_id"] for f in body["features"]) == expected
    assert body["numberMatched"] == len(expected) >= 4


def test_datetime(root, session, api_document, database):
    """FeaturesTime.timeParameterDefinition - Abstract Test 18; Abstract Test 19
    (/req/core/fc-time-response): the ETS skips collections without a temporal extent,
    the requirement still holds - features without a temporal geometry are all selected,
    for an instant, a closed and a half-bounded interval."""
    parameter = _items_parameter(api_document, "parcels", "datetime")
    assert parameter["in"] == "query" and not parameter.get("required", False)
    assert parameter["schema"]["type"] == "string"
    total = len(sql_parcel_ids(database, "TRUE"))
    for value in ("2018-02-12T23:20:50Z", "2018-02-12T00:00:00Z/2018-03-18T12:31:12Z",
                  "2018-02-12/..", "../2018-03-18T12:31:12+01:00"):  # fmt: skip
        response = _json(session, f"{root}/collections/parcels/items", datetime=value)
        assert response.status_code == 200, value
        assert response.json()["numberMatched"] == total, value


def test_feature(root, session, database):
    """Feature.featureOperation and validateFeatureResponse - Abstract Tests 27, 28, 29
    (/req/core/f-op, f-success, f-links): GeoJSON, self, alternate and collection links."""
    with database.connect("public") as conn:
        row = conn.execute("SELECT gid, parcel_id FROM publish.parcels ORDER BY gid LIMIT 1")
        gid, parcel_id = row.fetchone() or (0, "")
    response = _json(session, f"{root}/collections/parcels/items/{gid}")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(GEOJSON)
    feature = response.json()
    assert feature["type"] == "Feature" and feature["id"] == gid
    assert feature["properties"]["parcel_id"] == parcel_id
    _assert_self_and_alternates(feature["links"], GEOJSON)
    collection = _rel(feature["links"], "collection")
    assert collection and collection[0].get("type")
    assert collection[0]["href"].rstrip("/") == f"{root}/collections/parcels"


def test_error_conditions(root, session, database):
    """FeaturesErrorConditions.validateFeaturesOperation_QueryParamInvalid and
    _QueryParamUnknown - Abstract Tests 20, 21 (/req/core/query-param-invalid, -unknown);
    and the 404 of /req/core/f-op and the HTTP status table (unknown id or collection)."""
    items = f"{root}/collections/parcels/items"
    assert _json(session, items, limit="unlimited").status_code == 400
    assert _json(session, items, **{"unknownQueryParameter12345": "1"}).status_code == 400
    with database.connect("public") as conn:
        row = conn.execute("SELECT max(gid) FROM publish.parcels").fetchone()
    missing = int(row[0] if row and row[0] else 0) + 1000
    assert _json(session, f"{items}/{missing}").status_code == 404
    assert _json(session, f"{root}/collections/no_such_collection").status_code == 404
    assert _json(session, f"{root}/collections/no_such_collection/items").status_code == 404


def test_media_types(root, session):
    """/req/geojson/content, /req/html/content and /req/core/http: items and features are
    application/geo+json, metadata application/json, ``f=html`` text/html."""
    expectations = {
        "/collections/parcels/items?f=json": GEOJSON,
        "/collections/parcels?f=json": "application/json",
        "/conformance?f=json": "application/json",
        "/collections/parcels/items?f=html&limit=2": "text/html",
        "/collections?f=html": "text/html",
    }
    for path, media_type in expectations.items():
        response = session.get(f"{root}{path}", timeout=30)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].split(";")[0] == media_type, path


def test_paging_numbers_are_consistent(root, session, database):
    """Abstract Tests 25, 26 over a paged read: numberMatched the same on every page, the
    pages together hold each feature once; the next link's page is a new, later one."""
    total = len(sql_parcel_ids(database, "TRUE"))
    pages = _all_pages(session, f"{root}/collections/parcels/items", limit=2)
    ids = [f["id"] for page in pages for f in page["features"]]
    assert len(ids) == len(set(ids)) == total
    assert all(page["numberMatched"] == total for page in pages)
    assert len(pages) == 1 + math.ceil(max(0, total - 2) / 1000)
    assert SIZE > 0  # the grid of test parcels is in place
