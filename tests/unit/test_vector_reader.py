"""VectorReader and profiles: KIEG shapefiles (also zipped), GeoPackage, GeoJSON, FlatGeobuf.

Every fixture is written here with pyogrio (or as raw bytes), so each test shows the exact
file it reads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyogrio.raw import write
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from etl.profiles import (
    Profile,
    ProfileError,
    available_profiles,
    load_profile,
    match_fields,
)
from etl.readers import vector
from etl.readers.base import Findings, InputError
from etl.readers.vector import VectorReader, geojson_features
from geoportal.crs import POLAND_2180, transformer
from geoportal.tables import columns_of

KIEG = [
    "ID_DZIALKI",
    "NUMER_DZIALKI",
    "NUMER_ARKUSZA",
    "NUMER_OBREBU",
    "NAZWA_OBREBU",
    "POLE_EWIDENCYJNE",
    "KW",
    "GRUPA_REJESTROWA",
]
IDS = ["100302_4.0001.12/3", "100302_4.0001.AR_2.15", "100302_4.0002.7"]
X0, Y0 = 509_000.0, 414_000.0  # near Łask, EPSG:2180


def square(i: int, size: float = 100.0) -> Polygon:
    x, y = X0 + i * 200, Y0
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)])


def write_layer(
    path: Path,
    geoms: list[Any],
    fields: dict[str, list[Any]],
    *,
    crs: str | None = "EPSG:2180",
    geometry_type: str = "Polygon",
    encoding: str | None = None,
) -> Path:
    """A vector file of the driver its suffix names; ``None`` geometries stay null."""
    driver = {
        ".shp": "ESRI Shapefile",
        ".gpkg": "GPKG",
        ".geojson": "GeoJSON",
        ".json": "GeoJSON",
        ".fgb": "FlatGeobuf",
    }[path.suffix]
    wkb = np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object)
    arrays = [
        np.array(v, dtype=float) if all(isinstance(x, float) for x in v) else np.array(v, object)
        for v in fields.values()
    ]
    with warnings.catch_warnings():  # "field name laundered" for DBF names over 10 characters
        warnings.simplefilter("ignore", RuntimeWarning)
        write(
            path,
            wkb,
            arrays,
            list(fields),
            driver=driver,
            geometry_type=geometry_type,
            crs=crs,
            encoding=encoding,
        )
    return path


def kieg_fields(obreb: str = "Łask-Kolumna") -> dict[str, list[Any]]:
    return {
        "ID_DZIALKI": IDS,
        "NUMER_DZIALKI": ["12/3", "", None],
        "NUMER_ARKUSZA": [None, None, None],
        "NUMER_OBREBU": ["0001", "0001", "0002"],
        "NAZWA_OBREBU": [obreb, "Żółkiewka", "Wiśniowa Góra"],
        "POLE_EWIDENCYJNE": [0.1234, 1.5, 2.0],
        "KW": ["LD1L/00012345/6", "", None],
        "GRUPA_REJESTROWA": ["1", "2", "7"],
    }


def kieg_shapefile(folder: Path, encoding: str = "UTF-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_layer(
        folder / "dzialki.shp", [square(i) for i in range(3)], kieg_fields(), encoding=encoding
    )


def read(path: Path, profile: Profile | str = "parcels-kieg", **kwargs: Any) -> VectorReader:
    reader = VectorReader(path, profile, **kwargs)
    reader.records = list(reader)  # type: ignore[attr-defined]
    return reader


def findings(reader: VectorReader) -> dict[str, int]:
    return {f.code: f.count for f in reader.findings}


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def profile(**changes: Any) -> Profile:
    base: dict[str, Any] = {
        "name": "test",
        "table": "parcel",
        "namespace": "PL.PZGiK.9999.TEST",
        "fields": {"parcel_id": "ID_DZIALKI", "area_ha": "POLE_EWIDENCYJNE"},
    }
    return Profile.model_validate(base | changes)


# ---- the KIEG parcel shapefile ------------------------------------------------------------
def test_kieg_parcel_shapefile_becomes_parcel_records(tmp_path):
    shp = kieg_shapefile(tmp_path)
    assert VectorReader.sniff(shp)
    reader = read(shp)
    records = reader.records
    assert [table for table, _ in records] == ["parcel"] * 3
    first, second, third = (record for _, record in records)
    assert all(set(r) == set(columns_of("parcel")) for _, r in records)
    assert first["parcel_id"] == IDS[0] and first["local_id"] == IDS[0]
    assert first["namespace"] == "PL.PZGiK.1003.EGiB" and first["version_id"] == ""
    assert first["number"] == "12/3" and first["district_id"] == "100302_4.0001"
    assert first["area_ha"] == Decimal("0.1234")  # POLE_EWIDENCYJNE, cut to POLE_EWIDE
    assert first["land_register_no"] == "LD1L/00012345/6"
    assert first["land_uses"] == [] and first["sheet"] is None
    assert second["number"] == "15" and second["sheet"] == "2"  # derived from the id
    assert third["district_id"] == "100302_4.0002" and third["land_register_no"] is None
    assert isinstance(first["geom"], MultiPolygon) and first["geom"].equals(
        MultiPolygon([square(0)])
    )
    mtime = dt.datetime.fromtimestamp(shp.stat().st_mtime, dt.UTC)
    assert first["version_start"] == mtime and first["version_start"].tzinfo is not None
    assert findings(reader) == {"local_id_fallback": 3}


def test_a_zipped_kieg_shapefile_in_cp1250_reads_the_same(tmp_path):
    folder = tmp_path / "export"
    shp = kieg_shapefile(folder, encoding="CP1250")
    shp.with_suffix(".cpg").unlink()  # as old Windows exports come
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(folder.iterdir()):
            zf.write(part, f"dane/{part.name}")
        zf.writestr("__MACOSX/dane/._dzialki.shp", b"resource fork")
    assert VectorReader.sniff(archive)
    work = tmp_path / "work"
    work.mkdir()
    outside = tmp_path.parent
    before = listing(outside) - listing(tmp_path)
    names = profile(
        fields={
            "parcel_id": "ID_DZIALKI",
            "area_ha": "POLE_EWIDENCYJNE",
            "land_register_no": "NAZWA_OBREBU",
        }
    )
    reader = read(archive, names, work_dir=work)
    assert [r["land_register_no"] for _, r in reader.records] == [
        "Łask-Kolumna",
        "Żółkiewka",
        "Wiśniowa Góra",
    ]
    assert [r["parcel_id"] for _, r in reader.records] == IDS
    assert list(work.iterdir()) == []  # the temporary folder is gone
    assert listing(outside) - listing(tmp_path) == before


def test_the_temporary_folder_goes_also_when_reading_stops_early_or_fails(tmp_path):
    shp = kieg_shapefile(tmp_path / "export")
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in shp.parent.iterdir():
            zf.write(part, part.name)
    work = tmp_path / "work"
    work.mkdir()
    records = iter(VectorReader(archive, "parcels-kieg", work_dir=work))
    next(records)
    assert len(list(work.iterdir())) == 1
    records.close()  # type: ignore[attr-defined]
    assert list(work.iterdir()) == []
    without_prj = tmp_path / "no-prj.zip"
    with zipfile.ZipFile(without_prj, "w") as zf:
        for part in shp.parent.iterdir():
            if part.suffix != ".prj":
                zf.write(part, part.name)
    with pytest.raises(InputError, match=r"^no-prj\.zip: dzialki\.shp: the coordinates"):
        list(VectorReader(without_prj, profile(crs=2176), work_dir=work))
    assert list(work.iterdir()) == []


def _zip(tmp_path: Path, name: str, members: dict[str, bytes]) -> Path:
    archive = tmp_path / name
    with zipfile.ZipFile(archive, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return archive


def test_a_zip_must_hold_exactly_one_dataset(tmp_path):
    shp = kieg_shapefile(tmp_path / "a")
    parts = {p.name: p.read_bytes() for p in shp.parent.iterdir()}
    two = _zip(tmp_path, "two.zip", parts | {f"b/{n}": d for n, d in parts.items()})
    none = _zip(tmp_path, "none.zip", {"readme.txt": b"hello"})
    assert not VectorReader.sniff(two) and not VectorReader.sniff(none)
    with pytest.raises(InputError, match=r"^two\.zip: .*exactly one .* found: b/dzialki\.shp, "):
        list(VectorReader(two, "parcels-kieg", work_dir=tmp_path))
    with pytest.raises(InputError, match=r"^none\.zip: .*found: none"):
        list(VectorReader(none, "parcels-kieg", work_dir=tmp_path))


def test_an_unsafe_zip_is_refused_before_reading(tmp_path):
    shp = kieg_shapefile(tmp_path / "a")
    parts = {p.name: p.read_bytes() for p in shp.parent.iterdir()}
    archive = _zip(tmp_path, "evil.zip", parts | {"../escape.txt": b"x"})
    with pytest.raises(InputError, match=r"^evil\.zip: entry '\.\./escape\.txt'.*traversal"):
        list(VectorReader(archive, "parcels-kieg", work_dir=tmp_path / "a"))
    assert not (tmp_path / "escape.txt").exists()


def test_a_file_name_gdal_would_read_as_an_archive_path_is_refused(tmp_path):
    shp = kieg_shapefile(tmp_path / "a")
    archive = _zip(
        tmp_path, "bang.zip", {f"x!{p.name}": p.read_bytes() for p in shp.parent.iterdir()}
    )
    with pytest.raises(InputError, match=r"x!dzialki\.shp: the file name contains"):
        list(VectorReader(archive, "parcels-kieg", work_dir=tmp_path))


# ---- the other formats --------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".fgb"])
def test_other_formats_give_the_same_records(tmp_path, suffix):
    path = write_layer(tmp_path / f"dzialki{suffix}", [square(i) for i in range(3)], kieg_fields())
    assert VectorReader.sniff(path)
    reader = read(path)
    by_id = {r["parcel_id"]: r for _, r in reader.records}  # FlatGeobuf sorts spatially
    assert sorted(by_id) == sorted(IDS)
    assert by_id[IDS[2]]["geom"].equals(MultiPolygon([square(2)]))
    assert by_id[IDS[0]]["area_ha"] == Decimal("0.1234")


def test_geojson_in_crs84_is_transformed_to_2180(tmp_path):
    lon, lat = transformer(2180, 4326).transform(X0, Y0)
    ring = [(lon, lat), (lon + 0.001, lat), (lon + 0.001, lat + 0.001), (lon, lat)]
    path = write_layer(
        tmp_path / "d.geojson",
        [Polygon(ring)],
        {"ID_DZIALKI": IDS[:1], "POLE_EWIDENCYJNE": [1.0]},
        crs="EPSG:4326",
    )
    [(_, record)] = read(path).records
    x, y = record["geom"].geoms[0].exterior.coords[0]
    assert abs(x - X0) < 0.01 and abs(y - Y0) < 0.01


def test_geojson_is_streamed_across_buffer_refills(tmp_path, monkeypatch):
    monkeypatch.setattr(vector, "CHUNK", 7)  # every number and string straddles a refill
    path = write_layer(tmp_path / "d.geojson", [square(i) for i in range(3)], kieg_fields())
    text = json.loads(path.read_text())
    assert list(geojson_features(path)) == text["features"]
    reader = read(path, batch_size=2)
    assert [r["parcel_id"] for _, r in reader.records] == IDS


def test_broken_geojson_is_refused_with_its_position(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry"')
    with pytest.raises(InputError, match=r"^broken\.geojson: not valid JSON"):
        list(geojson_features(path))


def test_windows_of_features_cover_the_file(tmp_path):
    geoms = [square(i) for i in range(7)]
    ids = [f"100302_4.0001.{i + 1}" for i in range(7)]
    for suffix in (".shp", ".gpkg", ".fgb", ".geojson"):
        path = write_layer(
            tmp_path / f"w{suffix}", geoms, {"ID_DZIALKI": ids, "POLE_EWIDENCYJNE": [1.0] * 7}
        )
        reader = read(path, profile(), batch_size=3)
        assert sorted(r["parcel_id"] for _, r in reader.records) == ids, suffix


# ---- sniffing and refusing ----------------------------------------------------------------
def test_files_that_only_claim_a_format_are_not_recognised(tmp_path):
    vrt = tmp_path / "sneaky.gpkg"
    vrt.write_text(
        '<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd'
        "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
    )
    sqlite = tmp_path / "plain.gpkg"
    sqlite.write_bytes(b"SQLite format 3\x00" + bytes(84))  # SQLite, no GeoPackage id
    not_collection = tmp_path / "single.json"
    not_collection.write_text('{"type": "Feature", "geometry": null, "properties": {}}')
    for path in (vrt, sqlite, not_collection, tmp_path / "missing.shp"):
        assert not VectorReader.sniff(path)
    with pytest.raises(InputError, match=r"^sneaky\.gpkg: not a Shapefile, GeoPackage"):
        list(VectorReader(vrt, "parcels-kieg"))


def test_a_driver_outside_the_allow_list_is_refused(tmp_path):
    """ESRI JSON has a ``features`` array too; GDAL opens it with another driver."""
    path = tmp_path / "esri.json"
    path.write_text(
        json.dumps(
            {
                "features": [{"attributes": {"ID_DZIALKI": "x"}, "geometry": {"x": X0, "y": Y0}}],
                "geometryType": "esriGeometryPoint",
                "spatialReference": {"wkid": 2180},
            }
        )
    )
    assert VectorReader.sniff(path)  # the first bytes look like a collection
    with pytest.raises(InputError, match=r"^esri\.json: GDAL opens it as 'ESRIJSON'"):
        list(VectorReader(path, "parcels-kieg"))


@pytest.mark.parametrize("missing", [".shx", ".dbf"])
def test_a_missing_shapefile_part_is_named(tmp_path, missing):
    shp = kieg_shapefile(tmp_path)
    shp.with_suffix(missing).unlink()
    assert VectorReader.sniff(shp)  # recognised, so the person learns what is missing
    with pytest.raises(InputError, match=rf"^dzialki\.shp: dzialki\{missing} is missing"):
        list(VectorReader(shp, "parcels-kieg"))


def test_a_truncated_shp_is_refused(tmp_path):
    shp = kieg_shapefile(tmp_path)
    shp.write_bytes(shp.read_bytes()[:-40])
    with pytest.raises(InputError, match=r"^dzialki\.shp: the \.shx points past the end .*3"):
        list(VectorReader(shp, "parcels-kieg"))


def test_a_record_count_mismatch_is_refused(tmp_path):
    shp = kieg_shapefile(tmp_path)
    dbf = shp.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[4] = 2  # the header now claims 2 records
    dbf.write_bytes(bytes(data))
    with pytest.raises(
        InputError,
        match=r"^dzialki\.shp: the \.shx lists 3 shapes but the "
        r"\.dbf holds 2 records",
    ):
        list(VectorReader(shp, "parcels-kieg"))


def test_a_geopackage_with_two_layers_is_refused(tmp_path):
    path = write_layer(tmp_path / "two.gpkg", [square(0)], {"ID_DZIALKI": IDS[:1]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        write(
            path,
            np.array([shapely.to_wkb(square(1))], dtype=object),
            [np.array(["x"], dtype=object)],
            ["ID_DZIALKI"],
            driver="GPKG",
            layer="other",
            geometry_type="Polygon",
            crs="EPSG:2180",
            append=True,
        )
    with pytest.raises(InputError, match=r"^two\.gpkg: .*exactly one layer.*found 2"):
        list(VectorReader(path, "parcels-kieg"))


# ---- coordinate reference systems ---------------------------------------------------------
def test_a_file_without_crs_takes_the_profiles_and_says_so(tmp_path):
    shp = kieg_shapefile(tmp_path)
    shp.with_suffix(".prj").unlink()
    reader = read(shp)  # parcels-kieg: crs 2180
    assert len(reader.records) == 3
    assert findings(reader)["crs_from_profile"] == 1


def test_a_file_without_crs_and_a_profile_without_one_is_refused(tmp_path):
    shp = kieg_shapefile(tmp_path)
    shp.with_suffix(".prj").unlink()
    with pytest.raises(
        InputError,
        match=r"^dzialki\.shp: no coordinate reference system.*"
        "set crs in the profile",
    ):
        list(VectorReader(shp, profile()))


def test_a_profile_crs_that_puts_the_data_outside_poland_is_refused(tmp_path):
    shp = kieg_shapefile(tmp_path)  # EPSG:2180 coordinates
    shp.with_suffix(".prj").unlink()
    with pytest.raises(InputError, match=r"not lie in Poland as EPSG:2176"):
        list(VectorReader(shp, profile(crs=2176)))


def test_pl2000_is_transformed_and_a_declared_crs_beats_the_profile(tmp_path):
    x, y = transformer(2180, 2177).transform(X0, Y0)
    ring = [(x, y), (x + 50, y), (x + 50, y + 50), (x, y)]
    path = write_layer(
        tmp_path / "pl2000.gpkg",
        [Polygon(ring)],
        {"ID_DZIALKI": IDS[:1], "POLE_EWIDENCYJNE": [1.0]},
        crs="EPSG:2177",
    )
    reader = read(path, profile(crs=2180))
    [(_, record)] = reader.records
    assert record["geom"].bounds[0] == pytest.approx(X0, abs=0.01)
    assert findings(reader) == {"crs_profile_ignored": 1, "local_id_fallback": 1}


def test_geojson_without_crs_member_but_projected_numbers(tmp_path):
    feature = {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(square(0)),
        "properties": {"ID_DZIALKI": IDS[0], "POLE_EWIDENCYJNE": 1.0},
    }
    path = tmp_path / "old.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(InputError, match=r"^old\.geojson: .*set crs in the profile"):
        list(VectorReader(path, profile()))
    reader = read(path, profile(crs=2180))
    assert reader.records[0][1]["geom"].equals(MultiPolygon([square(0)]))
    assert findings(reader)["crs_from_profile"] == 1


def test_coordinates_outside_poland_are_a_finding(tmp_path):
    far = Polygon([(10, 10), (20, 10), (20, 20), (10, 10)])
    path = write_layer(
        tmp_path / "far.gpkg",
        [square(0), far],
        {"ID_DZIALKI": IDS[:2], "POLE_EWIDENCYJNE": [1.0, 1.0]},
    )
    reader = read(path, profile())
    assert len(reader.records) == 2
    [outside] = [f for f in reader.findings if f.code == "outside_poland"]
    assert outside.count == 1 and outside.examples == [f"feature 2 ({IDS[1]})"]
    assert POLAND_2180[0] <= reader.records[0][1]["geom"].bounds[0]


# ---- geometries ---------------------------------------------------------------------------
def test_geometry_rules_with_counted_findings(tmp_path):
    z = Polygon([(x, y, 7.0) for x, y in square(1).exterior.coords])
    geoms = [
        square(0),
        z,
        None,
        LineString([(X0, Y0), (X0 + 5, Y0)]),
        Point(X0, Y0),
        MultiPolygon([square(5), square(6)]),
    ]
    ids = [f"100302_4.0001.{i + 1}" for i in range(len(geoms))]
    path = write_layer(
        tmp_path / "mixed.gpkg",
        geoms,
        {"ID_DZIALKI": ids, "POLE_EWIDENCYJNE": [1.0] * len(ids)},
        geometry_type="Unknown",
    )
    reader = read(path, profile())
    kept = {r["parcel_id"]: r["geom"] for _, r in reader.records}
    assert list(kept) == [ids[0], ids[1], ids[2], ids[5]]
    assert not kept[ids[1]].has_z and kept[ids[2]] is None
    assert len(kept[ids[5]].geoms) == 2
    counts = findings(reader)
    assert counts["z_m_dropped"] == 1 and counts["empty_geometry"] == 1
    assert counts["wrong_geometry_type"] == 2
    wrong = next(f for f in reader.findings if f.code == "wrong_geometry_type")
    assert wrong.examples == [f"feature 4 ({ids[3]}): LineString", f"feature 5 ({ids[4]}): Point"]


def test_nan_coordinates_are_skipped(tmp_path):
    with np.errstate(invalid="ignore"):
        nan = Polygon([(X0, Y0), (float("nan"), Y0), (X0 + 5, Y0 + 5), (X0, Y0)])
    path = write_layer(
        tmp_path / "nan.gpkg",
        [nan, square(1)],
        {"ID_DZIALKI": IDS[:2], "POLE_EWIDENCYJNE": [1.0, 1.0]},
    )
    reader = read(path, profile())
    assert [r["parcel_id"] for _, r in reader.records] == [IDS[1]]
    assert findings(reader)["nan_coordinates"] == 1


def test_a_geometry_over_a_million_vertices_is_refused(tmp_path):
    angles = np.linspace(0, 2 * np.pi, 1_000_001)
    ring = np.column_stack([X0 + 500 * np.cos(angles), Y0 + 500 * np.sin(angles)])
    path = write_layer(
        tmp_path / "huge.fgb",
        [square(0), Polygon(ring)],
        {"ID_DZIALKI": IDS[:2], "POLE_EWIDENCYJNE": [1.0, 1.0]},
    )
    with pytest.raises(
        InputError,
        match=r"^huge\.fgb: feature 2 \(100302_4\.0001\.AR_2\.15\) "
        r"has 1,000,001 vertices, more than the limit",
    ):
        list(VectorReader(path, profile()))


# ---- profiles -----------------------------------------------------------------------------
def test_shipped_profiles_load():
    assert {"parcels-kieg", "buildings-kieg"} <= set(available_profiles())
    assert load_profile("parcels-kieg").table == "parcel"
    assert load_profile("buildings-kieg").table == "building"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "name: x\ntable: parcel\nnamespace: N\nfields: {parcel_id: A, area_ha: B}\ncolour: red",
            "colour: unknown key",
        ),
        ("name: x\ntable: parcels\nnamespace: N\nfields: {}", "table: Value error, unknown table"),
        (
            "name: x\ntable: parcel\nnamespace: N\nfields: {parcel_idx: A, area_ha: B}",
            "fields.parcel_idx: not a column of table parcel",
        ),
        (
            "name: x\ntable: parcel\nnamespace: N\nfields: {parcel_id: A}",
            "table parcel needs area_ha (NOT NULL)",
        ),
        (
            "name: x\ntable: parcel\nnamespace: N\nfields: {parcel_id: A, area_ha: B, geom: G}",
            "fields.geom: set by the reader",
        ),
        (
            "name: x\ntable: parcel\nnamespace: N\nfields: {parcel_id: A, area_ha: B}\ncrs: 99999",
            "crs: Value error, EPSG:99999 is not a known",
        ),
        ("name: x\ntable: subject\nnamespace: N\nfields: {subject_kind: A}", "has no geometry"),
        (
            "name: x\ntable: building\nnamespace: N\nfields: {kst_type: A}",
            "needs building_id (NOT NULL)",
        ),
        ("name: [unclosed", "cannot be read as YAML"),
    ],
)
def test_a_bad_profile_names_its_file_and_field(tmp_path, text, expected):
    path = tmp_path / "county.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value).startswith("county.yaml: ")
    assert expected.removeprefix("table: Value error, ").removeprefix("crs: Value error, ") in str(
        caught.value
    )


def test_an_unknown_profile_lists_the_shipped_ones():
    with pytest.raises(ProfileError, match=r"no-such\.yaml: no such profile .*parcels-kieg"):
        load_profile("no-such")


def test_field_names_match_case_insensitively_and_truncated():
    found = Findings()
    matched = match_fields(
        {"area_ha": ["POLE_EWIDENCYJNE"], "parcel_id": ["id_dzialki"], "kw": ["NIEMA"]},
        ["ID_DZIALKI", "pole_ewide"],
        found,
    )
    assert matched == {"area_ha": "pole_ewide", "parcel_id": "ID_DZIALKI", "kw": None}
    assert found.as_list() == []


def test_buildings_with_colliding_truncated_names(tmp_path):
    path = write_layer(
        tmp_path / "budynki.shp",
        [square(0), square(1)],
        {
            "ID_BUDYNKU": ["100302_4.0001.12.1_BUD", "100302_4.0001.7_BUD"],
            "FUNKCJA": ["mieszkalny", "gospodarczy"],
            "KONDYGNACJE_NADZIEMNE": [3.0, 1.0],
            "KONDYGNACJE_PODZIEMNE": [1.0, 0.0],
            "POWIERZCHNIA_ZABUDOWY": [120.5, 30.0],
        },
    )
    reader = read(path, "buildings-kieg")
    first = reader.records[0][1]
    assert set(first) == set(columns_of("building"))
    assert (first["floors_above"], first["floors_below"]) == (3, 1)
    assert first["kst_type"] == "mieszkalny" and first["parcel_ids"] == []
    assert first["built_up_area_m2"] == Decimal("120.5")
    [collision] = [f for f in reader.findings if f.code == "truncated_field_names"]
    assert collision.examples == [
        "KONDYGNACJE_NADZIEMNE→KONDYGNACJ, KONDYGNACJE_PODZIEMNE→KONDYGNA_1"
    ]


def test_source_field_names_are_only_names(tmp_path):
    """Field names that look like SQL are matched as text and never leave the reader."""
    injection = 'x"; DROP TABLE y; --'
    fields = {injection: IDS, "select": [1.0, 2.0, 3.0], "Nr KW": ["KW1", "KW2", "KW3"]}
    for suffix in (".gpkg", ".geojson"):
        path = write_layer(tmp_path / f"odd{suffix}", [square(i) for i in range(3)], fields)
        sql_profile = profile(
            fields={"parcel_id": injection, "area_ha": "SELECT", "land_register_no": "nr kw"}
        )
        reader = read(path, sql_profile)
        assert [r["parcel_id"] for _, r in reader.records] == IDS
        assert [r["area_ha"] for _, r in reader.records] == [Decimal(1), Decimal(2), Decimal(3)]
        assert {key for _, r in reader.records for key in r} == set(columns_of("parcel"))


def test_a_required_field_missing_from_the_file_is_refused(tmp_path):
    path = write_layer(tmp_path / "d.gpkg", [square(0)], {"ID": IDS[:1], "POLE": [1.0]})
    with pytest.raises(
        InputError,
        match=r"^d\.gpkg: field ID_DZIALKI \(for parcel_id\) is not "
        r"in the file; its fields are: ID, POLE",
    ):
        list(VectorReader(path, profile()))


def test_values_that_do_not_fit_are_findings(tmp_path):
    fields = {
        "ID_DZIALKI": IDS,
        "POLE_EWIDENCYJNE": ["1,25", "abc", ""],
        "LOKALNY": ["a1", "", "a3"],
        "DATA": ["2024-03-01", "yesterday", None],
    }
    path = write_layer(tmp_path / "v.geojson", [square(i) for i in range(3)], fields)
    custom = profile(
        local_id="LOKALNY",
        version_date="DATA",
        fields={"parcel_id": "ID_DZIALKI", "area_ha": "POLE_EWIDENCYJNE", "sheet": "ARKUSZ"},
    )
    reader = read(path, custom)
    [(_, record)] = reader.records
    assert record["area_ha"] == Decimal("1.25") and record["local_id"] == "a1"
    assert record["version_start"] == dt.datetime(2024, 2, 29, 23, tzinfo=dt.UTC)  # Warsaw 00:00
    counts = findings(reader)
    assert counts["bad_value"] == 1 and counts["missing_value"] == 2
    assert counts["missing_field"] == 1  # ARKUSZ
    assert counts["local_id_fallback"] == 1 and counts["version_date_fallback"] == 2


def test_the_reader_keeps_the_signature_the_lead_wires(tmp_path):
    shp = kieg_shapefile(tmp_path)
    reader = VectorReader(shp, load_profile("parcels-kieg"), encoding=None, work_dir=None)
    assert len(list(reader)) == 3
    assert os.fspath(reader.path) == os.fspath(shp)
