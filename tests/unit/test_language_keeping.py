"""The chosen language survives redirects; negotiated answers say ``Vary: Accept-Language``.

Flask's own client on the app without a database: the pages named here render without
one. The e-service receipt redirect (which files a case) is tested on the real database
in ``tests/integration/test_eservices_web.py``; tiles in ``tests/system``.
"""

from __future__ import annotations

import pytest

from geoportal.instance import Instance
from geoportal.settings import Settings
from web.app import create_flask_app

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
TRANSLATED_PAGES = {
    "viewer": "/",
    "kiosk": "/kiosk",
    "form page": "/e-uslugi/egib_register_extract_anonymous",
    "e-service catalogue": "/e-uslugi",
    "text-only parcel search": "/dzialka",
    "malformed parcel id (400 page)": "/dzialka/100302_4.0001",
    "unknown e-service (404 page)": "/e-uslugi/no-such-service",
    "services page": "/services",
    "services list (JSON)": "/services?f=json",
    "bad format (JSON message)": "/services?f=xml",
}
# Answers that are the same in every language: a Vary would split shared caches for nothing.
LANGUAGE_FREE = {
    "stylesheet": "/static/css/site.css",
    "favicon": "/static/favicon.svg",
    "health": "/health",
}


@pytest.fixture(scope="module")
def client():
    return create_flask_app(
        Instance(Settings(public_url="https://geoportal.example.pl"))
    ).test_client()


@pytest.mark.parametrize("path", TRANSLATED_PAGES.values(), ids=TRANSLATED_PAGES.keys())
def test_a_negotiated_answer_varies_on_accept_language(client, path):
    answer = client.get(path, headers=ENGLISH)
    assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
    assert "Accept-Language" in answer.vary, (path, answer.headers.get("Vary"))


@pytest.mark.parametrize("path", ["/dzialka", "/services", "/"])
def test_a_chosen_language_reads_no_header(client, path):
    # ``?lang=`` is in the address, which every cache keys on; no language cookie exists
    # (the pages vary on Cookie for their display settings: tests/unit/test_display.py).
    answer = client.get(f"{path}?lang=en", headers=ENGLISH)
    assert answer.status_code == 200
    assert "accept-language" not in answer.vary.as_set(), answer.headers.get("Vary")


def test_the_vary_keeps_what_a_route_set_itself(client):
    answer = client.get("/services?f=json", headers=ENGLISH)
    assert answer.vary.as_set() == {"accept", "accept-language"}


@pytest.mark.parametrize("path", LANGUAGE_FREE.values(), ids=LANGUAGE_FREE.keys())
def test_language_free_answers_do_not_vary(client, path):
    answer = client.get(path, headers=ENGLISH)
    assert answer.status_code == 200
    assert "Accept-Language" not in answer.vary, (path, answer.headers.get("Vary"))


def test_english_texts_follow_the_header(client):
    # What the Vary protects: the same address answered in two languages.
    english = client.get("/dzialka", headers=ENGLISH).get_data(as_text=True)
    polish = client.get("/dzialka", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="en">' in english and '<html lang="pl">' in polish


def test_the_display_switch_keeps_the_chosen_language(client):
    # No Referer (a privacy setting, a bookmark): the way back is the start page, in English.
    answer = client.get("/wyglad?kontrast=1&lang=en")
    assert answer.status_code == 303 and answer.headers["Location"] == "/?lang=en"
    answer = client.get("/kiosk/wyglad?tekst=1&lang=en")
    assert answer.headers["Location"] == "/kiosk?lang=en"


def test_a_lenient_parcel_id_redirects_in_the_chosen_language(client):
    moved = client.get("/dzialka/100302-4.1.12%2F3?lang=en")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/dzialka/100302_4.0001.12/3?lang=en"


def test_a_permanent_redirect_does_not_fix_a_negotiated_language(client):
    # A 301 is cached by browsers: Accept-Language of one visit must not be written into it.
    moved = client.get("/dzialka/100302-4.1.12%2F3", headers=ENGLISH)
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/dzialka/100302_4.0001.12/3"


def test_the_staff_sign_in_redirect_keeps_the_chosen_language(client):
    answer = client.get("/panel?lang=en")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/panel/logowanie?lang=en"


def test_a_redirect_that_names_a_language_is_left_as_it_is(client):
    back = {"Referer": "http://localhost/services?lang=pl"}
    answer = client.get("/wyglad?kontrast=1&lang=en", headers=back)
    assert answer.headers["Location"] == "/services?lang=pl"


@pytest.mark.parametrize("lang", ["de", "en<script>", "", "EN"])
def test_an_unknown_language_is_not_carried(client, lang):
    answer = client.get("/wyglad", query_string={"kontrast": "1", "lang": lang})
    assert answer.status_code == 303 and answer.headers["Location"] == "/"
