"""The audit trail: an append-only, hash-chained record of everything done to cases.

Each event's ``hash`` is the SHA-256 of the canonical JSON of its row — id, case,
time, actor, action, states, reason, details — *including* ``prev_hash``, the hash of
the event before it. Changing, removing or reordering any event breaks the chain at
that event, and :func:`verify_chain` names it.

Decisions
    * **One global chain, not one per case.** A per-case chain cannot show that a whole
      case was removed, nor which of two cases' events came first; a global chain can.
      The price is that appends are serialised: :func:`append` takes a transaction-level
      advisory lock, reads the last hash and inserts, and the lock is held until the
      transaction commits, so the next append reads a committed head. Ids are drawn
      under the lock too, so id order is chain order (a rolled-back append leaves a gap
      in ids, never in the chain). An office's few hundred events a day wait on that lock
      for microseconds. ``UNIQUE (prev_hash)`` makes a fork impossible even if someone
      appended without the lock.
    * The event is written in the same transaction as the change it records: the store
      calls :func:`append` inside its own transaction, never after the commit.
    * The database refuses UPDATE, DELETE and TRUNCATE of events — the application's role
      has no such grant, and a trigger refuses them even to the table's owner. Only the
      owner can disable that trigger; verification is what catches someone who did.
    * What a chain cannot show by itself is a cut-off tail (the last events removed and
      nothing after them). Receipts therefore carry the hash of the submission's event,
      and :func:`verify_chain` reports the head hash, so the head can be written down
      outside the database.
    * Details are JSON without floats (:mod:`geoportal.cases.canonical`), so the hash
      recomputed from ``jsonb`` is the hash computed at the append.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from geoportal.cases.canonical import canonical_json
from geoportal.cases.errors import CaseError

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""
AUDIT_LOCK = (0x63617365, 1)  # pg_advisory_xact_lock(int, int): "case", the chain head
_COLUMNS = "id, case_id, at, actor, action, from_state, to_state, reason, details, prev_hash, hash"


@dataclass(frozen=True)
class AuditEvent:
    """One event of the audit trail, as stored."""

    id: int
    case_id: int
    at: dt.datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def content(self) -> dict[str, Any]:
        """Everything the hash covers: the row without its own hash, time in UTC."""
        content = asdict(self)
        del content["hash"]
        content["at"] = self.at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        return content

    def computed_hash(self) -> str:
        """The hash this event's content should have."""
        return hashlib.sha256(canonical_json(self.content())).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a verification: how far it got, and the first broken link if any."""

    events: int
    head: str
    broken_at: int | None = None
    why: str | None = None

    @property
    def ok(self) -> bool:
        """True when every event checked out."""
        return self.broken_at is None


def append(
    conn: psycopg.Connection,
    case_id: int,
    actor: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one event at the head of the chain, inside the caller's open transaction."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        raise CaseError("an audit event is written in the transaction of the change it records")
    details = details or {}
    canonical_json(details)  # TypeError now rather than a hash that cannot be recomputed
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", AUDIT_LOCK)
    head = conn.execute("SELECT hash FROM cases.audit_event ORDER BY id DESC LIMIT 1").fetchone()
    row = conn.execute("SELECT nextval('cases.audit_event_id_seq'), clock_timestamp()").fetchone()
    assert row is not None
    unhashed = AuditEvent(int(row[0]), case_id, row[1], actor, action, from_state, to_state,
                          reason, details, head[0] if head else GENESIS, hash="")  # fmt: skip
    event = AuditEvent(**{**asdict(unhashed), "hash": unhashed.computed_hash()})
    conn.execute(
        f"INSERT INTO cases.audit_event ({_COLUMNS})"  # noqa: S608 - constant column list
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (event.id, case_id, event.at, actor, action, from_state, to_state, reason,
         Jsonb(details), event.prev_hash, event.hash),
    )  # fmt: skip
    return event


def history(conn: psycopg.Connection, case_id: int) -> list[AuditEvent]:
    """The events of one case, oldest first."""
    with conn.transaction():  # leaves an idle connection idle for the store's next change
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM cases.audit_event"  # noqa: S608 - constant column list
            " WHERE case_id = %s ORDER BY id",
            (case_id,),
        ).fetchall()
    return [AuditEvent(*row) for row in rows]


def verify_chain(conn: psycopg.Connection) -> ChainReport:
    """Walk the whole chain in id order; the first event whose link or content is wrong.

    A link is wrong when an event's ``prev_hash`` is not the hash of the event before it
    (one was removed, inserted or moved); content is wrong when the event's own hash is
    not the hash of what the row now holds (it was changed).
    """
    previous_hash, previous_id, count = GENESIS, None, 0
    with conn.transaction(), conn.cursor(name="audit_chain_walk") as cursor:
        cursor.itersize = 2000
        cursor.execute(f"SELECT {_COLUMNS} FROM cases.audit_event ORDER BY id")  # noqa: S608
        for row in cursor:
            event = AuditEvent(*row)
            if event.prev_hash != previous_hash:
                before = f"event {previous_id}" if previous_id else "the start of the chain"
                why = f"prev_hash does not match {before}: an event was removed, added or moved"
                return ChainReport(count, previous_hash, event.id, why)
            if event.computed_hash() != event.hash:
                why = "the row does not match its hash: it was changed after it was written"
                return ChainReport(count, previous_hash, event.id, why)
            previous_hash, previous_id, count = event.hash, event.id, count + 1
    return ChainReport(count, previous_hash)


def verify_case_states(conn: psycopg.Connection) -> tuple[int, str] | None:
    """The first case whose state is not where its audit trail left it, and why; or None.

    Catches a case whose events were all removed, or whose ``state`` column was changed
    without an event (the application may update that column; only a step may).
    """
    with conn.transaction():
        row = conn.execute(
            "SELECT c.id, c.mark, c.state, last.to_state FROM cases.case_file c"
            " LEFT JOIN LATERAL (SELECT e.to_state FROM cases.audit_event e"
            "  WHERE e.case_id = c.id ORDER BY e.id DESC LIMIT 1) last ON true"
            " WHERE last.to_state IS DISTINCT FROM c.state ORDER BY c.id LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    case_id, mark, state, trail = row
    if trail is None:
        return case_id, f"case {mark} has no audit event"
    return case_id, f"case {mark} is {state} but its audit trail ends in {trail}"
