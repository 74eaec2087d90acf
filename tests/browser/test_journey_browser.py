"""The whole journey in Chromium with the real job worker: a citizen files an EGiB extract
request, the office registers it, assigns it, asks for the fee, confirms the payment and
issues the document in /panel, and the citizen downloads the signed PDF from the tracking
page. The PDF is checked with pyHanko and pypdf against the register in the database.
Screenshots of each stage go to ``var/screenshots``."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import Browser, Page, expect

from geoportal.auth.staff import add_staff
from geoportal.documents.signing import check_signature, signing_files, trust_roots
from services.jobs.process import start_worker, stop_worker
from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot
from tests.integration.documents_support import pdf_text

pytestmark = pytest.mark.browser
SERVICE = "egib_register_extract_anonymous"
PASSWORD = "correct horse battery"
WORKER_WAIT_MS = 120_000


@pytest.fixture(scope="module")
def worker(settings, live_server):
    process = start_worker(settings, settings.var_dir / "log")
    yield process
    stop_worker(process)


@pytest.fixture
def people(chromium: Browser) -> Iterator[tuple[ViewerPage, ViewerPage, ViewerPage]]:
    """The citizen, a registry clerk and a geodesy officer, each in a browser of their own."""
    opened = tuple(open_page(chromium) for _ in range(3))
    yield opened  # type: ignore[misc]
    for each in opened:
        each.page.context.close()


def _sign_in(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/panel")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj").click()
    expect(page.get_by_role("heading", name="Kolejka spraw")).to_be_visible()


def _step(page: Page, base: str, case_url: str, action: str, state: str) -> None:
    page.goto(case_url)
    page.get_by_role("button", name=re.compile(f"^{action}")).click()
    expect(page.locator("#case-state")).to_have_text(state)


def test_a_citizen_gets_a_signed_extract_issued_in_the_panel(
    people, live_server, worker, known_parcel, database, settings
):
    citizen, clerk, officer = (each.page for each in people)
    suffix = secrets.token_hex(3)
    with database.connect("owner") as conn:
        kanc = add_staff(conn, f"kanc.j{suffix}", "Kancelaria J", PASSWORD, ["kancelaria"]).login
        geo = add_staff(conn, f"geo.j{suffix}", "Geodeta J", PASSWORD, ["geodesy"]).login

    citizen.goto(f"{live_server}/e-uslugi/{SERVICE}?parcel={known_parcel.parcel_id}")
    citizen.get_by_label("Imię i nazwisko lub nazwa").fill("Józefa Żółć")
    citizen.get_by_label("Ulica i numer").fill("ul. Łąkowa 3")
    citizen.get_by_label("Kod pocztowy (NN-NNN)").fill("98-100")
    citizen.get_by_label("Miejscowość").fill("Łask")
    citizen.get_by_label("Adres e-mail").fill("jozefa@example.pl")
    citizen.get_by_label(re.compile("Zapoznałem")).check()
    citizen.get_by_role("button", name="Wylicz opłatę i sprawdź wniosek").click()
    citizen.get_by_role("button", name="Złóż wniosek").click()
    mark = citizen.locator("#case-mark").inner_text()
    screenshot(citizen, "journey-1-receipt")
    citizen.locator("#tracking-link").click()
    tracking_url = citizen.url
    with database.connect("owner") as conn:
        (case_id,) = conn.execute("SELECT id FROM cases.case_file WHERE mark = %s",
                                  (mark,)).fetchone()  # fmt: skip
    case_url = f"{live_server}/panel/sprawy/{case_id}"

    _sign_in(clerk, live_server, kanc)
    _sign_in(officer, live_server, geo)
    _step(clerk, live_server, case_url, "Zarejestruj", "Zarejestrowany")
    clerk.get_by_label("Prowadzący").select_option(geo)
    clerk.get_by_role("button", name="Przydziel").click()
    expect(clerk.locator("#case-assignee")).to_have_text(geo)
    assert axe_violations(clerk) == []  # the case page with its assignment form
    screenshot(clerk, "journey-assigned")
    officer.goto(f"{live_server}/panel?mine=1")
    officer.get_by_role("link", name=mark).click()
    _step(officer, live_server, case_url, "Wezwij do opłaty", "Oczekuje na opłatę")
    screenshot(officer, "journey-2-awaiting-payment")
    _step(clerk, live_server, case_url, "Potwierdź wpłatę", "Opłacony")
    _step(officer, live_server, case_url, "Rozpocznij realizację", "W realizacji")
    with officer.expect_navigation():  # a screenshot mid-navigation fails in Chromium
        officer.get_by_role("button", name=re.compile("^Oznacz dokument jako wydany")).click()
    screenshot(officer, "journey-3-issue-queued")

    link = citizen.locator("ul.documents a")
    for _ in range(WORKER_WAIT_MS // 2000):  # the worker issues it; the page is reloaded
        citizen.goto(tracking_url)
        if link.count():
            break
        citizen.wait_for_timeout(2000)
    expect(link).to_have_count(1)
    expect(citizen.locator("#case-state")).to_have_text("Dokument wydany")
    screenshot(citizen, "journey-4-tracking-document")
    with citizen.expect_download() as download:
        link.click()
    pdf = download.value.path().read_bytes()

    with database.connect("owner") as conn:
        sha256, code = conn.execute(
            "SELECT sha256, code FROM documents.issued_document WHERE case_id = %s", (case_id,)
        ).fetchone()
    assert hashlib.sha256(pdf).hexdigest() == sha256
    roots = trust_roots(signing_files(settings).chain)
    with ThreadPoolExecutor(1) as pool:  # pyHanko runs asyncio; Playwright's loop owns this thread
        assert pool.submit(check_signature, pdf, roots).result().valid
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    assert mark in text and known_parcel.parcel_id in text
    assert "Wypis z rejestru gruntów bez danych osobowych" in text
    assert all(each.problems.all() == [] for each in people)
