"""The load pipeline: read → stage (COPY) → check and repair → publish → report.

Everything from staging to publishing runs in one transaction: a failed, refused or
interrupted load leaves ``data`` exactly as it was (killing the process mid-load is
tested), and the run is recorded with its report in ``ops.etl_run``. A dry run does
everything but publish. Loading the same files again changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

from etl.changes import Changes, detect_changes
from etl.checks import CHECKS, Finding, Policy, prepare_staging, run_checks
from etl.gml.safe import UnsafeXMLError, check_prolog
from etl.profiles import Profile, ProfileError, available_profiles, load_profile
from etl.progress import LineProgress, Progress
from etl.readers import READERS, VECTOR, detect
from etl.reading import FileRead, FileRefused, read_files
from etl.report import Report, area_histogram, collect_map, render_html
from etl.staging import create_staging
from etl.swap import current_versions, swap_table
from geoportal.database import Database
from geoportal.site import Site, load_site
from geoportal.tables import TABLES

MASS_END_SHARE = 0.2
MASS_END_MIN = 50
# What readers notice that is a defect of the data, not of the file: kinds as the checks'.
READER_DEFECTS = {
    "z_dropped": "geometry",
    "wrong_geometry_type": "geometry",
    "zone_symbol_mismatch": "planning",
}
LOAD_LOCK = 0x6574_6C00  # pg_advisory_lock key: "etl"


class LoadError(RuntimeError):
    """A load was refused; nothing was written to ``data``."""


@dataclass
class LoadResult:
    """What one load did."""

    run_id: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def unchanged(self) -> bool:
        """Whether the load changed nothing (the same files again)."""
        return self.changes.nothing


def load_files(
    database: Database,
    paths: Sequence[Path],
    progress: Progress | Callable[[str], None] | None = None,
    allow_mass_end: bool = False,
    *,
    dry_run: bool = False,
    site: Site | None = None,
    policy: Policy | None = None,
    profile: str | Path | None = None,
) -> LoadResult:
    """Load exchange files into ``data`` as one versioned snapshot of their namespaces.

    Refused (nothing written) when a check's policy says so, or when the snapshot would
    end more than a fifth of the current objects of a table, unless ``allow_mass_end``:
    that is what loading one unit's file of a county-wide namespace would do. Files
    without a model of their own (Shapefile, GeoPackage, GeoJSON, FlatGeobuf) are read
    through an attribute ``profile`` (``etl/profiles/``).
    """
    tracker = progress if isinstance(progress, Progress) else LineProgress(progress)
    kinds = [_reader_kind(path, profile) for path in paths]
    site = site or load_site(database.settings.site_file)
    policy = policy or Policy.load(checks=set(CHECKS))
    work_dir = database.settings.var_dir / "work"
    job = _Job(site, policy, tracker, allow_mass_end, dry_run, work_dir, _load_profile(profile))
    with database.connect("owner") as conn:
        run_id = _start_run(conn, paths, dry_run)
        _clear_work_dir(work_dir)
        try:
            result = job.run(conn, run_id, list(zip(paths, kinds, strict=True)))
        except Exception as exc:
            conn.rollback()
            _record_failure(conn, run_id, exc, job, paths)
            raise
        result.seconds = time.monotonic() - job.started
        _analyze(conn, result.counts)
        tracker.finish()
        tracker.note(_summary(result))
        return result


@dataclass
class _Job:
    """One load's settings and the findings it has gathered so far."""

    site: Site
    policy: Policy
    progress: Progress
    allow_mass_end: bool
    dry_run: bool
    work_dir: Path
    profile: Profile | None = None
    findings: list[Finding] = field(default_factory=list)
    check_seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def run(
        self, conn: psycopg.Connection, run_id: int, files: list[tuple[Path, str]]
    ) -> LoadResult:
        """Read, stage, check, publish (unless a dry run), report: one transaction."""
        with tempfile.TemporaryDirectory(prefix="load-", dir=self.work_dir) as folder:
            return self._run(conn, run_id, files, Path(folder))

    def _run(
        self, conn: psycopg.Connection, run_id: int, files: list[tuple[Path, str]], folder: Path
    ) -> LoadResult:
        try:
            writer, reads = read_files(files, self.profile, folder, self.progress)
        except FileRefused as exc:
            raise LoadError(str(exc)) from exc
        self.findings = [finding for read in reads for finding in _reader_findings(read)]
        tables = [table for table in TABLES if table in writer.counts]
        self.progress.stage("staging (COPY)", writer.total)
        create_staging(conn, tables)
        writer.copy_into(conn, self.progress.advance)
        prepare_staging(conn, tables)
        self.progress.stage("checks", len(CHECKS))
        self.findings += run_checks(
            conn, tables, CHECKS, site=self.site, policy=self.policy, run_id=run_id,
            progress=lambda _: self.progress.advance(), seconds=self.check_seconds,
        )  # fmt: skip
        refused = [f for f in self.findings if f.fatal]
        if refused:
            raise LoadError("; ".join(f"{f.check} in {f.table}: {', '.join(f.labels[:3])}"
                                      for f in refused))  # fmt: skip
        changes = detect_changes(conn, tables)
        counts = {table: {"read": writer.counts[table]} for table in tables}
        report = Report(run_id, [p.name for p, _ in files], self.dry_run, counts,
                        changes.counts, self.findings, histogram=area_histogram(conn),
                        check_seconds=self.check_seconds)  # fmt: skip
        collect_map(conn, report)
        if self.dry_run:
            conn.rollback()  # nothing of the load stays, only its report
        else:
            self._publish(conn, run_id, tables, counts)
        report.seconds = time.monotonic() - self.started
        _finish_run(conn, run_id, "done", counts, report, changes)
        conn.commit()
        return LoadResult(run_id, counts, self.findings, changes, self.dry_run)

    def _publish(
        self, conn: psycopg.Connection, run_id: int, tables: list[str], counts: dict
    ) -> None:
        self.progress.stage("publishing", len(tables))
        at = dt.datetime.now(dt.UTC)
        for table in tables:
            current = current_versions(conn, table)
            counts[table] |= swap_table(conn, table, run_id, at)
            if not self.allow_mass_end:
                _refuse_mass_end(table, counts[table]["ended"], current)
            self.progress.advance()


def _reader_kind(path: Path, profile: str | Path | None) -> str:
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    kind = detect(path)
    if kind is None:
        try:
            check_prolog(path)  # readers decline an unsafe XML file: say why, not "unknown"
        except UnsafeXMLError as exc:
            raise LoadError(f"{path.name}: refused as unsafe: {exc}") from exc
        formats = ", ".join(READERS)
        raise LoadError(f"{path.name}: not a recognised exchange format ({formats})")
    if kind == VECTOR and profile is None:
        raise LoadError(
            f"{path.name}: a {path.suffix or 'vector'} file says nothing of its model; name an"
            f" attribute profile with --profile ({', '.join(available_profiles())})"
        )
    return kind


def _clear_work_dir(work_dir: Path) -> None:
    """Folders of killed loads go (this load holds the lock: no other is running)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    for stale in work_dir.glob("load-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _reader_findings(read: FileRead) -> list[Finding]:
    """What a reader noticed, as findings of the load (those a check also reports go to
    the check, which says it once, with its policy)."""
    return [
        Finding(found.code, read.path.name, found.count, "report",
                READER_DEFECTS.get(found.code, "reader"),
                labels=[f"{found.message}: {e}" for e in found.examples] or [found.message])
        for found in read.findings
        if found.code not in CHECKS
    ]  # fmt: skip


def _load_profile(profile: str | Path | None) -> Profile | None:
    if profile is None:
        return None
    try:
        return load_profile(profile)
    except ProfileError as exc:
        raise LoadError(str(exc)) from exc


def _summary(result: LoadResult) -> str:
    if result.dry_run:
        return f"run {result.run_id}: dry run, {len(result.findings)} findings, nothing published"
    if result.unchanged:
        return f"run {result.run_id}: nothing changed (the data are as published)"
    return f"run {result.run_id}: published in {result.seconds:.1f} s"


def _analyze(conn: psycopg.Connection, counts: dict[str, dict[str, int]]) -> None:
    """Fresh statistics for the tables a load changed.

    Without them the first queries after a load plan as if the tables were empty: an
    OGC API bbox request took 178 ms instead of 12 ms until autovacuum caught up.
    """
    for table, count in counts.items():
        if count.get("inserted") or count.get("closed") or count.get("ended"):
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


def _start_run(conn: psycopg.Connection, paths: Sequence[Path], dry_run: bool) -> int:
    """Record the run; one load at a time, and the runs of killed loads are closed.

    The lock is the session's: it goes with the connection, so a killed load never
    leaves it behind, and a 'running' run found while holding it died with its process.
    """
    locked = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOAD_LOCK,)).fetchone()
    if not (locked and locked[0]):
        raise LoadError("another load is running; wait for it to end (geoportal etl runs)")
    conn.execute(
        "UPDATE ops.etl_run SET status = 'failed', finished_at = now(), report = report ||"
        " jsonb_build_object('refused', 'interrupted: the loading process ended before"
        " finishing; nothing of it was published') WHERE status = 'running'"
    )
    row = conn.execute(
        "INSERT INTO ops.etl_run (source, dry_run) VALUES (%s, %s) RETURNING run_id",
        (", ".join(path.name for path in paths), dry_run),
    ).fetchone()
    conn.commit()
    assert row is not None
    return int(row[0])


def _finish_run(
    conn: psycopg.Connection, run_id: int, status: str, counts: dict, report: Report,
    changes: Changes | None = None,
) -> None:  # fmt: skip
    conn.execute(
        # clock_timestamp(): now() is the start of the load's transaction, before the checks
        "UPDATE ops.etl_run SET status = %s, finished_at = clock_timestamp(), counts = %s,"
        " report = %s, report_html = %s, changed_area = %s::geometry WHERE run_id = %s",
        (status, json.dumps(counts), json.dumps(report.as_json(), default=str),
         render_html(report), changes.area_wkb if changes else None, run_id),
    )  # fmt: skip


def _record_failure(
    conn: psycopg.Connection, run_id: int, error: Exception, job: _Job,
    paths: Sequence[Path],
) -> None:  # fmt: skip
    """The failed run and what was found until then: the report says why nothing changed."""
    problem = str(error) or type(error).__name__
    report = Report(run_id, [p.name for p in paths], job.dry_run, {}, {}, job.findings,
                    seconds=time.monotonic() - job.started, refused=problem[:2000],
                    check_seconds=job.check_seconds)  # fmt: skip
    _finish_run(conn, run_id, "failed", {}, report)
    conn.commit()
