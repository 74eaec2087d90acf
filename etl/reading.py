"""Reading a load's files, in parallel processes when there are several.

Parsing GML is Python work and holds one core; PostgreSQL waits meanwhile. With several
files (a county sends one per cadastral unit) each is read in a process of its own, up to
one per core, and spooled in COPY format into the load's work folder; the load then
copies the spools of all of them. One file, or one core: read here, no processes.

A file that cannot be read ends the load: the other readers are stopped at once and the
message names the file (``FileRefused``).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from lxml import etree

from etl.gml.safe import UnsafeXMLError
from etl.profiles import Profile
from etl.progress import Progress
from etl.readers import READERS, VECTOR, Reader
from etl.readers.base import Finding, InputError
from etl.readers.vector import VectorReader
from etl.staging import StagingWriter

TICK = 1000  # records between progress reports from a reading process
_counter: Synchronized | None = None  # records read, shared by the reading processes


class FileRefused(RuntimeError):
    """A file could not be read; the message names it and says why."""


@dataclass
class FileRead:
    """What reading one file produced: spool files, counts, findings."""

    path: Path
    parts: dict[str, list[Path]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    refused: str | None = None


def read_files(
    files: list[tuple[Path, str]],
    profile: Profile | None,
    folder: Path,
    progress: Progress,
) -> tuple[StagingWriter, list[FileRead]]:
    """Read every file into spools under ``folder``; the writer holding them all."""
    writer = StagingWriter(folder)
    processes = min(len(files), os.cpu_count() or 1)
    progress.stage(f"reading {len(files)} file(s)" + (f", {processes} processes"
                                                      if processes > 1 else ""))  # fmt: skip
    if processes == 1:
        results = [_read_here(path, kind, profile, folder, progress) for path, kind in files]
    else:
        results = _read_in_processes(files, profile, folder, progress, processes)
    for result in results:
        writer.adopt(result.parts, result.counts)
    return writer, results


def _read_here(
    path: Path, kind: str, profile: Profile | None, folder: Path, progress: Progress
) -> FileRead:
    result = read_one(path, kind, profile, folder, progress.advance)
    if result.refused:
        raise FileRefused(result.refused)
    return result


def _read_in_processes(
    files: list[tuple[Path, str]], profile: Profile | None, folder: Path,
    progress: Progress, processes: int,
) -> list[FileRead]:  # fmt: skip
    context = multiprocessing.get_context("spawn")  # nothing of the parent's connections
    counter = context.Value("q", 0)
    seen = 0
    pool = context.Pool(processes, initializer=_share_counter, initargs=(counter,))
    try:
        pending = [pool.apply_async(read_one, (path, kind, profile, folder))
                   for path, kind in files]  # fmt: skip
        results: list[FileRead] = []
        while pending:
            time.sleep(0.2)
            progress.advance(counter.value - seen)
            seen = counter.value
            for job in [job for job in pending if job.ready()]:
                pending.remove(job)
                result = job.get()
                if result.refused:
                    raise FileRefused(result.refused)
                results.append(result)
        pool.close()
        return results
    finally:
        pool.terminate()  # a refusal or an interrupt stops the other readers now
        pool.join()


def _share_counter(counter: Synchronized) -> None:
    global _counter
    _counter = counter


def read_one(
    path: Path, kind: str, profile: Profile | None, folder: Path,
    advance: Callable[[int], None] | None = None,
) -> FileRead:  # fmt: skip
    """Read one file into spools under ``folder`` (in a reading process or here)."""
    writer = StagingWriter(folder)
    result = FileRead(path)
    count = 0
    try:
        reader = _reader(path, kind, profile, folder)
        for table, record in reader:
            writer.add(table, record)
            count += 1
            if count % TICK == 0:
                _tick(advance, TICK)
        result.findings = reader.findings
    except (InputError, UnsafeXMLError, etree.XMLSyntaxError) as exc:
        result.refused = unreadable(path, exc)
    finally:
        writer.close()
    _tick(advance, count % TICK)
    result.parts, result.counts = writer.parts, writer.counts
    return result


def _tick(advance: Callable[[int], None] | None, count: int) -> None:
    if advance is not None:
        advance(count)
    elif _counter is not None:
        with _counter.get_lock():
            _counter.value += count


def _reader(path: Path, kind: str, profile: Profile | None, folder: Path) -> Reader:
    if kind == VECTOR:
        assert profile is not None  # the pipeline refuses vector files without one
        return VectorReader(path, profile, work_dir=folder)
    return READERS[kind](path)


def unreadable(path: Path, error: Exception) -> str:
    """What is wrong with a file, for a person: its name, the problem, where."""
    if isinstance(error, InputError):
        return str(error)  # names the file already
    if isinstance(error, UnsafeXMLError):
        return f"{path.name}: refused as unsafe: {error}"
    problem = str(error)
    if "Text node too long" in problem or "Resource limit exceeded" in problem:
        return (f"{path.name}: a value (a coordinate list?) is over libxml2's 10 MB limit for"
                f" one text; no exchange file needs that ({problem})")  # fmt: skip
    return f"{path.name}: not well-formed XML: {problem}"
