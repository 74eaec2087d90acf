"""The record of loads (``ops.etl_run``): what ran, its report, and what the caches owe it.

Loads write the record (``etl.pipeline``); people read it (``geoportal etl runs``,
``geoportal etl report``), and the tile cache asks it which areas changed since the
caches were last refreshed (``geoportal cache refresh``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import psycopg


@dataclass(frozen=True)
class RunSummary:
    """One line of the run list."""

    run_id: int
    started_at: dt.datetime
    status: str
    dry_run: bool
    source: str
    findings: int
    changed: int
    cache_refreshed: bool

    @property
    def what(self) -> str:
        """What the run was, in a word: published, dry run, failed, running."""
        if self.status != "done":
            return self.status
        return "dry run" if self.dry_run else "published"


@dataclass(frozen=True)
class PendingRefresh:
    """Published runs whose changed areas the tile caches have not caught up with yet."""

    run_ids: list[int]
    area_wkt: str | None  # EPSG:2180, the union of their changed areas
    tables: set[str]  # data tables they changed

    @property
    def nothing(self) -> bool:
        """Whether there is nothing to refresh."""
        return not self.run_ids


def list_runs(conn: psycopg.Connection, limit: int = 20) -> list[RunSummary]:
    """The newest runs first."""
    rows = conn.execute(
        "SELECT run_id, started_at, status, dry_run, source,"
        " coalesce((SELECT sum((f ->> 'count')::bigint) FROM"
        "  jsonb_array_elements(report -> 'findings') f), 0),"
        " coalesce((SELECT sum(v::bigint) FROM jsonb_each(report -> 'changes') t,"
        "  jsonb_each_text(t.value) c(k, v)), 0),"
        " cache_refreshed_at IS NOT NULL"
        " FROM ops.etl_run ORDER BY run_id DESC LIMIT %s",
        (limit,),
    ).fetchall()
    return [RunSummary(int(r[0]), r[1], r[2], bool(r[3]), r[4], int(r[5]), int(r[6]), bool(r[7]))
            for r in rows]  # fmt: skip


def run_report(conn: psycopg.Connection, run_id: int, html: bool = False) -> Any:
    """A run's stored report: the JSON document, or the HTML page; None if no such run."""
    column = "report_html" if html else "report"
    row = conn.execute(
        f"SELECT {column} FROM ops.etl_run WHERE run_id = %s",  # noqa: S608 - one of two names
        (run_id,),
    ).fetchone()
    return row[0] if row else None


def pending_refresh(conn: psycopg.Connection) -> PendingRefresh:
    """Published runs with a changed area not refreshed in the caches yet."""
    rows = conn.execute(
        "SELECT run_id, report -> 'changes' FROM ops.etl_run"
        " WHERE status = 'done' AND NOT dry_run AND cache_refreshed_at IS NULL"
        " AND changed_area IS NOT NULL ORDER BY run_id"
    ).fetchall()
    if not rows:
        return PendingRefresh([], None, set())
    area = conn.execute(
        "SELECT ST_AsText(ST_Union(changed_area)) FROM ops.etl_run WHERE run_id = ANY(%s)",
        ([int(r[0]) for r in rows],),
    ).fetchone()
    tables = {table for r in rows for table, counts in (r[1] or {}).items() if any(counts.values())}
    return PendingRefresh([int(r[0]) for r in rows], area[0] if area else None, tables)


def mark_refreshed(conn: psycopg.Connection, run_ids: list[int]) -> None:
    """The caches caught up with these runs."""
    conn.execute(
        "UPDATE ops.etl_run SET cache_refreshed_at = now() WHERE run_id = ANY(%s)", (run_ids,)
    )
    conn.commit()
