"""Case marks from PostgreSQL: gap-free and unique under concurrency, rollbacks, new years."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from geoportal.cases import store
from geoportal.cases.errors import MarkError
from geoportal.cases.marks import allocate_mark
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import request, rules_for_unit

THREADS = 50


def _in_parallel(work, count: int = THREADS) -> list:
    """Run ``work(i, barrier)`` in ``count`` threads at once; their results in order."""
    barrier = threading.Barrier(count, timeout=60)
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda i: work(i, barrier), range(count)))


def test_parallel_submissions_get_marks_1_to_n(database):
    rules = rules_for_unit("TM-A")

    def work(i, barrier):
        with database.connect("app") as conn:
            barrier.wait()
            return store.submit(conn, request(), new_idempotency_key(), rules=rules)

    results = _in_parallel(work)
    marks = sorted(result.case.mark for result in results)
    assert [mark.seq for mark in marks] == list(range(1, THREADS + 1))
    assert {(m.unit, m.jrwa) for m in marks} == {("TM-A", "6640")}
    assert len({result.case.id for result in results}) == THREADS
    with database.connect("owner") as conn:
        stored = conn.execute(
            "SELECT array_agg(mark_seq ORDER BY mark_seq) FROM cases.case_file"
            " WHERE mark_unit = 'TM-A'"
        ).fetchone()
    assert stored == (list(range(1, THREADS + 1)),)


def test_rolled_back_allocations_give_their_numbers_back(database):
    def work(i, barrier):
        with database.connect("app") as conn:
            barrier.wait()
            with conn.transaction():
                mark = allocate_mark(conn, "TM-B", "6640", 2026)
                time.sleep(0.002)  # hold the row while others queue for it
                if i % 5 == 0:
                    raise psycopg.Rollback()
            return None if i % 5 == 0 else mark.seq

    kept = [seq for seq in _in_parallel(work) if seq is not None]
    assert sorted(kept) == list(range(1, THREADS - THREADS // 5 + 1))


def test_a_failed_submission_leaves_no_gap(database, monkeypatch):
    rules = rules_for_unit("TM-C")
    with database.connect("app") as conn:
        first = store.submit(conn, request(), new_idempotency_key(), rules=rules)

        def audit_fails(*args, **kwargs):
            raise RuntimeError("the audit insert failed")

        with monkeypatch.context() as patch:
            patch.setattr(store.audit, "append", audit_fails)
            with pytest.raises(RuntimeError):
                store.submit(conn, request(), new_idempotency_key(), rules=rules)
        second = store.submit(conn, request(), new_idempotency_key(), rules=rules)
    assert (first.case.mark.seq, second.case.mark.seq) == (1, 2)


def test_the_sequence_restarts_each_year_in_office_time(database):
    rules = rules_for_unit("TM-D")
    before = dt.datetime(2026, 12, 31, 22, 59, 59, tzinfo=dt.UTC)  # 23:59:59 in Warsaw
    after = dt.datetime(2026, 12, 31, 23, 0, 0, tzinfo=dt.UTC)  # 00:00:00 on 1 Jan 2027
    with database.connect("app") as conn:
        marks = [store.submit(conn, request(), new_idempotency_key(), rules=rules, now=now)
                 for now in (before, before, after, after)]  # fmt: skip
    assert [str(m.case.mark) for m in marks] == [
        "TM-D.6640.1.2026", "TM-D.6640.2.2026", "TM-D.6640.1.2027", "TM-D.6640.2.2027"]  # fmt: skip
    assert marks[2].case.deadline == dt.date(2027, 1, 8)  # 7 days (KPA art. 217 § 3)


def test_allocation_outside_a_transaction_is_refused(database):
    with database.connect("app", autocommit=True) as conn, pytest.raises(MarkError):
        allocate_mark(conn, "TM-E", "6640", 2026)
