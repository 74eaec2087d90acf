"""The e-service pages, tracking pages and staff console on the real database (Flask client).

Each test states what the web layer must do with the core: the fee is the server's, a
refused or failed submission writes nothing and gives no receipt, every text typed is
escaped, and staff steps go through the state machine.
"""

from __future__ import annotations

import io
import re
import secrets

import psycopg
import pytest

from geoportal.auth.staff import add_staff
from geoportal.cases import tokens
from tests.integration.eservices_support import (
    APPLICANT,
    file_from_review,
    hidden_fields,
    open_form,
    review,
)
from tests.texts import strings
from web.app import create_flask_app

ANON = "egib_register_extract_anonymous"
PERSONAL = "egib_register_extract"
XSS = '<script>alert("x")</script>'
PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def staff(database):
    """A geodesy officer, a registry clerk and a planner, with fresh logins."""
    suffix = secrets.token_hex(3)
    logins = {}
    with database.connect("owner") as conn:
        for role in ("geodesy", "kancelaria", "planning"):
            user = add_staff(conn, f"{role}.{suffix}", f"{role} {suffix}", PASSWORD, [role])
            logins[role] = user.login
    return logins


def _count(database, key: str) -> int:
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT count(*) FROM cases.case_file WHERE idempotency_key_sha256 = %s",
            (tokens.digest(key),),
        ).fetchone()
    return row[0]


def _filed(client, parcel_id, key=ANON, **changes):
    page = review(client, key, APPLICANT | {"parcels": parcel_id} | changes)
    assert page.status_code == 200, page.get_data(as_text=True)
    return page, file_from_review(client, key, page.get_data(as_text=True))


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def _token_of(response) -> str:
    return response.headers["Location"].split("/sprawy/")[1].split("/")[0]


MONTHS = {
    "pl": ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
}


@pytest.mark.parametrize(("lang", "total"), [("pl", "24,00\u00a0zł"), ("en", "24.00\u00a0PLN")])
def test_the_quote_and_the_receipt_in_the_pages_language(
    client, instance, known_parcel, lang, total
):
    """Texts from the language's catalogue; money and the deadline as the language writes them."""
    texts = strings(lang, instance.site)
    fields = open_form(client, ANON) | APPLICANT | {"parcels": known_parcel.parcel_id}
    page = client.post(f"/e-uslugi/{ANON}?lang={lang}", data=fields)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'<html lang="{lang}">' in html
    assert texts["quote_total"] in html and texts["preview_title"] in html
    assert re.search(r'id="quote-total">([^<]+)<', html).group(1) == total
    filed = file_from_review(client, ANON, html)
    receipt = client.get(filed.headers["Location"], query_string={"lang": lang})
    text = receipt.get_data(as_text=True)
    assert texts["receipt_title"] in text
    iso, shown = re.search(
        r'<dd><time datetime="(\d{4}-\d\d-\d\d)">([^<]+)</time></dd>', text
    ).groups()
    year, month, day = (int(part) for part in iso.split("-"))
    assert shown == f"{day} {MONTHS[lang][month - 1]} {year}"  # the deadline


def test_a_request_is_reviewed_with_the_server_quote_then_filed_with_a_receipt(
    client, known_parcel, database
):
    page, filed = _filed(client, known_parcel.parcel_id)
    html = page.get_data(as_text=True)
    assert "Wyliczenie opłaty" in html and "24,00" in html  # 1 unit × 24 zł electronic
    assert filed.status_code == 303
    token = _token_of(filed)
    receipt = client.get(filed.headers["Location"])
    text = receipt.get_data(as_text=True)
    assert receipt.status_code == 200
    mark = re.search(r'id="case-mark">([^<]+)<', text).group(1)
    assert re.fullmatch(r"GK\.6640\.[0-9]+\.20[0-9]{2}", mark)
    as_json = client.get(f"/sprawy/{token}/potwierdzenie.json").get_json()
    assert as_json["mark"] == mark and len(as_json["submission_sha256"]) == 64
    assert as_json["submission_sha256"] in text and as_json["tracking_url"].endswith(token)
    tracking = client.get(f"/sprawy/{token}")
    assert tracking.status_code == 200 and "Złożony" in tracking.get_data(as_text=True)
    assert tracking.headers["Cache-Control"] == "no-store"


def test_the_form_is_prefilled_from_the_parcel_card(client, known_parcel):
    page = client.get(f"/e-uslugi/{ANON}?parcel={known_parcel.parcel_id}")
    assert known_parcel.parcel_id in page.get_data(as_text=True)


def test_a_parcel_given_by_district_and_number_is_found(client, known_parcel, database):
    with database.connect("owner") as conn:
        district, number = conn.execute(
            "SELECT district_number, number FROM publish.parcels WHERE parcel_id = %s",
            (known_parcel.parcel_id,),
        ).fetchone()
    page = review(client, ANON, APPLICANT | {"district": district, "number": number})
    assert page.status_code == 200 and known_parcel.parcel_id in page.get_data(as_text=True)


def test_an_unknown_parcel_is_a_form_error_not_a_case(client):
    page = review(client, ANON, APPLICANT | {"parcels": "101401_1.0001.99999"})
    assert page.status_code == 422
    assert "Nie ma takiej działki w ewidencji." in page.get_data(as_text=True)


def test_a_tampered_fee_is_refused_and_nothing_is_written(client, known_parcel, database):
    page = review(client, ANON, APPLICANT | {"parcels": known_parcel.parcel_id})
    fields = hidden_fields(page.get_data(as_text=True))
    fields["fee"] = fields["fee"].replace('"total_grosze":2400', '"total_grosze":100')
    assert '"total_grosze":100' in fields["fee"]
    answer = client.post(f"/e-uslugi/{ANON}/zloz", data=fields)
    assert answer.status_code == 400
    assert _count(database, fields["idempotency_key"]) == 0


def test_tampered_parcel_ids_on_the_review_page_are_refused(client, known_parcel, database):
    page = review(client, ANON, APPLICANT | {"parcels": known_parcel.parcel_id})
    fields = hidden_fields(page.get_data(as_text=True)) | {"parcels": "101401_1.0001.99999"}
    assert client.post(f"/e-uslugi/{ANON}/zloz", data=fields).status_code == 400
    fields["parcels"] = "' OR 1=1 --"
    assert client.post(f"/e-uslugi/{ANON}/zloz", data=fields).status_code == 400
    assert _count(database, fields["idempotency_key"]) == 0


def test_a_database_failure_while_filing_gives_503_no_receipt_and_no_case(
    client, known_parcel, database, monkeypatch
):
    from geoportal.cases import audit

    page = review(client, ANON, APPLICANT | {"parcels": known_parcel.parcel_id})
    html = page.get_data(as_text=True)

    def broken(*args, **kwargs):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(audit, "append", broken)  # after the case row is inserted
    answer = file_from_review(client, ANON, html)
    assert answer.status_code == 503 and "Location" not in answer.headers
    assert "NIE został złożony" in answer.get_data(as_text=True)
    assert _count(database, hidden_fields(html)["idempotency_key"]) == 0
    monkeypatch.undo()
    retried = file_from_review(client, ANON, html)  # the same form, once the database is back
    assert retried.status_code == 303


def test_filing_twice_with_one_key_gives_one_case_and_the_same_receipt(client, known_parcel):
    page = review(client, ANON, APPLICANT | {"parcels": known_parcel.parcel_id})
    html = page.get_data(as_text=True)
    first, second = file_from_review(client, ANON, html), file_from_review(client, ANON, html)
    assert first.headers["Location"] == second.headers["Location"]


def test_every_typed_text_is_escaped_and_sql_is_stored_literally(
    client, known_parcel, staff, database
):
    sql = "Robert'); DROP TABLE cases.case_file;--"
    reviewed, filed = _filed(
        client, known_parcel.parcel_id, PERSONAL, name=XSS, street=sql, legal_interest=XSS, city=XSS
    )
    token = _token_of(filed)
    pages = [reviewed, client.get(filed.headers["Location"]), client.get(f"/sprawy/{token}")]
    staff_client = client.application.test_client()
    _sign_in(staff_client, staff["geodesy"])
    case_id = _case_id(database, token)
    pages.append(staff_client.get(f"/panel/sprawy/{case_id}"))
    for page in pages:
        assert page.status_code == 200
        assert XSS not in page.get_data(as_text=True)
    panel = pages[-1].get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in panel
    with database.connect("owner") as conn:
        stored = conn.execute(
            "SELECT submission #>> '{applicant,address,street}' FROM cases.case_file WHERE id = %s",
            (case_id,),
        ).fetchone()
    assert stored[0] == sql


def test_personal_data_requests_take_attachments_checked_by_content(client, known_parcel, settings):
    page = review(
        client,
        PERSONAL,
        APPLICANT | {"parcels": known_parcel.parcel_id, "legal_interest": "Jestem spadkobiercą."},
    )
    html = page.get_data(as_text=True)
    fake = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "wyrok.pdf", "application/pdf")
    assert file_from_review(client, PERSONAL, html, attachments=[fake]).status_code == 400
    big = (io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024)), "duzy.pdf")
    assert file_from_review(client, PERSONAL, html, attachments=[big]).status_code == 413
    good = (io.BytesIO(PDF), "../../etc/postanowienie.pdf")
    filed = file_from_review(client, PERSONAL, html, attachments=[good])
    assert filed.status_code == 303
    stored = list((settings.var_dir / "attachments").iterdir())
    assert any(path.read_bytes() == PDF for path in stored)
    assert all(re.fullmatch(r"[0-9a-f]{64}", path.name) for path in stored)


def test_an_incident_on_the_map_becomes_a_geodesy_case(client, known_parcel, database):
    fields = APPLICANT | {
        "x": f"{known_parcel.x:.2f}",
        "y": f"{known_parcel.y:.2f}",
        "category": "building",
        "description": "Budynek rozebrany w 2020.",
    }
    page = review(client, "map_incident", fields)
    assert page.status_code == 200, page.get_data(as_text=True)
    png = (io.BytesIO(_png()), "zdjecie.png")
    filed = file_from_review(client, "map_incident", page.get_data(as_text=True), attachments=[png])
    assert filed.status_code == 303
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT department, mark_jrwa FROM cases.case_file WHERE id = %s",
            (_case_id(database, _token_of(filed)),),
        ).fetchone()
    assert row == ("geodesy", "6620")
    outside = review(client, "map_incident", fields | {"x": "150000", "y": "150000"})
    assert outside.status_code == 422 and "poza powiatem" in outside.get_data(as_text=True)


def test_unknown_and_malformed_tokens_get_the_same_404(client):
    well_formed = tokens.new_tracking_token()
    answers = [
        client.get(f"/sprawy/{well_formed}"),
        client.get("/sprawy/abc"),
        client.get("/sprawy/' OR 1=1 --"),
        client.get(f"/sprawy/{well_formed}/potwierdzenie"),
        client.get("/sprawy/a/b/c"),
        client.get("/sprawy/"),
    ]
    assert {answer.status_code for answer in answers} == {404}
    bodies = {answer.get_data(as_text=True) for answer in answers}
    assert len(bodies) == 1
    assert client.get(f"/sprawy/{well_formed}/potwierdzenie.json").status_code == 404


def _sign_in(client, login, password=PASSWORD):
    form = hidden_fields(client.get("/panel/logowanie").get_data(as_text=True))
    return client.post("/panel/logowanie", data=form | {"login": login, "password": password})


def _case_id(database, token: str) -> int:
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT id FROM cases.case_file WHERE tracking_token_sha256 = %s",
            (tokens.digest(token),),
        ).fetchone()[0]


def _step(client, case_id, target, reason=""):
    form = hidden_fields(client.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    return client.post(
        f"/panel/sprawy/{case_id}/krok",
        data={"csrf_token": form["csrf_token"], "target": target, "reason": reason},
    )


def test_staff_take_the_steps_the_state_machine_allows_and_no_others(
    app, client, known_parcel, staff, database
):
    _, filed = _filed(client, known_parcel.parcel_id, PERSONAL, legal_interest="Spadek.")
    case_id = _case_id(database, _token_of(filed))
    geo, kanc, plan = app.test_client(), app.test_client(), app.test_client()
    for who, login in ((geo, "geodesy"), (kanc, "kancelaria"), (plan, "planning")):
        assert _sign_in(who, staff[login]).status_code == 303
    queue = kanc.get("/panel?state=submitted&department=geodesy").get_data(as_text=True)
    assert f"/panel/sprawy/{case_id}" in queue
    forbidden = _step(plan, case_id, "registered")
    assert forbidden.status_code == 403
    with database.connect("owner") as conn:
        events = conn.execute(
            "SELECT count(*) FROM cases.audit_event WHERE case_id = %s", (case_id,)
        ).fetchone()[0]
    assert events == 1  # nothing written by the refused step
    assert _step(kanc, case_id, "registered").status_code == 303
    assert _step(geo, case_id, "awaiting_legal_interest").status_code == 303
    assert _step(geo, case_id, "refused").status_code == 400  # a refusal needs a reason
    assert _step(geo, case_id, "awaiting_payment").status_code == 303
    assert _step(geo, case_id, "paid").status_code == 403  # payments: the registry office
    assert _step(kanc, case_id, "paid").status_code == 303
    assert _step(geo, case_id, "in_progress").status_code == 303
    assert _step(geo, case_id, "closed").status_code == 409  # a document is issued first
    page = geo.get(f"/panel/sprawy/{case_id}").get_data(as_text=True)
    assert "W realizacji" in page and f"staff:{staff['kancelaria']}" in page


def test_the_department_opens_an_attachment_from_the_case_page_and_another_may_not(
    app, client, known_parcel, staff, database
):
    typed = {"parcels": known_parcel.parcel_id, "legal_interest": "Jestem spadkobiercą."}
    page = review(client, PERSONAL, APPLICANT | typed)
    name = 'postanowienie "o spadku"\r\nX-Evil: 1.pdf'
    filed = file_from_review(client, PERSONAL, page.get_data(as_text=True),
                             attachments=[(io.BytesIO(PDF), name)])  # fmt: skip
    case_id = _case_id(database, _token_of(filed))
    geo, plan = app.test_client(), app.test_client()
    for who, login in ((geo, "geodesy"), (plan, "planning")):
        assert _sign_in(who, staff[login]).status_code == 303
    link = f"/panel/sprawy/{case_id}/zalaczniki/0"
    assert f'href="{link}"' in geo.get(f"/panel/sprawy/{case_id}").get_data(as_text=True)
    opened = geo.get(link)
    assert opened.status_code == 200 and opened.data == PDF
    assert opened.mimetype == "application/pdf"
    disposition = opened.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition
    assert "X-Evil" not in opened.headers and opened.headers["Cache-Control"] == "no-store"
    assert opened.headers["Content-Security-Policy"] == "sandbox"
    assert plan.get(link).status_code == 403
    assert geo.get(f"/panel/sprawy/{case_id}/zalaczniki/1").status_code == 404
    assert client.get(link).status_code == 302  # signed out: to the sign-in page
    with database.connect("owner") as conn:
        opened_by = conn.execute(
            "SELECT actor FROM cases.audit_event WHERE case_id = %s AND action = 'open_attachment'",
            (case_id,),
        ).fetchall()
    assert opened_by == [(f"staff:{staff['geodesy']}",)]


def test_panel_pages_need_a_signed_in_account(client):
    for path in ("/panel", "/panel/sprawy/1"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/panel/logowanie")
        assert b"GK." not in answer.data
    assert client.post("/panel/sprawy/1/krok", data={"target": "closed"}).status_code == 302


def test_sign_in_is_rate_limited_and_signs_out(app, staff):
    client = app.test_client()
    for _ in range(5):
        assert _sign_in(client, staff["planning"], "wrong password!!").status_code == 401
    assert _sign_in(client, staff["planning"]).status_code == 429  # even the right password
    other = app.test_client()
    assert _sign_in(other, staff["geodesy"]).status_code == 303
    cookie = other.get_cookie("geoportal_session")
    assert cookie.http_only and cookie.same_site == "Lax"
    csrf = hidden_fields(other.get("/panel").get_data(as_text=True))["csrf_token"]
    assert other.post("/panel/wyloguj", data={"csrf_token": csrf}).status_code == 303
    assert other.get("/panel").status_code == 302


def test_forms_without_the_csrf_token_are_refused(client, staff):
    tokens_ = open_form(client, ANON)
    fields = APPLICANT | {"parcels": "101401_1.0001.1"}
    assert "csrf_token" in tokens_
    assert client.post(f"/e-uslugi/{ANON}", data=fields).status_code == 400
    assert (
        client.post(f"/e-uslugi/{ANON}", data=fields | {"csrf_token": "x" * 43}).status_code == 400
    )
    assert (
        client.post(
            "/panel/logowanie", data={"login": staff["geodesy"], "password": PASSWORD}
        ).status_code
        == 400
    )


def test_filings_per_address_are_limited(instance, known_parcel):
    from web.throttle import Throttle

    app = create_flask_app(instance)
    app.extensions["throttle.filings"] = Throttle(max_events=1, window_s=3600)
    client = app.test_client()
    _, first = _filed(client, known_parcel.parcel_id)
    assert first.status_code == 303
    _, second = _filed(client, known_parcel.parcel_id)
    assert second.status_code == 429
    assert "Zbyt wiele prób" in second.get_data(as_text=True)


def test_an_exemption_is_claimed_on_the_form_and_decided_in_the_panel(
    app, client, known_parcel, staff, database
):
    bogus = review(
        client,
        ANON,
        APPLICANT
        | {"parcels": known_parcel.parcel_id, "exemption": "king", "exemption_justification": "x"},
    )
    assert bogus.status_code == 422
    claim = {"exemption": "public_body", "exemption_justification": "Gmina, zadanie publiczne."}
    page, filed = _filed(client, known_parcel.parcel_id, **claim)
    assert "Wniesiono o zwolnienie" in page.get_data(as_text=True)
    case_id = _case_id(database, _token_of(filed))
    geo, kanc = app.test_client(), app.test_client()
    _sign_in(geo, staff["geodesy"])
    _sign_in(kanc, staff["kancelaria"])
    assert _step(kanc, case_id, "registered").status_code == 303
    csrf = hidden_fields(geo.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))["csrf_token"]
    url = f"/panel/sprawy/{case_id}/zwolnienie"
    assert geo.post(url, data={"csrf_token": csrf, "granted": "no"}).status_code == 400
    assert kanc.post(url, data={"csrf_token": csrf, "granted": "yes"}).status_code == 400  # csrf
    assert geo.post(url, data={"csrf_token": csrf, "granted": "yes"}).status_code == 303
    assert _step(geo, case_id, "in_progress").status_code == 303  # nothing left to pay


def test_unknown_and_malformed_tokens_take_as_long(client):
    """Both are looked up in the database; medians of interleaved requests stay close."""
    import statistics
    import time

    def timed(path: str) -> float:
        start = time.perf_counter()
        assert client.get(path).status_code == 404
        return time.perf_counter() - start

    unknown, malformed = [], []
    for _ in range(40):
        unknown.append(timed(f"/sprawy/{tokens.new_tracking_token()}"))
        malformed.append(timed("/sprawy/not-a-token"))
    assert abs(statistics.median(unknown) - statistics.median(malformed)) < 0.003


def test_pages_speak_english_when_asked(client, known_parcel):
    page = client.get(f"/e-uslugi/{ANON}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Information clause (GDPR)" in page
    assert "Extract from the land register without personal data" in page
    assert client.get("/sprawy/x?lang=en").get_data(as_text=True).count("There is no such") == 1


@pytest.mark.parametrize(
    "key",
    [
        "planning_extract",
        "planning_certificate",
        "egib_building_card",
        "egib_extract_and_map",
    ],
)
def test_every_parcel_service_quotes_and_files(client, known_parcel, key):
    page, filed = _filed(client, known_parcel.parcel_id, key, legal_interest="Spadek.")
    assert "Razem" in page.get_data(as_text=True)
    assert filed.status_code == 303


def test_a_place_from_the_map_prefills_the_incident_form(client):
    page = client.get("/e-uslugi/map_incident?x=508000.5&y=411000").get_data(as_text=True)
    assert 'value="508000.5"' in page and 'value="411000"' in page


def test_the_tracking_page_shows_refusal_reasons_but_no_office_notes_or_personal_data(
    app, client, known_parcel, staff, database
):
    _, filed = _filed(client, known_parcel.parcel_id)
    token = _token_of(filed)
    case_id = _case_id(database, token)
    kanc = app.test_client()
    _sign_in(kanc, staff["kancelaria"])
    assert (
        _step(kanc, case_id, "registered", reason="notatka: sprawdzić pełnomocnictwo").status_code
        == 303
    )
    geo = app.test_client()
    _sign_in(geo, staff["geodesy"])
    assert (
        _step(geo, case_id, "refused", reason="Działka nie istnieje w tej postaci.").status_code
        == 303
    )
    page = client.get(f"/sprawy/{token}").get_data(as_text=True)
    assert "Działka nie istnieje w tej postaci." in page and "Odmowa" in page
    for private in (
        "notatka",
        staff["kancelaria"],
        staff["geodesy"],
        "Józefa",
        "Łąkowa",
        "jozefa@",
    ):
        assert private not in page
    receipt = client.get(f"/sprawy/{token}/potwierdzenie").get_data(as_text=True)
    assert "Józefa" not in receipt and "jozefa@" not in receipt


def _assign(client, case_id, login, csrf=True):
    form = hidden_fields(client.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    data = {"assignee": login} | ({"csrf_token": form["csrf_token"]} if csrf else {})
    return client.post(f"/panel/sprawy/{case_id}/przydzial", data=data)


def test_cases_are_assigned_in_the_panel_to_staff_of_their_department(
    app, client, known_parcel, database
):
    staff = {}  # accounts of its own: another test runs the sign-in throttle out for "staff"
    with database.connect("owner") as conn:
        for role in ("geodesy", "kancelaria", "planning"):
            login = f"{role}.as.{secrets.token_hex(3)}"
            staff[role] = add_staff(conn, login, f"{role} assign", PASSWORD, [role]).login
    _, filed = _filed(client, known_parcel.parcel_id)
    case_id = _case_id(database, _token_of(filed))
    kanc, plan, geo = app.test_client(), app.test_client(), app.test_client()
    for who, login in ((kanc, "kancelaria"), (plan, "planning"), (geo, "geodesy")):
        assert _sign_in(who, staff[login]).status_code == 303
    page = kanc.get(f"/panel/sprawy/{case_id}").get_data(as_text=True)
    assert f'value="{staff["geodesy"]}"' in page  # offered: the geodesy officer
    assert f'value="{staff["planning"]}"' not in page  # not offered: another department
    assert 'id="assign-form"' not in plan.get(f"/panel/sprawy/{case_id}").get_data(as_text=True)
    assert _assign(kanc, case_id, staff["planning"]).status_code == 400  # wrong role
    assert _assign(plan, case_id, staff["geodesy"]).status_code == 403  # may not assign
    assert _assign(kanc, case_id, staff["geodesy"], csrf=False).status_code == 400
    assert _assign(kanc, case_id, "' OR 1=1 --").status_code == 400
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT assignee, (SELECT count(*) FROM cases.audit_event WHERE case_id = c.id)"
            " FROM cases.case_file c WHERE id = %s", (case_id,),
        ).fetchone()  # fmt: skip
    assert row == (None, 1)  # nothing written by the refusals
    free = kanc.get("/panel?unassigned=1").get_data(as_text=True)
    assert 'id="q-unassigned" name="unassigned" value="1" checked' in free
    assert _assign(kanc, case_id, staff["geodesy"]).status_code == 303
    free = kanc.get("/panel?unassigned=1").get_data(as_text=True)
    assert f"/panel/sprawy/{case_id}" not in free  # the queue's own limit cannot hide it
    mine = geo.get("/panel?mine=1").get_data(as_text=True)
    assert f"/panel/sprawy/{case_id}" in mine
    assert f"/panel/sprawy/{case_id}" not in kanc.get("/panel?mine=1").get_data(as_text=True)
    case_page = geo.get(f"/panel/sprawy/{case_id}").get_data(as_text=True)
    assert f'<dd id="case-assignee">{staff["geodesy"]}</dd>' in case_page
    tracking = client.get(f"/sprawy/{_token_of(filed)}").get_data(as_text=True)
    assert staff["geodesy"] not in tracking and "Przydziel" not in tracking


def _form_action(html: str, path_part: str) -> str:
    """The ``action`` of the page's form posting to an address containing ``path_part``,
    as the browser sends it (entities undone)."""
    import html as html_module

    actions = re.findall(r'<form[^>]* action="([^"]+)"', html)
    return html_module.unescape(next(a for a in actions if path_part in a))


def test_an_english_citizen_is_redirected_to_an_english_receipt(client, instance, known_parcel):
    """Through the pages' own forms, as a browser goes: no ``lang`` added by the test."""
    texts = strings("en", instance.site)
    form_html = client.get(f"/e-uslugi/{ANON}?lang=en").get_data(as_text=True)
    fields = hidden_fields(form_html) | APPLICANT | {"parcels": known_parcel.parcel_id}
    reviewed = client.post(_form_action(form_html, ANON), data=fields)
    review_html = reviewed.get_data(as_text=True)
    assert reviewed.status_code == 200 and '<html lang="en">' in review_html
    filed = client.post(_form_action(review_html, "/zloz"), data=hidden_fields(review_html),
                        content_type="multipart/form-data")  # fmt: skip
    assert filed.status_code == 303 and filed.headers["Location"].endswith("?lang=en")
    receipt = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in receipt and texts["receipt_title"] in receipt


def test_english_staff_stay_in_english_after_signing_in_and_each_step(
    app, client, known_parcel, staff, database
):
    _, filed = _filed(client, known_parcel.parcel_id, PERSONAL, legal_interest="Spadek.")
    case_id = _case_id(database, _token_of(filed))
    clerk = app.test_client()
    login_html = clerk.get("/panel?lang=en", follow_redirects=True).get_data(as_text=True)
    signed_in = clerk.post(
        _form_action(login_html, "/logowanie"),
        data=hidden_fields(login_html) | {"login": staff["kancelaria"], "password": PASSWORD},
    )
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/panel?lang=en"
    case_html = clerk.get(f"/panel/sprawy/{case_id}?lang=en").get_data(as_text=True)
    stepped = clerk.post(
        _form_action(case_html, "/krok"),
        data={"csrf_token": hidden_fields(case_html)["csrf_token"], "target": "registered"},
    )
    assert stepped.status_code == 303
    assert stepped.headers["Location"] == f"/panel/sprawy/{case_id}?lang=en"
    page = clerk.get(stepped.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page
    signed_out = clerk.post(_form_action(page, "/wyloguj"), data=hidden_fields(page))
    assert signed_out.headers["Location"] == "/panel/logowanie?lang=en"
