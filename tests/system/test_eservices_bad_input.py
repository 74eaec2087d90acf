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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "correct horse battery"


def _signed_in(base: str, login: str) -> requests.Session:
    session = requests.Session()
    form = hidden_fields(session.get(f"{base}/panel/logowanie").text)
    answer = session.post(f"{base}/panel/logowanie", allow_redirects=False,
                          data=form | {"login": login, "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 303
    return session


def test_bad_attachment_addresses_in_the_panel(live_server, known_parcel, database):
    """Another department, a case or an attachment that is not there, an index that is not
    one, a path smuggled in the index, no session: each with its exact status, nothing
    served and nothing recorded."""
    import secrets

    from geoportal.auth.staff import add_staff

    suffix = secrets.token_hex(3)
    with database.connect("owner") as conn:
        geodesy = add_staff(conn, f"geo.{suffix}", "Geodeta", PASSWORD, ["geodesy"]).login
        planner = add_staff(conn, f"plan.{suffix}", "Planista", PASSWORD, ["planning"]).login
    citizen = requests.Session()
    fields = _review(citizen, live_server, PERSONAL, known_parcel.parcel_id)
    url = f"{live_server}/e-uslugi/{PERSONAL}/zloz"
    files = {"attachments": ("akt.pdf", PDF)}
    filed = citizen.post(url, data=fields, files=files, allow_redirects=False)
    assert filed.status_code == 303
    token = filed.headers["Location"].rstrip("/").split("/")[-2]
    with database.connect("owner") as conn:
        case_id = conn.execute("SELECT id FROM cases.case_file WHERE tracking_token_sha256 = %s",
                               (tokens.digest(token),)).fetchone()[0]  # fmt: skip
    base = f"{live_server}/panel/sprawy/{case_id}/zalaczniki"
    anonymous = requests.get(f"{base}/0", allow_redirects=False)
    _checked(anonymous, 302)
    assert anonymous.headers["Location"].endswith("/panel/logowanie")
    officer, other = _signed_in(live_server, geodesy), _signed_in(live_server, planner)
    _checked(other.get(f"{base}/0"), 403)
    for path in (f"{base}/1", f"{base}/-1", f"{base}/x", f"{base}/0%2F..%2F..%2Fsession.key",
                 f"{live_server}/panel/sprawy/999999999/zalaczniki/0",
                 f"{live_server}/panel/sprawy/{case_id}%27%20OR%201=1/zalaczniki/0"):  # fmt: skip
        _checked(officer.get(path), 404)
    with database.connect("owner") as conn:
        opened = conn.execute(
            "SELECT count(*) FROM cases.audit_event WHERE case_id = %s"
            " AND action = 'open_attachment'",
            (case_id,),
        ).fetchone()[0]
    assert opened == 0
    answer = officer.get(f"{base}/0")
    assert answer.status_code == 200 and answer.content == PDF  # and now it is recorded


def test_display_switches_go_back_only_to_this_site_and_the_kiosk_stays_the_kiosk(live_server):
    """The display links take their way back from the Referer and write a cookie: a foreign
    or protocol-relative Referer, a path off the kiosk, a value that is no setting and a
    forged cookie change nothing but the known settings."""
    foreign = ("https://evil.example/kiosk", f"{live_server}//evil.example/x",
               "javascript:alert(1)")  # fmt: skip
    for path, home in (("/wyglad", "/"), ("/kiosk/wyglad", "/kiosk")):
        for referer in foreign:
            answer = requests.get(f"{live_server}{path}", params={"kontrast": "<script>"},
                                  headers={"Referer": referer}, allow_redirects=False)  # fmt: skip
            _checked(answer, 303)
            assert answer.headers["Location"] in (home, f"{live_server}{home}")
            assert "script" not in answer.headers.get("Set-Cookie", "")
    off_kiosk = requests.get(f"{live_server}/kiosk/wyglad", params={"tekst": "1"},
                             headers={"Referer": f"{live_server}/e-uslugi"},
                             allow_redirects=False)  # fmt: skip
    _checked(off_kiosk, 303)
    assert off_kiosk.headers["Location"].endswith("/kiosk")
    forged_cookie = {"wyglad_kiosk": 'high-contrast "><script>x</script>'}
    forged = requests.get(
        f"{live_server}/kiosk", params={"lang": "<script>"}, cookies=forged_cookie
    )
    _checked(forged, 200)
    assert "<script>x" not in forged.text and "&lt;script&gt;" not in forged.text
    mixed = requests.get(f"{live_server}/kiosk", cookies={"wyglad_kiosk": '"high-contrast bogus"'})
    _checked(mixed, 200)  # the known setting holds, the unknown name is not echoed
    assert "high-contrast" in mixed.text and "bogus" not in mixed.text
