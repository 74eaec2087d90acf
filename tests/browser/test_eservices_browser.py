"""A citizen files a request in Chromium and gets a receipt; the pages pass axe-core.

axe-core (``web/frontend`` devDependency) is evaluated in each page through the DevTools
protocol, which the strict CSP does not block; zero violations of any impact are allowed.
Screenshots go to ``var/screenshots`` like the viewer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from geoportal.settings import PROJECT_ROOT
from tests.browser.pages import ViewerPage, open_page, screenshot

pytestmark = pytest.mark.browser
AXE = PROJECT_ROOT / "web" / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SERVICE = "egib_register_extract_anonymous"


@pytest.fixture
def citizen(chromium: Browser) -> Iterator[ViewerPage]:
    opened = open_page(chromium)
    yield opened
    opened.page.context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds wrong in the page as it is now."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: cd web/frontend && npm ci")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result]


def _fill_and_review(page: Page, base: str, parcel: str) -> None:
    page.goto(f"{base}/e-uslugi/{SERVICE}?parcel={parcel}")
    page.get_by_label("Imię i nazwisko lub nazwa").fill("Józefa Żółć")
    page.get_by_label("Ulica i numer").fill("ul. Łąkowa 3")
    page.get_by_label("Kod pocztowy (NN-NNN)").fill("98-100")
    page.get_by_label("Miejscowość").fill("Łask")
    page.get_by_label("Adres e-mail").fill("jozefa@example.pl")
    page.get_by_label(re.compile("Zapoznałem")).check()
    page.get_by_role("button", name="Wylicz opłatę i sprawdź wniosek").click()


def test_a_citizen_files_a_request_and_follows_the_case(citizen, live_server, known_parcel):
    page = citizen.page
    page.goto(f"{live_server}/services")  # the site header links the e-services
    page.get_by_role("link", name="E-usługi").click()
    expect(page.get_by_role("heading", name="E-usługi", level=1)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "eservices-catalogue")
    page.goto(f"{live_server}/e-uslugi/{SERVICE}?parcel={known_parcel.parcel_id}")
    assert axe_violations(page) == []
    screenshot(page, "eservices-form")
    _fill_and_review(page, live_server, known_parcel.parcel_id)
    expect(page.get_by_role("heading", name="Sprawdź wniosek i opłatę")).to_be_visible()
    expect(page.locator("#quote-total")).to_contain_text("zł")
    assert axe_violations(page) == []
    screenshot(page, "eservices-review")
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.get_by_role("heading", name="Potwierdzenie złożenia wniosku")).to_be_visible()
    expect(page.locator("#case-mark")).to_have_text(re.compile(r"GK\.6640\.\d+\.\d{4}"))
    assert axe_violations(page) == []
    screenshot(page, "eservices-receipt")
    page.locator("#tracking-link").click()
    expect(page.locator("#case-state")).to_have_text("Złożony")
    assert axe_violations(page) == []
    screenshot(page, "eservices-tracking")
    assert citizen.problems.all() == []


def test_form_errors_are_shown_next_to_the_fields(citizen, live_server, demo_loaded):
    page = citizen.page
    _fill_and_review(page, live_server, "101401_1.0001.99999")
    expect(page.get_by_role("alert")).to_have_text("Popraw zaznaczone pola.")
    expect(page.locator("#parcels-error")).to_have_text("Nie ma takiej działki w ewidencji.")
    assert axe_violations(page) == []
    screenshot(page, "eservices-form-errors")


def test_the_staff_sign_in_page_passes_axe(citizen, live_server):
    page = citizen.page
    page.goto(f"{live_server}/panel")
    expect(page.get_by_role("heading", name="Logowanie pracownika")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "panel-login")


def test_staff_sign_in_see_the_queue_and_a_case(citizen, live_server, database, known_parcel):
    import secrets

    from geoportal.auth.staff import add_staff

    login = f"geodesy.br{secrets.token_hex(3)}"
    with database.connect("owner") as conn:
        add_staff(conn, login, "Geodeta Testowy", "correct horse battery", ["geodesy", "admin"])
    page = citizen.page
    _fill_and_review(page, live_server, known_parcel.parcel_id)
    page.get_by_role("button", name="Złóż wniosek").click()
    mark = page.locator("#case-mark").inner_text()
    page.goto(f"{live_server}/panel")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill("correct horse battery")
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_role("heading", name="Kolejka spraw")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "panel-queue")
    page.get_by_role("link", name=mark).click()
    page.get_by_role("button", name=re.compile("^Zarejestruj")).click()
    expect(page.locator("#case-state")).to_have_text("Zarejestrowany")
    assert axe_violations(page) == []
    screenshot(page, "panel-case")
    page.get_by_role("button", name="Wyloguj").click()
    expect(page.get_by_role("heading", name="Logowanie pracownika")).to_be_visible()


def test_a_citizen_picks_the_place_of_a_report_on_the_map(citizen, live_server, site, database):
    page = citizen.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server}/e-uslugi/map_incident")
    expect(page.locator("#location-map")).to_have_attribute("data-map-state", "rendered",
                                                            timeout=20_000)  # fmt: skip
    assert axe_violations(page) == []
    box = page.locator("#location-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#location-map-status")).to_contain_text("Wybrano miejsce")
    x = float(page.locator("#f-x").input_value())
    y = float(page.locator("#f-y").input_value())
    (cx, cy), scale = site.start.center, site.start.scale
    tolerance = scale * 0.00028 * 4  # a few pixels at the start view's resolution
    assert abs(x - cx) < tolerance and abs(y - cy) < tolerance, (x, y, cx, cy)
    screenshot(page, "eservices-incident-picked")
    page.get_by_label("Rodzaj błędu").select_option("plan")
    page.get_by_label("Opis").fill("Granica terenu MN przebiega inaczej niż w terenie.")
    page.get_by_label("Imię i nazwisko lub nazwa").fill("Józefa Żółć")
    page.get_by_label("Ulica i numer").fill("ul. Łąkowa 3")
    page.get_by_label("Kod pocztowy (NN-NNN)").fill("98-100")
    page.get_by_label("Miejscowość").fill("Łask")
    page.get_by_label("Adres e-mail").fill("jozefa@example.pl")
    page.get_by_label(re.compile("Zapoznałem")).check()
    page.get_by_role("button", name="Wylicz opłatę i sprawdź wniosek").click()
    expect(page.get_by_role("heading", name="Sprawdź wniosek i opłatę")).to_be_visible()
    page.get_by_role("button", name="Złóż wniosek").click()
    expect(page.locator("#case-mark")).to_have_text(re.compile(r"PP\.6720\.\d+\.\d{4}"))
    mark = page.locator("#case-mark").inner_text()
    with database.connect("owner") as conn:
        stored, in_county = conn.execute(
            "SELECT c.submission->'location', EXISTS (SELECT 1 FROM data.cadastral_district d"
            "  WHERE d.version_end IS NULL AND ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint("
            "  (c.submission->'location'->>'x')::float8, (c.submission->'location'->>'y')::float8),"
            "  2180))) FROM cases.case_file c WHERE c.mark = %s",
            (mark,),
        ).fetchone()
    assert (float(stored["x"]), float(stored["y"])) == (x, y) and in_county
    origin = live_server.rstrip("/")
    assert all(url.startswith(origin) or url.startswith("data:") for url in requests)
    assert any("/wmts/" in url for url in requests)  # the map is our own tiles
    assert citizen.problems.all() == []
