"""Reading ULDK requests: what real clients send is accepted, malformed requests refused.

Each rule names the client source it was read from (repository and path), since the
national service's own description is thin:

* envirosolutionspl/uldk_gugik (QGIS plugin "ULDK GUGiK"): ``constants.py``,
  ``uldk_api.py``, ``uldk_xy.py``, ``uldk_gugik.py``, ``request.py``;
* kadyb/rgugik (R): ``R/parcel_get.R``, ``R/borders_get.R``;
* kryst3q/php-uldk (PHP): ``src/Domain/*.php``, ``tests/Domain/QueryTest.php``;
* plot-finder (Python, ``_build_uldk_params``), and JavaScript/Kotlin clients that send
  ``xy=lon,lat,4326``.
"""

from __future__ import annotations

import math

import pyproj
import pytest

from services.edge.failures import Failure, Refusal
from services.uldk.protocol import DEFAULT_RADIUS_M, FIELDS, Kind, Lookup
from services.uldk.request import read_point, read_request

TO_2180 = pyproj.Transformer.from_crs(4326, 2180, always_xy=True)


def refused(query: str) -> Failure:
    with pytest.raises(Refusal) as caught:
        read_request(query)
    return caught.value.failure


def test_the_plugins_requests_are_read_as_sent():
    # uldk_api.py: {'request': ..., 'id': ..., 'result': ",".join(RES_PARCEL_BY_ID), 'srid': 2180}
    request = read_request("request=GetParcelById&id=100302_4.0001.12"
                           "&result=geom_wkt,teryt,parcel,region,commune,county,voivodeship"
                           "&srid=2180")  # fmt: skip
    assert request.operation.kind is Kind.PARCEL and request.operation.lookup is Lookup.ID
    assert request.id == "100302_4.0001.12" and request.srid == 2180
    assert request.fields == ("geom_wkt", "teryt", "parcel", "region", "commune", "county",
                              "voivodeship")  # fmt: skip


@pytest.mark.parametrize("name", ["GetParcelById", "getparcelbyid", "GETPARCELBYID"])
def test_request_names_and_parameter_names_in_any_case(name):
    request = read_request(f"REQUEST={name}&Id=100302_4.0001.12&RESULT=TERYT")
    assert request.operation.name == "GetParcelById" and request.fields == ("teryt",)


def test_result_defaults_to_wkb():
    # rgugik parcel_get.R reads line 2 as WKB; php-uldk GeometryFormat::FORMAT_DEFAULT = WKB
    assert read_request("request=GetParcelById&id=x").fields == ("geom_wkb",)
    assert read_request("request=GetParcelById&id=x&result=").fields == ("geom_wkb",)


def test_result_fields_keep_the_order_asked():
    # php-uldk UldkObjectNormalizer reads the fields back by the order of its options
    query = "request=GetParcelById&id=x&result=voivodeship,geom_extent,county,teryt,geom_wkt"
    assert read_request(query).fields == ("voivodeship", "geom_extent", "county", "teryt",
                                          "geom_wkt")  # fmt: skip


def test_polish_field_names_of_older_clients():
    query = "request=GetParcelByIdOrNr&id=x&result=wojewodztwo,powiat,gmina,region,numer"
    assert read_request(query).fields == ("voivodeship", "county", "commune", "region", "parcel")


@pytest.mark.parametrize("result", ["teryt,nope", "geom_wkb;drop", "teryt,pg_sleep(5)",
                                    "teryt)--", ",".join(["teryt"] * 21), "a" * 201])  # fmt: skip
def test_unknown_or_too_many_result_fields_are_refused(result):
    assert refused(f"request=GetParcelById&id=x&result={result}") is Failure.BAD_PARAMETER


@pytest.mark.parametrize("request_name", ["SnapToPoint", "GetAggregateArea"])
def test_snap_and_aggregate_answer_geometry_only(request_name):
    assert refused(f"request={request_name}&xy=1,2&id=a&result=teryt") is Failure.BAD_PARAMETER
    query = f"request={request_name}&xy=500000,400000&id=a&result=geom_wkt,geom_extent"
    assert read_request(query).fields == ("geom_wkt", "geom_extent")


@pytest.mark.parametrize("srid", [2180, 2176, 2177, 2178, 2179, 4326, 4258, 3857])
def test_output_srids_of_the_allow_list(srid):
    assert read_request(f"request=GetParcelById&id=x&srid={srid}").srid == srid


@pytest.mark.parametrize("srid", ["9999", "4326;DROP", "EPSG:4326", "-2180", "2180.0",
                                  "1234567", "urn:ogc:def:crs:EPSG::2180"])  # fmt: skip
def test_other_srids_are_refused(srid):
    assert refused(f"request=GetParcelById&id=x&srid={srid}") is Failure.INVALID_CRS


def test_xy_without_srid_is_easting_northing_in_2180():
    # uldk_gugik.py performRequestXY sends f"{point.x()},{point.y()}" of a QgsPoint in 2180
    point = read_point("507335.5,415320")
    assert (point.x, point.y, point.inside) == (507335.5, 415320.0, True)


@pytest.mark.parametrize("srid", ["4326", "4258"])
def test_xy_in_degrees_is_longitude_first(srid):
    # plot-finder: xy=f"{x},{y},{srid}" with x=21.5896, y=52.1717; JS/Kotlin: xy=lon,lat,4326
    point = read_point(f"19.0,51.6,{srid}")
    x, y = TO_2180.transform(19.0, 51.6)
    assert math.isclose(point.x, x, abs_tol=0.01) and math.isclose(point.y, y, abs_tol=0.01)


def test_xy_in_pl2000_and_web_mercator_is_easting_first():
    for srid in (2177, 3857):
        x, y = pyproj.Transformer.from_crs(4326, srid, always_xy=True).transform(19.0, 51.6)
        point = read_point(f"{x},{y},{srid}")
        expected = TO_2180.transform(19.0, 51.6)
        assert math.isclose(point.x, expected[0], abs_tol=0.01), srid
        assert math.isclose(point.y, expected[1], abs_tol=0.01), srid


def test_a_point_far_from_poland_is_read_but_not_looked_up():
    # Measured on the national service: a point in Berlin answers "-1 brak wyników", not an
    # error (tests/system/test_uldk.py); one far away is not even worth a query.
    assert not read_point("2.35,48.85,4326").inside
    assert read_point("13.4,52.5,4326").inside  # near enough to ask the database


@pytest.mark.parametrize("xy", ["1", "1,2,3,4", "1;2", "a,b", "1,2c", "nan,1", "1,inf", "",
                                "1e400,5", "0x10,5", " , ", "1,2,", "1,,2"])  # fmt: skip
def test_malformed_xy_is_refused(xy):
    assert refused(f"request=GetParcelByXY&xy={xy}") in (Failure.BAD_PARAMETER,
                                                         Failure.MISSING_PARAMETER)  # fmt: skip


@pytest.mark.parametrize("xy", ["1e300,1e300", "-1e9,5e5", "500000,1e12", "200,95,4326",
                                "181,52,4326", "1e30,1e30,3857"])  # fmt: skip
def test_coordinates_outside_the_crs_are_refused(xy):
    assert refused(f"request=GetParcelByXY&xy={xy}") is Failure.BAD_PARAMETER


def test_xy_srid_outside_the_allow_list_is_refused():
    assert refused("request=GetParcelByXY&xy=1,2,32633") is Failure.INVALID_CRS


def test_snap_radius_defaults_to_one_metre_and_is_bounded():
    # geoportal.gov.pl news of 20.05.2019: SnapToPoint&xy=…&radius=3; opis: default 1 m
    assert read_request("request=SnapToPoint&xy=500000,400000").radius == DEFAULT_RADIUS_M
    assert read_request("request=SnapToPoint&xy=500000,400000&radius=12").radius == 12.0
    for radius in ("0", "-1", "101", "1e9", "abc", "nan"):
        assert refused(f"request=SnapToPoint&xy=500000,400000&radius={radius}") is (
            Failure.BAD_PARAMETER)  # fmt: skip


def test_aggregate_ids_are_split_and_trimmed():
    # geoportal.gov.pl news of 23.05.2019: id=…4767,141201_1.0001.4768, 141201_1.0001.4770/2
    request = read_request("request=GetAggregateArea&id=a.1.1,a.1.2,%20a.1.3/2")
    assert request.ids == ("a.1.1", "a.1.2", "a.1.3/2")
    assert refused("request=GetAggregateArea&id=a,,b") is Failure.BAD_PARAMETER
    many = ",".join(f"100302_4.0001.{n}" for n in range(101))
    assert refused(f"request=GetAggregateArea&id={many}") is Failure.BAD_PARAMETER


def test_requests_without_what_they_need_are_refused():
    assert refused("") is Failure.MISSING_PARAMETER
    assert refused("id=100302_4.0001.12") is Failure.MISSING_PARAMETER
    assert refused("request=GetParcelById") is Failure.MISSING_PARAMETER
    assert refused("request=GetParcelById&id=%20%20") is Failure.MISSING_PARAMETER
    assert refused("request=GetParcelByXY&id=100302_4.0001.12") is Failure.MISSING_PARAMETER


@pytest.mark.parametrize("name", ["NieMaTakiego", "GetParcel", "GetParcelById;DROP", "getmap"])
def test_unknown_requests_are_refused(name):
    assert refused(f"request={name}&id=x") is Failure.BAD_PARAMETER


def test_overlong_and_repeated_parameters_are_refused():
    assert refused("request=GetParcelById&id=" + "1" * 201) is Failure.BAD_PARAMETER
    assert refused("request=GetParcelByXY&xy=" + "1" * 201) is Failure.BAD_PARAMETER
    assert refused("request=GetParcelById&id=a&id=b") is Failure.BAD_PARAMETER
    assert read_request("request=GetParcelById&id=a&id=a").id == "a"  # the same twice is one
    assert refused("request=GetParcelById&id=a&" + "x" * 70_000) is Failure.URI_TOO_LONG


@pytest.mark.parametrize("value", ["100302_4.0001.12%00", "a%00%201", "Łask%0A1%201", "a%7F%201"])
def test_control_characters_in_an_id_are_refused(value):
    assert refused(f"request=GetParcelByIdOrNr&id={value}") is Failure.BAD_PARAMETER


def test_the_id_is_kept_as_a_value_never_judged_here():
    # The national service answers a nonsense id with "-1 brak wyników": not malformed
    request = read_request("request=GetParcelById&id=1'%20OR%20'1'='1")
    assert request.id == "1' OR '1'='1"


def test_every_field_is_known_to_the_answer_writer():
    from services.uldk.answer import FIELD_VALUES

    assert set(FIELD_VALUES) == set(FIELDS)
