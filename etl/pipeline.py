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

from etl.checks import Finding, run_checks
from etl.readers import READERS, detect
from etl.staging import StagingWriter, create_staging
from etl.swap import swap_table
from etl.tables import TABLES
from geoportal.db import connect
from geoportal.settings import Settings

Progress = Callable[[str], None]


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
    settings: Settings, paths: Sequence[Path], progress: Progress = _stderr
) -> LoadResult:
    """Load exchange files (EGiB GML, APP GML) into ``data`` as one versioned snapshot."""
    started = time.monotonic()
    kinds = [_reader_kind(path) for path in paths]
    with connect(settings, "owner") as conn:
        run_id = _start_run(conn, paths)
        try:
            result = _load_in_transaction(
                conn, run_id, list(zip(paths, kinds, strict=True)), progress
            )
        except Exception as exc:
            conn.rollback()
            _finish_run(conn, run_id, "failed", {}, {"error": str(exc)[:500]})
            raise
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
    conn: psycopg.Connection, run_id: int, files: list[tuple[Path, str]], progress: Progress
) -> LoadResult:
    writer = StagingWriter()
    reader_findings: list[Finding] = []
    for path, kind in files:
        reader = READERS[kind](path)
        before = sum(writer.counts.values())
        for table, record in reader:
            writer.add(table, record)
            total = sum(writer.counts.values())
            if total % 50_000 == 0:
                progress(f"  {path.name}: {total - before:,} objects read")
        progress(f"read {path.name}: {sum(writer.counts.values()) - before:,} objects")
        reader_findings += [
            Finding(
                f"{found.code}: {found.message}", path.name, found.count, examples=found.examples
            )
            for found in reader.findings
        ]
    tables = [table for table in TABLES if table in writer.counts]
    create_staging(conn, tables)
    writer.copy_into(conn)
    progress(f"staged {sum(writer.counts.values()):,} objects in {len(tables)} tables")
    findings = reader_findings + run_checks(conn, tables)
    fatal = [finding for finding in findings if finding.fatal]
    if fatal:
        raise LoadError("; ".join(f"{f.check} in {f.table}: {f.count}" for f in fatal))
    at = dt.datetime.now(dt.UTC)
    counts = {table: {"read": writer.counts[table], **swap_table(conn, table, run_id, at)}
              for table in tables}  # fmt: skip
    report = {"findings": [finding.as_dict() for finding in findings]}
    _finish_run(conn, run_id, "done", counts, report)
    conn.commit()
    return LoadResult(run_id=run_id, counts=counts, findings=findings)


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
