"""The transactional API of the case system: what the web layer calls.

Every function that changes something runs its own transaction on the connection it is
given (which must be idle: not inside a transaction of the caller's) and commits before
it returns; functions that only read leave an idle connection idle too, so one connection
— autocommit ones from ``Database.pool`` or plain ones — serves a whole request. What a
change returns — a receipt above all — exists only once committed. Each
change writes its audit event in that same transaction (:mod:`geoportal.cases.audit`).

Locks, always taken in this order so no two transactions wait on each other in a circle:
the idempotency key's advisory lock (:func:`submit`) or the case row (steps), then the
row of the mark sequence (:func:`submit`), then the audit chain's advisory lock, held
to the commit.

Decisions
    * :func:`submit` is idempotent on its key: the same key returns the same case, receipt
      and tracking token, even when many identical requests race (they queue on the key's
      lock and all but the first find the case); the same key with a different submission
      is :class:`IdempotencyConflict`.
    * The quote is recomputed on the server's date and a different one refused
      (:class:`FeeMismatch`); the case stores the server's quote.
    * Dates (mark year, deadline) are the office's dates, Europe/Warsaw, from the database
      server's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geoportal.auth.roles import Role
from geoportal.auth.staff import find_staff
from geoportal.cases import audit, tokens
from geoportal.cases.actors import Actor
from geoportal.cases.assignment import check_assignment
from geoportal.cases.attachments import AttachmentStore
from geoportal.cases.calendar import office_date
from geoportal.cases.errors import (
    CaseError,
    CaseNotFound,
    IdempotencyConflict,
    NotPermitted,
    ReasonRequired,
    SubmissionError,
)
from geoportal.cases.eservices import EService
from geoportal.cases.fees import verify_quote
from geoportal.cases.marks import CaseMark, allocate_mark
from geoportal.cases.rules import CaseRules, default_rules
from geoportal.cases.states import (
    DEPARTMENT,
    INITIAL_STATE,
    OFFICE_STATES,
    CaseFacts,
    State,
    check_exemption_decision,
    check_submitter,
    check_transition,
    may_act,
)
from geoportal.cases.submission import AttachmentRef, Submission, check_submission

KEY_LOCK_CLASS = 0x63617366  # pg_advisory_xact_lock(int, int): "casf", idempotency keys
CASE_COLUMNS = (
    "id, mark_unit, mark_jrwa, mark_seq, mark_year, service, department, state, submitted_at,"
    " state_changed_at, deadline, submission, submission_sha256, fee_total_grosze,"
    " exemption_claimed, exemption_granted, requires_legal_interest, issues_document, assignee"
)


@dataclass(frozen=True)
class Case:
    """One case as stored (its submission holds the applicant's personal data)."""

    id: int
    mark: CaseMark
    service: str
    department: Role
    state: State
    submitted_at: dt.datetime
    state_changed_at: dt.datetime
    deadline: dt.date | None
    submission: Submission
    submission_sha256: str
    fee_total_grosze: int
    exemption_claimed: str | None
    exemption_granted: bool | None
    requires_legal_interest: bool
    issues_document: bool
    assignee: str | None = None  # the login of the staff member working on it

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Case:
        """A case from a row of :data:`CASE_COLUMNS`."""
        (case_id, unit, jrwa, seq, year, service, department, state, submitted_at, changed_at,
         deadline, submission, sha, fee, claimed, granted, interest, document,
         assignee) = row  # fmt: skip
        return cls(
            id=case_id,
            mark=CaseMark(unit, jrwa, seq, year),
            service=service,
            department=Role(department),
            state=State(state),
            submitted_at=submitted_at,
            state_changed_at=changed_at,
            deadline=deadline,
            submission=Submission.model_validate(submission),
            submission_sha256=sha,
            fee_total_grosze=fee,
            exemption_claimed=claimed,
            exemption_granted=granted,
            requires_legal_interest=interest,
            issues_document=document,
            assignee=assignee,
        )

    @property
    def fee_due(self) -> bool:
        """A fee above zero and no exemption granted."""
        return self.fee_total_grosze > 0 and not self.exemption_granted

    def facts(self) -> CaseFacts:
        """What the state machine's conditions read."""
        return CaseFacts(
            department=self.department,
            requires_legal_interest=self.requires_legal_interest,
            fee_due=self.fee_due,
            exemption_pending=self.exemption_claimed is not None and self.exemption_granted is None,
            issues_document=self.issues_document,
        )

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline while the office owes the next step."""
        return self.deadline is not None and today > self.deadline and self.state in OFFICE_STATES


Effect = Callable[[psycopg.Connection, Case], dict[str, Any]]
"""What a step stores besides the case's state, inside the step's transaction."""


@dataclass(frozen=True)
class Receipt:
    """What the applicant is given after the commit (UPO-like confirmation)."""

    mark: str
    service: str
    submitted_at: dt.datetime  # the database server's clock when the case was stored
    submission_sha256: str
    audit_hash: str  # the hash of the submission's audit event: an anchor of the chain
    deadline: dt.date | None


@dataclass(frozen=True)
class Submitted:
    """The outcome of :func:`submit`: the case, its receipt and the tracking token."""

    case: Case
    receipt: Receipt
    tracking_token: str
    created: bool  # False when the idempotency key had already made this case


@contextmanager
def _transaction(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction of our own, committed when the block ends without an error."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        raise CaseError("the case store runs its own transaction: pass an idle connection")
    with conn.transaction():
        yield


def submit(
    conn: psycopg.Connection,
    submission: Submission,
    idempotency_key: str,
    *,
    actor: Actor | None = None,
    rules: CaseRules | None = None,
    now: dt.datetime | None = None,
) -> Submitted:
    """Register a request as a case with its mark, audit event and tracking token.

    ``actor`` defaults to the applicant (the registry office submits paper requests as
    itself); ``now`` replaces the database clock in tests of the year's turn.
    """
    rules, actor = rules or default_rules(), actor or Actor.citizen()
    check_submitter(actor)
    try:
        key = tokens.check_idempotency_key(idempotency_key)
    except ValueError as exc:
        raise SubmissionError(str(exc)) from None
    service = rules.services.get(submission.service)
    check_submission(submission, service)
    service = service.routed(submission.category)  # reports go where their category says
    request_sha = submission.sha256()
    with _transaction(conn):
        _lock_key(conn, key)
        found = _find_by_key(conn, key, request_sha)
        if found is not None:
            case, sealed = found
            audit_hash, token, created = _submit_hash(conn, case), tokens.unseal(sealed, key), False
        else:
            token, created, at = tokens.new_tracking_token(), True, now or _clock(conn)
            secrets = (key, token, request_sha)
            case, audit_hash = _register(conn, submission, service, rules, actor, at, secrets)
    # Committed: only now is there a receipt to give.
    return Submitted(case, _receipt_of(case, audit_hash), token, created)


def _register(
    conn: psycopg.Connection,
    submission: Submission,
    service: EService,
    rules: CaseRules,
    actor: Actor,
    at: dt.datetime,
    secrets: tuple[str, str, str],
) -> tuple[Case, str]:
    """Store a new case and its first audit event; the case and the event's hash."""
    day = office_date(at)
    stored = submission.model_copy(update={"fee": verify_quote(submission.fee, day, rules.fees)})
    mark = allocate_mark(conn, service.unit, service.jrwa, day.year)
    deadline = rules.calendar.deadline(day, service.deadline) if service.deadline else None
    case = _insert(conn, stored, service, mark, at, deadline, secrets)
    details = {"mark": str(mark), "submission_sha256": case.submission_sha256}
    event = audit.append(conn, case.id, actor.label, "submit", None, INITIAL_STATE, None, details)
    return case, event.hash


def transition(
    conn: psycopg.Connection,
    case_id: int,
    to_state: State | str,
    actor: Actor,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    effect: Effect | None = None,
) -> Case:
    """Move a case one step, with its audit event; domain errors say why a step is refused.

    ``effect`` is what the step records besides the state (the register row of an issued
    document): called with the locked case once the step is allowed, in the same
    transaction, it returns details for the audit event; if it raises, nothing is stored.
    """
    with _transaction(conn):
        case = _lock_case(conn, case_id)
        edge = check_transition(case.state, State(to_state), actor, case.facts(), reason)
        if effect is not None:
            details = (details or {}) | effect(conn, case)
        event = audit.append(conn, case.id, actor.label, edge.action, case.state, edge.target,
                             reason, details)  # fmt: skip
        conn.execute(
            "UPDATE cases.case_file SET state = %s, state_changed_at = %s WHERE id = %s",
            (edge.target, event.at, case.id),
        )
    return replace(case, state=edge.target, state_changed_at=event.at)


def notify_delay(
    conn: psycopg.Connection, case_id: int, actor: Actor, new_date: dt.date, reason: str
) -> Case:
    """Record a delay notice (KPA art. 36): the reason and the new date the party is told.

    The state does not change; the event carries the new date. Only staff of the case's
    department (or admin) may, only while the office owes the next step, only with a
    reason and a date after today.
    """
    if not reason.strip():
        raise ReasonRequired("a delay notice states its reason (KPA art. 36)")
    with _transaction(conn):
        case = _lock_case(conn, case_id)
        allowed = frozenset({DEPARTMENT, str(Role.ADMIN)})
        if case.state not in OFFICE_STATES or not may_act(actor, allowed, case.facts()):
            raise NotPermitted(f"{actor.label} may not notify a delay of case {case.mark}")
        if new_date <= office_date(_clock(conn)):
            raise CaseError("the new date of a delay notice must be after today")
        audit.append(conn, case.id, actor.label, "notify_delay", case.state, case.state,
                     reason, {"new_date": new_date.isoformat()})  # fmt: skip
    return case


def decide_exemption(
    conn: psycopg.Connection, case_id: int, actor: Actor, granted: bool, reason: str | None = None
) -> Case:
    """Record staff's decision on the exemption the applicant claimed (before payment)."""
    with _transaction(conn):
        case = _lock_case(conn, case_id)
        action = check_exemption_decision(case.state, actor, case.facts(), granted, reason)
        audit.append(conn, case.id, actor.label, action, case.state, case.state, reason,
                     {"exemption": case.exemption_claimed, "granted": granted})  # fmt: skip
        conn.execute(
            "UPDATE cases.case_file SET exemption_granted = %s WHERE id = %s", (granted, case.id)
        )
    return replace(case, exemption_granted=granted)


def assign(conn: psycopg.Connection, case_id: int, actor: Actor, login: str) -> Case:
    """Give the case to the staff member ``login`` (or move it to them), with its event.

    The rules are :func:`geoportal.cases.assignment.check_assignment`'s; the event
    (``assign`` or ``reassign``) names the new and the previous assignee.
    """
    with _transaction(conn):
        case = _lock_case(conn, case_id)
        assignee = find_staff(conn, login)
        check_assignment(case.state, actor, case.facts(), assignee, login)
        if case.assignee == login:
            return case
        action = "assign" if case.assignee is None else "reassign"
        audit.append(conn, case.id, actor.label, action, case.state, case.state, None,
                     {"assignee": login, "previous": case.assignee})  # fmt: skip
        conn.execute("UPDATE cases.case_file SET assignee = %s WHERE id = %s", (login, case.id))
    return replace(case, assignee=login)


def open_attachment(
    conn: psycopg.Connection, case_id: int, actor: Actor, index: int, files: AttachmentStore
) -> tuple[AttachmentRef, bytes]:
    """Attachment ``index`` of the case for staff who handle it, its opening on the record.

    A legal-interest justification's attachments hold personal data: only the case's
    department, the registry office and admins open them, and every opening is an audit
    event (who, when, which file) written before the file is handed out.
    """
    with _transaction(conn):
        case = _lock_case(conn, case_id)
        allowed = frozenset({DEPARTMENT, str(Role.KANCELARIA), str(Role.ADMIN)})
        if not may_act(actor, allowed, case.facts()):
            raise NotPermitted(f"{actor.label} may not open the attachments of case {case.mark}")
        refs = case.submission.attachments
        if not 0 <= index < len(refs):
            raise CaseNotFound(f"case {case.mark} has no attachment {index}")
        ref = refs[index]
        content = files.read(ref)
        audit.append(conn, case.id, actor.label, "open_attachment", case.state, case.state,
                     None, {"attachment": ref.id, "name": ref.name})  # fmt: skip
    return ref, content


def get(conn: psycopg.Connection, case_id: int) -> Case | None:
    """The case with this id, or None."""
    with conn.transaction():  # reads too leave an idle connection idle
        row = conn.execute(
            f"SELECT {CASE_COLUMNS} FROM cases.case_file WHERE id = %s",  # noqa: S608 - constant
            (case_id,),
        ).fetchone()
    return Case.from_row(row) if row else None


def get_by_token(conn: psycopg.Connection, token: str) -> Case | None:
    """The case a tracking token opens, or None for any other text (no error, no hint)."""
    if not tokens.is_tracking_token(token):
        return None
    with conn.transaction():
        row = conn.execute(
            f"SELECT {CASE_COLUMNS} FROM cases.case_file"  # noqa: S608 - constant column list
            " WHERE tracking_token_sha256 = %s",
            (tokens.digest(token),),
        ).fetchone()
    return Case.from_row(row) if row else None


def receipt(conn: psycopg.Connection, case: Case) -> Receipt:
    """The receipt of a stored case, as it was given at submission."""
    with conn.transaction():
        return _receipt_of(case, _submit_hash(conn, case))


def _clock(conn: psycopg.Connection) -> dt.datetime:
    row = conn.execute("SELECT clock_timestamp()").fetchone()
    assert row is not None
    return row[0]


def _lock_key(conn: psycopg.Connection, key: str) -> None:
    """Serialise requests with the same key until the first one's transaction ends."""
    slot = int.from_bytes(bytes.fromhex(tokens.digest(key))[:4], "big", signed=True)
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (KEY_LOCK_CLASS, slot))


def _find_by_key(conn: psycopg.Connection, key: str, request_sha: str) -> tuple[Case, bytes] | None:
    row = conn.execute(
        f"SELECT {CASE_COLUMNS}, request_sha256, tracking_token_sealed"  # noqa: S608 - constant
        " FROM cases.case_file WHERE idempotency_key_sha256 = %s",
        (tokens.digest(key),),
    ).fetchone()
    if row is None:
        return None
    *columns, stored_request_sha, sealed = row
    if stored_request_sha != request_sha:
        raise IdempotencyConflict("this idempotency key was used for a different submission")
    return Case.from_row(tuple(columns)), bytes(sealed)


def _lock_case(conn: psycopg.Connection, case_id: int) -> Case:
    row = conn.execute(
        f"SELECT {CASE_COLUMNS} FROM cases.case_file WHERE id = %s FOR UPDATE",  # noqa: S608
        (case_id,),
    ).fetchone()
    if row is None:
        raise CaseNotFound(f"no case {case_id}")
    return Case.from_row(row)


def _insert(
    conn: psycopg.Connection,
    submission: Submission,
    service: EService,
    mark: CaseMark,
    at: dt.datetime,
    deadline: dt.date | None,
    secrets: tuple[str, str, str],
) -> Case:
    """Store the case row; ``secrets`` is (idempotency key, tracking token, request hash)."""
    key, token, request_sha = secrets
    claim = submission.fee.exemption_claim
    row = conn.execute(
        "INSERT INTO cases.case_file (mark_unit, mark_jrwa, mark_seq, mark_year, service,"  # noqa: S608
        " department, requires_legal_interest, issues_document, state, submitted_at,"
        " state_changed_at, deadline, submission, submission_sha256, request_sha256,"
        " fee_total_grosze, exemption_claimed, idempotency_key_sha256, tracking_token_sha256,"
        " tracking_token_sealed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
        f" %s, %s, %s, %s, %s, %s, %s) RETURNING {CASE_COLUMNS}",
        (mark.unit, mark.jrwa, mark.seq, mark.year, submission.service, service.department,
         service.requires_legal_interest, service.issues_document, INITIAL_STATE, at, at,
         deadline, Jsonb(submission.model_dump(mode="json")), submission.sha256(), request_sha,
         submission.fee.total_grosze, claim.key if claim else None, tokens.digest(key),
         tokens.digest(token), tokens.seal(token, key)),
    ).fetchone()  # fmt: skip
    assert row is not None
    return Case.from_row(row)


def _submit_hash(conn: psycopg.Connection, case: Case) -> str:
    """The hash of a case's first audit event (its submission), which its receipt carries."""
    row = conn.execute(
        "SELECT hash FROM cases.audit_event WHERE case_id = %s ORDER BY id LIMIT 1", (case.id,)
    ).fetchone()
    if row is None:
        raise CaseError(f"case {case.mark} has no audit event: run geoportal cases verify")
    return str(row[0])


def _receipt_of(case: Case, audit_hash: str) -> Receipt:
    return Receipt(str(case.mark), case.service, case.submitted_at, case.submission_sha256,
                   audit_hash, case.deadline)  # fmt: skip
