"""Safe extraction of uploaded zip archives into a work folder.

An uploaded zip is hostile until proven otherwise. Everything that can be judged from the
central directory is judged before a single byte is written: entry names that climb out
of the folder (``..``, absolute paths, backslashes, drive letters), symbolic links and
other special files, too many entries, archives inside the archive, a total size over
the cap, compression ratios of a zip bomb, and entries whose bytes overlap (the
"overlapping files" bomb, where thousands of headers share one compressed stream).

The declared sizes can lie, so extraction counts the bytes that actually come out and
stops as soon as an entry gives more than it declared. Files are created with
``O_EXCL | O_NOFOLLOW`` below a resolved work folder, so nothing is ever written outside
it, not even through a link planted there earlier. A refused extraction removes what it
had written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from etl.readers.base import InputError

GIB = 1024**3
CHUNK = 1 << 20
WARSAW = ZoneInfo("Europe/Warsaw")  # zip times are naive local times; Polish offices write them
NESTED = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst", ".cab", ".jar")
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (skipped), name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class ArchiveLimits:
    """What an upload may hold. The ratio applies to entries of at least ``ratio_floor``
    bytes (and to the whole above it): a 300-byte ``.cpg`` of spaces may compress 100:1
    without being a bomb, while a bomb needs size to do harm."""

    max_total: int = 2 * GIB
    max_entries: int = 10_000
    max_ratio: float = 100.0
    ratio_floor: int = 1 << 20


def extract_zip(
    archive: Path | str, work_dir: Path | str, limits: ArchiveLimits | None = None
) -> list[Path]:
    """Check ``archive`` from its central directory, then extract it into ``work_dir``.

    Returns the extracted files (not directories). Raises :class:`InputError` naming the
    archive and the problem; then the files it had written are removed again.
    """
    archive = Path(archive)
    limits = limits or ArchiveLimits()
    root = Path(work_dir).resolve(strict=True)
    with _open(archive) as zf:
        entries = inspect_zip(archive, zf, limits)
        written: list[Path] = []
        try:
            for info in entries:
                target = _target(archive, root, info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                written.append(target)
                _extract_entry(archive, zf, info, target)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    return written


def list_zip(archive: Path | str) -> list[str]:
    """Names of the files (not directories) in an archive, from its central directory only."""
    with _open(Path(archive)) as zf:
        return [info.filename for info in zf.infolist() if not info.is_dir()]


def inspect_zip(archive: Path, zf: zipfile.ZipFile, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """Every refusal that the central directory alone can justify; the entries if none."""
    entries = zf.infolist()
    if len(entries) > limits.max_entries:
        raise InputError(
            archive,
            f"the archive holds {len(entries):,} entries, more than the "
            f"limit of {limits.max_entries:,}",
        )
    seen: set[str] = set()
    for info in entries:
        _check_name(archive, info)
        _check_kind(archive, info)
        key = info.filename.rstrip("/").lower()
        if key in seen:
            raise InputError(archive, f"entry {info.filename!r} appears twice in the archive")
        seen.add(key)
    _check_sizes(archive, entries, limits)
    _check_overlaps(archive, zf, entries)
    return entries


def _open(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(archive, f"not a readable zip archive ({exc})") from None


def _check_name(archive: Path, info: zipfile.ZipInfo) -> None:
    """Names that could land outside the work folder, on any operating system."""
    for name in {info.filename, info.orig_filename}:
        problem = _name_problem(name)
        if problem:
            raise InputError(archive, f"entry {name!r} is refused: {problem}")


def _name_problem(name: str) -> str | None:
    if not name or "\x00" in name:
        return "its name is empty or contains a NUL byte"
    if "\\" in name:
        return "its name contains a backslash (a Windows path that could climb out)"
    if name.startswith("/"):
        return "its name is an absolute path"
    if _DRIVE.match(name):
        return "its name starts with a drive letter"
    if ".." in PurePosixPath(name).parts:
        return "its name contains '..' (path traversal)"
    return None


def _check_kind(archive: Path, info: zipfile.ZipInfo) -> None:
    """Only regular files and folders: no links, devices, pipes, no nested archives."""
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the writer gave permissions only
    if kind == stat.S_IFLNK:
        raise InputError(archive, f"entry {info.filename!r} is a symbolic link")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise InputError(archive, f"entry {info.filename!r} is a special file, not a regular one")
    if info.flag_bits & 0x1:
        raise InputError(archive, f"entry {info.filename!r} is encrypted")
    if not info.is_dir() and info.filename.lower().endswith(NESTED):
        raise InputError(
            archive,
            f"entry {info.filename!r} is an archive inside the archive; "
            "upload the files it holds instead",
        )


def _check_sizes(archive: Path, entries: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """The total cap and the compression ratio of every entry and of the whole."""
    total = sum(info.file_size for info in entries)
    packed = sum(info.compress_size for info in entries)
    if total > limits.max_total:
        raise InputError(
            archive,
            f"the archive unpacks to {total:,} bytes, more than the limit of {limits.max_total:,}",
        )
    for info in entries:
        if info.file_size >= limits.ratio_floor:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise InputError(
                    archive,
                    f"entry {info.filename!r} is compressed {ratio:,.0f}:1, "
                    f"more than {limits.max_ratio:,.0f}:1 (a zip bomb?)",
                )
    if total >= limits.ratio_floor and total / max(packed, 1) > limits.max_ratio:
        raise InputError(
            archive,
            f"the archive is compressed {total / max(packed, 1):,.0f}:1, "
            f"more than {limits.max_ratio:,.0f}:1 (a zip bomb?)",
        )


def _check_overlaps(archive: Path, zf: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Each entry's local header and data must end before the next entry begins.

    Overlapping entries are how a 40 kB file unpacks to terabytes while every entry has a
    modest ratio; a well-formed archive never has them. The local header is read for its
    real name and extra-field lengths (they may differ from the central directory's).
    """
    spans = sorted(_span(archive, zf, info) for info in entries)
    directory = zf.start_dir  # where the central directory begins
    for (_, end, name), (next_start, _end, next_name) in zip(spans, spans[1:], strict=False):
        if next_start < end:
            raise InputError(
                archive,
                f"entries {name!r} and {next_name!r} share bytes "
                "(overlapping entries, a zip bomb technique)",
            )
    if spans and spans[-1][1] > directory:
        raise InputError(archive, f"entry {spans[-1][2]!r} runs into the central directory")


def _span(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, str]:
    """(first byte, byte after the data, name) of one entry in the archive file."""
    fp = zf.fp
    assert fp is not None
    fp.seek(info.header_offset)
    raw = fp.read(_LOCAL_HEADER.size)
    if len(raw) < _LOCAL_HEADER.size or raw[:4] != _LOCAL_SIGNATURE:
        raise InputError(
            archive,
            f"entry {info.filename!r} points at no local header "
            "(damaged or forged central directory)",
        )
    _, name_len, extra_len = _LOCAL_HEADER.unpack(raw)
    end = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
    return info.header_offset, end, info.filename


def _target(archive: Path, root: Path, name: str) -> Path:
    """The path an entry goes to, proven to lie inside ``root`` (folders created)."""
    target = root.joinpath(*PurePosixPath(name).parts)
    parent = target.parent.resolve()
    if not parent.is_relative_to(root):  # a link inside the work folder could point out
        raise InputError(archive, f"entry {name!r} would be written outside the work folder")
    parent.mkdir(parents=True, exist_ok=True)
    if not parent.resolve().is_relative_to(root):
        raise InputError(archive, f"entry {name!r} would be written outside the work folder")
    return parent / target.name


def _extract_entry(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Stream one entry to ``target``, refusing as soon as it gives more than it declared."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except FileExistsError:
        raise InputError(archive, f"entry {info.filename!r} collides with another entry") from None
    written = 0
    with os.fdopen(fd, "wb") as out:
        for chunk in _chunks(archive, zf, info):
            written += len(chunk)
            if written > info.file_size:
                raise InputError(
                    archive,
                    f"entry {info.filename!r} holds more bytes than the "
                    f"{info.file_size:,} its header declares",
                )
            out.write(chunk)
    if written != info.file_size:
        raise InputError(
            archive,
            f"entry {info.filename!r} holds {written:,} bytes, not the "
            f"{info.file_size:,} its header declares",
        )
    _set_mtime(target, info)


def _chunks(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's bytes in chunks; damage (a wrong CRC, a broken stream) is refused."""
    try:
        with zf.open(info) as source:
            while chunk := source.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise InputError(
            archive, f"entry {info.filename!r} is damaged or its declared size is wrong ({exc})"
        ) from None


def _set_mtime(target: Path, info: zipfile.ZipInfo) -> None:
    """Keep the entry's own modification time: a profile without a version date uses it."""
    try:
        moment = dt.datetime(*info.date_time, tzinfo=WARSAW)
    except ValueError:  # a zeroed or impossible date in the archive
        return
    os.utime(target, (moment.timestamp(), moment.timestamp()))
