"""Which answers of the items path may carry the features unparsed: plain GeoJSON only
(written by orjson); HTML and JSON-LD read each feature, so they get parsed ones."""

from __future__ import annotations

import pytest

from services.pygeoapi.guard import _answers_geojson


@pytest.mark.parametrize(
    ("query", "accept", "geojson"),
    [
        ("f=json", "", True),
        ("f=JSON", "text/html", True),  # f wins over Accept, as in pygeoapi
        ("f=html", "", False),
        ("f=jsonld", "", False),
        ("f=csv", "", False),
        ("", "", True),  # pygeoapi's default
        ("", "application/geo+json", True),
        ("", "*/*", True),
        ("", "text/html,application/xhtml+xml", False),
        ("", "application/ld+json", False),
    ],
)
def test_only_plain_geojson_answers_take_unparsed_features(query, accept, geojson):
    assert _answers_geojson({"HTTP_ACCEPT": accept}, query) is geojson
