"""The staff queue: cases filtered by state, department and deadline, soonest first.

Overdue means: past the deadline (the office's date, Europe/Warsaw) while the office owes
the next step (:data:`geoportal.cases.states.OFFICE_STATES`); a case waiting for the
applicant's payment is not overdue. The deadline itself is fixed at submission and is
not extended for the time the applicant took (KPA art. 35 § 5 would allow that): staff
see the date and the state and judge.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from geoportal.auth.roles import Role
from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.states import OFFICE_STATES, State
from geoportal.cases.store import CASE_COLUMNS, Case

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class QueueEntry:
    """A case in the queue, and whether it is overdue today."""

    case: Case
    overdue: bool


def queue(
    conn: psycopg.Connection,
    *,
    states: Iterable[State | str] | None = None,
    department: Role | str | None = None,
    overdue: bool | None = None,
    assignee: str | None = None,
    unassigned: bool = False,
    today: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[QueueEntry]:
    """Cases matching every filter given, the nearest deadline first (none last).

    ``overdue=True`` keeps only overdue cases, ``False`` only the others, ``None`` both;
    ``assignee`` keeps the cases assigned to that login ("mine" in the console),
    ``unassigned`` those assigned to nobody yet (what the registry office distributes).
    """
    today = today or dt.datetime.now(OFFICE_TZ).date()
    office = [str(state) for state in OFFICE_STATES]
    late = sql.SQL("coalesce(deadline < {} AND state = ANY({}), false)").format(today, office)
    where: list[sql.Composable] = []
    if states is not None:
        where.append(sql.SQL("state = ANY({})").format([str(State(s)) for s in states]))
    if department is not None:
        where.append(sql.SQL("department = {}").format(str(Role(department))))
    if assignee is not None:
        where.append(sql.SQL("assignee = {}").format(assignee))
    if unassigned:
        where.append(sql.SQL("assignee IS NULL"))
    if overdue is not None:
        where.append(late if overdue else sql.SQL("NOT {}").format(late))
    query = sql.SQL(
        "SELECT {columns}, {late} FROM cases.case_file WHERE {where}"
        " ORDER BY deadline NULLS LAST, id LIMIT {limit}"
    ).format(
        columns=sql.SQL(CASE_COLUMNS),
        late=late,
        where=sql.SQL(" AND ").join(where) if where else sql.SQL("true"),
        limit=limit,
    )
    with conn.transaction():
        rows = conn.execute(query).fetchall()
    return [QueueEntry(Case.from_row(row[:-1]), bool(row[-1])) for row in rows]
