"""Readers on real files: Hel parcels (EGiB 2015 model), APP samples, PRG axis orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from etl.gml import crs
from etl.readers import READERS, AppGmlReader, EgibGmlReader, detect
from etl.readers.base import Findings, children, iter_features
from etl.readers.geometry import GeometryReader
from geoportal.crs import parse_crs_name

FIXTURES = Path(__file__).parents[1] / "fixtures"
HEL = FIXTURES / "egib_hel"
APP = FIXTURES / "app_samples"
PRG = FIXTURES / "prg_axis"
TO_WGS84 = Transformer.from_crs(2180, 4326, always_xy=True)


def read(reader) -> list[tuple[str, dict]]:
    return list(reader)


def codes(reader) -> set[str]:
    return {f.code for f in reader.findings}


def test_hel_parcels_2015_model():
    for path in sorted(HEL.glob("*.gml")):
        assert detect(path) == "egib-gml"
        reader = EgibGmlReader(path)
        rows = read(reader)
        assert [t for t, _ in rows] == ["parcel"]
        parcel = rows[0][1]
        expected_id = "221101_1.0001." + path.stem.split(".")[-1].replace("_", "/")
        assert parcel["parcel_id"] == expected_id
        assert parcel["district_id"] == "221101_1.0001"  # from the id: the href dangles
        assert parcel["namespace"] == "PL.PZGiK.1385.EGiB"
        assert parcel["version_start"].tzinfo == dt.UTC
        lon, lat = TO_WGS84.transform(*parcel["geom"].centroid.coords[0])
        assert 18.6 < lon < 18.9 and 54.55 < lat < 54.65  # Hel, after 2177 -> 2180
        assert parcel["geom"].is_valid
        assert {"unresolved_reference", "land_use_by_reference"} <= codes(reader)
        assert "axis_order" not in codes(reader)  # authority URN, northing first: as declared


def test_hel_legal_area_is_kept_not_recomputed():
    rows = read(EgibGmlReader(HEL / "221101_1.0001.34_6.gml"))
    parcel = rows[0][1]
    assert parcel["area_ha"] == Decimal("40.0935")
    geometric = parcel["geom"].area / 1e4
    assert abs(geometric / 40.0935 - 1) > 0.001  # they differ in the real data


def test_app_plan_boundary_and_codes():
    reader = AppGmlReader(APP / "2_pog_AktPlanowaniaPrzestrzennego.gml")
    ((table, plan),) = read(reader)
    assert table == "plan" and detect(APP / "2_pog_AktPlanowaniaPrzestrzennego.gml") == "app-gml"
    assert plan["plan_id"] == "PL.ZIPPZP.1234/121201-POG/1POG"
    assert (plan["plan_type"], plan["level"], plan["status"]) == (
        "planOgolnyGminy",
        "local",
        "elaboration",
    )
    assert plan["valid_from"] == dt.date(2025, 8, 15)
    assert plan["version_start"] == dt.datetime(2025, 7, 31, 13, 56, 28, tzinfo=dt.UTC)
    lon, lat = TO_WGS84.transform(*plan["geom"].centroid.coords[0])
    assert 14.0 < lon < 24.5 and 49.0 < lat < 55.0
    assert "no_adopting_document" in codes(reader)


def test_app_set1_in_zone_5_is_reprojected():
    ((_, plan),) = read(AppGmlReader(APP / "1_pog_AktPlanowaniaPrzestrzennego.gml"))
    lon, lat = TO_WGS84.transform(*plan["geom"].centroid.coords[0])
    assert 14.4 < lon < 15.1 and 52.8 < lat < 53.2  # ~14.72 E 53.01 N per the provenance


def test_app_zones_infer_the_plan_and_report_invalid_rings():
    ok = AppGmlReader(APP / "2_strefy_StrefaPlanistyczna_OK.gml")
    rows = read(ok)
    assert {t for t, _ in rows} == {"general_plan_zone"}  # plan ogólny zones, not MPZP
    zones = [r for _, r in rows]
    assert [z["oznaczenie"] for z in zones] == ["1SJ", "1SU", "1SP", "1SZ"]
    assert [z["symbol"] for z in zones] == ["SJ", "SU", "SP", "SZ"]
    assert {z["plan_id"] for z in zones} == {"PL.ZIPPZP.1234/121201-POG/1POG"}
    first = zones[0]
    assert first["zone_name"].startswith("strefa wielofunkcyjna")
    assert first["max_height_m"] == Decimal("15.5") and first["min_bio_share"] == Decimal("30.1")
    assert "plan_inferred" in codes(ok) and "invalid_geometry" not in codes(ok)
    bad = AppGmlReader(APP / "2_strefy_StrefaPlanistyczna_SAMOPRZECIECIE-PIERSCIENIA.gml")
    zones = [r for _, r in read(bad)]
    assert len(zones) == 4 and not zones[0]["geom"].is_valid  # kept as read ...
    assert "invalid_geometry" in codes(bad)  # ... and reported


def _prg_points(path: Path) -> tuple[list, GeometryReader]:
    geometry = GeometryReader(Findings())
    points = []
    for feature in iter_features(path, geometry.set_envelope):
        kids = children(feature)
        for prop in kids.get("pozycja", []) + kids.get("georeferencja", []):
            points.append(geometry.point(prop, "prg"))
    return points, geometry


def test_prg_axis_order_2012_northing_first_2021_easting_first():
    old, g_old = _prg_points(PRG / "sample_model2012.xml")
    new, g_new = _prg_points(PRG / "sample_model2021.xml")
    assert g_old.decisions["urn:ogc:def:crs:EPSG::2180"].swap is True
    assert g_new.decisions["EPSG:2180"].swap is False
    assert old[0].x == pytest.approx(287772.37) and old[0].y == pytest.approx(456005.14)
    assert new[0].x == 238447 and new[0].y == 516743
    for point in old + new:  # both samples are in lubuskie
        lon, lat = TO_WGS84.transform(point.x, point.y)
        assert 14.5 < lon < 16.5 and 51.5 < lat < 53.0


def test_axis_detection_swaps_only_with_a_finding():
    # PL-2000 zone 6 coordinates of Hel written easting first under an authority URN
    srs = parse_crs_name("urn:ogc:def:crs:EPSG::2177")
    easting_first = np.array([[6551924.66, 6053434.46], [6551982.79, 6053379.17]])
    decision = crs.decide_axis(srs, easting_first)
    assert decision.swap is False and decision.finding and "swapped" in decision.finding
    proper = crs.decide_axis(srs, easting_first[:, ::-1])
    assert proper.swap is True and proper.finding is None
    nowhere = crs.decide_axis(parse_crs_name("EPSG:2180"), np.array([[5e6, 5e6]]))
    assert nowhere.finding and "outside Poland" in nowhere.finding
    assert parse_crs_name("http://www.opengis.net/def/crs/EPSG/0/2178").northing_first
    assert not parse_crs_name("EPSG:2178").northing_first
    assert not parse_crs_name("http://www.opengis.net/def/crs/EPSG/0/3857").northing_first


def test_registry_names_each_format_once():
    assert set(READERS) >= {"egib-gml", "app-gml", "kieg-wfs", "prg-address", "prg-units", "terc"}
    # PRG addresses are GML too: the specific EGiB/APP readers must not claim them
    assert detect(PRG / "sample_model2012.xml") == "prg-address"
    assert detect(HEL / "LICENSE.GPL-3.0.txt") is None
