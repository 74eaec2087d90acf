"""One table from what went wrong to the HTTP status and the page that says so.

Domain errors of :mod:`geoportal.cases` stay domain-pure (conventions §8); this is the
edge's table. A database that does not answer is 503 — and since the store commits
before it returns, a 503 during a submission means no case and no receipt.
"""

from __future__ import annotations

import logging

import psycopg
from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from geoportal.cases.errors import (
    AttachmentMissing,
    CaseError,
    CaseNotFound,
    FeeError,
    IdempotencyConflict,
    IllegalTransition,
    NotPermitted,
    ReasonRequired,
    SubmissionError,
)
from geoportal.database import DatabaseUnavailable
from geoportal.documents.errors import DocumentError
from web.eservices.texts import page_context
from web.eservices.uploads import UploadRefused
from web.language import N_

LOG = logging.getLogger(__name__)
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (CaseNotFound, 404),
    (AttachmentMissing, 409),  # the stored file is gone or not the one filed
    (DocumentError, 409),  # the data cannot make this document (e.g. no studium there)
    (NotPermitted, 403),
    (ReasonRequired, 400),
    (IllegalTransition, 409),
    (IdempotencyConflict, 409),
    (FeeError, 400),  # FeeMismatch: a tampered or stale quote
    (SubmissionError, 400),
    (CaseError, 400),
    (DatabaseUnavailable, 503),
    (psycopg.OperationalError, 503),
)
SHOWN = (400, 403, 404, 409, 413, 429, 503)


def status_of(error: Exception) -> int:
    """The HTTP status of an error of the case system or the database."""
    if isinstance(error, UploadRefused):
        return 413 if error.too_large else 400
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def error_page(status: int, text: str | None = None) -> ResponseReturnValue:
    """The page of one status, in the page's language, without any detail of the cause
    (``text``: a msgid of the catalogue when the status alone would not say what to fix)."""
    shown = status if status in SHOWN else 400
    page = render_template("eservices/error.html", status=shown, text=text, **page_context())
    return page, status


def install(blueprint: Blueprint) -> None:
    """Answer the errors of ``blueprint``'s views with :func:`error_page`."""
    blueprint.register_error_handler(HTTPException, _http_error)
    for kind in (CaseError, UploadRefused, DatabaseUnavailable, psycopg.OperationalError):
        blueprint.register_error_handler(kind, _domain_error)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    return error_page(error.code or 500)


def _domain_error(error: Exception) -> ResponseReturnValue:
    status = status_of(error)
    LOG.info("refused with %s: %s", status, error)
    if isinstance(error, UploadRefused) and not error.too_large:
        return error_page(status, N_("error_upload_type"))
    if isinstance(error, DocumentError):
        return error_page(status, N_("error_document_data"))
    if isinstance(error, AttachmentMissing):  # the store lost or changed a filed file
        LOG.error("attachment refused: %s", error)
        return error_page(status, N_("error_attachment_missing"))
    return error_page(status)


def private(response: Response) -> Response:
    """Pages with personal data or secrets in their address are kept by no cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
