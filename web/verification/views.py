"""The verification page's routes: a form, a code from a QR code, an uploaded file."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import psycopg
from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from geoportal.database import DatabaseUnavailable
from geoportal.documents.pdf import group_code
from geoportal.documents.register import normalise_code
from geoportal.documents.signing import signing_files, trust_roots
from geoportal.settings import Settings
from web.eservices.texts import page_context
from web.forms import check_csrf
from web.instance import current_instance
from web.language import gettext
from web.verification.checks import Answer, Verdict, code_in, verify
from web.verification.limits import ClientBuckets

MAX_UPLOAD = 20 * 1024 * 1024  # a signed extract with maps is well below this
verification_blueprint = Blueprint("verification", __name__, template_folder="templates")
_limits = ClientBuckets(rate=0.5, burst=20)
STATUS = {Verdict.AUTHENTIC: 200, Verdict.REGISTERED: 200, Verdict.ALTERED: 200,
          Verdict.UNKNOWN: 404}  # fmt: skip


def _roots(settings: Settings) -> list:
    return _roots_in(signing_files(settings).chain)


@cache
def _roots_in(chain: Path) -> list:
    """The CA certificates of ``chain``, read once per process."""
    return trust_roots(chain)


@verification_blueprint.before_request
def _limit() -> ResponseReturnValue | None:
    wait = _limits.take(request.remote_addr or "")
    if wait > 0:
        context = page_context()
        page = render_template("verification/page.html", answer=None, code="",
                               message=gettext("verify_too_many"), **context)  # fmt: skip
        return page, 429, {"Retry-After": str(math.ceil(wait))}
    return None


@verification_blueprint.get("/weryfikacja")
def form() -> ResponseReturnValue:
    return render_template(
        "verification/page.html", answer=None, code="", message=None, **page_context()
    )


@verification_blueprint.get("/weryfikacja/<code>")
def by_code(code: str) -> ResponseReturnValue:
    return _answer(code, None)


@verification_blueprint.post("/weryfikacja")
def check() -> ResponseReturnValue:
    if (request.content_length or 0) > MAX_UPLOAD:
        abort(413)
    check_csrf()  # a form like every other: the token of the visitor's session
    upload = request.files.get("plik")
    data = upload.read(MAX_UPLOAD + 1) if upload and upload.filename else None
    if data is not None and len(data) > MAX_UPLOAD:
        abort(413)
    code = request.form.get("kod", "").strip()
    if not code and data is not None:
        code = code_in(data) or ""  # a file alone: the code it carries
    return _answer(code, data)


def _answer(code: str, data: bytes | None) -> ResponseReturnValue:
    normal = normalise_code(code)
    if normal is None:
        answer = Answer(Verdict.UNKNOWN)
    else:
        instance = current_instance()
        try:
            with instance.database.connect("public", autocommit=True) as conn:
                answer = verify(conn, normal, data, _roots(instance.settings))
        except (DatabaseUnavailable, psycopg.OperationalError):
            abort(503)
    shown = group_code(normal) if normal else code[:40]
    page = render_template(
        "verification/page.html", answer=answer, code=shown, message=None, **page_context()
    )
    return page, STATUS[answer.verdict]
