"""MapProxy answers every error with 500; the edge tells client mistakes from outages."""

from __future__ import annotations

from services.mapproxy.app import _classify_failure

XML = [("Content-Type", "application/vnd.ogc.se_xml")]


def test_a_refused_request_becomes_400_with_its_exception():
    body = b"<ServiceException>layer dzialki is not queryable</ServiceException>"
    status, headers, answer = _classify_failure(XML, body)
    assert status == "400 Bad Request"
    assert answer == body and headers == XML


def test_a_source_failure_becomes_503_without_the_internal_url():
    body = (b"<ServiceException>Could not get any sources:\\nNo response from URL "
            b"http://127.0.0.1:8000/ows?SERVICE=WMS: timed out</ServiceException>")  # fmt: skip
    status, headers, answer = _classify_failure(XML, body)
    assert status == "503 Service Unavailable"
    assert ("Retry-After", "5") in headers
    assert b"127.0.0.1" not in answer and b"http" not in answer
