"""The case store on the real database: submit, idempotency, tokens, steps, the queue."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from geoportal.auth.roles import Role
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.errors import (
    CaseError,
    CaseNotFound,
    FeeMismatch,
    IdempotencyConflict,
    IllegalTransition,
    NotPermitted,
    ReasonRequired,
    SubmissionError,
)
from geoportal.cases.queue import queue
from geoportal.cases.states import State
from geoportal.cases.submission import Submission
from geoportal.cases.tokens import new_idempotency_key, new_tracking_token
from tests.integration.cases_support import request, rules_for_unit

GEO = Actor.staff("geodeta", {Role.GEODESY})
KANC = Actor.staff("kancelaria", {Role.KANCELARIA})
SYSTEM = Actor.system("payments")


def test_a_submission_becomes_a_registered_case_with_a_receipt(database):
    rules = rules_for_unit("TS-A")
    with database.connect("app") as conn:
        done = store.submit(conn, request(), new_idempotency_key(), rules=rules)
        trail = audit.history(conn, done.case.id)
        clock = conn.execute("SELECT clock_timestamp()").fetchone()[0]
    case, receipt = done.case, done.receipt
    assert done.created and case.state == State.SUBMITTED
    assert str(case.mark) == receipt.mark == "TS-A.6640.1." + str(case.submitted_at.year)
    assert receipt.submitted_at == case.submitted_at
    assert dt.timedelta(0) < clock - case.submitted_at < dt.timedelta(seconds=5)  # server time
    assert receipt.deadline == case.deadline and case.deadline > case.submitted_at.date()
    assert case.fee_total_grosze == 4800  # 2 registration units × 24 zł electronic
    assert [(e.action, e.from_state, e.to_state) for e in trail] == [("submit", None, "submitted")]
    assert receipt.audit_hash == trail[0].hash and trail[0].actor == "citizen"
    assert trail[0].details == {"mark": receipt.mark,
                                "submission_sha256": receipt.submission_sha256}  # fmt: skip


def test_the_receipt_hash_is_the_hash_of_what_is_stored(database):
    with database.connect("app") as conn:
        done = store.submit(conn, request(), new_idempotency_key())
    with database.connect("owner") as conn:
        stored, sha = conn.execute(
            "SELECT submission, submission_sha256 FROM cases.case_file WHERE id = %s",
            (done.case.id,),
        ).fetchone()
    assert Submission.model_validate(stored).sha256() == sha == done.receipt.submission_sha256
    assert stored["applicant"]["name"] == "Józefa Żółć"


def test_the_tracking_token_opens_its_case_and_nothing_else(database):
    with database.connect("app") as conn:
        done = store.submit(conn, request(), new_idempotency_key())
        assert store.get_by_token(conn, done.tracking_token).id == done.case.id
        assert store.get_by_token(conn, new_tracking_token()) is None
        for junk in ("", "x", done.tracking_token + "x", "' OR 1=1 --", done.tracking_token[:-1]):
            assert store.get_by_token(conn, junk) is None
        secrets = conn.execute(
            "SELECT tracking_token_sha256, idempotency_key_sha256, tracking_token_sealed"
            " FROM cases.case_file WHERE id = %s", (done.case.id,)
        ).fetchone()  # fmt: skip
    assert done.tracking_token not in secrets[0] and len(secrets[0]) == 64
    assert done.tracking_token.encode() not in bytes(secrets[2])


def test_the_same_key_returns_the_same_case_and_receipt(database):
    key, submission = new_idempotency_key(), request()
    with database.connect("app") as conn:
        first = store.submit(conn, submission, key)
        again = store.submit(conn, submission, key)
        with pytest.raises(IdempotencyConflict):
            store.submit(conn, request(delivery="electronic", legal_interest="inny"), key)
    assert not again.created and again.case == first.case
    assert again.receipt == first.receipt and again.tracking_token == first.tracking_token


def test_fifty_identical_requests_in_parallel_make_one_case(database):
    key, submission, threads = new_idempotency_key(), request(), 50
    barrier = threading.Barrier(threads, timeout=60)

    def work(_):
        with database.connect("app") as conn:
            barrier.wait()
            return store.submit(conn, submission, key)

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(work, range(threads)))
    assert sum(result.created for result in results) == 1
    assert len({(r.case.id, r.receipt, r.tracking_token) for r in results}) == 1
    with database.connect("app") as conn:
        events = audit.history(conn, results[0].case.id)
    assert len(events) == 1


def test_a_tampered_fee_is_refused_and_takes_no_number(database):
    rules = rules_for_unit("TS-B")
    honest = request()
    lines = [honest.fee.lines[0].model_copy(update={"amount_grosze": 100})]
    cheap = honest.fee.model_copy(update={"lines": tuple(lines), "total_grosze": 100})
    with database.connect("app") as conn:
        with pytest.raises(FeeMismatch):
            store.submit(conn, honest.model_copy(update={"fee": cheap}), new_idempotency_key(),
                         rules=rules)  # fmt: skip
        with pytest.raises(SubmissionError, match="legal interest"):
            store.submit(conn, request("egib_register_extract", legal_interest=None),
                         new_idempotency_key(), rules=rules)  # fmt: skip
        with pytest.raises(SubmissionError, match="idempotency key"):
            store.submit(conn, honest, "too-short", rules=rules)
        with pytest.raises(NotPermitted):
            store.submit(conn, honest, new_idempotency_key(), actor=GEO, rules=rules)
        done = store.submit(conn, honest, new_idempotency_key(), rules=rules)
    assert done.case.mark.seq == 1


def test_the_store_refuses_to_run_inside_a_callers_transaction(database):
    with database.connect("app") as conn:
        conn.execute("SELECT 1")  # a transaction is now open
        with pytest.raises(CaseError, match="idle connection"):
            store.submit(conn, request(), new_idempotency_key())


def _submit(database, service="egib_register_extract", claim=None):
    with database.connect("app") as conn:
        return store.submit(conn, request(service, claim=claim), new_idempotency_key()).case


def _step(database, case, target, actor, reason=None):
    with database.connect("app") as conn:
        return store.transition(conn, case.id, target, actor, reason)


def test_a_paid_extract_with_owners_goes_through_every_step(database):
    case = _submit(database)
    for target, actor in [
        (State.REGISTERED, SYSTEM), (State.AWAITING_LEGAL_INTEREST, GEO),
        (State.AWAITING_PAYMENT, GEO), (State.PAID, SYSTEM), (State.IN_PROGRESS, GEO),
        (State.DOCUMENT_ISSUED, GEO), (State.CLOSED, KANC),
    ]:  # fmt: skip
        case = _step(database, case, target, actor)
        assert case.state == target
    with database.connect("app") as conn:
        trail = audit.history(conn, case.id)
        assert store.get(conn, case.id) == case
    assert [e.action for e in trail] == ["submit", "register", "await_legal_interest",
        "accept_legal_interest", "record_payment", "start", "issue", "close"]  # fmt: skip
    assert [e.actor for e in trail[1:3]] == ["system:payments", "staff:geodeta"]
    assert all(a.to_state == b.from_state for a, b in zip(trail, trail[1:], strict=False))


def test_refused_steps_change_nothing(database):
    case = _submit(database)
    with database.connect("app") as conn:
        before = len(audit.history(conn, case.id))
        with pytest.raises(IllegalTransition):
            store.transition(conn, case.id, State.PAID, SYSTEM)
        with pytest.raises(NotPermitted):
            store.transition(conn, case.id, State.REGISTERED, GEO)
        with pytest.raises(ReasonRequired):
            store.transition(conn, case.id, State.REFUSED, KANC, reason=" ")
        with pytest.raises(CaseNotFound):
            store.transition(conn, 10**12, State.REGISTERED, KANC)
        assert len(audit.history(conn, case.id)) == before
        assert store.get(conn, case.id).state == State.SUBMITTED
        refused = store.transition(conn, case.id, State.REFUSED, KANC, reason="wniosek niepełny")
        assert audit.history(conn, case.id)[-1].reason == "wniosek niepełny"
    assert refused.state == State.REFUSED


def test_a_granted_exemption_skips_payment(database):
    case = _submit(database, "egib_map_extract", claim="public_body")
    case = _step(database, case, State.REGISTERED, KANC)
    with database.connect("app") as conn:
        with pytest.raises(IllegalTransition):  # the claim is pending: no payment request yet
            store.transition(conn, case.id, State.AWAITING_PAYMENT, GEO)
        case = store.decide_exemption(conn, case.id, GEO, granted=True)
        assert case.exemption_granted and not case.fee_due
        case = store.transition(conn, case.id, State.IN_PROGRESS, GEO)
        assert audit.history(conn, case.id)[-2].action == "grant_exemption"


def test_a_free_map_report_is_closed_without_a_document(database):
    case = _submit(database, "map_incident")
    assert case.fee_total_grosze == 0 and not case.issues_document
    for target in (State.REGISTERED, State.IN_PROGRESS, State.CLOSED):
        case = _step(database, case, target, Actor.staff("admin", {Role.ADMIN}))
    assert case.state == State.CLOSED


def test_the_queue_filters_by_state_department_and_deadline(database):
    geodesy = _step(database, _submit(database), State.REGISTERED, KANC)
    planning = _submit(database, "planning_extract")
    waiting = _submit(database, "egib_map_extract")
    waiting = _step(database, _step(database, waiting, State.REGISTERED, KANC),
                    State.AWAITING_PAYMENT, GEO)  # fmt: skip
    later = geodesy.deadline + dt.timedelta(days=1)
    with database.connect("app") as conn:
        ids = lambda **f: [e.case.id for e in queue(conn, limit=10_000, **f)]  # noqa: E731
        assert geodesy.id in ids(department="geodesy") and planning.id not in ids(
            department="geodesy")  # fmt: skip
        assert planning.id in ids(department=Role.PLANNING, states=["submitted"])
        assert geodesy.id not in ids(states=[State.SUBMITTED])
        assert geodesy.id not in ids(overdue=True, today=geodesy.deadline)  # due today: not late
        late = {e.case.id: e.overdue for e in queue(conn, today=later, limit=10_000)}
        assert late[geodesy.id] and late[planning.id]
        assert not late[waiting.id]  # the applicant owes the payment
        assert waiting.id in ids(overdue=False, today=later)
        assert geodesy.id in ids(overdue=True, today=later, department="geodesy")
        deadlines = [e.case.deadline for e in queue(conn, limit=10_000)]
    assert deadlines == sorted(deadlines)
