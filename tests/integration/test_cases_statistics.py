"""BIP statistics: counts per month and e-service follow the cases; nothing personal."""

from __future__ import annotations

import datetime as dt

from geoportal.auth.roles import Role
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.states import State
from geoportal.cases.statistics import monthly_statistics
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import request

GEO = Actor.staff("geodeta", {Role.GEODESY})
KANC = Actor.staff("kancelaria", {Role.KANCELARIA})
SYSTEM = Actor.system("payments")
SERVICE = "egib_register_extract"


def _row(database):
    today = dt.datetime.now(OFFICE_TZ).date()
    with database.connect("app") as conn:
        rows = monthly_statistics(conn, today.replace(day=1), today)
    month = today.strftime("%Y-%m")
    return next((r for r in rows if r.month == month and r.service == SERVICE), None)


def test_received_and_settled_cases_are_counted(database):
    before = _row(database)
    received, settled = (before.received, before.settled) if before else (0, 0)
    cases = []
    with database.connect("app") as conn:
        for _ in range(3):
            cases.append(store.submit(conn, request(SERVICE), new_idempotency_key()).case)
        case = store.transition(conn, cases[0].id, State.REGISTERED, SYSTEM)
        case = store.transition(conn, case.id, State.AWAITING_LEGAL_INTEREST, GEO)
        case = store.transition(conn, case.id, State.REFUSED, GEO, "brak interesu prawnego")
    after = _row(database)
    assert after.received == received + 3
    assert after.settled == settled + 1
    assert after.median_days is not None and after.median_days < 1
    assert after.within_deadline >= 1  # refused on the day, long before the deadline


def test_statistics_pages_are_public_and_carry_no_personal_data(database, tmp_path):
    from geoportal.instance import Instance
    from tests.conftest import test_settings
    from web.app import create_flask_app

    client = create_flask_app(Instance(test_settings())).test_client()
    with database.connect("app") as conn:
        submitted = store.submit(conn, request(SERVICE), new_idempotency_key()).case
    applicant = submitted.submission.applicant
    as_json = client.get("/bip/statystyki.json")
    as_csv = client.get("/bip/statystyki.csv")
    assert as_json.status_code == 200 and as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    header = as_csv.get_data(as_text=True).splitlines()[0]
    assert header == "month,service,received,settled,within_deadline,overdue_open,median_days"
    for body in (as_json.get_data(as_text=True), as_csv.get_data(as_text=True)):
        assert applicant.name not in body and str(submitted.mark) not in body
