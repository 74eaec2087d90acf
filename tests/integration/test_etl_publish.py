"""Publishing: the same files twice change nothing, changes are counted and located, a
killed load leaves the data as they were, and the command line says all of it.

The command line runs as a real process against the test cluster (its settings passed as
``GEOPORTAL_*`` variables), so progress, summary and exit status are what a person sees.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.demo import demo_dir
from etl.pipeline import LoadError, load_files
from geoportal.runs import pending_refresh

TEST_NAMESPACE = "PL.PZGiK.9998.CHANGES"
GEOPORTAL = str(Path(sys.executable).with_name("geoportal"))


def _geoportal(settings, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = os.environ | settings.environment()
    return subprocess.run([GEOPORTAL, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)  # fmt: skip


def _demo_files(settings) -> list[Path]:
    return sorted(demo_dir(settings).rglob("*.gml"))


def _state(database) -> tuple:
    """Rows, highest gid, current rows and an area checksum of the versioned tables."""
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM data.parcel), (SELECT max(gid) FROM data.parcel),"
            " (SELECT sum(area_ha) FROM data.parcel WHERE version_end IS NULL),"
            " (SELECT count(*) FROM data.building), (SELECT count(*) FROM data.plan_zone)"
        ).fetchone()


def _cut(settings, count: int) -> tuple[str, list[str], str]:
    """A tiny EGiB file of ``count`` demo parcels moved into a namespace of its own."""
    source = sorted(demo_dir(settings).glob("egib/EGIB_1*_*.gml"))[0]
    lines = source.read_text(encoding="utf-8").splitlines()
    members = [line for line in lines if "<egb:EGB_DzialkaEwidencyjna" in line][:count]
    moved = [line.replace("PL.PZGiK.1003.EGiB", TEST_NAMESPACE) for line in members]
    moved = [re.sub(r"(<egb:idDzialki>\d{6}_\d)\.\d{4}\.", r"\1.9998.", line) for line in moved]
    return "\n".join(lines[:3]), moved, lines[-1]


def _write(path: Path, header: str, members: list[str], footer: str) -> Path:
    path.write_text("\n".join([header, *members, footer]), encoding="utf-8")
    return path


def _new_version(member: str, version: str, area: str) -> str:
    """The parcel's feature line as a new version with another legal area."""
    member = re.sub(r"<egb:wersjaId>[^<]+<", f"<egb:wersjaId>{version}<", member)
    return re.sub(r'(<egb:poleEwidencyjne uom="ha">)[^<]+<', rf"\g<1>{area}<", member, count=1)


@pytest.fixture
def own_namespace(database):
    yield
    with database.connect("owner") as conn:
        conn.execute("DELETE FROM data.parcel WHERE namespace = %s", (TEST_NAMESPACE,))


def test_loading_the_same_files_again_changes_nothing_and_says_so(database, settings, demo_loaded):
    before = _state(database)
    result = _geoportal(settings, "etl", "run", "--no-cache-refresh",
                        *map(str, _demo_files(settings)))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "nothing changed, the data are as published" in result.stdout
    assert _state(database) == before
    run_id = int(re.search(r"run (\d+): nothing changed", result.stdout).group(1))
    with database.connect("owner") as conn:
        status, area = conn.execute(
            "SELECT status, changed_area FROM ops.etl_run WHERE run_id = %s", (run_id,)
        ).fetchone()
    assert (status, area) == ("done", None)


def test_changes_are_counted_located_and_handed_to_the_cache(
    database, settings, demo_loaded, tmp_path, own_namespace
):
    header, members, footer = _cut(settings, 3)
    first = load_files(database, [_write(tmp_path / "a.gml", header, members, footer)])
    assert first.changes.counts["parcel"] == {"added": 3, "removed": 0, "changed": 0}

    changed = _new_version(members[0], "2026-05-04T10:00:00", "9.8765")
    second = load_files(
        database, [_write(tmp_path / "b.gml", header, [changed, members[1]], footer)]
    )
    assert second.changes.counts["parcel"] == {"added": 0, "removed": 1, "changed": 1}

    with database.connect("owner") as conn:
        covered = conn.execute(
            "SELECT bool_and(ST_Covers(r.changed_area, p.geom)), ST_Area(r.changed_area)"
            " FROM ops.etl_run r, data.parcel p WHERE r.run_id = %s AND p.namespace = %s"
            " AND p.local_id IN (SELECT local_id FROM data.parcel WHERE namespace = %s"
            "  AND (object_end IS NOT NULL OR area_ha = 9.8765)) GROUP BY r.changed_area",
            (second.run_id, TEST_NAMESPACE, TEST_NAMESPACE),
        ).fetchone()
        pending = pending_refresh(conn)
    assert covered[0] is True  # old and new shapes of the changed and the removed parcel
    assert covered[1] <= 4e6  # a few 1 km cells, not the county
    assert second.run_id in pending.run_ids and "parcel" in pending.tables


def test_a_killed_load_leaves_the_published_data_as_they_were(
    database, settings, demo_loaded, tmp_path
):
    folder = tmp_path / "changed"
    shutil.copytree(demo_dir(settings), folder)
    victim = sorted(folder.glob("egib/EGIB_1*_*.gml"))[0]
    lines = victim.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if "<egb:EGB_DzialkaEwidencyjna" in line)
    lines[first] = _new_version(lines[first], "2026-11-01T00:00:00", "123.4567")
    victim.write_text("\n".join(lines), encoding="utf-8")
    before = _state(database)

    env = os.environ | settings.environment()
    process = subprocess.Popen(
        [GEOPORTAL, "etl", "run", "--no-cache-refresh", *map(str, sorted(folder.rglob("*.gml")))],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:  # killed once staging is written, inside the transaction
        if line.startswith("staging (COPY):"):
            process.send_signal(signal.SIGKILL)
            break
    assert process.wait(timeout=60) == -signal.SIGKILL
    assert _state(database) == before
    _wait_for_the_lock(database)

    # the files would have changed a parcel; the next load closes the killed run
    dry = load_files(database, sorted(folder.rglob("*.gml")), dry_run=True)
    assert dry.changes.counts["parcel"]["changed"] == 1
    with database.connect("owner") as conn:
        status, why = conn.execute(
            "SELECT status, report ->> 'refused' FROM ops.etl_run WHERE run_id = %s",
            (dry.run_id - 1,),
        ).fetchone()
    assert status == "failed" and why.startswith("interrupted")
    assert _state(database) == before


def _wait_for_the_lock(database, seconds: float = 60) -> None:
    """The killed client's server process rolls back when it notices the closed socket."""
    deadline = time.monotonic() + seconds
    with database.connect("owner") as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
            ).fetchone()
            if row[0] == 0:
                return
            time.sleep(0.2)
    raise AssertionError("the killed load's transaction still holds its lock")


def test_the_command_line_names_defects_and_keeps_the_report(database, settings, tmp_path):
    from etl.synthetic.defects import inject_defects

    target = tmp_path / "defects"
    manifest = inject_defects(demo_dir(settings), target, rate=0.01, seed=5)
    result = _geoportal(
        settings, "etl", "run", "--dry-run", *map(str, sorted(target.rglob("*.gml")))
    )
    assert result.returncode == 0, result.stderr
    assert "dry run, nothing published" in result.stdout
    named = [entry for entry in manifest if entry.label in result.stdout]
    assert named, "the summary names no injected object by its id"
    assert any(f"  {entry.check} (" in result.stdout for entry in manifest)
    assert "checks:" in result.stderr  # a progress line per stage

    run_id = re.search(r"run (\d+): dry run", result.stdout).group(1)
    runs = _geoportal(settings, "etl", "runs", "--limit", "3")
    assert re.search(rf"^\s*{run_id}\s.*dry run", runs.stdout, re.MULTILINE)
    page = tmp_path / "report.html"
    report = _geoportal(settings, "etl", "report", run_id, "--html", str(page))
    assert report.returncode == 0 and "<svg" in page.read_text(encoding="utf-8")
    missing = _geoportal(settings, "etl", "report", "999999")
    assert missing.returncode == 1 and "there is no run 999999" in missing.stderr


def test_a_vector_file_without_a_profile_is_refused_naming_the_choice(database, tmp_path):
    path = tmp_path / "parcels.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(LoadError, match="parcels.geojson: .*--profile.*parcels-kieg"):
        load_files(database, [path])
