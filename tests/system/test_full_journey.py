"""The whole way through HTTP, with the real job worker: a citizen files a request, the
office takes it to an issued document, the citizen downloads it, the verification page
confirms it.

submit → receipt → staff sign in → register → legal interest accepted → payment
confirmed → work started → "issue" (a job) → the worker signs and registers the PDF →
the tracking page and the status API show it → download → /weryfikacja says authentic.
"""

from __future__ import annotations

import hashlib
import time

import pytest
import requests

from services.jobs.process import start_worker, stop_worker
from tests.system.eservices_steps import file_request, reviewed, signed_in, step

pytestmark = pytest.mark.system
WORKER_WAIT_S = 120


@pytest.fixture(scope="module")
def worker(settings, live_server):
    process = start_worker(settings, settings.var_dir / "log")
    yield process
    stop_worker(process)


def _issued_document(base: str, token: str) -> dict:
    deadline = time.monotonic() + WORKER_WAIT_S
    while time.monotonic() < deadline:
        status = requests.get(f"{base}/api/sprawy/{token}", timeout=10).json()
        if status["documents"]:
            assert status["state"] == "document_issued"
            return status["documents"][0]
        time.sleep(1)
    raise AssertionError("the worker issued no document in time")


def test_from_request_to_a_verified_signed_document(
    live_server,
    worker,
    known_parcel,
    officers,
    database,  # noqa: F811
):
    citizen = requests.Session()
    filed = file_request(
        citizen, live_server, reviewed(citizen, live_server, known_parcel.parcel_id)
    )
    assert filed.status_code == 303
    token = filed.headers["Location"].split("/")[2]
    mark = requests.get(f"{live_server}/sprawy/{token}/potwierdzenie.json").json()["mark"]
    with database.connect("owner") as conn:
        case_id = conn.execute("SELECT id FROM cases.case_file WHERE mark = %s",
                               (mark,)).fetchone()[0]  # fmt: skip
    geo = signed_in(live_server, officers["geodesy"])
    kanc = signed_in(live_server, officers["kancelaria"])
    for who, target in ((kanc, "registered"), (geo, "awaiting_legal_interest"),
                        (geo, "awaiting_payment"), (kanc, "paid"), (geo, "in_progress"),
                        (geo, "document_issued")):  # fmt: skip
        assert step(who, live_server, case_id, target) == 303, target

    document = _issued_document(live_server, token)
    assert f"/sprawy/{token}/dokumenty/{document['code']}.pdf" in requests.get(
        f"{live_server}/sprawy/{token}").text  # fmt: skip
    pdf = requests.get(document["url"], timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with database.connect("owner") as conn:
        stored = conn.execute("SELECT sha256 FROM documents.issued_document WHERE code = %s",
                              (document["code"],)).fetchone()[0]  # fmt: skip
    assert hashlib.sha256(pdf.content).hexdigest() == stored

    upload = {"plik": ("wypis.pdf", pdf.content, "application/pdf")}
    checker = requests.Session()
    form = checker.get(f"{live_server}/weryfikacja").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    data = {"kod": "", "csrf_token": token}
    verified = checker.post(f"{live_server}/weryfikacja", data=data, files=upload)
    if verified.status_code == 429:  # the verification tests may have used this address's quota
        time.sleep(float(verified.headers.get("Retry-After", "2")) + 0.5)
        verified = checker.post(f"{live_server}/weryfikacja", data=data, files=upload)
    assert verified.status_code == 200 and 'data-verdict="authentic"' in verified.text
    assert mark in verified.text
