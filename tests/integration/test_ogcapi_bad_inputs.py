"""The bad-input catalogue against OGC API - Features: each case gets its 4xx, as JSON.

Cases follow /work/shared/reference/bad-inputs.md (1, 3, 5-12). Every refusal must be a
JSON exception with a Polish and English message, and leak no SQL, path or traceback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from tests.integration.test_ogcapi_support import known_parcels, mounted, sql_gid

ITEMS = "/ogc/collections/parcels/items"
DEEP = "number = '1' AND (" * 150 + "number = '1'" + ")" * 150
WIDE = " OR ".join(["number = '1'"] * 250)

BAD_REQUESTS = [
    # limit and offset (5, 6)
    (f"{ITEMS}?limit=-1", 400), (f"{ITEMS}?limit=0", 400), (f"{ITEMS}?limit=abc", 400),
    (f"{ITEMS}?limit=1.5", 400), (f"{ITEMS}?limit=unlimited", 400), (f"{ITEMS}?limit=", 400),
    (f"{ITEMS}?offset=100000000000000000000", 400), (f"{ITEMS}?offset=-1", 400),
    (f"{ITEMS}?offset=1e3", 400), (f"{ITEMS}?cursor=5", 400), (f"{ITEMS}?cursor=1_0", 400),
    (f"{ITEMS}?cursor=3_1&offset=3", 400), (f"{ITEMS}?cursor=3_1&sortby=area_ha", 400),
    (f"{ITEMS}?cursor=99999999999_1", 400), (f"{ITEMS}?cursor=", 400),
    # bbox (1)
    (f"{ITEMS}?bbox=1,2,3", 400), (f"{ITEMS}?bbox=1,2,3,4,5", 400),
    (f"{ITEMS}?bbox=1,2,3,4c", 400), (f"{ITEMS}?bbox=19,51,18,52", 400),
    (f"{ITEMS}?bbox=19,51,19,52", 400), (f"{ITEMS}?bbox=nan,51,19,52", 400),
    (f"{ITEMS}?bbox=19,51,inf,52", 400), (f"{ITEMS}?bbox=19,51,1_9,52", 400),
    (f"{ITEMS}?bbox=", 400), (f"{ITEMS}?bbox=19,-91,20,52", 400),
    (f"{ITEMS}?bbox=19,51,20,52&bbox=1,2,3,4", 400),
    # CRS (3)
    (f"{ITEMS}?crs=EPSG:99999", 400), (f"{ITEMS}?crs=EPSG:4326;DROP", 400),
    (f"{ITEMS}?crs=http://example.com/crs", 400), (f"{ITEMS}?crs=GEOGCS[\"x\"]", 400),
    (f"{ITEMS}?bbox=19,51,20,52&bbox-crs=EPSG:99999", 400),
    (f"{ITEMS}?bbox-crs=EPSG:2180", 400), (f"{ITEMS}?bbox=1,2,3,4&filter-crs=EPSG:1", 400),
    # unknown or repeated parameters (7)
    (f"{ITEMS}?foo=1", 400), (f"{ITEMS}?limit=1&limit=2", 400), ("/ogc/collections?x=1", 400),
    (f"{ITEMS}/1?bbox=1,2,3,4", 400),
    # property names (10)
    (f"{ITEMS}?sortby=exec(1)", 400), (f"{ITEMS}?sortby=parcel_id;DROP", 400),
    (f"{ITEMS}?properties=../etc", 400), (f"{ITEMS}?properties=", 400),
    (f"{ITEMS}?area_ha=abc", 400), (f"{ITEMS}?data_date=yesterday", 400),
    (f"{ITEMS}?resulttype=all", 400), (f"{ITEMS}?skipGeometry=maybe", 400),
    # CQL (8, 9)
    (f"{ITEMS}?filter=pg_sleep(5) = 1", 400), (f"{ITEMS}?filter=parcel_id = 'a'' OR 1=1", 400),
    (f"{ITEMS}?filter=gid = 1", 400), (f"{ITEMS}?filter=nosuch = 1", 400),
    (f"{ITEMS}?filter=area_ha = 'x'", 400), (f"{ITEMS}?filter-lang=cql2-text", 400),
    (f"{ITEMS}?filter={DEEP}", 400), (f"{ITEMS}?filter={WIDE}", 400),
    (f"{ITEMS}?filter={WIDE}{WIDE}", 400),
    (f"{ITEMS}?q={'x' * 300}", 400), (f"{ITEMS}?datetime=yesterday", 400),
    (f"{ITEMS}?datetime=2024-02-30", 400), (f"{ITEMS}?datetime=2024-02-01/2024-01-01", 400),
    (f"{ITEMS}?datetime=../..", 400), (f"{ITEMS}?datetime=2024-01-01T10:00:00", 400),
    (f"{ITEMS}?datetime=2024-01-01/2024-02-01/2024-03-01", 400),
    # feature ids (11)
    (f"{ITEMS}/1abc", 404), (f"{ITEMS}/1;DROP TABLE x", 404), (f"{ITEMS}/1<script>", 404),
    (f"{ITEMS}/-1", 404), (f"{ITEMS}/01", 404), (f"{ITEMS}/99999999999999999999", 404),
    (f"{ITEMS}/0x10", 404), (f"{ITEMS}/1 ", 404),
    # paths (12)
    ("/ogc/collections/nope", 404), ("/ogc/collections/nope/items", 404),
    ("/ogc/collections/..%2f..%2fetc%2fpasswd", 404), ("/ogc/collections/%2e%2e/items", 404),
    ("/ogc/collections/%252e%252e/items", 404), ("/ogc/collections/parcels/..\\x", 404),
    ("/ogc/static/../../etc/passwd", 404), ("/ogc/static/%2e%2e/x", 404),
    ("/ogc/collections/parcels/items/1/extra", 404), ("/ogc/admin/config", 404),
]  # fmt: skip


@pytest.fixture(scope="module")
def ogc(instance, database, settings) -> Iterator[Client]:
    with known_parcels(database):
        yield Client(mounted(instance))


def assert_clean_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"].startswith("application/json")
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "SELECT", "/work/", "psycopg", "site-packages"):
        assert leak not in text
    body = json.loads(text)
    assert body["code"] and " / " in body["description"]
    return body


@pytest.mark.parametrize(("url", "status"), BAD_REQUESTS)
def test_bad_request_is_refused(ogc, url, status):
    started = time.monotonic()
    response = ogc.get(url)
    assert_clean_error(response, status)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("PUT", f"{ITEMS}/1", {"data": "{}"}, 405),
        ("DELETE", f"{ITEMS}/1", {}, 405),
        ("POST", "/ogc/collections", {"data": "{}"}, 405),
        ("POST", ITEMS, {"data": "{}", "content_type": "application/geo+json"}, 400),
        ("POST", ITEMS, {"data": "x" * 70_000, "content_type": "application/json"}, 413),
        ("POST", ITEMS, {"data": '{"op": "=", "args": [{"property": "gid"}, 1]}',
                         "content_type": "application/json"}, 400),
    ],
)  # fmt: skip
def test_methods_and_bodies(ogc, method, url, kwargs, status):
    response = ogc.open(url, method=method, **kwargs)
    body = assert_clean_error(response, status)
    if status == 405:
        assert "GET" in response.headers["Allow"] and body["code"] == "OperationNotSupported"


def test_cql_json_filter_by_post_works(ogc, database):
    document = {"op": "=", "args": [{"property": "parcel_id"}, "100899_9.0001.5/1"]}
    response = ogc.post(ITEMS, data=json.dumps(document), content_type="application/json")
    assert response.status_code == 200
    features = response.get_json()["features"]
    assert [f["id"] for f in features] == [sql_gid(database, "100899_9.0001.5/1")]
    every = {"op": "like", "args": [{"property": "parcel_id"}, "100899_9.%"]}
    paged = ogc.post(f"{ITEMS}?limit=2", data=json.dumps(every), content_type="application/json")
    assert paged.status_code == 200 and len(paged.get_json()["features"]) == 2
    # a GET link cannot carry the body's filter: no cursor link leads away from it
    assert not any("cursor=" in link["href"] for link in paged.get_json()["links"])


def test_cql_json_deep_nesting_is_refused_quickly(ogc):
    leaf = '{"op": "=", "args": [{"property": "number"}, "1"]}'
    document = '{"op": "and", "args": [' * 1600 + leaf + (", " + leaf + "]}") * 1600
    started = time.monotonic()
    response = ogc.post(ITEMS, data=document, content_type="application/json")
    assert response.status_code in (400, 413)
    assert time.monotonic() - started < 1.0


def test_refusal_does_not_echo_markup_as_html(ogc):
    response = ogc.get(f"{ITEMS}?%3Cscript%3E=1")
    assert_clean_error(response, 400)
    assert "text/html" not in response.headers["Content-Type"]
