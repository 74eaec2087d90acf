"""An applicant and the office through HTTP against the running stack (gunicorn).

The journey: a request is reviewed with its quote, filed, acknowledged by a receipt and
tracked; staff sign in and take it through legal interest and payment to work in
progress; the applicant's page follows. Then 50 identical filings at once: one case.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from geoportal.cases import tokens
from tests.system.eservices_steps import file_request as _file
from tests.system.eservices_steps import reviewed as _reviewed
from tests.system.eservices_steps import signed_in as _staff
from tests.system.eservices_steps import step as _step

pytestmark = pytest.mark.system
SERVICE = "egib_register_extract"
PASSWORD = "correct horse battery"


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
