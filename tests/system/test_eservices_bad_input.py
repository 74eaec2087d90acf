"""Bad input to the e-service forms, tracking pages and staff console, through gunicorn.

Each line: what is sent and the status it must get; every answer is also checked for the
leaks of ``test_bad_input.LEAKS`` and for the strict Content-Security-Policy on HTML.
"""

from __future__ import annotations

import pytest
import requests

from geoportal.cases import tokens
from tests.integration.eservices_support import APPLICANT, hidden_fields
from tests.system.test_bad_input import LEAKS
from web.headers import STRICT_CSP

pytestmark = pytest.mark.system
ANON = "egib_register_extract_anonymous"
PERSONAL = "egib_register_extract"


def _review(session: requests.Session, base: str, key: str, parcel: str) -> dict[str, str]:
    form = hidden_fields(session.get(f"{base}/e-uslugi/{key}").text)
    data = form | APPLICANT | {"parcels": parcel, "legal_interest": "Spadek po ojcu."}
    page = session.post(f"{base}/e-uslugi/{key}", data=data)
    assert page.status_code == 200
    return hidden_fields(page.text)


def _checked(answer: requests.Response, status: int) -> None:
    assert answer.status_code == status, answer.text[:500]
    for leak in LEAKS:
        assert leak not in answer.text
    if "html" in answer.headers.get("Content-Type", ""):
        assert answer.headers["Content-Security-Policy"] == STRICT_CSP


def test_bad_filings(live_server, known_parcel):
    session = requests.Session()
    fields = _review(session, live_server, PERSONAL, known_parcel.parcel_id)
    url = f"{live_server}/e-uslugi/{PERSONAL}/zloz"
    cases = [
        ({k: v for k, v in fields.items() if k != "csrf_token"}, None, 400),
        (fields | {"csrf_token": "forged"}, None, 400),
        (fields | {"idempotency_key": "short"}, None, 400),
        (fields | {"fee": fields["fee"].replace('"total_grosze":', '"total_grosze":1')}, None, 400),
        (fields | {"fee": "not json"}, None, 400),
        (fields | {"parcels": "101401_1.0001.99999"}, None, 400),
        (fields, {"attachments": ("wyrok.pdf", b"<html><body>x</body></html>")}, 400),
        (fields, {"attachments": ("duzy.pdf", b"%PDF-" + b"0" * (17 * 1024 * 1024))}, 413),
    ]
    for data, files, status in cases:
        _checked(session.post(url, data=data, files=files, allow_redirects=False), status)


def test_bad_addresses_and_anonymous_panel(live_server):
    well_formed = tokens.new_tracking_token()
    for path in (
        f"/sprawy/{well_formed}",
        "/sprawy/short",
        "/sprawy/%27%20OR%201=1",
        f"/sprawy/{well_formed}/potwierdzenie",
        "/e-uslugi/no_such_service",
    ):
        _checked(requests.get(live_server + path), 404)
    for path in ("/panel", "/panel/sprawy/1"):
        answer = requests.get(live_server + path, allow_redirects=False)
        _checked(answer, 302)
        assert answer.headers["Location"].endswith("/panel/logowanie")
    _checked(
        requests.post(
            f"{live_server}/panel/sprawy/1/krok", data={"target": "closed"}, allow_redirects=False
        ),
        302,
    )


def test_a_studium_extract_where_the_data_hold_no_studium_is_not_quoted(live_server, known_parcel):
    session = requests.Session()
    form = hidden_fields(session.get(f"{live_server}/e-uslugi/studium_extract").text)
    data = form | APPLICANT | {"parcels": known_parcel.parcel_id}
    answer = session.post(f"{live_server}/e-uslugi/studium_extract", data=data)
    _checked(answer, 409)  # the demo county carries no studium
    assert "nie można wycenić" in answer.text and 'name="fee"' not in answer.text
