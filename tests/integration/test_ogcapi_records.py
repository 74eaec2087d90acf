"""OGC API Records: a metadata record for every dataset and every service."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from services.catalogue import service_entries
from tests.integration.test_ogcapi_support import mounted

ITEMS = "/ogc/collections/metadane/items"


@pytest.fixture(scope="module")
def ogc(instance) -> Client:
    return Client(mounted(instance))


def _all(ogc) -> list[dict]:
    answer = ogc.get(f"{ITEMS}?f=json&limit=500")
    assert answer.status_code == 200, answer.data[:300]
    return answer.json["features"]


def test_every_dataset_and_service_has_a_record(ogc, instance):
    ids = {record["id"] for record in _all(ogc)}
    datasets = {f"dataset-{layer.id}" for layer in instance.catalog.layers}
    datasets |= {f"dataset-{raster.id}" for raster in instance.rasters}
    services = {f"service-{entry.key}" for entry in service_entries(instance)}
    assert ids == datasets | services


def test_records_carry_the_site_metadata(ogc, site):
    for record in _all(ogc):
        properties = record["properties"]
        assert properties["license"] == site.data.licence.name
        assert properties["contacts"][0]["emails"][0]["value"] == site.contact.email
        assert properties["language"] == "pol" and properties["title"] and properties["keywords"]
        west, south, east, north = site.lonlat_extent
        assert record["geometry"]["coordinates"][0][0] == [west, south]


def test_a_service_record_links_its_capabilities(ogc, instance):
    record = ogc.get(f"{ITEMS}/service-wms-kieg?f=json").json
    kieg = next(entry for entry in service_entries(instance) if entry.key == "wms-kieg")
    assert record["links"][0]["href"] == kieg.capabilities
    assert record["properties"]["type"] == "service"


def test_free_text_and_property_search(ogc):
    found = ogc.get(f"{ITEMS}?f=json&q=ortofotomapa").json["features"]
    assert "dataset-orthophoto" in {record["id"] for record in found}
    services = ogc.get(f"{ITEMS}?f=json&type=service&limit=500").json["features"]
    assert services and all(r["properties"]["type"] == "service" for r in services)


@pytest.mark.parametrize("query", ["nope=1", "limit=-1", "bbox=nan,1,2,3", "crs=EPSG:2180"])
def test_bad_record_queries_are_400(ogc, query):
    assert ogc.get(f"{ITEMS}?{query}").status_code == 400


def test_a_quote_in_the_search_runs_no_code(ogc, tmp_path):
    """pygeoapi's TinyDB catalogue evals ``q``: our provider only compares strings."""
    marker = tmp_path / "pwned"
    payload = f'") or __import__("pathlib").Path("{marker}").touch() or ("'
    answer = ogc.get(ITEMS, query_string={"f": "json", "q": payload})
    assert answer.status_code == 200 and answer.json["features"] == []
    assert not marker.exists()
    properties = ogc.get(ITEMS, query_string={"f": "json", "type": "x' or True or '"})
    assert properties.status_code == 200 and properties.json["features"] == []
