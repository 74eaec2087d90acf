"""The tasks the worker runs. Each is safe to run again after a crash:

* ``issue_document`` — the register row and the case's step commit together, and a run
  that finds the document registered returns it (:mod:`geoportal.documents.issue`).
* ``send_mail`` — at least once; a retry resends with the same Message-ID.
* ``retry_stalled_jobs`` — every minute, jobs whose worker stopped sending heartbeats
  (killed mid-job) are put back in the queue.

The worker process builds its :class:`Runtime` once (:func:`use_runtime`): the instance,
the signing key and the map renderer; the tasks read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import procrastinate

from geoportal.auth.roles import Role
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.notices import state_notice, status_event
from geoportal.documents.issue import Issuer
from geoportal.instance import Instance
from services.jobs import mail, webhook

blueprint = procrastinate.Blueprint()
RETRY = procrastinate.RetryStrategy(max_attempts=5, exponential_wait=2)


@dataclass
class Runtime:
    """What the tasks of one worker process share."""

    instance: Instance
    issuer: Issuer | None = None

    def get_issuer(self) -> Issuer:
        if self.issuer is None:
            from geoportal.documents.signing import PdfSigner, signing_files
            from services.mapserver.excerpt import ExcerptRenderer

            settings = self.instance.settings
            signer = PdfSigner(signing_files(settings), self.instance.site.county.seat)
            self.issuer = Issuer(self.instance, signer, ExcerptRenderer(self.instance))
        return self.issuer


_runtime: Runtime | None = None


def use_runtime(runtime: Runtime) -> None:
    """Set what this process's tasks use (the worker's entry point, or a test)."""
    global _runtime
    _runtime = runtime


def _current() -> Runtime:
    if _runtime is None:
        raise RuntimeError("no job runtime in this process: call use_runtime() first")
    return _runtime


@blueprint.task(name="issue_document", retry=RETRY, queue="documents")
def issue_document(
    case_id: int, kind: str, staff_login: str, staff_roles: list[str], scale: int | None = None
) -> dict[str, Any]:
    """Issue the document ``kind`` of case ``case_id`` for the staff member who asked."""
    actor = Actor.staff(staff_login, {Role(role) for role in staff_roles})
    runtime = _current()
    issued = runtime.get_issuer().issue(case_id, kind, actor, scale=scale)
    if issued.created:  # the case moved to document_issued: tell the applicant and the EZD
        _notify(runtime.instance, case_id)
    return {"document_id": issued.document.id, "code": issued.document.code,
            "created": issued.created}  # fmt: skip


def _notify(instance: Instance, case_id: int) -> None:
    with instance.database.connect("app") as conn:
        case = store.get(conn, case_id)
    notice = state_notice(case, instance.site.organ.office.pl) if case else None
    if case is not None and notice is not None:
        send_mail.defer(to=str(case.submission.applicant.email), subject=notice[0], body=notice[1])
    if case is not None and instance.settings.ezd_webhook_url:
        post_status.defer(event=status_event(case, "issue"))


@blueprint.task(name="post_status", retry=RETRY, queue="ezd")
def post_status(event: dict[str, Any]) -> None:
    """Tell the office's EZD of one step of a case (``services.jobs.webhook``)."""
    webhook.post_status(_current().instance.settings, event)


@blueprint.task(name="send_mail", retry=RETRY, queue="mail", pass_context=True)
def send_mail(context: procrastinate.JobContext, to: str, subject: str, body: str) -> None:
    """Send one message through the configured SMTP relay."""
    settings = _current().instance.settings
    job_id = context.job.id if context.job else 0
    domain = settings.mail_from.rpartition("@")[2] or "localhost"
    mail.send(settings, to, subject, body, f"<job-{job_id}@{domain}>")


@blueprint.periodic(cron="* * * * *")
@blueprint.task(name="retry_stalled_jobs", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context: procrastinate.JobContext, timestamp: int) -> None:
    """Requeue the jobs of workers that stopped sending heartbeats (killed mid-job)."""
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs():
        await manager.retry_job(job)
