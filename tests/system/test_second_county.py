"""Another county adopts the portal by writing its own site file.

The engine configurations are generated for Powiat zgierski (TERYT 1020) from its site
file and the same layer catalog, and the whole application runs on them in gunicorn. Its
name, office and extent must be in the WMS, WFS, WMTS, OGC API and CSW capabilities and on
the viewer page, and nothing of the first county (Łask) anywhere.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from lxml import etree

from geoportal.crs import lonlat_bounds
from geoportal.instance import Instance
from geoportal.site import Site, load_site
from services.configgen import write_all
from services.configgen.sources import sources_of
from tests.conftest import FIXTURES
from web.server import start_gunicorn, stop_gunicorn, wait_ready

pytestmark = pytest.mark.system

SITE_FILE = FIXTURES / "sites" / "powiat-zgierski.yaml"
FIRST_COUNTY = re.compile(r"łask|lask county|łasku|1003", re.IGNORECASE)
OWS = "{http://www.opengis.net/ows/1.1}"
WMS = "{http://www.opengis.net/wms}"


@dataclass(frozen=True)
class County:
    """The running second county: its base URL and its site."""

    url: str
    site: Site


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def zgierz(instance: Instance, tmp_path_factory: pytest.TempPathFactory) -> Iterator[County]:
    """The portal built for Powiat zgierski, served on its own port and folders."""
    folder = tmp_path_factory.mktemp("zgierz")
    second = Instance(instance.settings.model_copy(update={
        "site_file": SITE_FILE, "config_dir": folder / "config", "run_dir": folder / "run",
        "tile_cache_dir": folder / "cache", "port": (port := _free_port()),
        "public_url": f"http://127.0.0.1:{port}",
    }))  # fmt: skip
    write_all(sources_of(second), second.settings.config_dir)
    process = start_gunicorn(second.settings, folder / "log")
    try:
        wait_ready(second.settings, process)
        yield County(second.settings.base_url, second.site)
    finally:
        stop_gunicorn(process)


def _get(county: County, path: str) -> str:
    answer = requests.get(county.url + path, timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    text = answer.text
    assert not FIRST_COUNTY.search(text), FIRST_COUNTY.search(text)
    return text


def _close(values: list[float], expected: tuple[float, ...], tolerance: float) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(values, expected, strict=True))


def test_the_site_file_is_another_county():
    site = load_site(SITE_FILE)
    assert site.county.teryt == "1020" and site.county.name.pl == "Powiat zgierski"


def test_wms_capabilities_name_the_county_and_its_extent(zgierz: County):
    text = _get(zgierz, "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities")
    root = etree.fromstring(text.encode())
    service = root.find(f"{WMS}Service")
    assert service.findtext(f"{WMS}Title").startswith("Powiat zgierski")
    contact = service.find(f".//{WMS}ContactOrganization").text
    assert contact == "Starostwo Powiatowe w Zgierzu"
    assert service.find(f".//{WMS}PostCode").text == "95-100"
    top = root.find(f"{WMS}Capability/{WMS}Layer")
    box = top.find(f"{WMS}BoundingBox[@CRS='EPSG:2180']")
    minx, miny, maxx, maxy = zgierz.site.extent  # WMS 1.3.0: EPSG:2180 is northing first
    assert [float(box.get(k)) for k in ("minx", "miny", "maxx", "maxy")] == [miny, minx, maxy, maxx]
    geo = top.find(f"{WMS}EX_GeographicBoundingBox")
    sides = ("westBoundLongitude", "southBoundLatitude", "eastBoundLongitude", "northBoundLatitude")
    found = [float(geo.findtext(f"{WMS}{side}")) for side in sides]
    assert _close(found, lonlat_bounds(zgierz.site.extent), 0.01)


def test_wfs_capabilities_name_the_county_and_its_extent(zgierz: County):
    text = _get(zgierz, "/ows?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetCapabilities")
    root = etree.fromstring(text.encode())
    assert root.findtext(f"{OWS}ServiceIdentification/{OWS}Title").startswith("Powiat zgierski")
    assert root.findtext(f".//{OWS}ProviderName") == "Starostwo Powiatowe w Zgierzu"
    assert root.findtext(f".//{OWS}ElectronicMailAddress") == zgierz.site.contact.email
    lower = root.find(f".//{OWS}WGS84BoundingBox/{OWS}LowerCorner").text.split()
    upper = root.find(f".//{OWS}WGS84BoundingBox/{OWS}UpperCorner").text.split()
    found = [float(v) for v in (*lower, *upper)]
    assert _close(found, lonlat_bounds(zgierz.site.extent), 0.01)


def test_wmts_capabilities_name_the_county_and_its_extent(zgierz: County):
    root = etree.fromstring(_get(zgierz, "/wmts/1.0.0/WMTSCapabilities.xml").encode())
    assert root.findtext(f"{OWS}ServiceIdentification/{OWS}Title").startswith("Powiat zgierski")
    assert root.findtext(f".//{OWS}ProviderName") == "Starostwo Powiatowe w Zgierzu"
    layer = root.find(
        "{http://www.opengis.net/wmts/1.0}Contents/{http://www.opengis.net/wmts/1.0}Layer"
    )
    lower = layer.find(f"{OWS}WGS84BoundingBox/{OWS}LowerCorner").text.split()
    upper = layer.find(f"{OWS}WGS84BoundingBox/{OWS}UpperCorner").text.split()
    found = [float(v) for v in (*lower, *upper)]
    assert _close(found, lonlat_bounds(zgierz.site.extent), 0.02)  # not all of Poland


def test_ogc_api_names_the_county_and_its_extent(zgierz: County):
    landing = json.loads(_get(zgierz, "/ogc?f=json&lang=pl"))
    assert landing["title"].startswith("Powiat zgierski")
    collection = json.loads(_get(zgierz, "/ogc/collections/parcels?f=json"))
    assert collection["extent"]["spatial"]["bbox"] == [list(zgierz.site.lonlat_extent)]
    openapi = json.loads(_get(zgierz, "/ogc/openapi?f=json"))
    assert openapi["info"]["contact"]["email"] == zgierz.site.contact.email


def test_the_csw_catalogue_is_the_counties_own(zgierz: County):
    """Both portals share the test database: each serves only its own county's records."""
    capabilities = etree.fromstring(_get(zgierz, "/csw?service=CSW&version=2.0.2"
                                                 "&request=GetCapabilities").encode())  # fmt: skip
    ows = "{http://www.opengis.net/ows}"
    assert capabilities.findtext(f".//{ows}Title").startswith("Powiat zgierski")
    assert capabilities.findtext(f".//{ows}ProviderName") == "Starostwo Powiatowe w Zgierzu"
    records = _get(zgierz, "/csw?service=CSW&version=2.0.2&request=GetRecords"
                           "&typenames=csw:Record&elementsetname=full&resulttype=results"
                           "&maxrecords=100")  # fmt: skip
    assert "Powiat zgierski" in records and "dataset-parcels" in records


def test_viewer_page_names_the_county_and_starts_on_its_extent(zgierz: County):
    html = _get(zgierz, "/")
    assert "<title>Mapa – Geoportal – Powiat zgierski</title>" in html
    config = json.loads(re.search(r'id="viewer-config">(.*?)</script>', html, re.S).group(1))
    assert config["extent"] == list(zgierz.site.extent)
    assert "Powiat zgierski" in _get(zgierz, "/services")
