"""Generate -> read: the readers return what the generator intended, in EPSG:2180 x/y."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
import shapely
from pyproj import Transformer

from etl.readers import READERS, detect
from etl.synthetic.content import obreb_content
from etl.synthetic.layout import build_layout
from etl.synthetic.owners import build_pool
from etl.synthetic.plans import DESIGNATION
from etl.synthetic.samples import sample_county
from geoportal.tables import columns_of

# Łask (51.59 N, 19.13 E) is x ≈ 509.0 km, y ≈ 413.7 km in EPSG:2180 (pyproj); the county
# reaches about 16 km from it, so x 480–540 km and y 380–440 km hold it with a margin
CENTRE = Transformer.from_crs(4326, 2180, always_xy=True).transform(19.13, 51.59)
X_RANGE, Y_RANGE = (480_000, 540_000), (380_000, 440_000)


@pytest.fixture(scope="module")
def county():
    return sample_county(400)


@pytest.fixture(scope="module")
def records(county):
    """Every record of every generated file, by table, plus reader findings."""
    out: dict[str, list[dict]] = defaultdict(list)
    findings = []
    for path in county[1]:
        reader = READERS[detect(path)](path)
        for table, record in reader:
            out[table].append(record)
        findings += [(path.name, str(f)) for f in reader.findings]
    return out, findings


def test_the_window_is_around_lask():
    assert CENTRE[0] == pytest.approx(509_003, abs=5) and CENTRE[1] == pytest.approx(413_731, abs=5)
    assert X_RANGE[0] + 25_000 < CENTRE[0] < X_RANGE[1] - 25_000
    assert Y_RANGE[0] + 25_000 < CENTRE[1] < Y_RANGE[1] - 25_000


def test_files_are_detected(county):
    kinds = Counter(detect(p) for p in county[1])
    assert kinds == {"egib-gml": 7, "topo-gml": 1, "prg-units": 1, "app-gml": len(county[1]) - 9}


def test_records_have_exactly_the_table_columns(records):
    rows, _ = records
    assert set(rows) == {
        "cadastral_unit",
        "cadastral_district",
        "parcel",
        "building",
        "land_use_contour",
        "soil_class_contour",
        "address",
        "registration_unit",
        "subject",
        "share",
        "plan",
        "plan_zone",
        "general_plan_zone",
        "topo_road",
        "topo_watercourse",
        "topo_water_area",
        "topo_place_name",
        "boundary_point",
        "admin_unit",
    }
    for table, items in rows.items():
        expected = set(columns_of(table))
        for record in items:
            assert set(record) == expected, table


def test_generated_files_read_without_findings(records):
    _, findings = records
    assert findings == []


def test_parcels_equal_what_the_generator_intended(records):
    rows, _ = records
    read = {r["parcel_id"]: r for r in rows["parcel"]}
    layout, pool = build_layout(1003, 400), build_pool(1003, 400)
    intended = {}
    for obreb in (layout.units[0].obreby[0], layout.units[1].obreby[0]):
        for p in obreb_content(obreb, 1003, pool).parcels:
            intended[p.parcel_id] = p
    assert set(intended) <= set(read)
    for parcel_id, p in intended.items():
        got = read[parcel_id]
        assert got["area_ha"] == Decimal(p.area_ha)
        assert got["number"] == p.number and got["district_id"] == parcel_id.rsplit(".", 1)[0]
        assert got["geom"].geom_type == "MultiPolygon"
        assert shapely.equals_exact(
            shapely.normalize(got["geom"].geoms[0]), shapely.normalize(p.geom), tolerance=0.005
        )
        assert sum(Decimal(str(u["area_ha"])) for u in got["land_uses"]) == Decimal(p.area_ha)
    minx, miny, maxx, maxy = shapely.union_all([r["geom"] for r in read.values()]).bounds
    assert X_RANGE[0] < minx < maxx < X_RANGE[1] and Y_RANGE[0] < miny < maxy < Y_RANGE[1]


def test_versioning_columns_are_aware_utc(records):
    rows, _ = records
    parcel = rows["parcel"][0]
    assert parcel["namespace"] == "PL.PZGiK.1003.EGiB"
    assert parcel["version_start"].tzinfo == dt.UTC
    local = dt.datetime.fromisoformat(parcel["version_id"])
    hours = (local - parcel["version_start"].replace(tzinfo=None)).total_seconds() / 3600
    assert hours in (1.0, 2.0)  # Polish local time in the file, UTC in the record


def test_references_resolve_across_tables(records):
    rows, _ = records
    parcels = {r["parcel_id"] for r in rows["parcel"]}
    units = {r["registration_unit_id"] for r in rows["registration_unit"]}
    subjects = {r["local_id"] for r in rows["subject"]}
    assert all(r["registration_unit_id"] in units for r in rows["parcel"])
    assert all(set(r["parcel_ids"]) <= parcels and r["parcel_ids"] for r in rows["building"])
    assert all(r["parcel_id"] in parcels for r in rows["address"])
    assert all(r["subject_local_id"] in subjects for r in rows["share"])
    assert len(units) == len(rows["registration_unit"])  # inline copies deduplicated
    owned = defaultdict(Fraction)
    for share in rows["share"]:
        if share["share_kind"] == "ownership":
            owned[share["registration_unit_id"]] += Fraction(
                share["numerator"], share["denominator"]
            )
    assert set(owned) == units and set(owned.values()) == {Fraction(1)}
    kinds = Counter(r["subject_kind"] for r in rows["subject"])
    assert kinds["person"] and kinds["marriage"] and kinds["institution"] and kinds["group"]


def test_plans_and_zones(records):
    rows, _ = records
    by_type = Counter(r["plan_type"] for r in rows["plan"])
    assert by_type["planOgolnyGminy"] == 1  # one gmina has a general plan
    plans = {r["plan_id"]: r for r in rows["plan"] if r["plan_type"] != "planOgolnyGminy"}
    assert 6 <= len(plans) <= 10
    for plan in plans.values():
        assert plan["plan_type"] == "miejscowyPlanZagospodarowaniaPrzestrzennego"
        assert plan["status"] == "legalForce" and plan["level"] == "local"
        assert plan["resolution_no"].count("/") == 2 and plan["resolution_date"]
        assert plan["journal_entry"].startswith("Dz. Urz. Woj. Łódzkiego z ")
        assert plan["valid_from"] > plan["resolution_date"]
        minx, miny, maxx, maxy = plan["geom"].bounds  # read from EPSG:2177, now 2180 x/y
        assert X_RANGE[0] < minx < maxx < X_RANGE[1] and Y_RANGE[0] < miny < maxy < Y_RANGE[1]
    zones = rows["plan_zone"]
    assert all(z["plan_id"] in plans for z in zones)
    assert all(z["designation"] == DESIGNATION[z["symbol"].lstrip("0123456789")] for z in zones)
    assert any(z["max_height_m"] is not None for z in zones)
    for plan_id, plan in plans.items():
        own = shapely.union_all([z["geom"] for z in zones if z["plan_id"] == plan_id])
        assert own.symmetric_difference(plan["geom"]).area < plan["geom"].area * 1e-4
    (general,) = [r for r in rows["plan"] if r["plan_type"] == "planOgolnyGminy"]
    general_zones = rows["general_plan_zone"]
    assert {z["plan_id"] for z in general_zones} == {general["plan_id"]}
    own = shapely.union_all([z["geom"] for z in general_zones])
    assert own.symmetric_difference(general["geom"]).area < general["geom"].area * 1e-4
    (unit,) = [u for u in rows["cadastral_unit"] if u["unit_id"] == "100301_2"]
    # the whole gmina Buczek, as its cadastral unit's boundary draws it
    assert own.symmetric_difference(unit["geom"]).area < unit["geom"].area * 1e-4


def test_topographic_objects_agree_with_the_cadastre(records):
    """Roads run inside their obręb's road parcels, places sit in their obręb, rivers in
    the county: the base map and the cadastral map must not contradict each other."""
    rows, _ = records
    road_parcels = shapely.union_all(
        [r["geom"] for r in rows["land_use_contour"] if r["ofu"] == "dr"], grid_size=0.01
    )
    roads = rows["topo_road"]
    assert roads and all(r["geom"].geom_type == "MultiLineString" for r in roads)
    assert {r["road_class"] for r in roads} <= {"L", "D", "I"}
    inside = sum(shapely.intersection(r["geom"], road_parcels).length for r in roads)
    # crossings give the earlier road its parcel: the later one crosses it, still on road land
    assert inside / sum(r["geom"].length for r in roads) > 0.999
    districts = {d["district_id"]: d["geom"] for d in rows["cadastral_district"]}
    places = {p["place_id"]: p for p in rows["topo_place_name"]}
    for district_id, geom in districts.items():
        assert geom.contains(places[district_id]["geom"]), district_id
    assert places["100302_4"]["name"] == "Łask" and places["100302_4"]["kind"] == "miasto"
    county = shapely.union_all(list(districts.values()), grid_size=0.01).buffer(0.05)
    rivers = {w["name"]: w["geom"] for w in rows["topo_watercourse"]}
    assert set(rivers) == {"Grabia", "Widawka"}
    assert all(county.contains(geom) for geom in rivers.values())
    beds = [w for w in rows["topo_water_area"] if w["kind"] == "wody płynące"]
    assert {w["name"] for w in beds} == {"Grabia", "Widawka"}


def test_boundary_points_are_the_parcels_vertices(records):
    rows, _ = records
    points = rows["boundary_point"]
    at = {(round(p["geom"].x, 2), round(p["geom"].y, 2)) for p in points}
    # one point per place in a unit, shared by its parcels (each unit's file has its own)
    per_unit = Counter(
        (p["point_id"].split(".")[0], round(p["geom"].x, 2), round(p["geom"].y, 2)) for p in points
    )
    assert max(per_unit.values()) == 1
    vertices = {
        (round(x, 2), round(y, 2))
        for parcel in rows["parcel"]
        for polygon in parcel["geom"].geoms
        for x, y in polygon.exterior.coords
    }
    assert vertices <= at
    districts = {d["district_id"] for d in rows["cadastral_district"]}
    assert all(p["point_id"].rsplit(".", 1)[0] in districts for p in points)
    assert {p["stabilisation"] for p in points} <= {"1", "2", "3", "4", "5", "6"}


def test_prg_gminy_are_the_union_of_their_cadastral_units(records):
    rows, _ = records
    units = {u["unit_id"]: u["geom"] for u in rows["cadastral_unit"]}
    admin = {a["teryt"]: a for a in rows["admin_unit"]}
    assert admin["1003"]["level"] == "county" and admin["1003"]["name"] == "powiat łaski"
    lask = shapely.union_all([units["100302_4"], units["100302_5"]], grid_size=0.01)
    assert admin["1003023"]["name"] == "Łask" and admin["1003023"]["level"] == "gmina"
    assert shapely.symmetric_difference(admin["1003023"]["geom"], lask).area < 1.0
    county = shapely.union_all(list(units.values()), grid_size=0.01)
    assert shapely.symmetric_difference(admin["1003"]["geom"], county).area < 1.0
