"""Run the registered checks on a load's staging tables and act on what they find."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import psycopg
from psycopg import sql

from etl.checks.labels import staging
from etl.checks.model import Check, CheckContext, Finding, Found
from etl.checks.policy import Policy
from geoportal.site import Site
from geoportal.tables import SPATIAL

Progress = Callable[[str], None]


def prepare_staging(conn: psycopg.Connection, tables: list[str]) -> None:
    """Indexes and statistics the checks' joins need (staging tables start bare)."""
    for table in tables:
        if table in SPATIAL:
            conn.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(staging(table)))
        conn.execute(sql.SQL("CREATE INDEX ON {} (local_id)").format(staging(table)))
        conn.execute(sql.SQL("ANALYZE {}").format(staging(table)))


def run_checks(
    conn: psycopg.Connection,
    tables: list[str],
    checks: dict[str, Check],
    *,
    site: Site,
    policy: Policy,
    run_id: int,
    progress: Progress = lambda message: None,
    seconds: dict[str, float] | None = None,
) -> list[Finding]:
    """Every applicable check on every loaded table, in registry order; act on findings.

    ``seconds`` receives each check's time: on a county a few checks take most of it.
    """
    ctx = CheckContext(conn, site)
    namespaces = {table: _namespaces(conn, table) for table in tables}
    findings = []
    for number, (name, check) in enumerate(checks.items(), start=1):
        started = time.monotonic()
        for table in (t for t in tables if t in check.tables):
            action = policy.action(name, namespaces[table], check.default)
            if action == "repair" and not check.repairs:
                action = "report"
            ctx.repair = action == "repair"
            found = check.run(ctx, table)
            if not found.count:
                continue
            if action == "quarantine":
                quarantine(conn, run_id, table, name, found)
            findings.append(Finding(name, table, found.count, action, check.kind,
                                    found.repaired, found.local_ids, found.labels))  # fmt: skip
        if seconds is not None:
            seconds[name] = round(time.monotonic() - started, 2)
        progress(f"checks {number}/{len(checks)}: {name}")
    return findings


def quarantine(conn: psycopg.Connection, run_id: int, table: str, check: str, found: Found) -> None:
    """Move the found objects out of staging into ``ops.etl_quarantine``.

    They are remembered in ``staging.quarantined`` so the swap keeps their published
    version instead of ending them as vanished.
    """
    ids = sorted(set(found.local_ids))
    reasons = json.dumps(dict(zip(found.local_ids, found.labels, strict=False)))
    conn.execute(
        sql.SQL(
            "INSERT INTO ops.etl_quarantine (run_id, table_name, namespace, local_id, check_name,"
            " reason, record, geom) SELECT %s, %s, s.namespace, s.local_id, %s,"
            " coalesce(%s::jsonb ->> s.local_id, %s), to_jsonb(s) - 'geom', {geom}"
            " FROM {t} s WHERE s.local_id = ANY(%s)"
        ).format(t=staging(table), geom=sql.SQL("s.geom" if table in SPATIAL else "NULL")),
        (run_id, table, check, reasons, check, ids),
    )
    conn.execute(
        sql.SQL(
            "INSERT INTO staging.quarantined (table_name, namespace, local_id)"
            " SELECT %s, namespace, local_id FROM {t} WHERE local_id = ANY(%s)"
        ).format(t=staging(table)),
        (table, ids),
    )
    conn.execute(sql.SQL("DELETE FROM {} WHERE local_id = ANY(%s)").format(staging(table)), (ids,))


def _namespaces(conn: psycopg.Connection, table: str) -> set[str]:
    rows = conn.execute(sql.SQL("SELECT DISTINCT namespace FROM {}").format(staging(table)))
    return {str(row[0]) for row in rows.fetchall()}
