"""The ETL loads real GML through staging into ``data``, keeps history, and is atomic.

Versioning is exercised on a tiny EGiB file cut from the generated demo county and moved
into a namespace and obręb of its own, so the shared demo data stay untouched.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest

from etl.demo import demo_dir
from etl.pipeline import LoadError, load_files

TEST_NAMESPACE = "PL.PZGiK.9999.TEST"


def test_demo_load_counts(database, demo_loaded):
    counts = demo_loaded.counts
    assert counts["parcel"]["read"] == counts["parcel"]["inserted"] >= 1000
    assert {"building", "land_use_contour", "soil_class_contour", "subject", "share",
            "plan", "plan_zone", "cadastral_district"} <= set(counts)  # fmt: skip
    with database.connect("owner") as conn:
        run = conn.execute(
            "SELECT status, counts -> 'parcel' ->> 'read' FROM ops.etl_run WHERE run_id = %s",
            (demo_loaded.run_id,),
        ).fetchone()
    assert run == ("done", str(counts["parcel"]["read"]))


def _cut(source: Path, parcels: int) -> tuple[str, list[str], str]:
    """Header, the first parcel feature lines, footer — moved into the test namespace."""
    lines = source.read_text(encoding="utf-8").splitlines()
    members = [line for line in lines if "<egb:EGB_DzialkaEwidencyjna" in line][:parcels]
    header = "\n".join(lines[:3])
    moved = [line.replace("PL.PZGiK.1003.EGiB", TEST_NAMESPACE) for line in members]
    moved = [re.sub(r"(<egb:idDzialki>\d{6}_\d)\.\d{4}\.", r"\1.9999.", line) for line in moved]
    return header, moved, lines[-1]


def _write(path: Path, header: str, members: list[str], footer: str) -> Path:
    path.write_text("\n".join([header, *members, footer]), encoding="utf-8")
    return path


def _new_version(member: str, version: str, area: str) -> str:
    member = re.sub(r"<egb:wersjaId>[^<]+<", f"<egb:wersjaId>{version}<", member)
    member = re.sub(r"<egb:startWersjaObiekt>[^<]+<", f"<egb:startWersjaObiekt>{version}<", member)
    return re.sub(r'(<egb:poleEwidencyjne uom="ha">)[^<]+<', rf"\g<1>{area}<", member, count=1)


def _versions(database) -> dict[str, list[tuple]]:
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT local_id, area_ha::text, version_end IS NULL, object_end IS NULL"
            " FROM data.parcel WHERE namespace = %s ORDER BY local_id, version_start",
            (TEST_NAMESPACE,),
        ).fetchall()
    result: dict[str, list[tuple]] = {}
    for local_id, *rest in rows:
        result.setdefault(local_id, []).append(tuple(rest))
    return result


@pytest.fixture
def test_namespace_cleanup(database):
    yield
    with database.connect("owner") as conn:
        conn.execute("DELETE FROM data.parcel WHERE namespace = %s", (TEST_NAMESPACE,))


def test_history_is_kept_across_loads(
    database, settings, demo_loaded, tmp_path, test_namespace_cleanup
):
    source = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    header, members, footer = _cut(source, 3)
    first = load_files(database, [_write(tmp_path / "v1.gml", header, members, footer)])
    assert first.counts["parcel"] == {"read": 3, "inserted": 3, "closed": 0, "ended": 0}

    again = load_files(database, [_write(tmp_path / "v1b.gml", header, members, footer)])
    assert again.counts["parcel"] == {"read": 3, "inserted": 0, "closed": 0, "ended": 0}

    changed = [_new_version(members[0], "2026-05-04T10:00:00", "9.8765"), members[1]]
    second = load_files(database, [_write(tmp_path / "v2.gml", header, changed, footer)])
    assert second.counts["parcel"] == {"read": 2, "inserted": 1, "closed": 1, "ended": 1}

    versions = _versions(database)
    histories = sorted(versions.values(), key=len)
    # unchanged parcel: one current version; vanished parcel: ended; changed: two versions
    assert (True, True) in [h[0][1:] for h in histories if len(h) == 1]
    assert (False, False) in [h[0][1:] for h in histories if len(h) == 1]
    changed_history = histories[-1]
    assert [v[0] for v in changed_history][-1] == "9.8765"
    assert [v[1] for v in changed_history] == [False, True]


def test_as_of_query_answers_the_past(
    database, settings, demo_loaded, tmp_path, test_namespace_cleanup
):
    source = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    header, members, footer = _cut(source, 1)
    load_files(database, [_write(tmp_path / "a.gml", header, members, footer)])
    newer = [_new_version(members[0], "2026-05-04T10:00:00", "1.2345")]
    load_files(database, [_write(tmp_path / "b.gml", header, newer, footer)])
    query = (
        "SELECT area_ha::text FROM data.parcel WHERE namespace = %s AND version_start <= %s"
        " AND (version_end IS NULL OR version_end > %s)"
    )
    with database.connect("owner") as conn:
        before = conn.execute(query, (TEST_NAMESPACE, "2026-05-01", "2026-05-01")).fetchall()
        after = conn.execute(query, (TEST_NAMESPACE, "2026-06-01", "2026-06-01")).fetchall()
    assert len(before) == 1 and before[0][0] != "1.2345"
    assert after == [("1.2345",)]


def _parcel_state(database) -> tuple:
    """Rows, highest gid and current rows of data.parcel: any write changes one of them."""
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT count(*), max(gid), count(*) FILTER"
            " (WHERE version_end IS NULL AND object_end IS NULL) FROM data.parcel"
        ).fetchone()


def _last_run_status(database) -> str:
    with database.connect("owner") as conn:
        row = conn.execute("SELECT status FROM ops.etl_run ORDER BY run_id DESC LIMIT 1").fetchone()
    return row[0]


def test_partial_delivery_is_refused(database, settings, demo_loaded):
    one_unit = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    before = _parcel_state(database)
    with pytest.raises(LoadError, match="would end .* current objects"):
        load_files(database, [one_unit])
    assert _parcel_state(database) == before
    assert _last_run_status(database) == "failed"


def test_failed_load_changes_nothing(database, settings, demo_loaded, tmp_path):
    source = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    header, members, footer = _cut(source, 2)
    duplicate = _write(tmp_path / "dup.gml", header, [members[0], members[0]], footer)
    before = _parcel_state(database)
    with pytest.raises(LoadError, match="duplicate_object"):
        load_files(database, [duplicate])
    assert _parcel_state(database) == before
    assert _last_run_status(database) == "failed"


@pytest.mark.parametrize(
    "content, message",
    [("not xml at all", "not a recognised"), ("<a>other xml</a>", "not a recognised")],
)
def test_unrecognised_files_are_refused(database, tmp_path, content, message):
    path = tmp_path / "x.gml"
    path.write_text(content)
    with pytest.raises(LoadError, match=message):
        load_files(database, [path])


def test_missing_file_is_refused(database, tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_files(database, [tmp_path / "absent.gml"])


def test_public_role_sees_only_current_versions(database, demo_loaded):
    with database.connect("public") as conn:
        published = conn.execute("SELECT count(*) FROM publish.parcels").fetchone()
    with database.connect("owner") as conn:
        current = conn.execute(
            "SELECT count(*) FROM data.parcel WHERE version_end IS NULL AND object_end IS NULL"
        ).fetchone()
    assert published == current
    with database.connect("public") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT count(*) FROM data.parcel")
