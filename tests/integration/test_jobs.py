"""The background jobs on the real database: procrastinate's queue in schema ``jobs``,
documents issued exactly once whatever the retries, mail through a local SMTP server,
and the worker process started and stopped the way ``geoportal run`` does it."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from geoportal.documents import register
from geoportal.instance import Instance
from services.jobs.process import start_worker, stop_worker
from services.jobs.queue import defer_issue_document, make_app
from services.jobs.tasks import Runtime, use_runtime
from tests.integration.documents_support import GEODESIST, case_in_progress, make_issuer
from tests.integration.test_documents_issue import Crash

pytestmark = pytest.mark.usefixtures("demo_loaded")
ISSUE = "geoportal:issue_document"


class Sink:
    """An SMTP handler keeping what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


@pytest.fixture(scope="module")
def mail_settings(settings, smtp):
    return settings.model_copy(update={"smtp_port": smtp[1], "mail_from": "geoportal@powiat.test"})


@pytest.fixture(scope="module")
def job_app(instance, database, mail_settings):
    # Other modules queue jobs they never run (the panel's issue step, notices, the EZD
    # event); the worker here runs whole queues, so it starts from empty ones.
    with database.connect("owner") as conn:
        conn.execute("SET search_path TO jobs, public")  # procrastinate's triggers need it
        conn.execute("DELETE FROM jobs.procrastinate_jobs WHERE status = 'todo'")
    runtime = Runtime(Instance(mail_settings))
    runtime.issuer = make_issuer(instance)
    use_runtime(runtime)
    return make_app(instance.database)


def _defer(app, task: str, **kwargs) -> int:
    """Queue a job (``run_worker`` opens and closes the app itself: open it for this)."""
    with app.open():
        return app.configure_task(task).defer(**kwargs)


def _run(app, queue: str) -> None:
    app.run_worker(queues=[queue], wait=False, install_signal_handlers=False)


def _job(database, job_id: int) -> tuple[str, int, dt.datetime | None]:
    with database.connect("owner") as conn:
        return conn.execute("SELECT status, attempts, scheduled_at FROM jobs.procrastinate_jobs"
                            " WHERE id = %s", (job_id,)).fetchone()  # fmt: skip


def _documents(database, case_id: int) -> int:
    with database.connect("owner") as conn:
        return conn.execute("SELECT count(*) FROM documents.issued_document WHERE case_id = %s",
                            (case_id,)).fetchone()[0]  # fmt: skip


def _issue_args(case_id: int) -> dict:
    return {"case_id": case_id, "kind": "egib_register_extract_anonymous",
            "staff_login": GEODESIST.name, "staff_roles": ["geodesy"]}  # fmt: skip


def test_the_same_job_twice_issues_one_document(database, job_app, known_parcel):
    case_id = case_in_progress(database, "egib_register_extract_anonymous",
                               [known_parcel.parcel_id])  # fmt: skip
    first = _defer(job_app, ISSUE, **_issue_args(case_id))
    second = _defer(job_app, ISSUE, **_issue_args(case_id))
    _run(job_app, "documents")
    assert _job(database, first)[0] == "succeeded" and _job(database, second)[0] == "succeeded"
    assert _documents(database, case_id) == 1


def test_a_double_click_queues_one_job(database, job_app, known_parcel):
    case_id = case_in_progress(database, "egib_register_extract_anonymous",
                               [known_parcel.parcel_id])  # fmt: skip
    kind = "egib_register_extract_anonymous"
    first = defer_issue_document(job_app, case_id, kind, GEODESIST)
    assert first is not None
    assert defer_issue_document(job_app, case_id, kind, GEODESIST) is None  # still queued
    _run(job_app, "documents")
    assert _job(database, first)[0] == "succeeded" and _documents(database, case_id) == 1


def test_a_job_that_dies_before_its_commit_is_retried_and_issues_once(
    database, job_app, known_parcel, monkeypatch
):
    case_id = case_in_progress(database, "egib_register_extract_anonymous",
                               [known_parcel.parcel_id])  # fmt: skip
    real_insert, calls = register.insert, []

    def insert_then_die(*args, **kwargs):
        row = real_insert(*args, **kwargs)  # the PDF is written, the row inserted …
        calls.append(row.id)
        if len(calls) == 1:
            raise Crash("the worker dies before the commit")  # … and nothing commits
        return row

    monkeypatch.setattr(register, "insert", insert_then_die)
    job_id = _defer(job_app, ISSUE, **_issue_args(case_id))
    _run(job_app, "documents")
    status, attempts, retry_at = _job(database, job_id)
    assert (status, attempts) == ("todo", 1)  # failed once, scheduled for a retry
    assert _documents(database, case_id) == 0
    assert retry_at is not None
    time.sleep(max(0.0, (retry_at - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)
    _run(job_app, "documents")
    assert _job(database, job_id)[:2] == ("succeeded", 2)
    assert _documents(database, case_id) == 1 and len(calls) == 2


def test_send_mail_reaches_the_smtp_server(database, job_app, smtp):
    sink, _ = smtp
    before = len(sink.messages)
    subject, body = "Sprawa GK.6640.99.2026: test poczty", "Zażółć gęślą jaźń."
    _defer(job_app, "geoportal:send_mail", to="jozefa@example.pl", subject=subject, body=body)
    _run(job_app, "mail")  # also sends the notices the issuing tests above queued
    ours = [m.decode() for m in sink.messages[before:] if b"GK.6640.99.2026" in m]
    assert len(ours) == 1
    assert "To: jozefa@example.pl" in ours[0] and "Message-ID: <job-" in ours[0]


def test_the_worker_process_runs_jobs_and_stops_cleanly(database, mail_settings, smtp, job_app):
    sink, _ = smtp
    before = len(sink.messages)
    worker = start_worker(mail_settings, mail_settings.var_dir / "log")
    try:
        _defer(job_app, "geoportal:send_mail", to="a@example.pl", subject="t", body="z procesu")
        deadline = time.monotonic() + 30

        def sent() -> int:
            return sum(b"z procesu" in m for m in sink.messages[before:])

        while sent() == 0 and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker died"
            time.sleep(0.2)
        assert sent() == 1
    finally:
        stop_worker(worker)
    assert worker.returncode == 0


def test_a_job_whose_worker_died_is_put_back_in_the_queue(database, job_app):
    """A worker killed mid-job stops its heartbeat; ``retry_stalled_jobs`` requeues its job."""
    with database.connect("owner") as conn:
        worker_id = conn.execute(
            "INSERT INTO jobs.procrastinate_workers (last_heartbeat)"
            " VALUES (now() - interval '10 minutes') RETURNING id"
        ).fetchone()[0]
        job_id = conn.execute(
            "INSERT INTO jobs.procrastinate_jobs (queue_name, task_name, args, status,"
            " worker_id) VALUES ('mail', 'geoportal:send_mail', '{}', 'doing', %s)"
            " RETURNING id",
            (worker_id,),
        ).fetchone()[0]
    _defer(job_app, "geoportal:retry_stalled_jobs", timestamp=0)
    _run(job_app, "default")
    assert _job(database, job_id)[0] == "todo"  # back in the queue for a live worker
