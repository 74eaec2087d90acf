"""The ULDK-compatible API in the running application, read the way real clients read it.

Expected geometries and identifiers come from plain SQL on the database (as the owner),
never from the service under test. The clients whose request and parse logic is
re-implemented here (in our own words, step for step as their sources do it):

* rgugik (kadyb/rgugik, ``R/parcel_get.R``): ``readLines``, line 1 must be ``"0"``, line 2
  is hex EWKB read with ``st_as_sfc(EWKB = TRUE, crs = 2180)``; by point it sends
  ``xy=Y,X`` ("X, Y coordinates are inverted": its X is the northing) and
  ``result=geom_wkb,teryt``;
* the QGIS plugin ULDK GUGiK (envirosolutionspl/uldk_gugik, ``request.py``,
  ``constants.py``, ``uldk_gugik.py``): lines shorter than 3 characters, ``-1 brak
  wyników`` and error lines are skipped, the geometry is what follows ``;``, fields are
  split on ``|`` by position; the sheets of a parcel are listed from
  ``GetParcelByIdOrNr`` answers;
* plot-finder (PyPI ``plot-finder``, ``_build_uldk_params``/``_parse_uldk_response``):
  ``xy=x,y,srid`` with longitude first, ``srid=`` for the output, fields zipped in the
  order of its ``result``, ``SRID=…;`` cut off the WKT.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pyproj
import pytest
import requests
import shapely
from shapely import wkt as shapely_wkt

pytestmark = pytest.mark.system

NO_RESULTS = "-1 brak wyników"
ALL_FIELDS = "geom_wkt,teryt,id,parcel,region,commune,county,voivodeship,datasource"
NAMESPACE = "TEST.ULDK"
SHEETED = "100302_4.0099"  # a test obręb numbered per map sheet, in the demo county
CM_IN_DEGREES = 1e-7  # 1 cm is 0.9e-7° of latitude, 1.45e-7° of longitude at 52° N


def uldk(base: str, **params: str) -> requests.Response:
    """GET /uldk with the parameters in the order given (as clients build them)."""
    return requests.get(f"{base}/uldk?{urlencode(params)}", timeout=30)


def lines(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return response.text.splitlines()


def owner_row(database, sql: str, params: tuple = ()) -> tuple:
    with database.connect("owner") as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None, sql
    return row


@dataclass(frozen=True)
class Sheeted:
    """Two test parcels with the same number on two map sheets of one test obręb."""

    name: str
    number: str
    ids: tuple[str, str]


@pytest.fixture(scope="module")
def sheeted(database, live_server) -> Iterator[Sheeted]:
    """The test obręb and parcels, inserted as the owner and deleted afterwards."""
    ids = (f"{SHEETED}.AR_1.7", f"{SHEETED}.AR_2.7")
    common = "namespace, local_id, version_id, version_start"
    with database.connect("owner") as conn:
        _delete_sheeted(conn)
        conn.execute(
            f"INSERT INTO data.cadastral_district ({common}, district_id, name, unit_id, geom)"  # noqa: S608
            " VALUES (%s, 'D', '1', now(), %s, 'Testowo Arkuszowe', '100302_4',"
            " ST_Multi(ST_MakeEnvelope(600000, 300000, 600200, 300100, 2180)))",
            (NAMESPACE, SHEETED),
        )
        for n, parcel_id in enumerate(ids):
            conn.execute(
                f"INSERT INTO data.parcel ({common}, parcel_id, number, sheet, district_id,"  # noqa: S608
                " area_ha, geom) VALUES (%s, %s, '1', now(), %s, '7', %s, %s, 1.0,"
                " ST_Multi(ST_MakeEnvelope(%s, 300000, %s, 300100, 2180)))",
                (NAMESPACE, parcel_id, parcel_id, str(n + 1), SHEETED,
                 600000 + 100 * n, 600100 + 100 * n),
            )  # fmt: skip
    yield Sheeted("Testowo Arkuszowe", "7", ids)
    with database.connect("owner") as conn:
        _delete_sheeted(conn)


def _delete_sheeted(conn) -> None:
    for table in ("parcel", "cadastral_district"):
        conn.execute(f"DELETE FROM data.{table} WHERE namespace = %s", (NAMESPACE,))  # noqa: S608


# --- parcels: identifiers, geometry, coordinate systems ---------------------------------


def test_parcel_by_id_is_the_publish_geometry_as_postgis_writes_it(live_server, known_parcel,
                                                                   database):  # fmt: skip
    answer = lines(uldk(live_server, request="GetParcelById", id=known_parcel.parcel_id))
    assert answer[0] == "0" and len(answer) == 2
    expected_hex, expected_wkb = owner_row(
        database,
        "SELECT ST_GeometryN(geom, 1)::text, ST_AsBinary(geom) FROM publish.parcels"
        " WHERE parcel_id = %s",
        (known_parcel.parcel_id,),
    )
    assert answer[1] == expected_hex  # hex EWKB, upper case, SRID 2180: PostGIS's own form
    ours = shapely.from_wkb(answer[1])
    assert shapely.get_srid(ours) == 2180 and ours.geom_type == "Polygon"
    assert ours.equals(shapely.from_wkb(bytes(expected_wkb)))


def test_parcel_fields_in_the_order_asked(live_server, known_parcel, database):
    answer = lines(uldk(live_server, request="GetParcelById", id=known_parcel.parcel_id,
                        result=ALL_FIELDS))  # fmt: skip
    wkt, teryt, ident, parcel, region, commune, county, voivodeship, source = answer[1].split("|")
    number, district, unit = owner_row(
        database,
        "SELECT p.number, d.name, u.name FROM data.parcel p"
        " JOIN data.cadastral_district d ON d.district_id = p.district_id"
        " AND d.version_end IS NULL JOIN data.cadastral_unit u ON u.unit_id = d.unit_id"
        " AND u.version_end IS NULL WHERE p.parcel_id = %s AND p.version_end IS NULL",
        (known_parcel.parcel_id,),
    )
    assert wkt.startswith("SRID=2180;POLYGON((")
    assert teryt == ident == known_parcel.parcel_id and parcel == number
    assert region == district
    assert commune == unit.removesuffix(" - obszar wiejski")  # the gmina, not the unit
    assert (county, voivodeship) == ("powiat łaski", "łódzkie")
    assert source == "powiat łaski (EGiB)"


@pytest.mark.parametrize("srid", [4326, 4258, 2177, 2178, 3857])
def test_output_crs_within_a_centimetre_of_postgis(live_server, known_parcel, database, srid):
    answer = lines(uldk(live_server, request="GetParcelById", id=known_parcel.parcel_id,
                        result="geom_wkt", srid=str(srid)))  # fmt: skip
    prefix, text = answer[1].split(";")
    assert prefix == f"SRID={srid}"
    (expected,) = owner_row(
        database,
        "SELECT ST_AsText(ST_Transform(ST_GeometryN(geom, 1), %s)) FROM data.parcel"
        " WHERE parcel_id = %s AND version_end IS NULL",
        (srid, known_parcel.parcel_id),
    )
    ours = shapely.get_coordinates(shapely_wkt.loads(text))
    theirs = shapely.get_coordinates(shapely_wkt.loads(expected))
    tolerance = CM_IN_DEGREES if srid in (4326, 4258) else 0.01
    assert ours.shape == theirs.shape and abs(ours - theirs).max() < tolerance
    if srid in (4326, 4258):  # longitude first, like every other ULDK answer
        assert 18 < ours[0][0] < 20 and 51 < ours[0][1] < 52


def test_extent_is_the_bounding_box_easting_first(live_server, known_parcel, database):
    answer = lines(uldk(live_server, request="GetParcelById", id=known_parcel.parcel_id,
                        result="geom_extent"))  # fmt: skip
    extent = [float(value) for value in answer[1].split(",")]
    expected = owner_row(
        database,
        "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM data.parcel"
        " WHERE parcel_id = %s AND version_end IS NULL",
        (known_parcel.parcel_id,),
    )
    assert extent == list(expected)


def test_parcel_by_point_in_every_input_crs(live_server, known_parcel):
    to_lonlat = pyproj.Transformer.from_crs(2180, 4326, always_xy=True)
    lon, lat = to_lonlat.transform(known_parcel.x, known_parcel.y)
    points = {"2180": f"{known_parcel.x},{known_parcel.y}",
              "4326": f"{lon},{lat},4326", "4258": f"{lon},{lat},4258"}  # fmt: skip
    for srid in ("2177", "3857"):
        x, y = pyproj.Transformer.from_crs(4326, int(srid), always_xy=True).transform(lon, lat)
        points[srid] = f"{x},{y},{srid}"
    for srid, xy in points.items():
        answer = lines(uldk(live_server, request="GetParcelByXY", xy=xy, result="teryt"))
        assert answer == ["0", known_parcel.parcel_id], srid


def test_swapped_axes_or_a_foreign_point_find_nothing(live_server, known_parcel):
    # latitude first is a point in Arabia; Berlin is outside the county: both 200, -1
    swapped = f"{known_parcel.lat},{known_parcel.lon},4326"
    assert lines(uldk(live_server, request="GetParcelByXY", xy=swapped)) == [NO_RESULTS]
    assert lines(uldk(live_server, request="GetParcelByXY", xy="13.4,52.5,4326")) == [NO_RESULTS]


def test_a_boundary_point_answers_every_parcel_it_touches(live_server, database):
    x, y, first, second = owner_row(
        database,
        "SELECT ST_X(pt), ST_Y(pt), a, b FROM (SELECT a.parcel_id a, b.parcel_id b,"
        " ST_PointN(ST_ExteriorRing(ST_GeometryN(a.geom, 1)), 1) pt FROM publish.parcels a"
        " JOIN publish.parcels b ON a.parcel_id < b.parcel_id"
        " AND ST_Intersects(b.geom, ST_PointN(ST_ExteriorRing(ST_GeometryN(a.geom, 1)), 1))"
        " ORDER BY a.parcel_id LIMIT 1) s",
    )
    answer = lines(uldk(live_server, request="GetParcelByXY", xy=f"{x},{y}", result="teryt"))
    assert answer[0] == "0" and {first, second} <= set(answer[1:])


def test_unknown_and_foreign_ids_find_nothing(live_server, known_parcel):
    for parcel_id in ("100302_4.0001.999999", "100899_9.0001.1", "not an id", "1' OR '1'='1",
                      known_parcel.parcel_id + ";SELECT 1"):  # fmt: skip
        response = uldk(live_server, request="GetParcelById", id=parcel_id)
        assert lines(response) == [NO_RESULTS], parcel_id


# --- GetParcelByIdOrNr: obręb name and number, map sheets ---------------------------------


def test_obreb_name_and_number(live_server, known_parcel, database):
    name, number = owner_row(
        database, "SELECT district_name, number FROM publish.parcels WHERE parcel_id = %s",
        (known_parcel.parcel_id,),
    )  # fmt: skip
    for text in (f"{name} {number}", f"{name.upper()}  {number}"):
        answer = lines(uldk(live_server, request="GetParcelByIdOrNr", id=text,
                            result="teryt,parcel,region"))  # fmt: skip
        assert answer == ["1", f"{known_parcel.parcel_id}|{number}|{name}"], text
    answer = lines(uldk(live_server, request="GetParcelByIdOrNr", id=f"{name} 999999"))
    assert answer == [NO_RESULTS]


def test_the_same_number_on_two_sheets(live_server, sheeted):
    by_name = lines(uldk(live_server, request="GetParcelByIdOrNr",
                         id=f"{sheeted.name} {sheeted.number}", result="teryt"))  # fmt: skip
    assert by_name == ["2", *sheeted.ids]
    without_sheet = f"{SHEETED}.{sheeted.number}"
    assert lines(uldk(live_server, request="GetParcelByIdOrNr", id=without_sheet,
                      result="teryt")) == ["2", *sheeted.ids]  # fmt: skip
    assert lines(uldk(live_server, request="GetParcelById", id=without_sheet,
                      result="teryt")) == ["0", *sheeted.ids]  # fmt: skip
    exact = lines(uldk(live_server, request="GetParcelById", id=sheeted.ids[1], result="teryt"))
    assert exact == ["0", sheeted.ids[1]]


# --- buildings, obręby, gminy, the county, voivodeships ----------------------------------


def test_building_by_id_and_by_point(live_server, database):
    building_id, kind, x, y, district = owner_row(
        database,
        "SELECT b.building_id, b.kst_type, ST_X(ST_PointOnSurface(b.geom)),"
        " ST_Y(ST_PointOnSurface(b.geom)), d.name FROM data.building b"
        " JOIN data.cadastral_district d ON b.building_id LIKE d.district_id || '.%%'"
        " AND d.version_end IS NULL WHERE b.version_end IS NULL ORDER BY b.building_id LIMIT 1",
    )
    fields = "teryt,function,region,geom_wkb"
    by_id = lines(uldk(live_server, request="GetBuildingById", id=building_id, result=fields))
    by_xy = lines(uldk(live_server, request="GetBuildingByXY", xy=f"{x},{y}", result=fields))
    assert by_id == by_xy and by_id[0] == "0"
    teryt, function, region, wkb = by_id[1].split("|")
    assert (teryt, function, region) == (building_id, kind, district)
    (expected,) = owner_row(database, "SELECT ST_AsBinary(geom) FROM publish.buildings"
                            " WHERE building_id = %s", (building_id,))  # fmt: skip
    assert shapely.from_wkb(wkb).equals(shapely.from_wkb(bytes(expected)))


def test_region_by_id_and_point(live_server, known_parcel, database):
    district_id, name = owner_row(
        database, "SELECT d.district_id, d.name FROM publish.districts d"
        " WHERE ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180))",
        (known_parcel.x, known_parcel.y),
    )  # fmt: skip
    by_xy = lines(
        uldk(
            live_server,
            request="GetRegionByXY",
            xy=f"{known_parcel.x},{known_parcel.y}",
            result="teryt,region,geom_wkb",
        )
    )
    by_id = lines(uldk(live_server, request="GetRegionById", id=district_id,
                       result="teryt,region,geom_wkb"))  # fmt: skip
    assert by_xy == by_id and by_id[1].startswith(f"{district_id}|{name}|")
    (expected,) = owner_row(database, "SELECT ST_AsBinary(geom) FROM publish.districts"
                            " WHERE district_id = %s", (district_id,))  # fmt: skip
    assert shapely.from_wkb(by_id[1].split("|")[2]).equals(shapely.from_wkb(bytes(expected)))


def test_an_urban_rural_gmina_is_its_town_and_rural_area(live_server, database):
    # The town 100302_4 and the rural area 100302_5 are the gmina 100302_3 (TERYT; the
    # GUGiK plugin's list of gminy has 100302_3 "Łask"); a point in either finds it.
    answer = lines(uldk(live_server, request="GetCommuneById", id="100302_3",
                        result="teryt,commune,county,voivodeship,geom_wkb"))  # fmt: skip
    teryt, name, county, voivodeship, wkb = answer[1].split("|")
    assert (teryt, name, county, voivodeship) == ("100302_3", "Łask", "powiat łaski", "łódzkie")
    (expected,) = owner_row(
        database, "SELECT ST_AsBinary(ST_Union(geom)) FROM data.cadastral_unit"
        " WHERE unit_id IN ('100302_4', '100302_5') AND version_end IS NULL",
    )  # fmt: skip
    assert shapely.from_wkb(wkb).equals(shapely.from_wkb(bytes(expected)))
    for unit in ("100302_4", "100302_5"):
        x, y = owner_row(database, "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom)"
                         " p FROM data.cadastral_unit WHERE unit_id = %s) s", (unit,))  # fmt: skip
        assert lines(uldk(live_server, request="GetCommuneByXY", xy=f"{x},{y}",
                          result="teryt")) == ["0", "100302_3"], unit  # fmt: skip
    assert lines(uldk(live_server, request="GetCommuneById", id="100302_4")) == [NO_RESULTS]


def test_a_rural_gmina_is_its_unit(live_server, database):
    answer = lines(uldk(live_server, request="GetCommuneById", id="100301_2",
                        result="teryt,commune,geom_wkb"))  # fmt: skip
    teryt, name, wkb = answer[1].split("|")
    (expected,) = owner_row(database, "SELECT ST_GeometryN(geom, 1)::text FROM"
                            " data.cadastral_unit WHERE unit_id = '100301_2'"
                            " AND version_end IS NULL")  # fmt: skip
    assert (teryt, name, wkb) == ("100301_2", "Buczek", expected)


def test_the_county_is_the_union_of_its_units(live_server, known_parcel, database):
    by_id = lines(uldk(live_server, request="GetCountyById", id="1003",
                       result="teryt,county,voivodeship,geom_wkb"))  # fmt: skip
    by_xy = lines(uldk(live_server, request="GetCountyByXY",
                       xy=f"{known_parcel.x},{known_parcel.y}",
                       result="teryt,county,voivodeship,geom_wkb"))  # fmt: skip
    assert by_id == by_xy
    teryt, county, voivodeship, wkb = by_id[1].split("|")
    assert (teryt, county, voivodeship) == ("1003", "powiat łaski", "łódzkie")
    (area,) = owner_row(database, "SELECT ST_Area(ST_Union(geom)) FROM data.cadastral_unit"
                        " WHERE unit_id LIKE '1003%%' AND version_end IS NULL")  # fmt: skip
    assert math.isclose(shapely.from_wkb(wkb).area, area, rel_tol=1e-9)
    assert lines(uldk(live_server, request="GetCountyById", id="1020")) == [NO_RESULTS]


def test_voivodeships_are_not_held_by_the_county(live_server, known_parcel):
    assert lines(uldk(live_server, request="GetVoivodeshipById", id="10")) == [NO_RESULTS]
    xy = f"{known_parcel.x},{known_parcel.y}"
    assert lines(uldk(live_server, request="GetVoivodeshipByXY", xy=xy)) == [NO_RESULTS]


# --- SnapToPoint and GetAggregateArea -----------------------------------------------------


def test_snap_to_the_nearest_boundary_point(live_server, known_parcel, database):
    vx, vy = owner_row(
        database,
        "SELECT ST_X(v), ST_Y(v) FROM (SELECT ST_ClosestPoint(ST_Points(geom),"
        " ST_SetSRID(ST_MakePoint(%s, %s), 2180)) v FROM data.parcel WHERE parcel_id = %s"
        " AND version_end IS NULL) s",
        (known_parcel.x, known_parcel.y, known_parcel.parcel_id),
    )
    (nearest,) = owner_row(  # another vertex nearer than 0.5 m would be the answer instead
        database,
        "SELECT min(ST_Distance(ST_SetSRID(ST_MakePoint(%s, %s), 2180), v.geom)) FROM"
        " data.parcel p, ST_DumpPoints(p.geom) v WHERE p.version_end IS NULL"
        " AND ST_DWithin(p.geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180), 1)",
        (vx + 0.3, vy + 0.4, vx + 0.3, vy + 0.4),
    )
    answer = lines(uldk(live_server, request="SnapToPoint", xy=f"{vx + 0.3},{vy + 0.4}",
                        result="geom_wkt"))  # fmt: skip
    assert len(answer) == 3 and answer[0] == "0"
    point = shapely_wkt.loads(answer[1].split(";")[1])
    assert math.isclose(float(answer[2]), nearest, abs_tol=1e-9) and nearest <= 0.5 + 1e-9
    if math.isclose(nearest, 0.5, abs_tol=1e-6):
        assert (point.x, point.y) == (vx, vy)
    tiny = uldk(live_server, request="SnapToPoint", xy=f"{vx + 0.3},{vy + 0.4}", radius="0.1")
    assert lines(tiny) == [NO_RESULTS]


def test_aggregate_area_is_the_union(live_server, database):
    first, second, union = owner_row(
        database,
        "SELECT a.parcel_id, b.parcel_id, ST_AsBinary(ST_Union(a.geom, b.geom))"
        " FROM publish.parcels a JOIN publish.parcels b ON a.parcel_id < b.parcel_id"
        " AND ST_Touches(a.geom, b.geom) ORDER BY a.parcel_id, b.parcel_id LIMIT 1",
    )
    answer = lines(uldk(live_server, request="GetAggregateArea", id=f"{first}, {second}",
                        result="geom_wkb"))  # fmt: skip
    assert answer[0] == "0" and len(answer) == 2
    assert shapely.from_wkb(answer[1]).equals(shapely.from_wkb(bytes(union)))
    missing = uldk(live_server, request="GetAggregateArea", id=f"{first},100302_4.0001.999999")
    assert lines(missing) == [NO_RESULTS]


# --- the answer itself ---------------------------------------------------------------------


def test_head_trailing_slash_and_cross_origin_reads(live_server, known_parcel):
    params = urlencode({"request": "GetParcelById", "id": known_parcel.parcel_id})
    slash = requests.get(f"{live_server}/uldk/?{params}", timeout=30)
    assert lines(slash)[0] == "0"
    head = requests.head(f"{live_server}/uldk?{params}", timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["X-Content-Type-Options"] == "nosniff"
    # browser clients (Leaflet pages fetching ULDK) read answers across origins
    for response in (slash, head, uldk(live_server, request="NieMaTakiego")):
        assert response.headers["Access-Control-Allow-Origin"] == "*"


# --- real clients, their request and parse steps -----------------------------------------


def rgugik_parcel_get(base: str, teryt: str | None = None, x: float | None = None,
                      y: float | None = None) -> object:  # fmt: skip
    """kadyb/rgugik R/parcel_get.R, step for step; X is its northing, Y its easting."""
    if teryt is not None:
        url = f"{base}/uldk?request=GetParcelById&id={teryt}&result=geom_wkb"
        output = requests.get(url, timeout=30).text.split("\n")
        if output[0] != "0":
            return "connection error"
        return shapely.from_wkb(output[1])  # st_as_sfc(EWKB = TRUE, crs = 2180)
    coords = f"{y},{x}"  # "X, Y coordinates are inverted"
    url = f"{base}/uldk?request=GetParcelByXY&xy={coords}&result=geom_wkb,teryt"
    output = requests.get(url, timeout=30).text.split("\n")
    if output[0] != "0":
        return "connection error"
    wkb, teryt_found = output[1].split("|")
    return shapely.from_wkb(wkb), teryt_found


def test_rgugik_parcel_get(live_server, known_parcel):
    geometry = rgugik_parcel_get(live_server, teryt=known_parcel.parcel_id)
    assert isinstance(geometry, shapely.Polygon) and shapely.get_srid(geometry) == 2180
    # its example: parcel_get(X = 313380.5, Y = 460166.4) with X the northing
    found = rgugik_parcel_get(live_server, x=known_parcel.y, y=known_parcel.x)
    assert isinstance(found, tuple) and found[1] == known_parcel.parcel_id
    assert found[0].equals(geometry)


def plugin_request(base: str, params: dict[str, str]) -> str | None:
    """uldk_gugik request.py Request.handleReply (no teryt filter): the first object line."""
    body = requests.get(f"{base}/uldk/?{urlencode(params)}", timeout=30).content.decode("utf-8")
    for line in body.split("\n"):
        if len(line) < 3 or line == NO_RESULTS or "XML" in line or "błęd" in line:
            continue
        return line.split(";")[1] if ";" in line else line
    return None


PLUGIN_PARCEL_FIELDS = "geom_wkt,teryt,parcel,region,commune,county,voivodeship"


def test_qgis_plugin_parcel_by_id_and_by_map_click(live_server, known_parcel):
    # uldk_api.getParcelById and uldk_xy.getParcelByXY: srid=2180, the point as QgsPoint x,y
    for params in (
        {"request": "GetParcelById", "id": known_parcel.parcel_id},
        {"request": "GetParcelByXY", "xy": f"{known_parcel.x},{known_parcel.y}"},
    ):
        data = plugin_request(live_server, params | {"result": PLUGIN_PARCEL_FIELDS,
                                                     "srid": "2180"})  # fmt: skip
        assert data is not None
        res = data.split("|")  # uldk_gugik.py performRequestTeryt / performRequestXY
        wkt, teryt, parcel, region, commune, county, voivodeship = res[:7]
        assert shapely_wkt.loads(wkt).is_valid and teryt == known_parcel.parcel_id
        assert (county, voivodeship) == ("powiat łaski", "łódzkie")
        assert parcel == teryt.rsplit(".", 1)[1] and region and commune


def test_qgis_plugin_units_by_id(live_server):
    # RES_REGION_BY_ID / RES_COMMUNE_BY_ID / RES_COUNTY_BY_ID, res[1] is the teryt
    cases = {"GetRegionById": ("100302_4.0001", "geom_wkt,teryt,region,commune,county,voivodeship"),
             "GetCommuneById": ("100302_3", "geom_wkt,teryt,commune,county,voivodeship"),
             "GetCountyById": ("1003", "geom_wkt,teryt,county,voivodeship")}  # fmt: skip
    for request, (ident, result) in cases.items():
        data = plugin_request(live_server, {"request": request, "id": ident, "result": result,
                                            "srid": "2180"})  # fmt: skip
        assert data is not None, request
        res = data.split("|")
        assert res[1] == ident and res[-1] == "łódzkie" and shapely_wkt.loads(res[0]).area > 0
    missing = plugin_request(live_server, {"request": "GetVoivodeshipById", "id": "10",
                                           "result": "geom_wkt,teryt,voivodeship"})  # fmt: skip
    assert missing is None


def test_qgis_plugin_lists_map_sheets(live_server, sheeted):
    # uldk_gugik.py: GetParcelByIdOrNr for obręb.number; the sheet is the next-to-last part
    # of the identifier in the second field of each line
    params = {"request": "GetParcelByIdOrNr", "id": f"{SHEETED}.{sheeted.number}",
              "result": PLUGIN_PARCEL_FIELDS, "srid": "2180"}  # fmt: skip
    body = requests.get(f"{live_server}/uldk/?{urlencode(params)}", timeout=30).text
    sheets = set()
    for line in {line for line in body.split("\n") if len(line) >= 3 and line != NO_RESULTS}:
        part = line.split(";")[1].split("|")[1].split(".")[-2]
        if "AR" in part:
            sheets.add(part.split("AR_")[-1])
    assert sorted(sheets, key=int) == ["1", "2"]


def plot_finder(base: str, plot_id: str | None = None, x: float | None = None,
                y: float | None = None, srid: int = 2180) -> dict[str, str | None]:  # fmt: skip
    """plot-finder: its request parameters and its parse of the answer."""
    fields = "teryt,voivodeship,county,commune,region,parcel,geom_wkt,geom_extent,datasource"
    if x is not None:
        xy = f"{x},{y}" + (f",{srid}" if srid != 2180 else "")
        params = {"request": "GetParcelByXY", "xy": xy, "result": fields, "srid": str(srid)}
    else:
        params = {"request": "GetParcelById", "id": plot_id or "", "result": fields,
                  "srid": str(srid)}  # fmt: skip
    text = requests.get(f"{base}/uldk/", params=params, timeout=30).text
    rows = text.strip().splitlines()
    if rows[0].strip().startswith("-1") or len(rows) < 2:
        raise LookupError("Parcel not found")
    result: dict[str, str | None] = {}
    for name, value in zip(fields.split(","), rows[1].split("|"), strict=False):
        result["plot_id" if name == "teryt" else name] = value.strip() or None
    geometry = result.get("geom_wkt")
    if geometry and ";" in geometry:
        result["geom_wkt"] = geometry.split(";", 1)[1]
    return result


def test_plot_finder_by_id_and_by_wgs84_point(live_server, known_parcel):
    by_id = plot_finder(live_server, plot_id=known_parcel.parcel_id)
    by_point = plot_finder(live_server, x=known_parcel.lon, y=known_parcel.lat, srid=4326)
    assert by_id["plot_id"] == by_point["plot_id"] == known_parcel.parcel_id
    assert (by_id["voivodeship"], by_id["county"]) == ("łódzkie", "powiat łaski")
    polygon = shapely_wkt.loads(str(by_point["geom_wkt"]))
    assert polygon.contains(shapely.Point(known_parcel.lon, known_parcel.lat))
    with pytest.raises(LookupError):
        plot_finder(live_server, plot_id="100302_4.0001.999999")
