"""The checks find every injected defect (recall) and nothing on the clean county (precision).

The demo county is generated, copied with defects injected by
``etl.synthetic.defects`` (each recorded in a manifest with the check that must find it),
and both are loaded as dry runs into the real PostGIS: nothing is published.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from etl.checks import CHECKS, Policy
from etl.demo import demo_dir
from etl.pipeline import READER_DEFECTS, LoadResult, load_files
from etl.synthetic.defects import MUTATIONS, Injected, inject_defects

DEFECT_KINDS = {"geometry", "topology", "identity", "attributes", "planning"}


def _defects(result: LoadResult) -> list:
    return [f for f in result.findings if f.kind in DEFECT_KINDS]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.gml"))


@pytest.fixture(scope="module")
def clean(database, demo_loaded) -> LoadResult:
    return load_files(database, _files(demo_dir(database.settings)), dry_run=True)


@pytest.fixture(scope="module")
def defective(database, demo_loaded, tmp_path_factory) -> tuple[list[Injected], Path]:
    target = tmp_path_factory.mktemp("defects")
    return inject_defects(demo_dir(database.settings), target, rate=0.01, seed=11), target


@pytest.fixture(scope="module")
def injected(database, defective) -> tuple[list[Injected], LoadResult]:
    manifest, target = defective
    return manifest, load_files(database, _files(target), dry_run=True)


def test_the_clean_county_has_no_defect(clean):
    assert [(f.check, f.table, f.labels[:3]) for f in _defects(clean)] == []


def test_every_defect_class_was_injected(injected):
    manifest, _ = injected
    assert {entry.defect for entry in manifest} == set(MUTATIONS)
    assert {entry.check for entry in manifest} <= set(CHECKS) | set(READER_DEFECTS)


def test_recall_every_injected_defect_is_found_by_its_check(injected):
    manifest, result = injected
    labels = defaultdict(list)
    for finding in result.findings:
        labels[finding.check] += finding.labels
    missed = [(e.defect, e.check, e.label) for e in manifest
              if not any(e.label in label for label in labels[e.check])]  # fmt: skip
    print(f"recall: {len(manifest) - len(missed)}/{len(manifest)}", missed)
    assert missed == []


def test_precision_nothing_flagged_but_the_injected(injected):
    manifest, result = injected
    related = {identifier for entry in manifest for identifier in entry.related}
    flagged = [(f.check, label) for f in _defects(result) for label in f.labels]
    unexplained = [(check, label) for check, label in flagged
                   if not any(identifier in label for identifier in related)]  # fmt: skip
    print(f"precision: {len(flagged) - len(unexplained)}/{len(flagged)}")
    assert unexplained == []


def test_a_dry_run_publishes_nothing_and_keeps_its_report(database, injected):
    _, result = injected
    assert result.dry_run
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT dry_run, status, report->'findings', report_html, report, finished_at"
            " - started_at FROM ops.etl_run WHERE run_id = %s", (result.run_id,),
        ).fetchone()  # fmt: skip
        quarantined = conn.execute("SELECT count(*) FROM ops.etl_quarantine").fetchone()[0]
    assert row[0] is True and row[1] == "done" and len(row[2]) == len(result.findings)
    assert "Raport jakości" in row[3] and "<svg" in row[3] and "Najdłuższe kontrole" in row[3]
    report, elapsed = row[4], row[5].total_seconds()
    assert report["seconds"] > 0 and abs(report["seconds"] - elapsed) < 1
    assert set(report["check_seconds"]) == set(CHECKS)
    assert sum(report["check_seconds"].values()) < report["seconds"]
    assert quarantined == 0  # set aside only in the rolled-back transaction


def test_invalid_geometries_only_reported_do_not_break_the_overlay_checks(database, defective):
    """With "report" for invalid geometries they stay invalid through the topology checks,
    whose intersections and differences throw on invalid input (seen at 300k parcels)."""
    _, target = defective
    policy = Policy({"invalid_geometry": "report"}, {})
    result = load_files(database, _files(target), dry_run=True, policy=policy)
    invalid = [f for f in result.findings if f.check == "invalid_geometry"]
    assert invalid and {f.action for f in invalid} == {"report"}
    assert {"parcel_overlap", "parcel_gap", "zone_overlap"} <= {f.check for f in result.findings}


def _stage(conn, table: str, rows: list[dict]) -> None:
    for row in rows:
        columns = ["namespace", "version_id", "version_start", *row]
        values = ["T", "1", "2026-01-01", *row.values()]
        conn.execute(
            f"INSERT INTO staging.{table} ({', '.join(columns)})"  # noqa: S608 - names of this test
            f" VALUES ({', '.join(['%s'] * len(columns))})",
            values,
        )


def _square(x: float, y: float, side: float = 100) -> str:
    x2, y2 = x + side, y + side
    return f"SRID=2180;MULTIPOLYGON((({x} {y},{x2} {y},{x2} {y2},{x} {y2},{x} {y})))"


def test_an_obreb_without_any_land_use_contour_is_reported_whole(database, site):
    """The land-use check in an obręb no contour touches: each of its parcels lacks all of it."""
    from etl.checks.model import CheckContext
    from etl.checks.topology import land_use_cover
    from etl.staging import create_staging

    with database.connect("owner") as conn:
        create_staging(conn, ["parcel", "land_use_contour"])
        parcel = {"parcel_id": "", "number": "1", "district_id": "", "area_ha": 1, "geom": ""}
        _stage(conn, "parcel", [
            {**parcel, "local_id": "a", "parcel_id": "1.0001.1", "district_id": "1.0001",
             "geom": _square(500_000, 300_000)},
            {**parcel, "local_id": "b", "parcel_id": "1.0002.1", "district_id": "1.0002",
             "geom": _square(510_000, 300_000)},
        ])  # fmt: skip
        _stage(conn, "land_use_contour", [
            {"local_id": "c", "contour_id": "c", "ofu": "R", "geom": _square(500_000, 300_000)},
        ])  # fmt: skip
        found = land_use_cover(CheckContext(conn, site), "parcel")
        conn.rollback()
    assert found.local_ids == ["b"]
    assert found.labels == ["1.0002.1: 10000.0 m² without land use"]


def test_a_load_sees_only_its_own_staging_tables(database):
    """A staging table an earlier load left must not pass for this load's: checks of land use
    would otherwise run a parcel-only load against another load's contours."""
    from etl.checks.model import CheckContext
    from etl.staging import create_staging

    with database.connect("owner") as conn:
        create_staging(conn, ["parcel", "land_use_contour"])
        create_staging(conn, ["parcel"])
        context = CheckContext(conn, site=None)  # type: ignore[arg-type]
        loaded = context.loaded("parcel"), context.loaded("land_use_contour")
        conn.rollback()
    assert loaded == (True, False)
