"""Writing ULDK answers, and planning the statements behind them (no database).

The answer format was read from clients (see ``test_uldk_request.py`` for the list):
status line ``0`` then objects (rgugik ``output[1] != "0"``, the QGIS plugin, plot-finder
``status.startswith("-1")``); ``GetParcelByIdOrNr`` writes the number of objects
(php-uldk ``tests/Factory/ResponseFactoryTest.php``: ``"2\\nSRID=2180;POLYGON…"``; a
Kotlin client's fixture ``"3\\n…"``); SnapToPoint writes point and distance on two lines
(php-uldk ``ResponseFactory.php``, geoportal.gov.pl news of 20.05.2019).
"""

from __future__ import annotations

import doctest

import pytest
from psycopg import sql

import services.uldk.answer
from services.uldk.answer import answer_text, object_line
from services.uldk.locate import Place, plan
from services.uldk.queries import Found
from services.uldk.request import read_request

PLACE = Place("1003", "powiat łaski", "łódzkie", "powiat łaski (EGiB)")
PARCEL = Found("100302_4.0001.12", "12", "Łask 1 Śródmieście", "Łask", "", "0103",
               "SRID=2180;POLYGON((1 2,3 4,5 6,1 2))", [1.0, 2.0, 5.0, 6.25], None)  # fmt: skip


def test_module_examples():
    assert doctest.testmod(services.uldk.answer).failed == 0


def test_found_objects_follow_a_zero_status_line():
    request = read_request("request=GetParcelById&id=x&result=geom_wkt,teryt,parcel,region,"
                           "commune,county,voivodeship")  # fmt: skip
    assert answer_text(request, [PARCEL], PLACE) == (
        "0\nSRID=2180;POLYGON((1 2,3 4,5 6,1 2))|100302_4.0001.12|12|Łask 1 Śródmieście|Łask"
        "|powiat łaski|łódzkie\n"
    )


def test_nothing_found_is_the_national_line():
    request = read_request("request=GetParcelById&id=x")
    assert answer_text(request, [], PLACE) == "-1 brak wyników\n"


def test_several_objects_by_point_share_one_status_line():
    # A point on a shared boundary is in both parcels (a client notes "multiple results at
    # a boundary" for GetCommuneByXY)
    request = read_request("request=GetParcelByXY&xy=507335.5,415320&result=teryt")
    other = Found("100302_4.0001.13", "13", "", "", "", None, None, None, None)
    assert answer_text(request, [PARCEL, other], PLACE) == (
        "0\n100302_4.0001.12\n100302_4.0001.13\n"
    )


def test_by_id_or_number_the_status_line_counts_the_objects():
    request = read_request("request=GetParcelByIdOrNr&id=x&result=teryt,commune")
    assert answer_text(request, [PARCEL, PARCEL], PLACE).splitlines()[0] == "2"
    assert answer_text(request, [PARCEL], PLACE).splitlines()[0] == "1"


def test_snap_writes_the_point_then_its_distance():
    request = read_request("request=SnapToPoint&xy=500000,400000&result=geom_wkt")
    point = Found("", "", "", "", "", None, "SRID=2180;POINT(1 2)", None, 0.848159078670161)
    assert answer_text(request, [point], PLACE) == "0\nSRID=2180;POINT(1 2)\n0.848159078670161\n"


def test_wkb_is_alone_on_its_line_by_default():
    request = read_request("request=GetParcelById&id=x")
    assert answer_text(request, [PARCEL], PLACE) == "0\n0103\n"


def test_extent_is_four_numbers_easting_first():
    # php-uldk BoundingBoxFactory: four comma-separated numbers
    assert object_line(("geom_extent",), PARCEL, PLACE) == "1.0,2.0,5.0,6.25"


def test_fields_that_do_not_apply_are_empty_and_keep_their_place():
    county = Found("1003", "", "", "", "", None, None, [1.0, 2.0, 3.0, 4.0], None)
    line = object_line(("teryt", "parcel", "region", "commune", "county", "voivodeship"),
                       county, PLACE)  # fmt: skip
    assert line == "1003||||powiat łaski|łódzkie"
    assert object_line(("id", "datasource", "function", "status"), PARCEL, PLACE) == (
        "100302_4.0001.12|powiat łaski (EGiB)||"
    )


def test_a_value_cannot_break_the_format():
    odd = Found("a|b", "1\n2", "x\ry", "", "", None, None, None, None)
    assert object_line(("teryt", "parcel", "region"), odd, PLACE) == "a b|1 2|x y"


def test_place_names_are_written_the_national_way():
    from geoportal.settings import PROJECT_ROOT
    from geoportal.site import load_site

    place = Place.of(load_site(PROJECT_ROOT / "site.yaml"))
    # the GUGiK plugin's powiaty list writes "powiat łaski"; voivodeships in lower case
    assert (place.teryt, place.county, place.voivodeship) == ("1003", "powiat łaski", "łódzkie")


def _sql(statement) -> str:
    return statement.query.as_string(None)


@pytest.mark.parametrize("query", [
    "request=GetParcelById&id=100302_4.0001.12",
    "request=GetParcelByIdOrNr&id=Łask 1 Śródmieście 12",
    "request=GetParcelByXY&xy=507335.5,415320",
    "request=GetBuildingById&id=100301_2.0001.1_BUD",
    "request=GetRegionById&id=100302_4.0001",
    "request=GetCommuneById&id=100302_3",
    "request=GetCountyByXY&xy=507335.5,415320",
    "request=SnapToPoint&xy=507335.5,415320",
    "request=GetAggregateArea&id=100302_4.0001.12,100302_4.0001",
])  # fmt: skip
def test_client_values_travel_only_as_parameters(query):
    statement = plan(read_request(query), "1003")
    assert statement is not None
    text = _sql(statement)
    for value in ("100302", "Łask", "507335", "1003"):
        assert value not in text, (query, value)
    assert "publish." in text and "data." not in text  # the public views, nothing else


@pytest.mark.parametrize("query", [
    "request=GetParcelById&id=1' OR '1'='1",  # not an identifier
    "request=GetParcelById&id=100899_9.0001.1",  # another county
    "request=GetParcelByIdOrNr&id=Łask",  # a name without a number
    "request=GetBuildingById&id=100302_4.0001.12",  # a parcel, not a building
    "request=GetRegionById&id=100302_4.0001.12",  # a parcel, not an obręb
    "request=GetCommuneById&id=100302_4",  # a unit, not a gmina (the gmina is 100302_3)
    "request=GetCountyById&id=1004",
    "request=GetVoivodeshipById&id=10",  # not held by the county
    "request=GetVoivodeshipByXY&xy=507335.5,415320",
    "request=GetParcelByXY&xy=2.35,48.85,4326",  # Paris
    "request=GetAggregateArea&id=100302_4.0001.12,nonsense",
])  # fmt: skip
def test_what_cannot_be_found_never_reaches_the_database(query):
    assert plan(read_request(query), "1003") is None


def test_a_parcel_id_without_a_sheet_also_finds_it_on_any_sheet():
    # uldk_gugik.py: GetParcelById for WWPPGG_R.XXXX.NDZ may answer …XXXX.AR_N.NDZ
    statement = plan(read_request("request=GetParcelById&id=100302_4.0001.12"), "1003")
    assert statement is not None
    assert statement.params["sheet_prefix"] == "100302_4.0001.AR_"
    assert statement.params["number"] == "12"
    with_sheet = plan(read_request("request=GetParcelById&id=100302_4.0001.AR_2.12"), "1003")
    assert with_sheet is not None and with_sheet.params["sheet_prefix"] is None


def test_obreb_name_and_number_are_split_at_the_last_space():
    # php-uldk QueryTest: id=Krzewina 134; a NestJS client: id=${region} ${number}
    statement = plan(read_request("request=GetParcelByIdOrNr&id=Łask  1 Śródmieście 12/3"),
                     "1003")  # fmt: skip
    assert statement is not None
    assert (statement.params["name"], statement.params["number"]) == ("Łask 1 Śródmieście",
                                                                      "12/3")  # fmt: skip


def test_only_the_asked_encodings_are_computed():
    statement = plan(read_request("request=GetCountyById&id=1003&result=teryt"), "1003")
    assert statement is not None
    text = _sql(statement)
    assert "ST_AsEWKB" not in text and "ST_AsEWKT" not in text and "ST_XMin" not in text
    assert isinstance(statement.query, sql.Composed)
