"""The state machine: every step outside the graph, and every wrong actor, is refused."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from geoportal.auth.roles import Role
from geoportal.cases.actors import Actor
from geoportal.cases.errors import IllegalTransition, NotPermitted, ReasonRequired, TransitionError
from geoportal.cases.states import (
    EDGES,
    CaseFacts,
    State,
    available_steps,
    check_exemption_decision,
    check_submitter,
    check_transition,
)

S = State
ACTORS = {
    "admin": Actor.staff("admin", {Role.ADMIN}),
    "geo": Actor.staff("geo", {Role.GEODESY}),
    "plan": Actor.staff("plan", {Role.PLANNING}),
    "kanc": Actor.staff("kanc", {Role.KANCELARIA}),
    "citizen": Actor.citizen(),
    "system": Actor.system("jobs"),
}
# Who may take each step of a geodesy case: written out again here, so that a change of
# the graph has to be a change of this table too.
EXPECTED = {
    (S.SUBMITTED, S.REGISTERED): {"admin", "kanc", "system"},
    (S.SUBMITTED, S.REFUSED): {"admin", "kanc"},
    (S.SUBMITTED, S.CLOSED): {"citizen"},
    (S.REGISTERED, S.AWAITING_LEGAL_INTEREST): {"admin", "geo", "kanc", "system"},
    (S.REGISTERED, S.AWAITING_PAYMENT): {"admin", "geo", "system"},
    (S.REGISTERED, S.IN_PROGRESS): {"admin", "geo"},
    (S.REGISTERED, S.REFUSED): {"admin", "geo"},
    (S.REGISTERED, S.CLOSED): {"citizen"},
    (S.AWAITING_LEGAL_INTEREST, S.AWAITING_PAYMENT): {"admin", "geo"},
    (S.AWAITING_LEGAL_INTEREST, S.IN_PROGRESS): {"admin", "geo"},
    (S.AWAITING_LEGAL_INTEREST, S.REFUSED): {"admin", "geo"},
    (S.AWAITING_LEGAL_INTEREST, S.CLOSED): {"citizen"},
    (S.AWAITING_PAYMENT, S.PAID): {"admin", "kanc", "system"},
    (S.AWAITING_PAYMENT, S.IN_PROGRESS): {"admin", "geo"},
    (S.AWAITING_PAYMENT, S.REFUSED): {"admin", "geo", "kanc"},
    (S.AWAITING_PAYMENT, S.CLOSED): {"citizen"},
    (S.PAID, S.IN_PROGRESS): {"admin", "geo", "system"},
    (S.IN_PROGRESS, S.DOCUMENT_ISSUED): {"admin", "geo"},
    (S.IN_PROGRESS, S.REFUSED): {"admin", "geo"},
    (S.IN_PROGRESS, S.CLOSED): {"admin", "geo"},
    (S.DOCUMENT_ISSUED, S.CLOSED): {"admin", "geo", "kanc", "system"},
    (S.REFUSED, S.CLOSED): {"admin", "geo", "kanc", "system"},
}
ALL_FACTS = [
    CaseFacts(Role.GEODESY, interest, fee, pending, document)
    for interest, fee, pending, document in itertools.product([False, True], repeat=4)
]


def _facts_for(source: State, target: State) -> CaseFacts:
    edge = next(e for e in EDGES if (e.source, e.target) == (source, target))
    return next(f for f in ALL_FACTS if edge.when is None or edge.when.test(f))


def test_the_graph_is_the_expected_one():
    assert {(edge.source, edge.target) for edge in EDGES} == set(EXPECTED)


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in itertools.product(State, State) if pair not in EXPECTED],
)
def test_every_step_outside_the_graph_is_refused(source, target):
    for actor, facts in itertools.product(ACTORS.values(), ALL_FACTS):
        with pytest.raises(IllegalTransition, match=f"no step from {source} to {target}"):
            check_transition(source, target, actor, facts, "a reason")


@pytest.mark.parametrize(("source", "target"), list(EXPECTED))
def test_each_step_is_open_to_exactly_its_roles(source, target):
    facts = _facts_for(source, target)
    for name, actor in ACTORS.items():
        if name in EXPECTED[(source, target)]:
            assert check_transition(source, target, actor, facts, "a reason").target == target
        else:
            with pytest.raises(NotPermitted, match=f"{actor.label} may not"):
                check_transition(source, target, actor, facts, "a reason")


def test_the_department_is_the_case_s_own():
    planning_case = replace(_facts_for(S.PAID, S.IN_PROGRESS), department=Role.PLANNING)
    check_transition(S.PAID, S.IN_PROGRESS, ACTORS["plan"], planning_case, None)
    with pytest.raises(NotPermitted):
        check_transition(S.PAID, S.IN_PROGRESS, ACTORS["geo"], planning_case, None)


@pytest.mark.parametrize("source", [s for s, t in EXPECTED if t == S.REFUSED])
@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_refusals_need_a_reason(source, reason):
    facts = _facts_for(source, S.REFUSED)
    with pytest.raises(ReasonRequired, match="needs a written reason"):
        check_transition(source, S.REFUSED, ACTORS["admin"], facts, reason)


def _facts(interest=False, fee=True, pending=False, document=True) -> CaseFacts:
    return CaseFacts(Role.GEODESY, interest, fee, pending, document)


@pytest.mark.parametrize(
    ("source", "target", "facts", "condition"),
    [
        (S.REGISTERED, S.AWAITING_PAYMENT, _facts(interest=True), "no personal data"),
        (S.REGISTERED, S.AWAITING_PAYMENT, _facts(pending=True), "no exemption is pending"),
        (S.REGISTERED, S.AWAITING_PAYMENT, _facts(fee=False), "a fee is due"),
        (S.REGISTERED, S.IN_PROGRESS, _facts(fee=True), "nothing is to be paid"),
        (S.REGISTERED, S.IN_PROGRESS, _facts(interest=True, fee=False), "no personal data"),
        (S.REGISTERED, S.AWAITING_LEGAL_INTEREST, _facts(), "shows personal data"),
        (S.AWAITING_LEGAL_INTEREST, S.IN_PROGRESS, _facts(interest=True), "nothing is to be"),
        (S.AWAITING_LEGAL_INTEREST, S.AWAITING_PAYMENT, _facts(True, fee=False), "a fee is due"),
        (S.AWAITING_PAYMENT, S.IN_PROGRESS, _facts(fee=True), "nothing is to be paid"),
        (S.IN_PROGRESS, S.CLOSED, _facts(document=True), "issues no document"),
        (S.IN_PROGRESS, S.DOCUMENT_ISSUED, _facts(document=False), "issues a document"),
    ],
)
def test_conditions_of_steps(source, target, facts, condition):
    with pytest.raises(IllegalTransition, match=f"only when .*{condition}"):
        check_transition(source, target, ACTORS["admin"], facts, "reason")


def _walk(facts: CaseFacts, *steps: tuple[str, State]) -> None:
    state = S.SUBMITTED
    for name, target in steps:
        state = check_transition(state, target, ACTORS[name], facts, "reason").target


def test_whole_lives_of_cases():
    # personal data, a fee: legal interest before payment, then the document
    _walk(_facts(interest=True), ("system", S.REGISTERED), ("geo", S.AWAITING_LEGAL_INTEREST),
          ("geo", S.AWAITING_PAYMENT), ("system", S.PAID), ("geo", S.IN_PROGRESS),
          ("geo", S.DOCUMENT_ISSUED), ("kanc", S.CLOSED))  # fmt: skip
    # a free map report: straight to work, closed without a document
    _walk(_facts(fee=False, document=False), ("kanc", S.REGISTERED), ("geo", S.IN_PROGRESS),
          ("geo", S.CLOSED))  # fmt: skip
    # withdrawn by the applicant while the fee was awaited
    _walk(_facts(), ("system", S.REGISTERED), ("system", S.AWAITING_PAYMENT),
          ("citizen", S.CLOSED))  # fmt: skip


def test_available_steps_are_the_buttons_to_show():
    personal = _facts(interest=True)
    assert [e.target for e in available_steps(S.REGISTERED, ACTORS["geo"], personal)] == [
        S.AWAITING_LEGAL_INTEREST, S.REFUSED]  # fmt: skip
    assert [e.action for e in available_steps(S.SUBMITTED, ACTORS["citizen"], personal)] == [
        "withdraw"]  # fmt: skip
    assert available_steps(S.CLOSED, ACTORS["admin"], personal) == []
    assert available_steps(S.IN_PROGRESS, ACTORS["plan"], personal) == []


def test_exemption_decisions():
    pending = _facts(pending=True)
    geo = ACTORS["geo"]
    assert check_exemption_decision(S.REGISTERED, geo, pending, True, None) == "grant_exemption"
    assert check_exemption_decision(S.AWAITING_PAYMENT, geo, pending, False, "no basis") == (
        "refuse_exemption")  # fmt: skip
    with pytest.raises(ReasonRequired):
        check_exemption_decision(S.REGISTERED, geo, pending, False, " ")
    with pytest.raises(IllegalTransition, match="before payment"):
        check_exemption_decision(S.PAID, geo, pending, True, None)
    with pytest.raises(NotPermitted):
        check_exemption_decision(S.REGISTERED, ACTORS["kanc"], pending, True, None)
    with pytest.raises(TransitionError, match="no exemption claim"):
        check_exemption_decision(S.REGISTERED, geo, _facts(), True, None)


def test_who_may_submit():
    for name in ("citizen", "kanc", "system", "admin"):
        check_submitter(ACTORS[name])
    with pytest.raises(NotPermitted):
        check_submitter(ACTORS["geo"])


def test_actors_are_what_they_say():
    assert ACTORS["geo"].label == "staff:geo" and ACTORS["citizen"].label == "citizen"
    assert ACTORS["system"].label == "system:jobs"
    for bad in (
        lambda: Actor.staff("x", {Role.CITIZEN}),
        lambda: Actor.staff("x", set()),
        lambda: Actor.staff("Jan Kowalski", {Role.GEODESY}),
        lambda: Actor("citizen", "citizen", frozenset({Role.ADMIN})),
        lambda: Actor.staff("x", {"boss"}),
    ):
        with pytest.raises(ValueError):
            bad()
