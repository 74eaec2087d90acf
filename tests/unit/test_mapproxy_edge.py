"""MapProxy answers every error with 500; the edge tells client mistakes from outages."""

from __future__ import annotations

from lxml import etree
from werkzeug.test import Client

from services.mapproxy.app import MapProxyEdge

XML = [("Content-Type", "application/vnd.ogc.se_xml")]


def _failing(body: bytes):
    """What MapProxy does on any error: a 500 with its own exception document."""

    def app(environ, start_response):
        start_response("500 Internal Server Error", [*XML, ("Content-Length", str(len(body)))])
        return [body]

    return Client(MapProxyEdge(app, "https://geoportal.example.pl"))


def test_a_refused_request_becomes_400_with_its_exception():
    body = b"<ServiceException>layer dzialki is not queryable</ServiceException>"
    answer = _failing(body).get("/wms?SERVICE=WMS&REQUEST=GetFeatureInfo")
    assert answer.status_code == 400
    assert answer.data == body and answer.headers["Content-Type"] == XML[0][1]


def test_a_source_failure_becomes_503_without_the_internal_url():
    body = (b"<ServiceException>Could not get any sources:\\nNo response from URL "
            b"http://127.0.0.1:8000/ows?SERVICE=WMS: timed out</ServiceException>")  # fmt: skip
    for path, root in (("/wms?SERVICE=WMS&VERSION=1.3.0", "ServiceExceptionReport"),
                       ("/tiles/dzialki/PL1992/5/1/1.png", "ExceptionReport")):  # fmt: skip
        answer = _failing(body).get(path)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert b"127.0.0.1" not in answer.data and b"http://127" not in answer.data
        assert etree.QName(etree.fromstring(answer.data)).localname == root


def test_a_busy_source_becomes_503_not_a_client_error():
    """What a WMTS tile answers when /ows refused MapProxy's render (seen under seeding)."""
    body = (b'<ows:ExceptionReport><ows:Exception exceptionCode="NoApplicableCode">'
            b"<ows:ExceptionText>HTTP Error (see logs for URL and reason).</ows:ExceptionText>"
            b"</ows:Exception></ows:ExceptionReport>")  # fmt: skip
    answer = _failing(body).get("/wmts/dzialki/PL1992/11/1010/1288.png")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"


def test_image_size_is_refused_before_mapproxy_renders():
    answer = _failing(b"never").get("/wms?SERVICE=WMS&VERSION=1.1.1&WIDTH=100000&HEIGHT=10")
    assert answer.status_code == 400
    report = etree.fromstring(answer.data)
    exception = report.find("ServiceException")
    assert exception.get("code") == "InvalidParameterValue" and exception.get("locator") == "WIDTH"
