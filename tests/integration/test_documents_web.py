"""The staff console queues the document; the citizen downloads it by the tracking link.

The two halves of issuing meet here: the panel's "issue" step becomes a job (the worker
issues, signs and registers), and the tracking page lists the signed PDF, served only
to the holder of that case's link. Every step also queues the applicant's notice.
"""

from __future__ import annotations

import hashlib
import secrets

import pytest

from geoportal.auth.roles import Role
from geoportal.auth.staff import add_staff
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.tokens import new_idempotency_key
from geoportal.documents import register
from tests.integration.cases_support import request
from tests.integration.documents_support import make_issuer
from tests.integration.eservices_support import hidden_fields

PASSWORD = "correct horse battery"
SYSTEM = Actor.system("payments")
SERVICE = "egib_register_extract_anonymous"


@pytest.fixture(scope="module")
def geodesist(database) -> str:
    with database.connect("owner") as conn:
        return add_staff(conn, f"geodeta.{secrets.token_hex(3)}", "Geodeta", PASSWORD,
                         ["geodesy"]).login  # fmt: skip


def _in_progress(database, parcel: str) -> tuple[int, str]:
    with database.connect("app", autocommit=True) as conn:
        done = store.submit(conn, request(SERVICE, parcels=[parcel]), new_idempotency_key())
        for state in ("registered", "awaiting_payment", "paid", "in_progress"):
            store.transition(conn, done.case.id, state, SYSTEM)
    return done.case.id, done.tracking_token


def _jobs(database, task: str, case_id: int | None = None) -> int:
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT count(*) FROM jobs.procrastinate_jobs WHERE task_name LIKE %s"
            " AND (%s::bigint IS NULL OR (args->>'case_id')::bigint = %s)",
            (f"%{task}", case_id, case_id),
        ).fetchone()[0]


def test_issue_is_queued_and_the_citizen_downloads_the_signed_pdf(
    app, database, instance, geodesist, known_parcel
):
    case_id, token = _in_progress(database, known_parcel.parcel_id)
    staff = app.test_client()
    form = hidden_fields(staff.get("/panel/logowanie").get_data(as_text=True))
    staff.post("/panel/logowanie", data=form | {"login": geodesist, "password": PASSWORD})
    page = hidden_fields(staff.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    step = {"csrf_token": page["csrf_token"], "target": "document_issued"}
    answer = staff.post(f"/panel/sprawy/{case_id}/krok", data=step)
    assert answer.status_code == 303 and "zlecono=1" in answer.headers["Location"]
    assert _jobs(database, "issue_document", case_id) == 1
    with database.connect("app") as conn:  # nothing issued until the worker runs
        assert register.of_case(conn, case_id) == []

    actor = Actor.staff(geodesist, {Role.GEODESY})
    issued = make_issuer(instance).issue(case_id, SERVICE, actor)  # what the job does
    citizen = app.test_client()
    tracking = citizen.get(f"/sprawy/{token}").get_data(as_text=True)
    link = f"/sprawy/{token}/dokumenty/{issued.document.code}.pdf"
    assert link in tracking
    pdf = citizen.get(link)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == issued.document.sha256

    _, other_token = _in_progress(database, known_parcel.parcel_id)
    assert (
        citizen.get(f"/sprawy/{other_token}/dokumenty/{issued.document.code}.pdf").status_code
        == 404
    )
    assert citizen.get(f"/sprawy/{token}/dokumenty/AAAAAAAAAAAA.pdf").status_code == 404


def test_each_step_queues_the_applicants_notice(app, database, geodesist, known_parcel):
    case_id, _ = _in_progress(database, known_parcel.parcel_id)
    before = _jobs(database, "send_mail")
    staff = app.test_client()
    form = hidden_fields(staff.get("/panel/logowanie").get_data(as_text=True))
    staff.post("/panel/logowanie", data=form | {"login": geodesist, "password": PASSWORD})
    page = hidden_fields(staff.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    step = {"csrf_token": page["csrf_token"], "target": "refused", "reason": "brak danych"}
    answer = staff.post(f"/panel/sprawy/{case_id}/krok", data=step)
    assert answer.status_code == 303
    assert _jobs(database, "send_mail") == before + 1


def test_the_receipt_pdf_states_what_the_receipt_json_states(app, database, known_parcel):
    import io

    from pypdf import PdfReader

    _, token = _in_progress(database, known_parcel.parcel_id)
    client = app.test_client()
    receipt = client.get(f"/sprawy/{token}/potwierdzenie.json").get_json()
    pdf = client.get(f"/sprawy/{token}/potwierdzenie.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = text.replace("\n", "")
    assert receipt["mark"] in flat and receipt["submission_sha256"] in flat
    assert "Potwierdzenie złożenia wniosku" in text
    assert client.get("/sprawy/not-a-token/potwierdzenie.pdf").status_code == 404
