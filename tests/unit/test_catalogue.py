"""The list of services (``/services``) through Flask's test client: no database needed.

That every listed service answers a real request is ``tests/system/test_service_catalogue``.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from geoportal.instance import Instance
from geoportal.settings import Settings
from services.catalogue import service_entries
from tests.texts import strings
from web.app import create_flask_app

PUBLIC_URL = "https://geoportal.powiat.example.pl/mapy"
INSTANCE = Instance(Settings(public_url=PUBLIC_URL))
FIELDS = {"name", "title", "theme", "protocol", "version", "url", "capabilities", "layers",
          "crs", "licence"}  # fmt: skip


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return create_flask_app(INSTANCE).test_client()


def _json(client: FlaskClient, query: str = "?f=json", **headers: str) -> list[dict]:
    response = client.get(f"/services{query}", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_json_lists_every_service_with_the_fields_a_catalogue_needs(client):
    listing = _json(client)
    assert all(set(entry) == FIELDS for entry in listing)
    names = [entry["name"] for entry in listing]
    assert len(names) == len(set(names))
    licence = INSTANCE.site.data.licence
    assert all(entry["licence"] == {"name": licence.name, "url": str(licence.url)}
               for entry in listing)  # fmt: skip
    assert all(entry["url"].startswith(PUBLIC_URL + "/") for entry in listing)


def test_every_publication_and_protocol_is_listed(client):
    by_name = {entry["name"]: entry for entry in _json(client)}
    for pub in INSTANCE.publications:
        for protocol in pub.protocols:
            entry = by_name[f"{protocol}-{pub.key}"]
            assert entry["url"] == f"{PUBLIC_URL}/ows/{pub.key}"
            assert entry["theme"] == pub.key
    kieg = by_name["wms-kieg"]
    assert kieg["layers"] == [layer.wms_name for layer in next(
        pub for pub in INSTANCE.publications if pub.key == "kieg").layers]  # fmt: skip
    assert "kontury" in kieg["layers"] and "EPSG:2180" in kieg["crs"]
    assert "wfs-kieg" not in by_name  # KIEG is a WMS


def test_every_tiled_layer_has_an_xyz_template(client):
    by_name = {entry["name"]: entry for entry in _json(client)}
    for layer in INSTANCE.catalog.for_service("tiles"):
        entry = by_name[f"xyz-{layer.wms_name}"]
        assert entry["url"].endswith(
            f"/tiles/{layer.wms_name}/GLOBAL_WEBMERCATOR/{{z}}/{{x}}/{{y}}.png"
        )


def test_accept_header_chooses_json_and_f_overrides_it(client):
    assert _json(client, "", Accept="application/json")
    html = client.get("/services?f=html", headers={"Accept": "application/json"})
    assert html.mimetype == "text/html"


def test_an_unknown_format_is_refused_with_a_message(client):
    response = client.get("/services?f=xml")
    assert response.status_code == 400
    assert response.get_json()["description"] == strings("pl", INSTANCE.site)["services_bad_format"]


def test_html_lists_every_service_with_the_configured_base_url(client):
    response = client.get(
        "/services",
        headers={"Host": "evil.example.com", "X-Forwarded-Host": "evil.example.com"},
        base_url="http://evil.example.com",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "evil.example.com" not in html
    for entry in service_entries(INSTANCE):
        assert f'id="service-{entry.key}"' in html
        assert f"<code>{entry.url}</code>" in html
    for path in ("/ows?SERVICE=WMS&amp;REQUEST=GetCapabilities&amp;VERSION=1.3.0",
                 "/ows/kieg?SERVICE=WMS&amp;REQUEST=GetCapabilities&amp;VERSION=1.3.0",
                 "/wmts/1.0.0/WMTSCapabilities.xml", "/ogc?f=json"):  # fmt: skip
        assert f'href="{PUBLIC_URL}{path}"' in html
    for layer in INSTANCE.catalog.for_service("ogcapi"):
        assert f'href="{PUBLIC_URL}/ogc/collections/{layer.id}"' in html


def test_html_in_english(client):
    html = client.get("/services?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert strings("en", INSTANCE.site)["services_title"] in html
    assert "WMS – WMS for KIEG" in html


def test_downloads_before_the_first_build_say_they_are_coming(tmp_path):
    client = create_flask_app(Instance(Settings(var_dir=tmp_path))).test_client()
    for path in ("/pobieranie/", "/pobieranie/atom.xml", "/pobieranie/pliki/ewidencja.gpkg"):
        answer = client.get(path)
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "60", path
        assert "przygotowaniu" in answer.get_data(as_text=True)
    page = client.get("/pobieranie/").get_data(as_text=True)  # for people: a whole page
    assert '<html lang="pl">' in page and "<title>" in page and 'role="status"' in page
