"""The general plan through the real ETL into PostGIS: the demo county's plan ogólny, the
real zones of the APP plugin's test plan, and a new version of a zone kept as history.

Expected values come from the GML text (regular expressions, not the reader) and from
plain SQL on the cadastral tables.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.demo import demo_files
from etl.pipeline import load_files

APP = Path(__file__).parents[1] / "fixtures" / "app_samples"
PLANNING = {"zone_overlap", "zone_outside_plan", "zone_gap", "zone_designation_twice",
            "zone_symbol", "zone_symbol_mismatch", "zone_parameter_precision"}  # fmt: skip


@pytest.fixture(scope="module")
def general_plan_file(settings, demo_loaded) -> Path:
    (path,) = [p for p in demo_files(settings, lambda m: None) if p.name.startswith("APP_POG_")]
    return path


def _markings(path: Path) -> list[str]:
    return re.findall(r"<app:oznaczenie>([^<]+)</app:oznaczenie>", path.read_text("utf-8"))


def test_the_demo_load_brings_every_zone_of_the_general_plan(
    database, demo_loaded, general_plan_file
):
    expected = _markings(general_plan_file)
    assert len(expected) >= 5 and demo_loaded.counts["general_plan_zone"]["read"] == len(expected)
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT oznaczenie, symbol, plan_id FROM data.general_plan_zone"
            " WHERE version_end IS NULL AND object_end IS NULL ORDER BY gid"
        ).fetchall()
        plan_type = conn.execute(
            "SELECT DISTINCT p.plan_type FROM data.plan p JOIN data.general_plan_zone z"
            " USING (plan_id) WHERE p.version_end IS NULL"
        ).fetchall()
    assert sorted(r[0] for r in rows) == sorted(expected)
    assert all(oznaczenie.endswith(symbol) for oznaczenie, symbol, _ in rows)
    assert plan_type == [("planOgolnyGminy",)]
    general = [f for f in demo_loaded.findings if f.table == "general_plan_zone"]
    assert not [f for f in general if f.check in PLANNING], general


def test_the_zones_cover_the_whole_gmina_once(database, demo_loaded):
    with database.connect("owner") as conn:
        zones, overlap, unit, differ = conn.execute(
            "WITH z AS (SELECT geom FROM data.general_plan_zone WHERE version_end IS NULL),"
            " u AS (SELECT geom FROM data.cadastral_unit WHERE unit_id = '100301_2'"
            " AND version_end IS NULL)"
            " SELECT (SELECT sum(ST_Area(geom)) FROM z),"
            " (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) FROM z a"
            "  JOIN z b ON a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')"
            "  AND a.geom::text < b.geom::text),"
            " (SELECT ST_Area(geom) FROM u),"
            " (SELECT ST_Area(ST_SymDifference((SELECT ST_Union(geom) FROM z), geom)) FROM u)"
        ).fetchone()
    assert overlap < 1.0  # m²
    assert zones == pytest.approx(unit, rel=1e-4) and differ < unit * 1e-4


def test_the_public_view_shows_the_zones_with_their_plan(database, demo_loaded):
    with database.connect("public") as conn:
        rows = conn.execute(
            "SELECT oznaczenie, symbol, zone_name, main_profile, max_height_m, plan_title,"
            " resolution_no FROM publish.general_plan_zones"
        ).fetchall()
    with database.connect("owner") as conn:
        current = conn.execute(
            "SELECT count(*) FROM data.general_plan_zone WHERE version_end IS NULL"
        ).fetchone()[0]
    assert len(rows) == current
    by_marking = {r[0]: r for r in rows}
    sj = next(r for m, r in by_marking.items() if m.endswith("SJ") or m.endswith("SZ"))
    assert sj[2].startswith("strefa wielofunkcyjna z zabudową")
    assert "teren zabudowy" in sj[3] and sj[4] is not None
    assert {r[5] for r in rows} == {"Plan ogólny gminy Buczek"}
    assert all(re.fullmatch(r"[IVXLC]+/\d+/2025", r[6]) for r in rows)
    so = next(r for m, r in by_marking.items() if m.endswith("SO"))
    assert so[2] == "strefa otwarta"


def test_the_real_test_plan_loads_its_28_zones_without_planning_defects(database, demo_loaded):
    files = [APP / "1_pog_AktPlanowaniaPrzestrzennego.gml", APP / "1_strefy_StrefaPlanistyczna.gml"]
    result = load_files(database, files, dry_run=True)
    assert result.counts["general_plan_zone"]["read"] == 28
    assert result.counts["plan"]["read"] == 1
    found = {f.check for f in result.findings}
    assert not found & {
        "zone_symbol",
        "zone_symbol_mismatch",
        "zone_designation_twice",
        "zone_parameter_precision",
    }


def test_a_new_version_of_a_zone_closes_the_old_one(database, demo_loaded, general_plan_file,
                                                    tmp_path):  # fmt: skip
    text = general_plan_file.read_text("utf-8")
    zone = re.search(r"<app:StrefaPlanistyczna .*?</app:StrefaPlanistyczna>", text, re.S)
    assert zone is not None
    old = zone.group(0)
    lid = re.search(r"<app:lokalnyId>([^<]+)<", old).group(1)
    version = re.search(r"<app:wersjaId>([^<]+)<", old).group(1)
    new = old.replace(version, "20260115T100000").replace(
        re.search(r"<app:poczatekWersjiObiektu>[^<]+<", old).group(0),
        "<app:poczatekWersjiObiektu>2026-01-15T10:00:00Z<",
    )
    new = re.sub(r'(<app:maksWysokoscZabudowy uom="m">)[^<]+<', r"\g<1>21.5<", new)
    if "maksWysokoscZabudowy" not in new:  # a zone without parameters (SK) gets a height
        new = new.replace("</app:StrefaPlanistyczna>", '<app:maksWysokoscZabudowy uom="m">21.5'
                          "</app:maksWysokoscZabudowy></app:StrefaPlanistyczna>")  # fmt: skip
    changed = tmp_path / general_plan_file.name
    changed.write_text(text.replace(old, new), "utf-8")
    result = load_files(database, [changed])
    assert result.counts["general_plan_zone"]["closed"] == 1
    assert result.counts["general_plan_zone"]["inserted"] == 1
    with database.connect("owner") as conn:
        versions = conn.execute(
            "SELECT version_id, version_end, max_height_m FROM data.general_plan_zone"
            " WHERE local_id = %s ORDER BY version_start", (lid,)).fetchall()  # fmt: skip
        shown = conn.execute(
            "SELECT max_height_m FROM publish.general_plan_zones WHERE zone_id LIKE %s",
            (f"%/{lid}",)).fetchall()  # fmt: skip
    assert [v[0] for v in versions] == [version, "20260115T100000"]
    assert versions[0][1] is not None and versions[1][1] is None
    assert float(versions[1][2]) == 21.5 and shown == [(versions[1][2],)]
