"""The audit trail: append-only in the database, hash-chained, breaks found at their row."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
import pytest
from psycopg.types.json import Jsonb

from geoportal.auth.roles import Role
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.errors import CaseError
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import geoportal, request

KANC = Actor.staff("kancelaria", {Role.KANCELARIA})


def _cases(database, count: int) -> list[store.Case]:
    with database.connect("app") as conn:
        return [store.submit(conn, request(), new_idempotency_key()).case for _ in range(count)]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE cases.audit_event SET reason = 'x'", "DELETE FROM cases.audit_event",
     "TRUNCATE cases.audit_event"],
)  # fmt: skip
def test_the_application_cannot_change_or_remove_events(database, statement):
    _cases(database, 1)
    with database.connect("app") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


@pytest.mark.parametrize(
    ("statement", "operation"),
    [("UPDATE cases.audit_event SET reason = 'x'", "UPDATE"),
     ("DELETE FROM cases.audit_event WHERE id = (SELECT max(id) FROM cases.audit_event)",
      "DELETE"),
     ("TRUNCATE cases.audit_event", "TRUNCATE")],
)  # fmt: skip
def test_not_even_the_owner_can(database, statement, operation):
    _cases(database, 1)
    with (
        database.connect("owner") as conn,
        pytest.raises(
            psycopg.errors.IntegrityConstraintViolation, match=f"append-only: {operation} refused"
        ),
    ):
        conn.execute(statement)


def test_an_event_is_written_only_inside_the_change_s_transaction(database):
    with database.connect("app", autocommit=True) as conn, pytest.raises(CaseError):
        audit.append(conn, 1, "citizen", "note", None, None)


@contextmanager
def _trigger_off(conn: psycopg.Connection) -> Iterator[None]:
    """What a tamperer with the owner's rights would do; the trigger is back afterwards."""
    conn.execute("ALTER TABLE cases.audit_event DISABLE TRIGGER audit_event_append_only")
    try:
        yield
    finally:
        conn.execute("ALTER TABLE cases.audit_event ENABLE TRIGGER audit_event_append_only")


def _event_ids(database, count: int) -> list[int]:
    """Ids of ``count`` fresh events in the middle of the chain (more events after them)."""
    cases = _cases(database, count + 1)
    with database.connect("app") as conn:
        return [audit.history(conn, case.id)[0].id for case in cases[:count]]


def _verify(database) -> audit.ChainReport:
    with database.connect("app") as conn:
        return audit.verify_chain(conn)


def test_a_changed_event_is_found_at_its_row(database, settings):
    assert _verify(database).ok
    target = _event_ids(database, 1)[0]
    with database.connect("owner") as conn:
        with _trigger_off(conn):
            conn.execute("UPDATE cases.audit_event SET actor = 'staff:someone_else' WHERE id = %s",
                         (target,))  # fmt: skip
        conn.commit()
        try:
            report = _verify(database)
            assert (report.broken_at, report.ok) == (target, False)
            assert "changed after it was written" in (report.why or "")
            cli = geoportal(settings, "cases", "verify")
            assert cli.returncode == 1
            assert f"audit trail BROKEN at event {target}: the row does not match" in cli.stdout
        finally:
            with _trigger_off(conn):
                conn.execute("UPDATE cases.audit_event SET actor = 'citizen' WHERE id = %s",
                             (target,))  # fmt: skip
    assert _verify(database).ok


def test_a_removed_event_is_found_at_the_next_row(database):
    target = _event_ids(database, 1)[0]
    with database.connect("owner") as conn:
        row = conn.execute("SELECT * FROM cases.audit_event WHERE id = %s", (target,)).fetchone()
        following = conn.execute(
            "SELECT min(id) FROM cases.audit_event WHERE id > %s", (target,)
        ).fetchone()[0]
        with _trigger_off(conn):
            conn.execute("DELETE FROM cases.audit_event WHERE id = %s", (target,))
        conn.commit()
        try:
            report = _verify(database)
            assert report.broken_at == following and "was removed" in (report.why or "")
        finally:
            values = list(row)
            values[8] = Jsonb(values[8])
            conn.execute("INSERT INTO cases.audit_event VALUES (%s, %s, %s, %s, %s, %s, %s, %s,"
                         " %s, %s, %s)", values)  # fmt: skip
    assert _verify(database).ok


def test_a_recomputed_hash_still_breaks_the_next_link(database):
    first, second = _event_ids(database, 2)
    with database.connect("owner") as conn:
        original = conn.execute(
            "SELECT reason, hash FROM cases.audit_event WHERE id = %s", (first,)
        ).fetchone()
        with _trigger_off(conn):
            conn.execute("UPDATE cases.audit_event SET reason = 'forged' WHERE id = %s", (first,))
            row = conn.execute(
                "SELECT id, case_id, at, actor, action, from_state, to_state, reason, details,"
                " prev_hash, hash FROM cases.audit_event WHERE id = %s",
                (first,),
            ).fetchone()
            forged = audit.AuditEvent(*row)
            conn.execute("UPDATE cases.audit_event SET hash = %s WHERE id = %s",
                         (forged.computed_hash(), first))  # fmt: skip
        conn.commit()
        try:
            report = _verify(database)
            assert report.broken_at is not None and report.broken_at > first
            assert "prev_hash does not match event" in (report.why or "")
        finally:
            with _trigger_off(conn):
                conn.execute("UPDATE cases.audit_event SET reason = %s, hash = %s WHERE id = %s",
                             (*original, first))  # fmt: skip
    assert _verify(database).ok and second


def test_a_case_state_changed_behind_the_trail_is_found(database, settings):
    case = _cases(database, 1)[0]
    with database.connect("owner") as conn:
        conn.execute("UPDATE cases.case_file SET state = 'paid' WHERE id = %s", (case.id,))
        conn.commit()
        try:
            cli = geoportal(settings, "cases", "verify")
            assert cli.returncode == 1
            assert "is paid but its audit trail ends in submitted" in cli.stdout
        finally:
            conn.execute("UPDATE cases.case_file SET state = 'submitted' WHERE id = %s",
                         (case.id,))  # fmt: skip
    cli = geoportal(settings, "cases", "verify")
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert "audit trail OK:" in cli.stdout


def test_concurrent_steps_keep_one_valid_chain(database):
    cases, threads = _cases(database, 40), 40
    barrier = threading.Barrier(threads, timeout=60)
    before = _verify(database)

    def work(i):
        with database.connect("app") as conn:
            barrier.wait()
            return store.transition(conn, cases[i].id, State.REGISTERED, KANC)

    with ThreadPoolExecutor(threads) as pool:
        assert all(case.state == State.REGISTERED for case in pool.map(work, range(threads)))
    after = _verify(database)
    assert after.ok and after.events == before.events + threads
    with database.connect("app") as conn:
        forks = conn.execute(
            "SELECT count(*) - count(DISTINCT prev_hash) FROM cases.audit_event"
        ).fetchone()
    assert forks == (0,)
