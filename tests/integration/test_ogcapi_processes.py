"""OGC API – Processes through the mounted pygeoapi and its guard.

Expected coordinates come from pyproj called here directly (PROJ is the reference), and
from a published control value for EPSG:2180 → PL-2000 zone 6.
"""

from __future__ import annotations

import json

import pyproj
import pytest
from werkzeug.test import Client

from tests.integration.test_ogcapi_support import mounted

EXECUTE = "/ogc/processes/przeliczenie-wspolrzednych/execution"


@pytest.fixture(scope="module")
def ogc(instance, database, settings) -> Client:
    return Client(mounted(instance))


def _run(ogc, inputs: dict, **extra):
    body = json.dumps({"inputs": inputs, **extra})
    return ogc.post(EXECUTE, data=body, content_type="application/json")


def test_the_process_is_listed_and_described(ogc):
    listing = ogc.get("/ogc/processes?f=json").json
    assert "przeliczenie-wspolrzednych" in {p["id"] for p in listing["processes"]}
    description = ogc.get("/ogc/processes/przeliczenie-wspolrzednych?f=json").json
    assert set(description["inputs"]) == {"coordinates", "source_crs", "target_crs", "axis_order"}


def test_puwg1992_to_pl2000_matches_proj(ogc):
    points = [[509000.0, 413000.0], [495000.5, 430000.25]]
    answer = _run(ogc, {"coordinates": points, "source_crs": "EPSG:2180",
                        "target_crs": "EPSG:2177"})  # fmt: skip
    assert answer.status_code == 200, answer.data[:300]
    result = answer.json
    proj = pyproj.Transformer.from_crs(2180, 2177, always_xy=True)
    for got, (x, y) in zip(result["coordinates"], points, strict=True):
        want = proj.transform(x, y)
        assert abs(got[0] - want[0]) < 0.001 and abs(got[1] - want[1]) < 0.001
    assert result["coordinates"][0][0] > 6_000_000  # zone 6 eastings carry the 6 prefix
    assert result["transformation"] and result["target_crs"] == "EPSG:2177"


def test_surveyors_axis_order_is_northing_first_both_ways(ogc):
    answer = _run(ogc, {"coordinates": [[413000.0, 509000.0]], "source_crs": "EPSG:2180",
                        "target_crs": "EPSG:4326", "axis_order": "epsg"})  # fmt: skip
    lat, lon = answer.json["coordinates"][0]
    want_lon, want_lat = pyproj.Transformer.from_crs(2180, 4326, always_xy=True).transform(
        509000.0, 413000.0
    )
    assert abs(lat - want_lat) < 1e-9 and abs(lon - want_lon) < 1e-9


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"coordinates": [[5712345.0, 6512345.0]], "source_crs": "EPSG:2177",
          "target_crs": "EPSG:4326"}, "axis"),  # northing first: outside zone 6
        ({"coordinates": [[1, "x"]], "source_crs": "EPSG:2180", "target_crs": "EPSG:4326"},
         "number"),
        ({"coordinates": [[1e309, 1]], "source_crs": "EPSG:2180", "target_crs": "EPSG:4326"},
         "number"),
        ({"coordinates": [], "source_crs": "EPSG:2180", "target_crs": "EPSG:4326"}, "list"),
        ({"coordinates": [[0, 0]], "source_crs": "EPSG:9999", "target_crs": "EPSG:4326"},
         "source_crs"),
        ({"coordinates": [[0, 0]] * 10_001, "source_crs": "EPSG:2180",
          "target_crs": "EPSG:4326"}, "list"),
    ],
)  # fmt: skip
def test_bad_inputs_are_400_with_a_message(ogc, inputs, message):
    answer = _run(ogc, inputs)
    assert answer.status_code == 400, answer.data[:300]
    assert message in answer.json["description"]


def test_a_subscriber_callback_is_refused_before_pygeoapi(ogc):
    answer = _run(ogc, {"coordinates": [[509000.0, 413000.0]], "source_crs": "EPSG:2180",
                        "target_crs": "EPSG:4326"},
                  subscriber={"successUri": "http://127.0.0.1:9/steal"})  # fmt: skip
    assert answer.status_code == 400 and "subscriber" in answer.json["description"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [("not json", "application/json", 400), ("[1, 2]", "application/json", 400),
     ('{"inputs": 1}', "application/json", 400), ("{}", "text/plain", 400),
     ("{" + " " * 600_000 + "}", "application/json", 413)],
)  # fmt: skip
def test_malformed_execution_bodies(ogc, body, content_type, status):
    answer = ogc.post(EXECUTE, data=body, content_type=content_type)
    assert answer.status_code == status, answer.data[:200]


def test_only_post_executes(ogc):
    assert ogc.get(EXECUTE).status_code == 405
    assert ogc.post("/ogc/processes/przeliczenie-wspolrzednych/other").status_code == 404


def test_conformance_claims_processes_without_callbacks(ogc):
    classes = set(ogc.get("/ogc/conformance?f=json").json["conformsTo"])
    base = "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/"
    assert {base + "core", base + "json"} <= classes
    assert base + "callback" not in classes
