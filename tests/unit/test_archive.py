"""Hostile zip uploads: refused from the central directory, before anything is written."""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from etl.archive import ArchiveLimits, extract_zip, list_zip
from etl.readers.base import InputError


def listing(folder: Path) -> set[str]:
    """Every path under ``folder`` (to prove nothing appeared outside the work folder)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def build_zip(path: Path, entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 17, 12, 30, 0))
            zf.writestr(info, data, compress_type=method)
    return path


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def refused(archive: Path, work: Path, *words: str, limits: ArchiveLimits | None = None) -> str:
    """Extraction must fail naming the archive and the problem, writing nothing anywhere."""
    outside = work.parent.parent
    before = listing(outside)
    with pytest.raises(InputError) as caught:
        extract_zip(archive, work, limits)
    message = str(caught.value)
    assert message.startswith(f"{archive.name}: ")
    for word in words:
        assert word in message
    assert listing(outside) == before
    assert not any(work.iterdir())
    return message


def test_a_plain_archive_is_extracted_with_its_times(tmp_path, work):
    archive = build_zip(tmp_path / "dane.zip", {"dzialki.shp": b"x" * 100, "sub/dzialki.dbf": b"y"})
    paths = extract_zip(archive, work)
    assert sorted(p.relative_to(work).as_posix() for p in paths) == [
        "dzialki.shp",
        "sub/dzialki.dbf",
    ]
    assert (work / "dzialki.shp").read_bytes() == b"x" * 100
    written = dt.datetime.fromtimestamp((work / "dzialki.shp").stat().st_mtime, dt.UTC)
    assert written == dt.datetime(2024, 5, 17, 10, 30, tzinfo=dt.UTC)  # 12:30 in Warsaw (CEST)
    assert list_zip(archive) == ["dzialki.shp", "sub/dzialki.dbf"]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.txt", "path traversal"),
        ("ok/../../evil.txt", "path traversal"),
        ("/tmp/evil.txt", "absolute path"),
        ("..\\evil.txt", "backslash"),
        ("C:/Windows/evil.txt", "drive letter"),
        ("c:evil.txt", "drive letter"),
    ],
)
def test_names_that_climb_out_are_refused(tmp_path, work, name, problem):
    archive = build_zip(tmp_path / "upload.zip", {"fine.txt": b"ok", name: b"evil"})
    refused(archive, work, repr(name), problem)


def test_symlinks_are_refused(tmp_path, work):
    archive = tmp_path / "links.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        link = zipfile.ZipInfo("passwd.shp")
        link.create_system = 3  # unix
        link.external_attr = 0o120777 << 16  # S_IFLNK
        zf.writestr(link, "/etc/passwd")
    refused(archive, work, "'passwd.shp'", "symbolic link")


def test_more_than_ten_thousand_entries_are_refused(tmp_path, work):
    archive = build_zip(
        tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(10_001)}, zipfile.ZIP_STORED
    )
    refused(archive, work, "10,001 entries", "10,000")


def test_nested_archives_are_refused(tmp_path, work):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.shp", b"x")
    archive = build_zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    refused(archive, work, "'inner.zip'", "archive inside the archive")


def test_a_bomb_by_ratio_is_refused(tmp_path, work):
    archive = build_zip(tmp_path / "bomb.zip", {"zeros.dbf": bytes(20 << 20)})
    refused(archive, work, "'zeros.dbf'", "compressed", "more than 100:1")


def test_a_bomb_spread_over_small_entries_is_refused_as_a_whole(tmp_path, work):
    entries = {f"part{i}.dbf": bytes(512 << 10) for i in range(40)}  # each under the floor
    archive = build_zip(tmp_path / "spread.zip", entries)
    refused(archive, work, "the archive is compressed", "more than 100:1")


def test_the_total_size_is_capped(tmp_path, work):
    archive = build_zip(tmp_path / "big.zip", {"a.bin": os.urandom(3000)}, zipfile.ZIP_STORED)
    refused(archive, work, "3,000 bytes", "limit of 2,000", limits=ArchiveLimits(max_total=2000))
    assert ArchiveLimits().max_total == 2 * 1024**3


def _central_entries(data: bytes) -> list[int]:
    """Offsets of the central directory headers in a zip's bytes."""
    found, start = [], 0
    while (at := data.find(b"PK\x01\x02", start)) >= 0:
        found.append(at)
        start = at + 4
    return found


def test_overlapping_entries_are_refused(tmp_path, work):
    """Entry b's header and data lie inside entry a's data (the Fifield overlap bomb)."""
    single = build_zip(tmp_path / "b.zip", {"b.shp": b"B" * 500}, zipfile.ZIP_STORED)
    with zipfile.ZipFile(single) as zf:
        chunk_b = single.read_bytes()[: zf.start_dir]  # b's local header and data
    archive = build_zip(
        tmp_path / "overlap.zip", {"a.shp": chunk_b, "b.shp": b"B" * 500}, zipfile.ZIP_STORED
    )
    data = bytearray(archive.read_bytes())
    second = _central_entries(bytes(data))[1]
    inside_a = 30 + len("a.shp")  # where a's data, hence b's copied header, begins
    data[second + 42 : second + 46] = struct.pack("<I", inside_a)
    archive.write_bytes(bytes(data))
    with zipfile.ZipFile(archive) as zf:  # the forged archive is readable as it stands
        assert zf.read("b.shp") == b"B" * 500
    refused(archive, work, "'a.shp' and 'b.shp' share bytes", "overlapping")


def test_entries_sharing_one_header_are_refused(tmp_path, work):
    archive = build_zip(
        tmp_path / "same.zip", {"a.shp": b"A" * 500, "b.shp": b"B" * 500}, zipfile.ZIP_STORED
    )
    data = bytearray(archive.read_bytes())
    second = _central_entries(bytes(data))[1]
    data[second + 42 : second + 46] = struct.pack("<I", 0)
    archive.write_bytes(bytes(data))
    refused(archive, work, "overlapping")


def test_a_size_that_lies_is_caught_while_extracting(tmp_path, work):
    """The central directory claims 10 bytes for 5000: extraction stops and cleans up."""
    archive = build_zip(tmp_path / "liar.zip", {"first.txt": b"fine", "liar.dbf": b"z" * 5000})
    data = bytearray(archive.read_bytes())
    second = _central_entries(bytes(data))[1]
    data[second + 24 : second + 28] = struct.pack("<I", 10)  # uncompressed size
    archive.write_bytes(bytes(data))
    refused(archive, work, "'liar.dbf'", "declared")


def test_duplicate_entries_are_refused(tmp_path, work):
    archive = tmp_path / "twice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.shp", b"1")
        zf.writestr("A.SHP", b"2")  # one file on a case-insensitive disk
    refused(archive, work, "appears twice")


def test_not_a_zip_is_refused(tmp_path, work):
    archive = tmp_path / "fake.zip"
    archive.write_bytes(b"this is not an archive")
    refused(archive, work, "not a readable zip archive")


def test_a_link_planted_in_the_work_folder_is_not_followed(tmp_path, work):
    """Even a folder link already in the work folder cannot carry an entry outside it."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (work / "out").symlink_to(elsewhere, target_is_directory=True)
    archive = build_zip(tmp_path / "planted.zip", {"out/evil.txt": b"evil"})
    with pytest.raises(InputError, match="outside the work folder"):
        extract_zip(archive, work)
    assert not any(elsewhere.iterdir())
