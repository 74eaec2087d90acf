"""Assigning cases to staff on the real database: who may, to whom, and the audit trail.

Expected values are written by hand from the rules in ``geoportal/cases/assignment.py``:
the registry office and the case's department may assign, to an active account of the
case's department or admin; every change is one event in the same transaction.
"""

from __future__ import annotations

import secrets

import pytest

from geoportal.auth.roles import Role
from geoportal.auth.staff import add_staff
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.errors import AssignmentError, IllegalTransition, NotPermitted
from geoportal.cases.queue import queue
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import request

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def people(database):
    """Accounts by role (one geodesy account inactive), with fresh logins."""
    suffix = secrets.token_hex(3)
    logins = {}
    with database.connect("owner") as conn:
        for name, roles in (("geo1", ["geodesy"]), ("geo2", ["geodesy"]), ("plan", ["planning"]),
                            ("kanc", ["kancelaria"]), ("boss", ["admin"]),
                            ("gone", ["geodesy"])):  # fmt: skip
            logins[name] = add_staff(conn, f"{name}.{suffix}", name, PASSWORD, roles).login
        conn.execute(
            "UPDATE auth.staff_user SET active = false WHERE login = %s", (logins["gone"],)
        )
        conn.commit()
    return logins


def _actor(login: str, role: str) -> Actor:
    return Actor.staff(login, {Role(role)})


def _events(database, case_id: int) -> list[tuple[str, str, dict]]:
    with database.connect("owner") as conn:
        return [(e.action, e.actor, e.details) for e in audit.history(conn, case_id)]


def _new_case(database) -> store.Case:
    with database.connect("app") as conn:
        return store.submit(conn, request(), new_idempotency_key()).case


def test_the_registry_assigns_and_the_department_reassigns_each_audited(database, people):
    case = _new_case(database)
    kanc = _actor(people["kanc"], "kancelaria")
    geo1 = _actor(people["geo1"], "geodesy")
    with database.connect("app") as conn:
        assigned = store.assign(conn, case.id, kanc, people["geo1"])
        moved = store.assign(conn, case.id, geo1, people["geo2"])
        again = store.assign(conn, case.id, geo1, people["geo2"])  # no change, no event
        to_admin = store.assign(conn, case.id, kanc, people["boss"])
        stored = store.get(conn, case.id)
    assert (assigned.assignee, moved.assignee, again.assignee) == (
        people["geo1"], people["geo2"], people["geo2"])  # fmt: skip
    assert to_admin.assignee == stored.assignee == people["boss"]
    assert stored.state == State.SUBMITTED  # assigning moves no state
    assert _events(database, case.id)[1:] == [
        ("assign", f"staff:{people['kanc']}", {"assignee": people["geo1"], "previous": None}),
        ("reassign", f"staff:{people['geo1']}",
         {"assignee": people["geo2"], "previous": people["geo1"]}),
        ("reassign", f"staff:{people['kanc']}",
         {"assignee": people["boss"], "previous": people["geo2"]}),
    ]  # fmt: skip
    with database.connect("app") as conn:
        assert audit.verify_chain(conn).ok
        assert audit.verify_case_states(conn) is None


@pytest.mark.parametrize(
    ("target", "error"),
    [("plan", AssignmentError), ("kanc", AssignmentError), ("gone", AssignmentError),
     ("nobody", AssignmentError)],
)  # fmt: skip
def test_a_geodesy_case_goes_to_no_one_outside_geodesy(database, people, target, error):
    case = _new_case(database)
    login = people.get(target, "nobody.at.all")
    with database.connect("app") as conn, pytest.raises(error):
        store.assign(conn, case.id, _actor(people["kanc"], "kancelaria"), login)
    assert len(_events(database, case.id)) == 1  # the submission only
    with database.connect("owner") as conn:
        assert conn.execute(
            "SELECT assignee FROM cases.case_file WHERE id = %s", (case.id,)
        ).fetchone() == (None,)


def test_another_department_may_not_assign_and_a_closed_case_is_not_assigned(database, people):
    case = _new_case(database)
    planner = _actor(people["plan"], "planning")
    with database.connect("app") as conn:
        with pytest.raises(NotPermitted):
            store.assign(conn, case.id, planner, people["geo1"])
        closed = store.transition(conn, case.id, State.CLOSED, Actor.citizen())  # withdrawn
        with pytest.raises(IllegalTransition):
            store.assign(conn, closed.id, _actor(people["kanc"], "kancelaria"), people["geo1"])
    assert [action for action, _, _ in _events(database, case.id)] == ["submit", "withdraw"]


def test_the_queue_keeps_only_the_cases_of_one_assignee(database, people):
    mine, theirs, nobodys = (_new_case(database) for _ in range(3))
    kanc = _actor(people["kanc"], "kancelaria")
    with database.connect("app") as conn:
        store.assign(conn, mine.id, kanc, people["geo2"])
        store.assign(conn, theirs.id, kanc, people["geo1"])
        ids = {entry.case.id for entry in queue(conn, assignee=people["geo2"], limit=10000)}
        free = {entry.case.id for entry in queue(conn, unassigned=True, limit=10000)}
    assert mine.id in ids and theirs.id not in ids and nobodys.id not in ids
    assert nobodys.id in free and mine.id not in free and theirs.id not in free
    with database.connect("owner") as conn:
        expected = {row[0] for row in conn.execute(
            "SELECT id FROM cases.case_file WHERE assignee = %s", (people["geo2"],))}  # fmt: skip
    assert ids == expected
