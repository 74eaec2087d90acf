"""Steps of the e-services journey through HTTP, shared by the system tests."""

from __future__ import annotations

import requests

from tests.integration.eservices_support import APPLICANT, hidden_fields

SERVICE = "egib_register_extract"
PASSWORD = "correct horse battery"


def reviewed(session: requests.Session, base: str, parcel: str) -> dict[str, str]:
    form = session.get(f"{base}/e-uslugi/{SERVICE}", params={"parcel": parcel})
    assert form.status_code == 200 and parcel in form.text
    fields = hidden_fields(form.text) | APPLICANT
    fields |= {"parcels": parcel, "legal_interest": "Jestem spadkobierczynią właściciela."}
    review = session.post(f"{base}/e-uslugi/{SERVICE}", data=fields)
    assert review.status_code == 200 and "Wyliczenie opłaty" in review.text
    return hidden_fields(review.text)


def file_request(session: requests.Session, base: str, fields: dict[str, str]) -> requests.Response:
    files = {"attachments": ("akt.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    return session.post(
        f"{base}/e-uslugi/{SERVICE}/zloz", data=fields, files=files, allow_redirects=False
    )


def signed_in(base: str, login: str) -> requests.Session:
    session = requests.Session()
    form = hidden_fields(session.get(f"{base}/panel/logowanie").text)
    signed = session.post(
        f"{base}/panel/logowanie",
        allow_redirects=False,
        data=form | {"login": login, "password": PASSWORD},
    )
    assert signed.status_code == 303
    return session


def step(session: requests.Session, base: str, case_id: int, target: str) -> int:
    page = session.get(f"{base}/panel/sprawy/{case_id}")
    csrf = hidden_fields(page.text)["csrf_token"]
    return session.post(
        f"{base}/panel/sprawy/{case_id}/krok",
        allow_redirects=False,
        data={"csrf_token": csrf, "target": target},
    ).status_code
