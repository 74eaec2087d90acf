"""A delay notice (KPA art. 36) from the panel, and the status API programs poll."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from geoportal.auth.roles import Role
from geoportal.auth.staff import add_staff
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.errors import CaseError, NotPermitted, ReasonRequired
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import request
from tests.integration.eservices_support import hidden_fields
from web.app import create_flask_app

PASSWORD = "correct horse battery"
SYSTEM = Actor.system("registration")
GEO = Actor.staff("geodeta", {Role.GEODESY})
PLANNER = Actor.staff("planista", {Role.PLANNING})


PL_MONTHS = ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"]


def _registered(database):
    with database.connect("app") as conn:
        done = store.submit(conn, request("egib_register_extract_anonymous"), new_idempotency_key())
        store.transition(conn, done.case.id, State.REGISTERED, SYSTEM)
    return done.case.id, done.tracking_token


def test_a_delay_notice_is_recorded_with_its_date_and_reason(database):
    case_id, _ = _registered(database)
    later = dt.date.today() + dt.timedelta(days=30)
    with database.connect("app") as conn:
        case = store.notify_delay(conn, case_id, GEO, later, "Oczekiwanie na dane z sądu.")
        event = audit.history(conn, case_id)[-1]
        assert store.get(conn, case_id).state == State.REGISTERED == case.state
    assert event.action == "notify_delay" and event.details == {"new_date": later.isoformat()}


@pytest.mark.parametrize(
    ("actor", "days", "reason", "error"),
    [(PLANNER, 30, "x", NotPermitted), (GEO, 30, "  ", ReasonRequired), (GEO, -1, "x", CaseError)],
)  # fmt: skip
def test_a_delay_notice_needs_the_department_a_reason_and_a_later_date(
    database, actor, days, reason, error
):
    case_id, _ = _registered(database)
    with database.connect("app") as conn, pytest.raises(error):
        store.notify_delay(conn, case_id, actor, dt.date.today() + dt.timedelta(days=days), reason)
    with database.connect("app") as conn:  # nothing written
        assert audit.history(conn, case_id)[-1].action == "register"


def test_the_panel_notifies_and_the_citizen_and_programs_see_it(database, instance, demo_loaded):
    case_id, token = _registered(database)
    login = f"geodesy.{secrets.token_hex(3)}"
    with database.connect("owner") as conn:
        add_staff(conn, login, "Geodeta", PASSWORD, ["geodesy"])
    app = create_flask_app(instance)
    staff = app.test_client()
    form = hidden_fields(staff.get("/panel/logowanie").get_data(as_text=True))
    staff.post("/panel/logowanie", data=form | {"login": login, "password": PASSWORD})
    page = hidden_fields(staff.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    later = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    notice = {"csrf_token": page["csrf_token"], "new_date": later, "reason": "Brak dokumentów."}
    answer = staff.post(f"/panel/sprawy/{case_id}/zwloka", data=notice)
    assert answer.status_code == 303
    bad = staff.post(f"/panel/sprawy/{case_id}/zwloka", data={
        "csrf_token": page["csrf_token"], "new_date": "jutro", "reason": "x"})  # fmt: skip
    assert bad.status_code == 400
    citizen = app.test_client()
    day = dt.date.fromisoformat(later)  # the page writes it in Polish, e.g. "5 mar 2026"
    shown = f"{day.day} {PL_MONTHS[day.month - 1]} {day.year}"
    assert f'<time datetime="{later}">{shown}</time>' in citizen.get(f"/sprawy/{token}").text
    status = citizen.get(f"/api/sprawy/{token}").get_json()
    assert status["state"] == "registered" and status["delayed_to"] == later
    assert [event["action"] for event in status["history"]] == [
        "submit",
        "register",
        "notify_delay",
    ]
    assert "applicant" not in status and "Józefa" not in str(status)
    assert citizen.get("/api/sprawy/not-a-token").status_code == 404
