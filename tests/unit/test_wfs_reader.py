"""KiegWfsReader on real WFS GetFeature answers of five EGiB server stacks.

Expectations come from the files themselves and tests/fixtures/wfs_buildings/PROVENANCE.txt:
each answer starts with a comment holding the GetFeature URL, whose bbox is the point the
harvester asked about, so the building read must cover that point. Derived files (WFS 1.1,
parcels, broken inputs) are written into tmp_path from the real ones and say what changed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point

from etl.readers.base import InputError
from etl.readers.wfs_gml import KiegWfsReader
from geoportal.tables import columns_of

FIXTURES = Path(__file__).parents[1] / "fixtures"
WFS = FIXTURES / "wfs_buildings"
TO_2180 = Transformer.from_crs(4326, 2180, always_xy=True)
EMPTY = (
    "epodgik/gml_no_building.xml",
    "geoportal2/gml_no_building.xml",
    "warszawa/gml_no_building.xml",
)


def read(path: Path) -> tuple[list[tuple[str, dict]], KiegWfsReader]:
    reader = KiegWfsReader(path)
    return list(reader), reader


def codes(reader: KiegWfsReader) -> dict[str, int]:
    return {f.code: f.count for f in reader.findings}


def lonlat(lon: float, lat: float) -> Point:
    return Point(*TO_2180.transform(lon, lat))


# ---- sniffing ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(str(p.relative_to(WFS)) for p in WFS.glob("*/*.xml")))
def test_sniff_claims_answers_with_building_features(name: str) -> None:
    # An empty collection carries no feature, so nothing shows it is a KIEG answer.
    assert KiegWfsReader.sniff(WFS / name) is (name not in EMPTY)


@pytest.mark.parametrize(
    "path",
    [
        *sorted((FIXTURES / "egib_hel").glob("*.gml")),
        *sorted((FIXTURES / "app_samples").glob("*.gml")),
        FIXTURES / "teryt" / "sample_model2012.xml",
        FIXTURES / "teryt" / "sample_model2021.xml",
        FIXTURES / "teryt" / "TERC_Urzedowy_2025-11-18.xml",
        FIXTURES / "prg_units" / "waszkiewiczja" / "polska.json",
    ],
    ids=lambda p: p.name,
)
def test_sniff_refuses_other_formats(path: Path) -> None:
    assert not KiegWfsReader.sniff(path)


# ---- location -----------------------------------------------------------------------------
# The point each harvester asked about, from the GetFeature URL in the file's first comment.
ASKED = {
    "epodgik/gml_basic_building.xml": lonlat(20.85933, 52.16903),  # bbox lat,lon (urn 4326)
    "epodgik/gml_coordinates_lat_lon_order.xml": lonlat(20.85933, 52.16903),
    "epodgik/gml_coordinates_lon_lat_order.xml": lonlat(20.85933, 52.16903),
    "geoportal/gml_building_2180_crs.xml": Point(260671.13653354975, 382883.2784220455),  # N,E
    "geoportal2/gml_basic_building.xml": lonlat(18.63988, 49.75167),
    "geoportal2/gml_building_no_building_type.xml": lonlat(18.63988, 49.75167),
    "katowice/gml_basic_building_3d.xml": lonlat(19.027921, 50.253886),
    "warszawa/gml_multisurface_multiple_polygons.xml": lonlat(21.082962, 52.155801),
}


@pytest.mark.parametrize("name", sorted(ASKED))
def test_the_building_covers_the_point_asked_for(name: str) -> None:
    ((table, row),) = read(WFS / name)[0]
    assert table == "building"
    assert row["geom"].contains(ASKED[name])


def test_every_building_of_a_bbox_answer_meets_the_bbox() -> None:
    west, south = TO_2180.transform(21.010685, 52.22754)
    east, north = TO_2180.transform(21.012031, 52.228688)
    from shapely.geometry import box

    rows, _ = read(WFS / "warszawa" / "gml_multiple_polygons.xml")
    assert len(rows) == 10  # numberReturned="10"
    assert all(row["geom"].intersects(box(west, south, east, north)) for _, row in rows)


def test_wrong_axis_order_file_lands_on_the_right_building_and_is_reported() -> None:
    """The hand-modified copy writes lon/lat under urn:…:EPSG::4326, which promises lat/lon.

    Read as promised the longitude would be 52 (outside Poland); in Poland longitudes
    (14–24) and latitudes (49–55) never overlap, so the swap is certain: the reader swaps
    and records ``axis_order``. The correct original gives the same polygon without it."""
    broken, broken_reader = read(WFS / "epodgik" / "gml_coordinates_lon_lat_order.xml")
    right, right_reader = read(WFS / "epodgik" / "gml_coordinates_lat_lon_order.xml")
    assert broken[0][1]["geom"].equals_exact(right[0][1]["geom"], tolerance=1e-6)
    assert "axis_order" in codes(broken_reader)
    assert "axis_order" not in codes(right_reader)


# ---- records -------------------------------------------------------------------------------
COUNTY = {
    "epodgik": "1421",
    "geoportal": "0201",
    "geoportal2": "2403",
    "katowice": "2469",
    "warszawa": "1465",
}


@pytest.mark.parametrize("path", sorted(WFS.glob("*/*.xml")), ids=lambda p: p.parent.name + p.name)
def test_records_fill_exactly_the_building_columns(path: Path) -> None:
    rows, reader = read(path)
    for table, row in rows:
        assert table == "building" and set(row) == set(columns_of("building"))
        assert row["namespace"] == f"PL.PZGiK.{COUNTY[path.parent.name]}.EGiB"
        assert row["building_id"] == row["building_id"].strip()
        assert row["building_id"].endswith("_BUD")
        assert isinstance(row["geom"], MultiPolygon) and row["geom"].is_valid
        assert not row["geom"].has_z
        assert row["version_start"].utcoffset() == dt.timedelta(0)
        assert row["parcel_ids"] == [] and row["registration_unit_id"] is None
    assert "outside_poland" not in codes(reader)


def test_mapserver_building_attributes() -> None:
    ((_, row),), reader = read(WFS / "epodgik" / "gml_basic_building.xml")
    assert row["building_id"] == "142104_2.0013.628/16.1_BUD"
    assert row["local_id"] == "budynki.857692"
    assert (row["kst_type"], row["floors_above"], row["floors_below"]) == ("b", 3, 0)
    # timeStamp="2025-12-25T19:24:41" has no zone: Polish time, CET in December
    assert row["version_start"] == dt.datetime(2025, 12, 25, 18, 24, 41, tzinfo=dt.UTC)
    assert row["version_id"] == "" and row["object_start"] is None
    assert reader.findings == []


def test_kst_type_read_from_funkcja_when_rodzaj_holds_no_code() -> None:
    # The 2023 answers hold "ognioodporny" (fire resistance) in RODZAJ and "i" in FUNKCJA.
    rows, reader = read(WFS / "epodgik" / "gml_multiple_buildings.xml")
    got = {row["building_id"]: (row["kst_type"], row["floors_above"]) for _, row in rows}
    assert got == {
        "142104_2.0013.628/16.1_BUD": ("i", 3),
        "142104_2.0013.628/17.1_BUD": ("i", 2),
        "142104_2.0013.628/16.3_BUD": ("i", 1),
    }
    assert all(row["floors_below"] is None for _, row in rows)  # empty KONDYGNACJE_PODZIEMNE
    assert codes(reader)["kst_type_from_funkcja"] == 3


def test_missing_building_type_is_reported() -> None:
    ((_, row),), reader = read(WFS / "geoportal2" / "gml_building_no_building_type.xml")
    assert row["kst_type"] is None and "no_kst_type" in codes(reader)
    ((_, full),), _ = read(WFS / "geoportal2" / "gml_basic_building.xml")
    assert full["kst_type"] == "b"
    assert full["geom"].equals_exact(row["geom"], tolerance=1e-6)


def test_arcgis_identifier_whitespace_and_map_sheet() -> None:
    ((_, row),), reader = read(WFS / "katowice" / "gml_basic_building_3d.xml")
    assert row["building_id"] == "246901_1.0002.AR_55.6.18_BUD"
    assert (row["kst_type"], row["floors_above"]) == ("z", 2)
    assert row["version_start"] == dt.datetime(2026, 5, 2, 21, 42, 42, tzinfo=dt.UTC)
    # a map sheet in a building id is not in the identifier rules: kept, reported
    assert {"id_whitespace", "building_id_unparsed"} <= set(codes(reader))
    assert "axis_order" not in codes(reader)  # urn EPSG::2177, northing first, as written


def test_member_without_gml_id_uses_the_building_id() -> None:
    ((_, row),), reader = read(WFS / "geoportal" / "gml_building_2180_crs.xml")
    assert row["local_id"] == row["building_id"] == "020101_1.0009.522_BUD"
    assert set(codes(reader)) == {"no_feature_id"}


def test_geoserver_ids_made_per_answer_are_replaced_by_building_ids() -> None:
    rows, reader = read(WFS / "warszawa" / "gml_multiple_polygons.xml")
    assert [row["local_id"] for _, row in rows] == [row["building_id"] for _, row in rows]
    assert len({row["local_id"] for _, row in rows}) == 10
    assert codes(reader)["generated_feature_id"] == 10
    ((_, one),), _ = read(WFS / "warszawa" / "gml_multisurface_multiple_polygons.xml")
    assert len(one["geom"].geoms) == 2  # one building drawn as two surface members


@pytest.mark.parametrize("name", EMPTY)
def test_empty_collection_yields_nothing_and_says_so(name: str) -> None:
    rows, reader = read(WFS / name)
    assert rows == [] and codes(reader) == {"empty_collection": 1}


# ---- derived files ---------------------------------------------------------------------------
def derived(tmp_path: Path, source: str, *edits: tuple[str, str], name: str = "x.xml") -> Path:
    text = (WFS / source).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wfs_1_1_answer_with_gml_3_1_geometry(tmp_path: Path) -> None:
    path = derived(
        tmp_path,
        "epodgik/gml_basic_building.xml",
        ('"http://www.opengis.net/gml/3.2"', '"http://www.opengis.net/gml"'),
        ('"http://www.opengis.net/wfs/2.0"', '"http://www.opengis.net/wfs"'),
        ("wfs:member", "gml:featureMember"),
        ("wfs:boundedBy", "gml:boundedBy"),
    )
    assert KiegWfsReader.sniff(path)
    ((_, row),), reader = read(path)
    ((_, original),), _ = read(WFS / "epodgik" / "gml_basic_building.xml")
    assert row["geom"].equals_exact(original["geom"], tolerance=1e-6)
    assert reader.findings == []


PARCEL = """<ms:ID_DZIALKI>020101_1.0009.522</ms:ID_DZIALKI>
        <ms:NUMER_DZIALKI>522</ms:NUMER_DZIALKI><ms:NUMER_OBREBU>0009</ms:NUMER_OBREBU>
        <ms:POLE_EWIDENCYJNE>0.0512</ms:POLE_EWIDENCYJNE><ms:KW>LE1B/00012345/6</ms:KW>"""


def test_parcels_go_to_the_parcel_table(tmp_path: Path) -> None:
    # The building answer with its attributes replaced by county WFS parcel attributes.
    path = derived(
        tmp_path,
        "geoportal/gml_building_2180_crs.xml",
        ("<ms:ID_BUDYNKU>020101_1.0009.522_BUD</ms:ID_BUDYNKU>", PARCEL),
    )
    assert KiegWfsReader.sniff(path)
    ((table, row),), _ = read(path)
    assert table == "parcel" and set(row) == set(columns_of("parcel"))
    assert (row["parcel_id"], row["number"], row["sheet"], row["district_id"]) == (
        "020101_1.0009.522",
        "522",
        None,
        "020101_1.0009",
    )
    assert row["area_ha"] == Decimal("0.0512") and row["land_register_no"] == "LE1B/00012345/6"
    assert row["namespace"] == "PL.PZGiK.0201.EGiB" and row["land_uses"] == []


def test_parcel_without_legal_area_is_not_loaded(tmp_path: Path) -> None:
    empty_area = PARCEL.replace("0.0512", "")  # services may withhold POLE_EWIDENCYJNE
    path = derived(
        tmp_path,
        "geoportal/gml_building_2180_crs.xml",
        ("<ms:ID_BUDYNKU>020101_1.0009.522_BUD</ms:ID_BUDYNKU>", empty_area),
    )
    rows, reader = read(path)
    assert rows == [] and "parcel_skipped" in codes(reader)


def test_without_timestamp_the_file_time_is_the_version_start(tmp_path: Path) -> None:
    path = derived(
        tmp_path, "epodgik/gml_basic_building.xml", (' timeStamp="2025-12-25T19:24:41"', "")
    )
    ((_, row),), reader = read(path)
    mtime = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    assert row["version_start"] == mtime and "no_timestamp" in codes(reader)


def test_a_member_repeated_by_paging_is_read_once(tmp_path: Path) -> None:
    text = (WFS / "epodgik" / "gml_basic_building.xml").read_text(encoding="utf-8")
    member = re.search(r"<wfs:member>.*?</wfs:member>", text, re.S)
    assert member is not None
    path = tmp_path / "twice.xml"
    path.write_text(text.replace(member.group(0), member.group(0) * 2), encoding="utf-8")
    rows, reader = read(path)
    assert len(rows) == 1 and codes(reader)["duplicate_feature"] == 1


def test_unreadable_answers_raise_input_error(tmp_path: Path) -> None:
    report = tmp_path / "exception.xml"
    report.write_text('<ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"/>')
    truncated = tmp_path / "truncated.xml"
    text = (WFS / "warszawa" / "gml_multiple_polygons.xml").read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    doctype = derived(
        tmp_path,
        "epodgik/gml_basic_building.xml",
        (
            "<?xml version='1.0' encoding=\"UTF-8\" ?>",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        ),
        name="doctype.xml",
    )
    for path in (report, truncated, doctype):
        with pytest.raises(InputError):
            list(KiegWfsReader(path))
    assert not KiegWfsReader.sniff(report) and not KiegWfsReader.sniff(doctype)
