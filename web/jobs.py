"""The web process's handle on the job queue: documents to issue and mail to send.

The staff console's "issue" step does not render a PDF inside a request: it queues the
job (``services.jobs``) that issues, signs and registers the document and moves the case
in one transaction. Every step of a case queues the notice of its new state to the
applicant's e-mail, if they gave one (``geoportal.cases.notices``), and the status event
to the office's EZD, if one is configured.
"""

from __future__ import annotations

import datetime as dt
import logging

import procrastinate
from flask import current_app

from geoportal.cases.actors import Actor
from geoportal.cases.notices import delay_notice, state_notice, status_event
from geoportal.cases.store import Case
from geoportal.documents.kinds import SERVICE_KINDS
from services.jobs.queue import defer_issue_document, defer_mail, defer_status, make_app
from web.instance import current_instance

LOGGER = logging.getLogger(__name__)


def job_queue() -> procrastinate.App:
    """This process's procrastinate app (built on first use)."""
    app = current_app.extensions.get("geoportal_jobs")
    if app is None:
        app = current_app.extensions.setdefault(
            "geoportal_jobs", make_app(current_instance().database)
        )
    return app


def document_kind(case: Case) -> str | None:
    """The kind of document the case's e-service issues, if it issues one."""
    return SERVICE_KINDS.get(case.service) if case.issues_document else None


def queue_document(case: Case, kind: str, actor: Actor) -> int | None:
    """Queue issuing the case's document; None when it is queued already."""
    return defer_issue_document(job_queue(), case.id, kind, actor)


def after_step(
    case: Case, action: str, delayed_to: dt.date | None = None, reason: str | None = None
) -> None:
    """Queue what follows a step: the applicant's notice (if they gave an e-mail) and the
    EZD's status event (if one is configured). A failure to queue is logged: the step is
    committed and must not turn into an error."""
    office = current_instance().site.organ.office.pl
    if delayed_to is not None:
        notice = delay_notice(case, delayed_to, reason or "", office)
    else:
        notice = state_notice(case, office)
    try:
        if notice is not None:
            defer_mail(job_queue(), str(case.submission.applicant.email), *notice)
        if current_instance().settings.ezd_webhook_url:
            defer_status(job_queue(), status_event(case, action))
    except Exception:
        LOGGER.exception("could not queue what follows a step of case %s", case.mark)
