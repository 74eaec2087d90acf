"""Real clients against a real HTTP server: OWSLib and GDAL's OAPIF driver.

OWSLib passes bbox numbers through unchanged (so CRS84 longitude first, or the CRS's own
order with ``bbox-crs``). GDAL 3.6 (Debian 12) requests CRS84 only; GDAL >= 3.7 requests
the advertised ``storageCrs`` (EPSG:2180) and expects authority axis order, which is
what we serve.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from urllib.request import urlopen

import pyproj
import pytest
from owslib.ogcapi.features import Features

from tests.integration.test_ogcapi_support import E0, N0, http_server, known_parcels, sql_parcel_ids

TO_LONLAT = pyproj.Transformer.from_crs(2180, 4326, always_xy=True)
EPSG2180 = "http://www.opengis.net/def/crs/EPSG/0/2180"


@pytest.fixture(scope="module")
def ogc_url(database, settings) -> Iterator[str]:
    with known_parcels(database), http_server(settings, database) as url:
        yield url


def _crs84_box() -> tuple[float, float, float, float]:
    west, south = TO_LONLAT.transform(E0 + 50, N0 + 50)
    east, north = TO_LONLAT.transform(E0 + 250, N0 + 150)
    return west, south, east, north


def _expected_in_box(database, box: tuple[float, float, float, float]) -> list[str]:
    return sql_parcel_ids(
        database,
        "ST_Intersects(ST_Transform(geom, 4326), ST_MakeEnvelope(%s, %s, %s, %s, 4326))",
        box,
    )


def test_owslib_reads_landing_page_and_collections(ogc_url):
    api = Features(ogc_url)
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
        in (api.conformance()["conformsTo"])
    )
    names = {c["id"] for c in api.collections()["collections"]}
    assert "parcels" in names and "buildings" in names
    parcels = api.collection("parcels")
    assert parcels["storageCrs"] == EPSG2180
    assert any(link["rel"] == "items" for link in parcels["links"])
    assert "parcel_id" in api.collection_queryables("parcels")["properties"]


def test_owslib_bbox_items_match_sql(ogc_url, database):
    box = _crs84_box()
    result = Features(ogc_url).collection_items("parcels", bbox=list(box), limit=1000)
    served = sorted(f["properties"]["parcel_id"] for f in result["features"])
    assert served == _expected_in_box(database, box) and len(served) >= 6


def test_owslib_bbox_crs_2180_in_authority_order(ogc_url, database):
    north0, east0, north1, east1 = N0 + 150, E0 + 50, N0 + 250, E0 + 250
    result = Features(ogc_url).collection_items(
        "parcels", bbox=[north0, east0, north1, east1], **{"bbox-crs": EPSG2180, "crs": EPSG2180}
    )
    expected = sql_parcel_ids(
        database, "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))",
        (east0, north0, east1, north1),
    )  # fmt: skip
    assert sorted(f["properties"]["parcel_id"] for f in result["features"]) == expected
    first = result["features"][0]["geometry"]["coordinates"][0][0][0]
    assert first[0] < first[1]  # northing (~416 000) before easting (~509 000)


def test_concurrent_requests_keep_their_own_bbox(ogc_url, database):
    """The client's bbox travels in a context variable: threads must never mix them."""
    boxes = {
        f"{N0 + 10},{E0 + 10},{N0 + 90},{E0 + 90}": (E0 + 10, N0 + 10, E0 + 90, N0 + 90),
        f"{N0 + 210},{E0 + 210},{N0 + 290},{E0 + 290}": (E0 + 210, N0 + 210, E0 + 290, N0 + 290),
    }
    expected = {
        text: sql_parcel_ids(
            database, "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))", box
        )
        for text, box in boxes.items()
    }

    def fetch(text: str) -> tuple[str, list[str]]:
        query = urlencode({"bbox": text, "bbox-crs": EPSG2180, "limit": 100})
        with urlopen(f"{ogc_url}/collections/parcels/items?{query}", timeout=10) as response:  # noqa: S310
            body = json.load(response)
        return text, sorted(f["properties"]["parcel_id"] for f in body["features"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(fetch, list(boxes) * 30))
    assert all(served == expected[text] for text, served in results)
