"""The EZD status webhook: queued after each step, signed, received by a fake EZD.

The EZD is an outside system: a small HTTP server on 127.0.0.1 stands in for it.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from geoportal.auth.staff import add_staff
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.notices import status_event
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from geoportal.instance import Instance
from services.jobs.webhook import SIGNATURE_HEADER, post_status, signature
from tests.integration.cases_support import request
from tests.integration.eservices_support import hidden_fields
from web.app import create_flask_app

SECRET = "wspólny sekret EZD"
PASSWORD = "correct horse battery"


@pytest.fixture
def ezd():
    received: list[tuple[dict, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/status", received
    server.shutdown()


def _case(database):
    with database.connect("app") as conn:
        done = store.submit(conn, request("egib_register_extract_anonymous"), new_idempotency_key())
        return store.transition(conn, done.case.id, State.REGISTERED, Actor.system("registration"))


def test_a_status_event_arrives_signed_and_without_personal_data(settings, database, ezd):
    url, received = ezd
    case = _case(database)
    configured = settings.model_copy(update={"ezd_webhook_url": url, "ezd_webhook_secret": SECRET})
    post_status(configured, status_event(case, "register"))
    headers, body = received[-1]
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], signature(SECRET, body))
    event = json.loads(body)
    assert event == {"case_mark": str(case.mark), "state": "registered", "action": "register",
                     "service": case.service, "at": case.state_changed_at.isoformat()}  # fmt: skip
    assert case.submission.applicant.name not in body.decode()


def test_a_refused_delivery_raises_so_the_queue_retries(settings):
    configured = settings.model_copy(update={"ezd_webhook_url": "http://127.0.0.1:9/nothing"})
    with pytest.raises(requests.RequestException):
        post_status(configured, {"case_mark": "GK.6640.1.2026"})


def test_a_panel_step_queues_the_event_when_an_ezd_is_configured(settings, database, demo_loaded):
    configured = settings.model_copy(update={"ezd_webhook_url": "http://127.0.0.1:9/ezd"})
    case = _case(database)
    login = f"geodesy.{secrets.token_hex(3)}"
    with database.connect("owner") as conn:
        add_staff(conn, login, "Geodeta", PASSWORD, ["geodesy"])
        before = conn.execute("SELECT count(*) FROM jobs.procrastinate_jobs"
                              " WHERE task_name LIKE '%post_status'").fetchone()[0]  # fmt: skip
    client = create_flask_app(Instance(configured)).test_client()
    form = hidden_fields(client.get("/panel/logowanie").get_data(as_text=True))
    client.post("/panel/logowanie", data=form | {"login": login, "password": PASSWORD})
    page = hidden_fields(client.get(f"/panel/sprawy/{case.id}").get_data(as_text=True))
    step = {"csrf_token": page["csrf_token"], "target": "refused", "reason": "brak danych"}
    assert client.post(f"/panel/sprawy/{case.id}/krok", data=step).status_code == 303
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT args FROM jobs.procrastinate_jobs WHERE task_name LIKE '%post_status'"
            " ORDER BY id"
        ).fetchall()
    assert len(rows) == before + 1
    assert rows[-1][0]["event"]["case_mark"] == str(case.mark)
    assert rows[-1][0]["event"]["state"] == "refused"
