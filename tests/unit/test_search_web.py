"""The search endpoint's and text pages' answers that need no database, and the viewer's
combobox markup, through Flask's test client (no database, no engines)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from geoportal.instance import Instance
from geoportal.settings import Settings
from tests.texts import catalogue, strings
from web.app import create_flask_app
from web.language import LANGUAGES
from web.search.answers import CONTEXT_KEYS, KIND_TEXTS, MESSAGE_TEXTS

SITE = Instance().site


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    """No database answers on this socket (port 9), whatever else runs on the machine."""
    return create_flask_app(Instance(Settings(pg_port=9))).test_client()


def test_viewer_search_box_is_a_combobox_with_a_listbox_and_live_region(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="combobox"' in html and 'aria-autocomplete="list"' in html
    assert 'aria-expanded="false"' in html and 'aria-controls="search-listbox"' in html
    assert 'id="search-listbox" class="search-listbox" role="listbox"' in html
    assert 'id="search-status" class="visually-hidden" role="status" aria-live="polite"' in html
    assert 'maxlength="200"' in html


def test_viewer_links_the_text_version_first_thing(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    skip_links = html[html.index("<body") : html.index('<header class="site-header">')]
    assert 'href="/dzialka?lang=en"' in skip_links
    assert strings("en", SITE)["skip_to_text_version"] in skip_links


@pytest.mark.parametrize(
    ("query", "code"),
    [("", "empty"), ("q=", "empty"), ("q=lask&limit=0", "bad_limit"),
     ("q=lask&limit=x", "bad_limit"), ("q=" + "x" * 201, "too_long"), ("q=a%00b", "control")],
)  # fmt: skip
def test_refusals_need_no_database(client, query, code):
    response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["text"] == strings("pl", SITE)[f"search_msg_{code}"]


def test_database_down_is_503_with_retry_after(client):
    response = client.get("/api/search?q=lask")  # no database is running for unit tests
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["error"]["code"] == "unavailable"


def test_text_search_form_needs_no_database(client):
    response = client.get("/dzialka")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<form class="text-search" action="/dzialka" method="get" role="search">' in html
    assert '<label for="q">' in html and "<script" not in html


def test_malformed_id_is_400_and_a_lenient_one_redirects(client):
    assert client.get("/dzialka/100302_4.0001").status_code == 400
    moved = client.get("/dzialka/100302-4.1.12%2F3")
    assert moved.status_code == 301
    assert moved.headers["Location"].startswith("/dzialka/100302_4.0001.12/3")


def test_every_message_code_and_context_role_has_a_text():
    codes = ["not_found", "parcel_not_found", "outside_county", "number_only", "no_words",
             "too_short", "empty", "too_long", "control", "bad_limit", "not_coordinates",
             "unsupported_crs", "crs_mismatch", "unavailable"]  # fmt: skip
    kinds = ["parcel", "obreb", "gmina", "address", "coordinate"]
    assert set(MESSAGE_TEXTS) == set(codes) and set(KIND_TEXTS) == set(kinds)
    for lang in LANGUAGES:
        texts = catalogue(lang)
        assert all(texts.get(MESSAGE_TEXTS[code]) for code in codes)
        assert all(texts.get(KIND_TEXTS[kind]) for kind in kinds)
        assert all(texts.get(key) for key in CONTEXT_KEYS.values())
