"""Who may assign a case to whom: the rules of the staff console's "assign" step.

Pure Python, like :mod:`.states`: :func:`geoportal.cases.store.assign` asks these before
it writes anything, and the console asks :func:`fits` which accounts to offer.

Decisions
    * The registry office (kancelaria) distributes the incoming cases, so it may assign
      any case; staff of the case's department may assign (and reassign) its cases among
      themselves; admin may do anything. Staff of another department may not: a planner
      does not hand out the geodesy department's work.
    * The assignee must hold an active account whose roles fit the case: the case's
      department, or admin. A case of the registry office's own goes to kancelaria.
    * A closed case is assigned to nobody new: its work is done and its record final.
    * Assigning a case to whom it is already assigned writes nothing (no event: nothing
      happened).
"""

from __future__ import annotations

from geoportal.auth.roles import Role
from geoportal.auth.staff import StaffUser
from geoportal.cases.actors import Actor
from geoportal.cases.errors import AssignmentError, IllegalTransition, NotPermitted
from geoportal.cases.states import DEPARTMENT, CaseFacts, State, may_act

ASSIGNERS: frozenset[str] = frozenset({DEPARTMENT, Role.KANCELARIA, Role.ADMIN})
"""Who may assign a case ("department": the staff role owning the case)."""


def fits(user: StaffUser, department: Role) -> bool:
    """Whether ``user`` may be given a case of ``department``."""
    return user.active and bool(user.roles & {department, Role.ADMIN})


def check_assignment(
    state: State, actor: Actor, facts: CaseFacts, assignee: StaffUser | None, login: str
) -> None:
    """Refuse an assignment with the domain error that says why, or return."""
    if not may_act(actor, ASSIGNERS, facts):
        raise NotPermitted(f"{actor.label} may not assign cases of {facts.department}")
    if State(state) == State.CLOSED:
        raise IllegalTransition("a closed case is not assigned")
    if assignee is None or not assignee.active:
        raise AssignmentError(f"no active staff account {login!r}")
    if not fits(assignee, facts.department):
        raise AssignmentError(
            f"{login} ({', '.join(sorted(assignee.roles))}) does not work in {facts.department}"
        )
