"""The life of a case: its states, the steps between them and who may take each step.

Pure Python: the store asks :func:`check_transition` before it writes anything, and the
web layer asks :func:`available_steps` which buttons to show.

The graph (``─>`` a step, ``[…]`` its condition, ``(…)`` who may take it besides admin)::

    submitted ──register (kancelaria, system)──> registered
    registered ─[personal data]──> awaiting_legal_interest (department, kancelaria, system)
    registered ─[no personal data, fee due]──> awaiting_payment (department, system)
    registered ─[no personal data, no fee]───> in_progress (department)
    awaiting_legal_interest ─accept [fee due]─> awaiting_payment (department)
    awaiting_legal_interest ─accept [no fee]──> in_progress (department)
    awaiting_payment ─record_payment (kancelaria, system)─> paid
    paid ─start (department, system)─> in_progress
    awaiting_payment ─[exemption granted since]─> in_progress (department)
    in_progress ─[issues a document]─> document_issued ─close─> closed
    in_progress ─[a report, no document]─> closed
    submitted, registered, awaiting_legal_interest, awaiting_payment, in_progress
        ─refuse, reason required─> refused ─close─> closed
    submitted, registered, awaiting_legal_interest, awaiting_payment
        ─withdraw (citizen)─> closed

Decisions
    * Legal interest is decided *before* payment: nobody pays for a document with
      personal data they will not get (PGiK art. 24 ust. 5).
    * A case with nothing to pay (a free service, or an exemption staff granted) skips
      ``awaiting_payment`` and ``paid``; a pending exemption claim blocks the payment
      request until staff decide it (:func:`check_exemption_decision`).
    * "department" is the staff role that owns the case's e-service (geodesy, planning,
      kancelaria); ``admin`` may take every staff step; nobody but the applicant may
      withdraw, and the applicant may do nothing else.
    * Refusals need a written reason; so does refusing an exemption.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from geoportal.auth.roles import Role
from geoportal.cases.actors import Actor
from geoportal.cases.errors import IllegalTransition, NotPermitted, ReasonRequired, TransitionError


class State(StrEnum):
    """The states of a case."""

    SUBMITTED = "submitted"
    REGISTERED = "registered"
    AWAITING_LEGAL_INTEREST = "awaiting_legal_interest"
    AWAITING_PAYMENT = "awaiting_payment"
    PAID = "paid"
    IN_PROGRESS = "in_progress"
    DOCUMENT_ISSUED = "document_issued"
    REFUSED = "refused"
    CLOSED = "closed"


OFFICE_STATES: frozenset[State] = frozenset(
    {State.SUBMITTED, State.REGISTERED, State.AWAITING_LEGAL_INTEREST, State.PAID,
     State.IN_PROGRESS}
)  # fmt: skip
"""The office owes the next step: a case in one of these past its deadline is overdue.
``awaiting_payment`` is not one: the applicant owes the next step (KPA art. 35 § 5 does not
count delays caused by the party)."""

EXEMPTION_STATES: frozenset[State] = frozenset(
    {State.REGISTERED, State.AWAITING_LEGAL_INTEREST, State.AWAITING_PAYMENT}
)
"""States in which staff may decide an exemption claim (before any payment)."""


@dataclass(frozen=True)
class CaseFacts:
    """What the conditions of the graph read about one case."""

    department: Role
    requires_legal_interest: bool
    fee_due: bool  # a fee above zero and no exemption granted
    exemption_pending: bool  # an exemption claimed and not decided yet
    issues_document: bool


@dataclass(frozen=True)
class Condition:
    """A condition of a step, with the words that explain a refusal."""

    text: str
    test: Callable[[CaseFacts], bool]

    def __and__(self, other: Condition) -> Condition:
        return Condition(f"{self.text} and {other.text}", lambda f: self.test(f) and other.test(f))


LEGAL_INTEREST = Condition("the document shows personal data", lambda f: f.requires_legal_interest)
NO_LEGAL_INTEREST = Condition("no personal data", lambda f: not f.requires_legal_interest)
PAYMENT_DUE = Condition(
    "a fee is due and no exemption is pending", lambda f: f.fee_due and not f.exemption_pending
)
NOTHING_TO_PAY = Condition("nothing is to be paid", lambda f: not f.fee_due)
DOCUMENT = Condition("the service issues a document", lambda f: f.issues_document)
NO_DOCUMENT = Condition("the service issues no document", lambda f: not f.issues_document)

DEPARTMENT = "department"
"""Stands in an edge's roles for the staff role that owns the case's e-service."""


@dataclass(frozen=True)
class Edge:
    """One allowed step between two states."""

    source: State
    target: State
    action: str
    roles: frozenset[str]
    when: Condition | None = None
    reason_required: bool = False


def _edge(
    source: State,
    target: State,
    action: str,
    roles: set[str],
    when: Condition | None = None,
    reason_required: bool = False,
) -> Edge:
    return Edge(source, target, action, frozenset(roles), when, reason_required)


S, R = State, Role
_DEPT = {DEPARTMENT, R.ADMIN}
_CLOSERS = {DEPARTMENT, R.KANCELARIA, R.SYSTEM, R.ADMIN}
EDGES: tuple[Edge, ...] = (
    _edge(S.SUBMITTED, S.REGISTERED, "register", {R.KANCELARIA, R.SYSTEM, R.ADMIN}),
    _edge(S.SUBMITTED, S.REFUSED, "refuse", {R.KANCELARIA, R.ADMIN}, reason_required=True),
    _edge(S.REGISTERED, S.AWAITING_LEGAL_INTEREST, "await_legal_interest",
          {DEPARTMENT, R.KANCELARIA, R.SYSTEM, R.ADMIN}, when=LEGAL_INTEREST),
    _edge(S.REGISTERED, S.AWAITING_PAYMENT, "request_payment", {DEPARTMENT, R.SYSTEM, R.ADMIN},
          when=NO_LEGAL_INTEREST & PAYMENT_DUE),
    _edge(S.REGISTERED, S.IN_PROGRESS, "start", _DEPT, when=NO_LEGAL_INTEREST & NOTHING_TO_PAY),
    _edge(S.REGISTERED, S.REFUSED, "refuse", _DEPT, reason_required=True),
    _edge(S.AWAITING_LEGAL_INTEREST, S.AWAITING_PAYMENT, "accept_legal_interest", _DEPT,
          when=PAYMENT_DUE),
    _edge(S.AWAITING_LEGAL_INTEREST, S.IN_PROGRESS, "accept_legal_interest", _DEPT,
          when=NOTHING_TO_PAY),
    _edge(S.AWAITING_LEGAL_INTEREST, S.REFUSED, "refuse_legal_interest", _DEPT,
          reason_required=True),
    _edge(S.AWAITING_PAYMENT, S.PAID, "record_payment", {R.KANCELARIA, R.SYSTEM, R.ADMIN}),
    _edge(S.AWAITING_PAYMENT, S.IN_PROGRESS, "start", _DEPT, when=NOTHING_TO_PAY),
    _edge(S.AWAITING_PAYMENT, S.REFUSED, "refuse", {DEPARTMENT, R.KANCELARIA, R.ADMIN},
          reason_required=True),
    _edge(S.PAID, S.IN_PROGRESS, "start", {DEPARTMENT, R.SYSTEM, R.ADMIN}),
    _edge(S.IN_PROGRESS, S.DOCUMENT_ISSUED, "issue", _DEPT, when=DOCUMENT),
    _edge(S.IN_PROGRESS, S.REFUSED, "refuse", _DEPT, reason_required=True),
    _edge(S.IN_PROGRESS, S.CLOSED, "close", _DEPT, when=NO_DOCUMENT),
    _edge(S.DOCUMENT_ISSUED, S.CLOSED, "close", _CLOSERS),
    _edge(S.REFUSED, S.CLOSED, "close", _CLOSERS),
    *(_edge(source, S.CLOSED, "withdraw", {R.CITIZEN})
      for source in (S.SUBMITTED, S.REGISTERED, S.AWAITING_LEGAL_INTEREST, S.AWAITING_PAYMENT)),
)  # fmt: skip

_BY_STEP: dict[tuple[State, State], Edge] = {(e.source, e.target): e for e in EDGES}
assert len(_BY_STEP) == len(EDGES), "one edge per pair of states"

INITIAL_STATE = State.SUBMITTED
SUBMITTERS: frozenset[Role] = frozenset({R.CITIZEN, R.KANCELARIA, R.SYSTEM, R.ADMIN})
"""Who may submit: the applicant online, or the registry office for a paper request."""


def may_act(actor: Actor, roles: frozenset[str], facts: CaseFacts) -> bool:
    """Whether one of ``actor``'s roles is among ``roles`` ("department" resolved)."""
    if actor.roles & roles:
        return True
    return DEPARTMENT in roles and facts.department in actor.roles


def check_transition(
    source: State, target: State, actor: Actor, facts: CaseFacts, reason: str | None
) -> Edge:
    """The edge for this step, or the domain error that refuses it.

    :class:`IllegalTransition` when there is no such step or its condition does not hold,
    :class:`NotPermitted` when the actor's roles may not take it, :class:`ReasonRequired`
    when it needs a written reason and has none.
    """
    edge = _BY_STEP.get((State(source), State(target)))
    if edge is None:
        raise IllegalTransition(f"no step from {source} to {target}")
    if not may_act(actor, edge.roles, facts):
        raise NotPermitted(f"{actor.label} may not {edge.action} ({source} → {target})")
    if edge.when is not None and not edge.when.test(facts):
        raise IllegalTransition(f"{source} → {target} only when {edge.when.text}")
    if edge.reason_required and not (reason and reason.strip()):
        raise ReasonRequired(f"{edge.action} ({source} → {target}) needs a written reason")
    return edge


def available_steps(source: State, actor: Actor, facts: CaseFacts) -> list[Edge]:
    """The steps ``actor`` may take from ``source`` now (for the staff console's buttons)."""
    return [
        edge
        for edge in EDGES
        if edge.source == source
        and may_act(actor, edge.roles, facts)
        and (edge.when is None or edge.when.test(facts))
    ]


def check_submitter(actor: Actor) -> None:
    """:class:`NotPermitted` unless ``actor`` may submit a request."""
    if not actor.roles & SUBMITTERS:
        raise NotPermitted(f"{actor.label} may not submit requests")


def check_exemption_decision(
    state: State, actor: Actor, facts: CaseFacts, granted: bool, reason: str | None
) -> str:
    """The audit action of a decision on an exemption claim, or the error refusing it."""
    if not facts.exemption_pending:
        raise TransitionError("no exemption claim is waiting for a decision")
    if State(state) not in EXEMPTION_STATES:
        raise IllegalTransition(f"an exemption is decided before payment, not in {state}")
    if not may_act(actor, frozenset(_DEPT), facts):
        raise NotPermitted(f"{actor.label} may not decide exemptions")
    if not granted and not (reason and reason.strip()):
        raise ReasonRequired("refusing an exemption needs a written reason")
    return "grant_exemption" if granted else "refuse_exemption"
