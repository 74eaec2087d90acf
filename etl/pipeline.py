"""The load pipeline: read files → staging (COPY) → checks → swap into ``data``.

Everything from staging to swap runs in one transaction: a failed or interrupted load
leaves ``data`` exactly as it was, and the run is recorded as failed in ``ops.etl_run``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from etl.checks import Finding, run_checks
from etl.readers import READERS, detect
from etl.staging import StagingWriter, create_staging
from etl.swap import current_versions, swap_table
from geoportal.database import Database
from geoportal.tables import TABLES

Progress = Callable[[str], None]
MASS_END_SHARE = 0.2
MASS_END_MIN = 50


class LoadError(RuntimeError):
    """A load was refused; nothing was written to ``data``."""


@dataclass
class LoadResult:
    """What one load did."""

    run_id: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_files(
    database: Database,
    paths: Sequence[Path],
    progress: Progress = _stderr,
    allow_mass_end: bool = False,
) -> LoadResult:
    """Load exchange files (EGiB GML, APP GML) into ``data`` as one versioned snapshot.

    Refused (nothing written) when the snapshot would end more than a fifth of the
    current objects of a table, unless ``allow_mass_end``: that is what loading one
    unit's file of a county-wide namespace would do.
    """
    started = time.monotonic()
    kinds = [_reader_kind(path) for path in paths]
    with database.connect("owner") as conn:
        run_id = _start_run(conn, paths)
        try:
            files = list(zip(paths, kinds, strict=True))
            result = _load_in_transaction(conn, run_id, files, progress, allow_mass_end)
        except Exception as exc:
            conn.rollback()
            _finish_run(conn, run_id, "failed", {}, {"error": str(exc)[:500]})
            raise
        _analyze(conn, result.counts)
        result.seconds = time.monotonic() - started
        progress(f"load {run_id} done in {result.seconds:.1f} s")
        return result


def _reader_kind(path: Path) -> str:
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    kind = detect(path)
    if kind is None:
        raise LoadError(f"{path.name}: not a recognised exchange format (EGiB GML, APP GML)")
    return kind


def _load_in_transaction(
    conn: psycopg.Connection,
    run_id: int,
    files: list[tuple[Path, str]],
    progress: Progress,
    allow_mass_end: bool,
) -> LoadResult:
    writer = StagingWriter()
    findings = _read_all(files, writer, progress)
    tables = [table for table in TABLES if table in writer.counts]
    create_staging(conn, tables)
    writer.copy_into(conn)
    progress(f"staged {writer.total:,} objects in {len(tables)} tables")
    findings += run_checks(conn, tables)
    fatal = [finding for finding in findings if finding.fatal]
    if fatal:
        raise LoadError("; ".join(f"{f.check} in {f.table}: {f.count}" for f in fatal))
    at = dt.datetime.now(dt.UTC)
    counts = {}
    for table in tables:
        current = current_versions(conn, table)
        counts[table] = {"read": writer.counts[table], **swap_table(conn, table, run_id, at)}
        if not allow_mass_end:
            _refuse_mass_end(table, counts[table]["ended"], current)
    report = {"findings": [finding.as_dict() for finding in findings]}
    _finish_run(conn, run_id, "done", counts, report)
    conn.commit()
    return LoadResult(run_id=run_id, counts=counts, findings=findings)


def _read_all(
    files: list[tuple[Path, str]], writer: StagingWriter, progress: Progress
) -> list[Finding]:
    """Stream every file into the staging spools; return the readers' findings."""
    findings: list[Finding] = []
    for path, kind in files:
        reader = READERS[kind](path)
        before = writer.total
        for table, record in reader:
            writer.add(table, record)
            if writer.total % 100_000 == 0:
                progress(f"  {path.name}: {writer.total - before:,} objects read")
        progress(f"read {path.name}: {writer.total - before:,} objects")
        findings += [
            Finding(
                f"{found.code}: {found.message}", path.name, found.count, examples=found.examples
            )
            for found in reader.findings
        ]
    return findings


def _analyze(conn: psycopg.Connection, counts: dict[str, dict[str, int]]) -> None:
    """Fresh statistics for the tables a load changed.

    Without them the first queries after a load plan as if the tables were empty: an
    OGC API bbox request took 178 ms instead of 12 ms until autovacuum caught up.
    """
    for table, count in counts.items():
        if count["inserted"] or count["closed"] or count["ended"]:
            conn.execute(sql.SQL("ANALYZE data.{}").format(sql.Identifier(table)))
    conn.commit()


def _refuse_mass_end(table: str, ended: int, current: int) -> None:
    """A snapshot that ends most objects is usually a partial delivery, not a change."""
    if ended > max(MASS_END_MIN, MASS_END_SHARE * current):
        raise LoadError(
            f"{table}: this load would end {ended:,} of {current:,} current objects; "
            "a load is a complete snapshot of its namespaces. If the files are complete, "
            "repeat with --allow-mass-end."
        )


def _start_run(conn: psycopg.Connection, paths: Sequence[Path]) -> int:
    row = conn.execute(
        "INSERT INTO ops.etl_run (source) VALUES (%s) RETURNING run_id",
        (", ".join(path.name for path in paths),),
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(row[0])


def _finish_run(
    conn: psycopg.Connection, run_id: int, status: str, counts: dict, report: dict
) -> None:
    conn.execute(
        "UPDATE ops.etl_run SET status = %s, finished_at = now(), counts = %s, report = %s"
        " WHERE run_id = %s",
        (status, json.dumps(counts), json.dumps(report, default=str), run_id),
    )
    if status == "failed":
        conn.commit()
