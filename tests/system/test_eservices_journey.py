"""An applicant and the office through HTTP against the running stack (gunicorn).

The journey: a request is reviewed with its quote, filed, acknowledged by a receipt and
tracked; staff sign in and take it through legal interest and payment to work in
progress; the applicant's page follows. Then 50 identical filings at once: one case.
"""

from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from geoportal.auth.staff import add_staff
from geoportal.cases import tokens
from tests.integration.eservices_support import APPLICANT, hidden_fields

pytestmark = pytest.mark.system
SERVICE = "egib_register_extract"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def officers(database):
    suffix = secrets.token_hex(3)
    with database.connect("owner") as conn:
        return {
            role: add_staff(conn, f"{role}.sys{suffix}", role, PASSWORD, [role]).login
            for role in ("geodesy", "kancelaria")
        }


def _reviewed(session: requests.Session, base: str, parcel: str) -> dict[str, str]:
    form = session.get(f"{base}/e-uslugi/{SERVICE}", params={"parcel": parcel})
    assert form.status_code == 200 and parcel in form.text
    fields = hidden_fields(form.text) | APPLICANT
    fields |= {"parcels": parcel, "legal_interest": "Jestem spadkobierczynią właściciela."}
    review = session.post(f"{base}/e-uslugi/{SERVICE}", data=fields)
    assert review.status_code == 200 and "Wyliczenie opłaty" in review.text
    return hidden_fields(review.text)


def _file(session: requests.Session, base: str, fields: dict[str, str]) -> requests.Response:
    files = {"attachments": ("akt.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    return session.post(
        f"{base}/e-uslugi/{SERVICE}/zloz", data=fields, files=files, allow_redirects=False
    )


def _staff(base: str, login: str) -> requests.Session:
    session = requests.Session()
    form = hidden_fields(session.get(f"{base}/panel/logowanie").text)
    signed = session.post(
        f"{base}/panel/logowanie",
        allow_redirects=False,
        data=form | {"login": login, "password": PASSWORD},
    )
    assert signed.status_code == 303
    return session


def _step(session: requests.Session, base: str, case_id: int, target: str) -> int:
    page = session.get(f"{base}/panel/sprawy/{case_id}")
    csrf = hidden_fields(page.text)["csrf_token"]
    return session.post(
        f"{base}/panel/sprawy/{case_id}/krok",
        allow_redirects=False,
        data={"csrf_token": csrf, "target": target},
    ).status_code


def test_request_receipt_staff_steps_and_tracking(live_server, known_parcel, officers, database):
    citizen = requests.Session()
    filed = _file(citizen, live_server, _reviewed(citizen, live_server, known_parcel.parcel_id))
    assert filed.status_code == 303
    receipt = citizen.get(live_server + filed.headers["Location"])
    mark = re.search(r'id="case-mark">([^<]+)<', receipt.text).group(1)
    token = filed.headers["Location"].split("/")[2]
    as_json = requests.get(f"{live_server}/sprawy/{token}/potwierdzenie.json").json()
    assert as_json["mark"] == mark and as_json["submission_sha256"] in receipt.text
    assert as_json["tracking_url"] == f"{live_server}/sprawy/{token}"
    with database.connect("owner") as conn:
        case_id = conn.execute(
            "SELECT id FROM cases.case_file WHERE mark = %s", (mark,)
        ).fetchone()[0]
    geo, kanc = (
        _staff(live_server, officers["geodesy"]),
        _staff(live_server, officers["kancelaria"]),
    )
    assert mark in kanc.get(f"{live_server}/panel", params={"state": "submitted"}).text
    for who, target in (
        (kanc, "registered"),
        (geo, "awaiting_legal_interest"),
        (geo, "awaiting_payment"),
        (kanc, "paid"),
        (geo, "in_progress"),
    ):
        assert _step(who, live_server, case_id, target) == 303, target
    tracking = requests.get(f"{live_server}/sprawy/{token}")
    assert tracking.status_code == 200 and "W realizacji" in tracking.text
    assert "staff:" not in tracking.text  # staff logins stay inside the office
    assert requests.get(f"{live_server}/sprawy/{tokens.new_tracking_token()}").status_code == 404


def test_fifty_identical_filings_at_once_make_one_case(live_server, known_parcel, database):
    citizen = requests.Session()
    fields = _reviewed(citizen, live_server, known_parcel.parcel_id)
    cookies = citizen.cookies.get_dict()

    def file_once(_: int) -> tuple[int, str]:
        answer = requests.post(
            f"{live_server}/e-uslugi/{SERVICE}/zloz",
            data=fields,
            cookies=cookies,
            allow_redirects=False,
            files={"attachments": ("akt.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        return answer.status_code, answer.headers.get("Location", "")

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(file_once, range(50)))
    assert {status for status, _ in answers} == {303}
    assert len({location for _, location in answers}) == 1
    with database.connect("owner") as conn:
        count = conn.execute(
            "SELECT count(*) FROM cases.case_file WHERE idempotency_key_sha256 = %s",
            (tokens.digest(fields["idempotency_key"]),),
        ).fetchone()[0]
    assert count == 1
