"""Display settings: a cookie, classes on every page's body, no open redirect."""

from __future__ import annotations

import pytest

from geoportal.instance import Instance
from geoportal.settings import Settings
from web.app import create_flask_app


@pytest.fixture(scope="module")
def client():
    return create_flask_app(
        Instance(Settings(public_url="https://geoportal.example.pl"))
    ).test_client()


def test_high_contrast_and_larger_text_stay_on_every_page(client):
    back = {"Referer": "http://localhost/services?lang=pl"}
    answer = client.get("/wyglad?kontrast=1", headers=back)
    assert answer.status_code == 303 and answer.headers["Location"] == "/services?lang=pl"
    client.get("/wyglad?tekst=1", headers=back)
    for path in ("/services", "/e-uslugi", "/dzialka"):
        html = client.get(path).get_data(as_text=True)
        assert 'class="services-page high-contrast large-text"' in html or (
            "high-contrast large-text" in html
        ), path
        assert "Kontrast standardowy" in html and "Tekst standardowy" in html
    english = client.get("/e-uslugi?lang=en").get_data(as_text=True)
    assert "Standard contrast" in english and "Standard text" in english
    client.get("/wyglad?kontrast=0&tekst=0", headers=back)
    polish = client.get("/services").get_data(as_text=True)
    assert "high-contrast" not in polish
    assert "Wysoki kontrast" in polish and "Większy tekst" in polish
    english = client.get("/services?lang=en").get_data(as_text=True)
    assert "High contrast" in english and "Larger text" in english


@pytest.mark.parametrize(
    "referer",
    ["https://evil.example/", "http://evil.example/services", "//evil.example/x", "x", ""],
)
def test_the_way_back_is_only_a_page_of_this_site(client, referer):
    answer = client.get("/wyglad", query_string={"kontrast": "1"}, headers={"Referer": referer})
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_an_unknown_class_in_the_cookie_never_reaches_the_page(client):
    client.set_cookie("wyglad", '"><script>alert(1)</script> high-contrast')
    html = client.get("/services").get_data(as_text=True)
    assert "<script>alert" not in html and "high-contrast" in html


def test_the_kiosk_keeps_its_settings_for_one_visitor(client):
    client.set_cookie("wyglad", "high-contrast")  # the site's own, lasting choice
    assert "high-contrast" not in _body_class(client.get("/kiosk").get_data(as_text=True))
    back = {"Referer": "http://localhost/kiosk?lang=en"}
    answer = client.get("/kiosk/wyglad?tekst=1", headers=back)
    assert answer.status_code == 303 and answer.headers["Location"] == "/kiosk?lang=en"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("wyglad_kiosk=large-text;") and "Path=/kiosk" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # a session cookie
    client.get("/kiosk/wyglad?kontrast=1", headers=back)
    html = client.get("/kiosk?lang=en").get_data(as_text=True)
    assert _body_class(html) >= {"kiosk", "high-contrast", "large-text"}
    assert 'href="/kiosk/wyglad?kontrast=0"' in html  # the kiosk's links stay the kiosk's
    site = _body_class(client.get("/services").get_data(as_text=True))
    assert "high-contrast" in site and "large-text" not in site  # nothing leaks either way
    reset = client.get("/kiosk/wyglad?kontrast=0&tekst=0", headers=back)
    assert "wyglad_kiosk=;" in reset.headers["Set-Cookie"]  # deleted
    assert "high-contrast" not in _body_class(client.get("/kiosk").get_data(as_text=True))


@pytest.mark.parametrize("referer", ["http://localhost/services", "https://evil.example/kiosk", ""])
def test_the_kiosk_way_back_is_always_the_kiosk(client, referer):
    answer = client.get("/kiosk/wyglad?kontrast=1", headers={"Referer": referer})
    assert answer.status_code == 303 and answer.headers["Location"] == "/kiosk"


def _body_class(html: str) -> set[str]:
    start = html.index('<body class="') + len('<body class="')
    return set(html[start : html.index('"', start)].split())


# Pages whose HTML carries the display classes, and answers that carry none.
DISPLAYED_PAGES = {
    "viewer": "/",
    "kiosk": "/kiosk",
    "form page": "/e-uslugi/egib_register_extract_anonymous",
    "text-only parcel search": "/dzialka",
    "malformed parcel id (400 page)": "/dzialka/100302_4.0001",
    "services page": "/services?lang=en",
    "unknown e-service (404 page)": "/e-uslugi/no-such-service",
}
DISPLAY_FREE = {
    "stylesheet": "/static/css/site.css",
    "favicon": "/static/favicon.svg",
    "health": "/health",
    "services list (JSON)": "/services?f=json&lang=en",
}


@pytest.mark.parametrize("path", DISPLAYED_PAGES.values(), ids=DISPLAYED_PAGES.keys())
def test_a_page_with_display_classes_varies_on_cookie(client, path):
    cookie = "wyglad_kiosk" if path.startswith("/kiosk") else "wyglad"
    client.set_cookie(cookie, "high-contrast")
    try:
        answer = client.get(path, headers={"Accept-Language": "en"})
    finally:
        client.delete_cookie(cookie)
    html = answer.get_data(as_text=True)
    assert ' class="high-contrast">' in html, html[:300]  # what the Vary protects
    assert "Cookie" in answer.vary, (path, answer.headers.get("Vary"))
    # one header, merged with the language's when the page negotiated it
    assert len(answer.headers.getlist("Vary")) == 1, answer.headers.getlist("Vary")
    if "lang=" not in path:
        assert "Accept-Language" in answer.vary, (path, answer.headers.get("Vary"))


@pytest.mark.parametrize("path", DISPLAY_FREE.values(), ids=DISPLAY_FREE.keys())
def test_answers_without_display_classes_do_not_vary_on_cookie(client, path):
    client.set_cookie("wyglad", "high-contrast")
    try:
        answer = client.get(path)
    finally:
        client.delete_cookie("wyglad")
    assert answer.status_code == 200
    assert "Cookie" not in answer.vary, (path, answer.headers.get("Vary"))
