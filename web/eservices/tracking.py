"""The applicant's pages of a case, opened only by its tracking token (``/sprawy/<token>``).

Decisions
    * Any text that does not open a case — unknown, malformed, another person's — gets
      the same 404 page. A malformed token is looked up too (as the hash of a well-formed
      stand-in), so its answer takes as long as an unknown one's: the lookup is by the
      token's SHA-256 (``store.get_by_token``), which leaks nothing through timing.
    * What the history shows the applicant: when, which step, and the written reason of a
      refusal (the applicant must know why: KPA art. 107). Not shown: staff logins,
      other reasons and the events' details — those are the office's working notes.
      Assignments inside the office (``assign``, ``reassign``) are left out entirely.
    * Documents: the page says whether one has been issued; the document itself comes
      from the documents part when it exists.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, send_file, url_for
from flask.typing import ResponseReturnValue

from geoportal.cases import audit, store, tokens
from geoportal.cases.audit import AuditEvent
from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.eservices import default_registry
from geoportal.cases.payments import BankTransferGateway
from geoportal.cases.states import State
from geoportal.cases.store import Case
from geoportal.documents import register
from geoportal.documents.receipt import receipt_pdf
from web.eservices.failures import error_page, install, private
from web.eservices.texts import page_context
from web.instance import current_instance

tracking_blueprint = Blueprint("tracking", __name__)
install(tracking_blueprint)
tracking_blueprint.after_request(private)
PUBLIC_REASONS = frozenset({"refuse", "refuse_legal_interest", "refuse_exemption", "notify_delay"})


@tracking_blueprint.get("/sprawy/", defaults={"token": ""})
@tracking_blueprint.get("/sprawy/<path:token>")
def case_page(token: str) -> ResponseReturnValue:
    """The case's state, deadline, history and documents."""
    case = _case(token)
    if case is None:
        return error_page(404)
    with current_instance().database.pool("app").connection() as conn:
        events = _public_history(audit.history(conn, case.id))
        documents = register.of_case(conn, case.id)
    return render_template("eservices/case.html", case=case, events=events, token=token,
                           documents=documents, **page_context())  # fmt: skip


@tracking_blueprint.get("/sprawy/<token>/potwierdzenie.pdf")
def receipt_pdf_page(token: str) -> ResponseReturnValue:
    """The receipt as a PDF to keep."""
    found = _receipt(token)
    if found is None:
        return error_page(404)
    case, receipt = found
    instance = current_instance()
    title = default_registry().get(case.service).title.pl
    link = url_for("tracking.case_page", token=token, _external=True)
    pdf = receipt_pdf(receipt, title, instance.site.organ.office.pl, link)
    name = f"potwierdzenie-{str(case.mark).replace('.', '-')}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename={name}"})  # fmt: skip


@tracking_blueprint.get("/api/sprawy/<token>")
def status_json(token: str) -> ResponseReturnValue:
    """The case's status for programs that poll it (surveyors' software): state, dates,
    public history and documents, as the tracking page shows them."""
    case = _case(token)
    if case is None:
        return jsonify({"code": "NotFound"}), 404
    with current_instance().database.pool("app").connection() as conn:
        events = _public_history(audit.history(conn, case.id))
        documents = register.of_case(conn, case.id)
    delays = [event["new_date"] for event in events if event["new_date"]]
    return jsonify({
        "mark": str(case.mark), "service": case.service, "state": str(case.state),
        "submitted_at": case.submitted_at.isoformat(),
        "deadline": case.deadline.isoformat() if case.deadline else None,
        "delayed_to": delays[-1] if delays else None,
        "overdue": case.is_overdue(dt.datetime.now(OFFICE_TZ).date()),
        "history": [{**event, "at": event["at"].isoformat()} for event in events],
        "documents": [{"kind": doc.kind, "code": doc.code, "issued_at": doc.issued_at.isoformat(),
                       "url": url_for("tracking.document", token=token, code=doc.code,
                                      _external=True)} for doc in documents],
    })  # fmt: skip


@tracking_blueprint.get("/sprawy/<token>/oplata")
def fee_page(token: str) -> ResponseReturnValue:
    """The fee-calculation document (DOO): payee, account, amount, the transfer title."""
    case = _case(token)
    account = current_instance().site.fees_account
    if case is None or account is None or case.state != State.AWAITING_PAYMENT or not case.fee_due:
        return error_page(404)
    doo = BankTransferGateway(account).instruction(case)
    return render_template("eservices/fee.html", case=case, doo=doo, token=token,
                           **page_context())  # fmt: skip


@tracking_blueprint.get("/sprawy/<token>/dokumenty/<code>.pdf")
def document(token: str, code: str) -> ResponseReturnValue:
    """A signed document of the case, to the holder of the case's tracking link only."""
    case = _case(token)
    if case is None:
        return error_page(404)
    with current_instance().database.pool("app").connection() as conn:
        issued = {doc.code: doc for doc in register.of_case(conn, case.id)}
    found = issued.get(register.normalise_code(code) or "")
    if found is None:
        return error_page(404)
    path = current_instance().settings.issued_dir / found.storage_path
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"{str(case.mark).replace('.', '-')}-{found.kind}.pdf",
                     etag=found.sha256, conditional=True)  # fmt: skip


@tracking_blueprint.get("/sprawy/<token>/potwierdzenie")
def receipt_page(token: str) -> ResponseReturnValue:
    """The receipt: case mark, server time, the submission's hash, the tracking link."""
    found = _receipt(token)
    if found is None:
        return error_page(404)
    case, receipt = found
    link = url_for("tracking.case_page", token=token, _external=True)
    return render_template("eservices/receipt.html", case=case, receipt=receipt, link=link,
                           token=token, **page_context())  # fmt: skip


@tracking_blueprint.get("/sprawy/<token>/potwierdzenie.json")
def receipt_json(token: str) -> ResponseReturnValue:
    """The receipt as JSON (what the PDF receipt states)."""
    found = _receipt(token)
    if found is None:
        return jsonify({"code": "NotFound"}), 404
    case, receipt = found
    return jsonify({
        "mark": receipt.mark, "service": receipt.service,
        "submitted_at": receipt.submitted_at.isoformat(),
        "submission_sha256": receipt.submission_sha256, "audit_hash": receipt.audit_hash,
        "deadline": receipt.deadline.isoformat() if receipt.deadline else None,
        "tracking_url": url_for("tracking.case_page", token=token, _external=True),
        "state": str(case.state),
    })  # fmt: skip


def lookup_token(text: str) -> str:
    """``text`` if it has a token's shape, else a well-formed stand-in that opens nothing."""
    if tokens.is_tracking_token(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _case(token: str) -> Case | None:
    with current_instance().database.pool("app").connection() as conn:
        case = store.get_by_token(conn, lookup_token(token))
    return case if case is not None and tokens.is_tracking_token(token) else None


def _receipt(token: str) -> tuple[Case, store.Receipt] | None:
    case = _case(token)
    if case is None:
        return None
    with current_instance().database.pool("app").connection() as conn:
        return case, store.receipt(conn, case)


OFFICE_ONLY = frozenset({"assign", "reassign"})


def _public_history(events: list[AuditEvent]) -> list[dict[str, Any]]:
    return [_public(event) for event in events if event.action not in OFFICE_ONLY]


def _public(event: AuditEvent) -> dict[str, Any]:
    return {
        "at": event.at,
        "action": event.action,
        "state": event.to_state,
        "reason": event.reason if event.action in PUBLIC_REASONS else None,
        "new_date": event.details.get("new_date") if event.action == "notify_delay" else None,
    }
