"""E-services (``/e-uslugi``): the catalogue, each service's form, its fee quote, filing.

Three steps, each a page: the form (``GET /e-uslugi/<key>``, prefilled from ``?parcel=``
or ``?x=&y=``), the review with the server's itemised quote (``POST /e-uslugi/<key>``),
and filing (``POST /e-uslugi/<key>/zloz``), which redirects to the receipt
(:mod:`web.eservices.tracking`). The review carries the form as hidden fields, the quote
it showed and an idempotency key the server made for this review: filing reads the form
again, recomputes the quote and refuses a different one with 400, and the same review
filed twice (a double click, a retry after a lost answer) gives the same case. Going back
and reviewing a changed request makes a new key, so it is a new request, not a conflict.
Attachments are chosen on the review page, so they are uploaded once, with the filing.
A client address may open :data:`MAX_FILINGS` cases an hour (429 beyond; a retry of the
same request is not a new case and is not counted).
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from pydantic import ValidationError

from geoportal.cases import store, tokens
from geoportal.cases.attachments import AttachmentStore, allowed_for
from geoportal.cases.eservices import EService
from geoportal.cases.fees import Quote
from geoportal.cases.quantities import exemptions_for
from geoportal.cases.rules import default_rules
from geoportal.cases.submission import AttachmentRef
from geoportal.documents.errors import DocumentError
from web.eservices.failures import error_page, install, private
from web.eservices.forms import DELIVERIES, RequestForm, read_form
from web.eservices.requests import (
    build_submission,
    check_places,
    check_sent_quote,
    field_errors,
    quote_for,
)
from web.eservices.texts import page_context
from web.eservices.uploads import read_uploads
from web.forms import check_csrf
from web.instance import current_instance
from web.jobs import after_step
from web.language import N_, gettext, page_language
from web.throttle import Throttle, app_throttle
from web.viewer.assets import load_bundle
from web.viewer.pageconfig import client_config

PICKER_LAYERS = ("dzialki", "budynki", "numery_dzialek")  # what a place is recognised by
MAX_FILINGS = 30  # new cases per address and hour: an office counter files more on paper
eservices_blueprint = Blueprint("eservices", __name__)
eservices_blueprint.before_request(check_csrf)
install(eservices_blueprint)
eservices_blueprint.after_request(private)  # forms carry the session's CSRF token


@eservices_blueprint.app_template_filter("service_title")
def service_title(key: str, language: str) -> str:
    """The title of an e-service in a language (its key if it is no longer configured)."""
    service = default_rules().services.services.get(key)
    return service.title.in_language(language) if service else key


@eservices_blueprint.app_template_filter("route_title")
def route_title(key: str, category: str, language: str) -> str:
    """The title of a report's category (its key if it is no longer configured)."""
    service = default_rules().services.services.get(key)
    route = service.routes.get(category) if service else None
    return route.title.in_language(language) if route else category


@eservices_blueprint.get("/e-uslugi")
def catalogue() -> ResponseReturnValue:
    """Every e-service with its fee schedule, deadline and whether it needs a legal interest."""
    services = default_rules().services.services
    return render_template("eservices/catalogue.html", services=services, **page_context())


@eservices_blueprint.get("/e-uslugi/<key>")
def form_page(key: str) -> ResponseReturnValue:
    """The empty form (a parcel or place from the map may be filled in)."""
    service = _service(key)
    values = {"delivery": "electronic", "parcels": request.args.get("parcel", "")[:100],
              "x": request.args.get("x", "")[:20], "y": request.args.get("y", "")[:20]}  # fmt: skip
    return _form(key, service, RequestForm(values))


@eservices_blueprint.post("/e-uslugi/<key>")
def review(key: str) -> ResponseReturnValue:
    """The form checked against the data, and the itemised quote; or the form with errors."""
    service = _service(key)
    parsed = read_form(request.form, service, exemptions_for(service.fee))
    database = current_instance().database
    check_places(database, parsed)
    if not parsed.valid:
        return _form(key, service, parsed, 422)
    fee = _quote(key, service, parsed)
    try:
        build_submission(key, service, parsed, fee)
    except ValidationError as exc:
        parsed.errors.update(field_errors(exc))
        return _form(key, service, parsed, 422)
    return render_template(
        "eservices/review.html", key=key, service=service, form=parsed, quote=fee,
        quote_json=fee.model_dump_json(), idempotency_key=tokens.new_idempotency_key(),
        accepts=_accepts(service), **page_context(),
    )  # fmt: skip


@eservices_blueprint.post("/e-uslugi/<key>/zloz")
def file_request(key: str) -> ResponseReturnValue:
    """File the request; the receipt only once the case is committed."""
    service = _service(key)
    parsed, idempotency_key = _read(service)
    database = current_instance().database
    check_places(database, parsed)
    if not parsed.valid:
        abort(400)  # the review page was changed: hidden fields are not typed by people
    fee = check_sent_quote(request.form.get("fee", ""), _quote(key, service, parsed))
    if filings().blocked(request.remote_addr):
        return error_page(429)
    attachments = _attachments(service)
    try:
        submission = build_submission(key, service, parsed, fee, attachments)
    except ValidationError:
        abort(400)
    with database.pool("app").connection() as conn:
        done = store.submit(conn, submission, idempotency_key)
    if done.created:
        filings().record(request.remote_addr)
        after_step(done.case, "submit")
    return redirect(url_for("tracking.receipt_page", token=done.tracking_token), 303)


def filings() -> Throttle:
    """New cases per client address: :data:`MAX_FILINGS` an hour (retries do not count)."""
    return app_throttle("filings", MAX_FILINGS, 3600)


def _quote(key: str, service: EService, parsed: RequestForm) -> Quote:
    """The server's quote; 409 saying so when the data cannot make the document (a studium
    extract where no studium is held): no quote of a document that cannot be issued."""
    try:
        return quote_for(current_instance().database, key, service, parsed)
    except DocumentError:
        abort(make_response(error_page(409, N_("error_quote_data"))))


def _service(key: str) -> EService:
    service = default_rules().services.services.get(key)
    if service is None:
        abort(404)
    return service


def _read(service: EService) -> tuple[RequestForm, str]:
    try:
        key = tokens.check_idempotency_key(request.form.get("idempotency_key", ""))
    except ValueError:
        abort(400)
    return read_form(request.form, service, exemptions_for(service.fee)), key


def _accepts(service: EService) -> str:
    """What the file inputs of the review page accept (a hint; content is what counts)."""
    return ",".join(sorted(allowed_for(service)))


def _attachments(service: EService) -> tuple[AttachmentRef, ...]:
    allowed = allowed_for(service)
    if not allowed:
        return ()
    uploads = read_uploads(request.files.getlist("attachments"), allowed)
    settings = current_instance().settings
    files = AttachmentStore(settings.attachments_dir, current_app.config["SECRET_KEY"])
    return tuple(files.keep(upload) for upload in uploads)


def _picker(service: EService) -> dict[str, Any]:
    """The map that picks a report's place, if the service takes one and the bundle is built
    (without it the form still works: coordinates or a parcel typed)."""
    bundle = load_bundle()
    if "location" not in service.needs or bundle is None:
        return {"picker": None}
    instance = current_instance()
    config = client_config(instance.catalog, instance.site, page_language(request),
                           request.script_root)  # fmt: skip
    picker = {key: config[key] for key in ("projection", "extent", "start", "urls")}
    picker["layers"] = [layer for layer in config["layers"]
                        if layer["wms_name"] in PICKER_LAYERS]  # fmt: skip
    picker["strings"] = {"picked": gettext("location_map_picked")}
    return {"picker": picker, "picker_bundle": bundle}


def _form(
    key: str, service: EService, parsed: RequestForm, status: int = 200
) -> ResponseReturnValue:
    html = render_template(
        "eservices/form.html", key=key, service=service, form=parsed,
        deliveries=DELIVERIES, categories=service.routes, exemptions=exemptions_for(service.fee),
        **_picker(service), **page_context(),
    )  # fmt: skip
    return html, status
