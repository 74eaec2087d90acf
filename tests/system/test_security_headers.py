"""Every answer of the portal carries the security headers, whichever engine wrote it."""

from __future__ import annotations

import re
import time

import pytest
import requests

pytestmark = pytest.mark.system

GETFEATUREINFO = (
    "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=dzialki&QUERY_LAYERS=dzialki"
    "&STYLES=&CRS=EPSG:2180&BBOX=410000,507000,411000,508000&WIDTH=256&HEIGHT=256"
    "&I=128&J=128&INFO_FORMAT=text/html"
)
PATHS = {
    "/": "html",
    "/kiosk": "html",
    "/services": "html",
    "/no-such-page": "html",
    "/static/css/site.css": "css",
    GETFEATUREINFO: "html",
    "/ows?SERVICE=WMS&REQUEST=GetCapabilities": "xml",
    "/ows?SERVICE=WMS&REQUEST=GetMap&LAYERS=nope": "xml",
    "/ogc?f=html": "html",
    "/ogc/collections?f=html": "html",
    "/ogc?f=json": "json",
    "/ogc/collections/nope/items": "json",
    "/wmts/1.0.0/WMTSCapabilities.xml": "xml",
    "/tiles/dzialki/PL1992/5/1/1.png": "png",
    "/health": "json",
}


@pytest.mark.parametrize("path", list(PATHS))
def test_security_headers_everywhere(live_server, http, path):
    response = http.get(live_server + path)
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "X-Powered-By" not in headers
    if PATHS[path] == "html":
        assert "text/html" in headers["Content-Type"]
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in policy and "base-uri 'none'" in policy
        if not path.startswith("/ogc"):
            assert "'unsafe-inline'" not in policy and "https:" not in policy


def test_pygeoapi_does_not_name_its_version(live_server, http):
    import pygeoapi

    for path in ("/ogc?f=html", "/ogc/openapi?f=json", "/ogc?f=json", "/ogc/collections?f=html"):
        response = http.get(live_server + path)
        assert response.status_code == 200
        assert pygeoapi.__version__ not in response.text, path


def test_an_idle_client_keeps_its_connection_for_its_next_request(live_server):
    """A desktop client pauses between requests; gunicorn's default 2 s closed the idle
    connection, and a POST sent as it closed failed ("Remote end closed connection")."""
    session = requests.Session()
    url = f"{live_server}/csw"
    assert session.get(url, params={"service": "CSW", "request": "GetCapabilities"},
                       timeout=30).status_code == 200  # fmt: skip
    time.sleep(4)
    body = ('<csw:Transaction xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
            'version="2.0.2"><csw:Delete/></csw:Transaction>')  # fmt: skip
    answer = session.post(url, data=body.encode(), timeout=30,
                          headers={"Content-Type": "application/xml"})  # fmt: skip
    assert answer.status_code == 501
    pools = session.get_adapter(url).poolmanager.pools
    opened = sum(pools[key].num_connections for key in pools.keys())
    assert opened == 1  # the same connection served both


LANGUAGE_PAGES = ("/", "/services", "/dzialka", "/e-uslugi", "/dzialka/1")
LANGUAGE_FREE = ("/static/css/site.css", "/tiles/dzialki/PL1992/5/1/1.png",
                 "/wmts/1.0.0/WMTSCapabilities.xml", "/health")  # fmt: skip
# The engines' answers: no language and no display settings of ours (pygeoapi's own
# language handling is its own business, so only Cookie is checked there).
OGC_ANSWERS = ("/ows?SERVICE=WMS&REQUEST=GetCapabilities", "/ogc?f=json", "/ogc?f=html")


@pytest.mark.parametrize("path", LANGUAGE_PAGES + LANGUAGE_FREE)
def test_only_answers_in_the_browsers_language_vary_on_it(live_server, http, path):
    """Shared caches (the county's proxy, a CDN) split by language only what has one."""
    response = http.get(live_server + path, headers={"Accept-Language": "en"})
    vary = {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}
    assert ("accept-language" in vary) == (path in LANGUAGE_PAGES), (path, vary)


@pytest.mark.parametrize("path", LANGUAGE_PAGES + LANGUAGE_FREE + OGC_ANSWERS)
def test_only_pages_with_display_settings_vary_on_cookie(live_server, http, path):
    """The ``wyglad`` cookie changes our pages' HTML; a shared cache must not hand one
    visitor's high contrast to another, nor split static files, tiles and OGC answers."""
    response = http.get(live_server + path, cookies={"wyglad": "high-contrast"})
    vary = {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}
    assert ("cookie" in vary) == (path in LANGUAGE_PAGES), (path, vary)


def test_the_viewer_bundle_does_not_vary_on_language(live_server, http):
    html = http.get(live_server + "/").text
    bundle = re.search(r'src="(/static/build/viewer\.js[^"]*)"', html)
    assert bundle is not None
    response = http.get(live_server + bundle.group(1), headers={"Accept-Language": "en"},
                        cookies={"wyglad": "high-contrast"})  # fmt: skip
    assert response.status_code == 200
    vary = response.headers.get("Vary", "").lower()
    assert "accept-language" not in vary and "cookie" not in vary
