"""The staff console (``/panel``): sign-in, the case queue, a case with its history, steps.

Every page but the sign-in needs a signed-in staff account (anonymous requests are sent
to the sign-in page, never shown data). Every step is a POST with the CSRF token and goes
through the core's ``store.transition``: the state machine decides who may take it, and
a refusal is answered from the error table (403 not permitted, 409 not now, 400 no reason)
with nothing written. All staff see every case: the registry office works on all of them.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import psycopg
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from geoportal.auth.roles import DEPARTMENTS, Role
from geoportal.auth.staff import StaffUser, active_staff, authenticate
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.assignment import ASSIGNERS, fits
from geoportal.cases.attachments import AttachmentStore
from geoportal.cases.errors import CaseNotFound
from geoportal.cases.queue import queue
from geoportal.cases.states import OFFICE_STATES, State, available_steps, may_act
from geoportal.documents.planning import check_data_for
from web.eservices.failures import error_page, install, private
from web.eservices.texts import page_context
from web.forms import check_csrf
from web.instance import current_instance
from web.jobs import after_step, document_kind, queue_document
from web.panel.signin import sign_in, sign_out, signed_in, throttle

panel_blueprint = Blueprint("panel", __name__, url_prefix="/panel")
install(panel_blueprint)
panel_blueprint.after_request(private)
OPEN = frozenset({"panel.login_page", "panel.login"})


@panel_blueprint.before_request
def _guard() -> ResponseReturnValue | None:
    """Anonymous → the sign-in page; then the CSRF token of every POST."""
    if request.endpoint not in OPEN:
        g.staff = signed_in(current_instance().database)
        if g.staff is None:
            return redirect(url_for("panel.login_page"))
    check_csrf()
    return None


@panel_blueprint.get("/logowanie")
def login_page() -> ResponseReturnValue:
    """The sign-in form."""
    return render_template("panel/login.html", failed=False, **page_context())


@panel_blueprint.post("/logowanie")
def login() -> ResponseReturnValue:
    """Check the password (argon2); 429 after too many failures."""
    login_name = request.form.get("login", "").strip()[:64]
    address = request.remote_addr or ""
    if throttle().blocked((login_name, address)):
        return error_page(429)
    with current_instance().database.pool("app").connection() as conn, conn.transaction():
        user = authenticate(conn, login_name, request.form.get("password", ""))
    if user is None:
        throttle().record((login_name, address))
        return render_template("panel/login.html", failed=True, **page_context()), 401
    sign_in(user)
    return redirect(url_for("panel.queue_page"), 303)


@panel_blueprint.post("/wyloguj")
def logout() -> Response:
    """End the session."""
    sign_out()
    return redirect(url_for("panel.login_page"), 303)


@panel_blueprint.get("")
def queue_page() -> ResponseReturnValue:
    """Cases by state, department and deadline; overdue ones flagged."""
    filters = _filters()
    with current_instance().database.pool("app").connection() as conn:
        entries = queue(conn, **filters)
    return render_template("panel/queue.html", entries=entries, filters=filters,
                           states=list(State), departments=sorted(DEPARTMENTS),
                           staff=g.staff, **page_context())  # fmt: skip


@panel_blueprint.get("/sprawy/<int:case_id>")
def case_page(case_id: int) -> ResponseReturnValue:
    """A case: the submission, the full history and the steps open to this account."""
    with current_instance().database.pool("app").connection() as conn:
        case = store.get(conn, case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        events = audit.history(conn, case.id)
        assignees = _assignees(conn, case)
    steps = available_steps(case.state, _actor(), case.facts())
    return render_template("panel/case.html", case=case, events=events, steps=steps,
                           staff=g.staff, office_states=OFFICE_STATES, assignees=assignees,
                           **page_context())  # fmt: skip


@panel_blueprint.get("/sprawy/<int:case_id>/zalaczniki/<int:index>")
def attachment(case_id: int, index: int) -> ResponseReturnValue:
    """An attachment of the case for the staff who handle it; each opening is audited.

    Sent as a download (never rendered in the console's origin) of the type checked at
    filing, sandboxed should a browser open it anyway.
    """
    instance = current_instance()
    files = AttachmentStore(instance.settings.attachments_dir, current_app.config["SECRET_KEY"])
    with instance.database.pool("app").connection() as conn:
        ref, content = store.open_attachment(conn, case_id, _actor(), index, files)
    # send_file writes the applicant's file name as RFC 6266 filename* (quotes, line
    # breaks and Polish letters cannot break the header) with an ASCII fallback.
    response = send_file(io.BytesIO(content), mimetype=ref.media_type, as_attachment=True,
                         download_name=ref.name, max_age=0)  # fmt: skip
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@panel_blueprint.post("/sprawy/<int:case_id>/przydzial")
def assign(case_id: int) -> ResponseReturnValue:
    """Assign the case to a staff member of its department, or reassign it."""
    login = request.form.get("assignee", "").strip()[:64]
    if not login:
        abort(400)
    with current_instance().database.pool("app").connection() as conn:
        store.assign(conn, case_id, _actor(), login)
    return redirect(url_for("panel.case_page", case_id=case_id), 303)


def _assignees(conn: psycopg.Connection, case: store.Case) -> list[StaffUser]:
    """The accounts this case may go to, if the signed-in account may assign it."""
    if case.state == State.CLOSED or not may_act(_actor(), ASSIGNERS, case.facts()):
        return []
    found = active_staff(conn, {case.department, Role.ADMIN})
    return [user for user in found if fits(user, case.department)]


@panel_blueprint.post("/sprawy/<int:case_id>/krok")
def step(case_id: int) -> ResponseReturnValue:
    """Take one step of the state machine (who may is the core's decision)."""
    try:
        target = State(request.form.get("target", ""))
    except ValueError:
        abort(400)
    reason = request.form.get("reason", "").strip()[:2000] or None
    with current_instance().database.pool("app").connection() as conn:
        case = store.get(conn, case_id)
        if case is None:
            raise CaseNotFound(f"no case {case_id}")
        kind = document_kind(case) if target == State.DOCUMENT_ISSUED else None
        if kind is None:
            case = store.transition(conn, case_id, target, _actor(), reason)
            after_step(case, str(target))
            return redirect(url_for("panel.case_page", case_id=case_id), 303)
        check_data_for(conn, kind, list(case.submission.parcels))
    # A document: the worker issues, signs and registers it and takes the step itself.
    allowed = {edge.target for edge in available_steps(case.state, _actor(), case.facts())}
    if target not in allowed:
        abort(403)
    queue_document(case, kind, _actor())
    return redirect(url_for("panel.case_page", case_id=case_id, zlecono=1), 303)


@panel_blueprint.post("/sprawy/<int:case_id>/zwolnienie")
def exemption(case_id: int) -> ResponseReturnValue:
    """Grant or refuse the fee exemption the applicant claimed (a refusal needs a reason)."""
    granted = {"yes": True, "no": False}.get(request.form.get("granted", ""))
    if granted is None:
        abort(400)
    reason = request.form.get("reason", "").strip()[:2000] or None
    with current_instance().database.pool("app").connection() as conn:
        case = store.decide_exemption(conn, case_id, _actor(), granted, reason)
    after_step(case, "decide_exemption")
    return redirect(url_for("panel.case_page", case_id=case_id), 303)


@panel_blueprint.post("/sprawy/<int:case_id>/zwloka")
def delay(case_id: int) -> ResponseReturnValue:
    """Notify the party of a delay (KPA art. 36): the reason and the new date."""
    try:
        new_date = dt.date.fromisoformat(request.form.get("new_date", ""))
    except ValueError:
        abort(400)
    reason = request.form.get("reason", "").strip()[:2000]
    with current_instance().database.pool("app").connection() as conn:
        case = store.notify_delay(conn, case_id, _actor(), new_date, reason)
    after_step(case, "notify_delay", delayed_to=new_date, reason=reason)
    return redirect(url_for("panel.case_page", case_id=case_id), 303)


def _actor() -> Actor:
    return Actor.staff(g.staff.login, g.staff.roles)


def _filters() -> dict[str, Any]:
    args = request.args
    filters: dict[str, Any] = {}
    try:
        if args.get("state"):
            filters["states"] = [State(args["state"])]
        if args.get("department"):
            if args["department"] not in {str(d) for d in DEPARTMENTS}:
                abort(400)
            filters["department"] = args["department"]
    except ValueError:
        abort(400)
    if args.get("overdue") == "1":
        filters["overdue"] = True
    if args.get("mine") == "1":
        filters["assignee"] = g.staff.login
    if args.get("unassigned") == "1":
        filters["unassigned"] = True
    return filters
