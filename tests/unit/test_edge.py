"""The one answer table and the exception documents every adapter writes."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from geoportal.text import Text
from services.edge.documents import (
    OGC_API,
    ULDK,
    WFS_20,
    WMS_111,
    WMS_130,
    WMTS_10,
    document,
    respond,
)
from services.edge.failures import ANSWERS, Failure, Refusal

OWS = "{http://www.opengis.net/ows/1.1}"
OGC = "{http://www.opengis.net/ogc}"


def test_every_failure_has_one_answer():
    assert set(ANSWERS) == set(Failure)
    for failure, answer in ANSWERS.items():
        assert 400 <= answer.status < 600 and answer.code, failure
        # Only outages and floods are told when to come back; other mistakes never are.
        assert (answer.retry_after is not None) == (answer.status in (429, 503)), failure


def test_client_mistakes_and_outages_are_told_apart():
    assert ANSWERS[Failure.BAD_PARAMETER].status == 400
    assert ANSWERS[Failure.DATABASE_UNAVAILABLE].status == 503
    assert ANSWERS[Failure.ENGINE_FAILURE].status == 500


REFUSAL = Refusal(Failure.BAD_PARAMETER, Text(pl="zły <BBOX>", en="bad <BBOX>"), locator="bbox")


@pytest.mark.parametrize(
    ("dialect", "path", "version"),
    [
        (WMS_130, f"{OGC}ServiceException", "1.3.0"),
        (WMS_111, "ServiceException", "1.1.1"),
        (WFS_20, f"{OWS}Exception", "2.0.0"),
        (WMTS_10, f"{OWS}Exception", "1.0.0"),
    ],
)
def test_xml_documents_follow_each_protocol(dialect, path, version):
    content_type, body = document(REFUSAL, dialect)
    root = etree.fromstring(body)
    assert content_type.startswith("text/xml") and root.get("version") == version
    exception = root.find(path)
    code = exception.get("code") or exception.get("exceptionCode")
    assert code == "InvalidParameterValue" and exception.get("locator") == "bbox"
    assert "zły <BBOX> / bad <BBOX>" in "".join(exception.itertext())  # escaped, then read


def test_json_document_for_ogc_api():
    content_type, body = document(REFUSAL, OGC_API)
    assert content_type.startswith("application/json")
    assert json.loads(body) == {
        "code": "InvalidParameterValue",
        "type": "InvalidParameterValue",
        "description": "zły <BBOX> / bad <BBOX>",
    }


def test_uldk_document_is_one_status_line():
    content_type, body = document(REFUSAL, ULDK)
    assert content_type == "text/plain; charset=utf-8"
    assert body.decode() == "-1 zły <BBOX> / bad <BBOX>\n"  # text/plain and nosniff: inert


def test_respond_sets_status_retry_and_allow():
    seen = {}

    def start_response(status, headers):
        seen.update(status=status, headers=dict(headers))

    outage = Refusal(Failure.DATABASE_UNAVAILABLE, Text(pl="x", en="x"))
    body = respond(start_response, outage, WFS_20)
    assert seen["status"] == "503 Service Unavailable" and seen["headers"]["Retry-After"] == "5"
    assert int(seen["headers"]["Content-Length"]) == len(body[0])
    method = Refusal(Failure.METHOD_NOT_ALLOWED, Text(pl="x", en="x"), allow=("GET", "HEAD"))
    assert respond(start_response, method, OGC_API, method="HEAD") == []
    assert seen["status"].startswith("405") and seen["headers"]["Allow"] == "GET, HEAD"
    assert "Retry-After" not in seen["headers"]
