"""The general plan (plan ogólny, APP 2.0) through the APP reader: real zones, the demo
county's file against app2.xsd, and files the reader must refuse, saying why."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from pyproj import Transformer

from etl.gml import schemas
from etl.readers import AppGmlReader, detect
from etl.readers.base import InputError
from etl.reading import read_one
from etl.synthetic.samples import sample_county

APP = Path(__file__).parents[1] / "fixtures" / "app_samples"
REAL_ZONES = APP / "1_strefy_StrefaPlanistyczna.gml"
TO_WGS84 = Transformer.from_crs(2180, 4326, always_xy=True)


def _rows(path: Path) -> list[tuple[str, dict]]:
    return list(AppGmlReader(path))


def test_real_plan_ogolny_zones_are_read_with_kind_profile_and_parameters():
    reader = AppGmlReader(REAL_ZONES)
    rows = list(reader)
    assert detect(REAL_ZONES) == "app-gml"
    assert {t for t, _ in rows} == {"general_plan_zone"}
    zones = {z["oznaczenie"]: z for _, z in rows}
    # the symbols PROVENANCE.txt lists for this file (28 zones)
    assert Counter(z["symbol"] for z in zones.values()) == {
        "SC": 1, "SG": 2, "SH": 1, "SJ": 5, "SK": 1, "SN": 1, "SO": 5, "SP": 1, "SR": 2,
        "SU": 2, "SW": 4, "SZ": 3,
    }  # fmt: skip
    sw = zones["2SW"]  # as written in the file
    assert sw["zone_id"] == "PL.ZIPPZP.11111/321202-POG/1POG-2SW"
    assert sw["plan_id"] == "PL.ZIPPZP.11111/321202-POG/1POG"  # from the plan's URI
    assert sw["zone_kind"] == "strefaWielofunkcyjnaZZabudowaMieszkaniowaWielorodzinna"
    assert sw["zone_name"] == "strefa wielofunkcyjna z zabudową mieszkaniową wielorodzinną"
    assert sw["main_profile"] == (
        "teren zabudowy mieszkaniowej wielorodzinnej; teren usług; teren komunikacji;"
        " teren zieleni urządzonej; teren ogrodów działkowych; teren infrastruktury technicznej"
    )
    assert (sw["max_intensity"], sw["max_built_share"], sw["max_height_m"],
            sw["min_bio_share"]) == (Decimal("0.8"), Decimal("50.0"), Decimal("20.0"),
                                     Decimal("50.0"))  # fmt: skip
    assert (sw["status"], sw["regulation_nature"]) == ("elaboration", "generallyBinding")
    assert sw["valid_from"] == dt.date(2024, 12, 4)
    assert "plan_inferred" not in {f.code for f in reader.findings}
    for zone in zones.values():  # EPSG:2176 northing first -> EPSG:2180, near 14.72 E 53.01 N
        lon, lat = TO_WGS84.transform(*zone["geom"].centroid.coords[0])
        assert 14.4 < lon < 15.1 and 52.8 < lat < 53.2
        assert zone["geom"].geom_type == "MultiPolygon" and zone["geom"].is_valid


@pytest.fixture(scope="module")
def demo_general_plan() -> Path:
    files = sample_county(400)[1]
    (path,) = [p for p in files if p.name.startswith("APP_POG_")]
    return path


def test_the_demo_general_plan_is_valid_app_2_0(demo_general_plan):
    assert schemas.schema_kind(demo_general_plan) == "app2"
    assert schemas.validate(demo_general_plan, "app2") == []


def test_the_demo_general_plan_covers_its_gmina_with_zones(demo_general_plan):
    rows = _rows(demo_general_plan)
    (plan,) = [r for t, r in rows if t == "plan"]
    zones = [r for t, r in rows if t == "general_plan_zone"]
    assert plan["plan_type"] == "planOgolnyGminy" and plan["level"] == "local"
    assert plan["title"] == "Plan ogólny gminy Buczek"
    assert plan["resolution_no"] and plan["journal_entry"].startswith("Dz. Urz. Woj. Łódzkiego")
    assert {z["plan_id"] for z in zones} == {plan["plan_id"]}
    symbols = {z["symbol"] for z in zones}
    assert {"SO", "SK", "SC"} <= symbols and symbols & {"SJ", "SZ"}
    assert symbols <= {"SW", "SJ", "SZ", "SU", "SH", "SP", "SR", "SI", "SN", "SC", "SG", "SO",
                       "SK"}  # fmt: skip
    for zone in zones:
        assert zone["oznaczenie"].endswith(zone["symbol"]) and zone["main_profile"]
    covered = sum(z["geom"].area for z in zones)
    assert covered == pytest.approx(plan["geom"].area, rel=1e-4)  # no gaps, no overlaps
    lon, lat = TO_WGS84.transform(*plan["geom"].centroid.coords[0])
    assert 18.8 < lon < 19.5 and 51.4 < lat < 51.8  # powiat łaski


ZONE = """<?xml version="1.0" encoding="UTF-8"?>
<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0"
 xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:app="https://www.gov.pl/static/zagospodarowanieprzestrzenne/schemas/app/2.0">
<wfs:member><app:StrefaPlanistyczna gml:id="z1"><app:idIIP><app:Identyfikator>
<app:przestrzenNazw>PL.ZIPPZP.1/100301-POG</app:przestrzenNazw><app:lokalnyId>1POG-1SJ
</app:lokalnyId><app:wersjaId>1</app:wersjaId></app:Identyfikator></app:idIIP>
{marking}<app:symbol>SJ</app:symbol>
<app:poczatekWersjiObiektu>2025-01-01T00:00:00Z</app:poczatekWersjiObiektu>
<app:geometria><gml:Polygon gml:id="g1" srsName="http://www.opengis.net/def/crs/EPSG/0/2180">
<gml:exterior><gml:LinearRing><gml:posList>414000 498000 414000 498100 414100 498100
 414000 498000</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></app:geometria>
<app:plan xlink:href="#p1"/></app:StrefaPlanistyczna></wfs:member>
</wfs:FeatureCollection>"""


def test_a_zone_without_its_marking_refuses_the_file_naming_the_zone(tmp_path):
    path = tmp_path / "strefy.gml"
    path.write_text(ZONE.format(marking=""), encoding="utf-8")
    with pytest.raises(InputError, match=r"strefy\.gml: strefa planistyczna "
                       r"PL\.ZIPPZP\.1/100301-POG/1POG-1SJ has no oznaczenie"):  # fmt: skip
        _rows(path)
    result = read_one(path, "app-gml", None, tmp_path / "work")
    assert result.refused and "1POG-1SJ has no oznaczenie" in result.refused


def test_a_well_formed_zone_of_the_same_file_is_read(tmp_path):
    path = tmp_path / "strefy.gml"
    path.write_text(ZONE.format(marking="<app:oznaczenie>1SJ</app:oznaczenie>"), "utf-8")
    ((table, zone),) = _rows(path)
    assert table == "general_plan_zone" and (zone["oznaczenie"], zone["symbol"]) == ("1SJ", "SJ")
    assert zone["geom"].area == pytest.approx(5_000.0)


def test_a_truncated_general_plan_file_is_refused_naming_it(tmp_path, demo_general_plan):
    data = demo_general_plan.read_bytes()
    path = tmp_path / "APP_POG_obciety.gml"
    path.write_bytes(data[: len(data) // 2])
    result = read_one(path, "app-gml", None, tmp_path / "work")
    assert result.refused and result.refused.startswith("APP_POG_obciety.gml: not well-formed XML")


def test_an_external_entity_in_a_general_plan_file_is_refused(tmp_path):
    path = tmp_path / "strefy_xxe.gml"
    body = ZONE.format(marking="<app:oznaczenie>&x;</app:oznaczenie>")
    prolog, rest = body.split("\n", 1)
    path.write_text(
        f'{prolog}\n<!DOCTYPE x [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n{rest}', "utf-8"
    )
    result = read_one(path, "app-gml", None, tmp_path / "work")
    assert result.refused and "refused as unsafe" in result.refused
    assert "root:" not in result.refused
