"""Readers of the national registers on real files: PRG units, PRG addresses, GUS TERC.

Expectations come from the files and their PROVENANCE notes (counts, invalid polygons,
codes), from other sources where one exists (published town coordinates, the GUGiK lists
against TERC) and, for the address points, from GDAL 3.12.4 (pyogrio) reading the same
unmodified samples: an independent reader of both axis orders.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import Point

from etl.readers import prg
from etl.readers.base import InputError
from etl.readers.prg import PrgAddressReader, PrgUnitsReader, unit_code
from etl.readers.terc import TercReader
from geoportal.crs import POLAND_2180
from geoportal.tables import columns_of

FIXTURES = Path(__file__).parents[1] / "fixtures"
GUGIK = FIXTURES / "prg_units" / "gugik_plugin"
SIMPLIFIED = FIXTURES / "prg_units" / "waszkiewiczja"
TERYT = FIXTURES / "teryt"
TERC = TERYT / "TERC_Urzedowy_2025-11-18.xml"
TO_2180 = Transformer.from_crs(4326, 2180, always_xy=True)
TO_WGS84 = Transformer.from_crs(2180, 4326, always_xy=True)
UNIT_FILES = [*sorted(GUGIK.glob("*.geojson")), *sorted(SIMPLIFIED.glob("*.json"))]
ADDRESS_FILES = [TERYT / "sample_model2012.xml", TERYT / "sample_model2021.xml"]
OTHERS = [
    *sorted((FIXTURES / "wfs_buildings").glob("*/*.xml")),
    *sorted((FIXTURES / "egib_hel").glob("*.gml")),
    *sorted((FIXTURES / "app_samples").glob("*.gml")),
]


def codes(reader) -> dict[str, int]:
    return {f.code: f.count for f in reader.findings}


def lonlat(lon: float, lat: float) -> Point:
    return Point(*TO_2180.transform(lon, lat))


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance of two lon/lat points (equirectangular; fine over a few km)."""
    dx = math.radians(a[0] - b[0]) * math.cos(math.radians(a[1]))
    return 6371000 * math.hypot(dx, math.radians(a[1] - b[1]))


# ---- sniffing: each reader claims only its own files ---------------------------------------
@pytest.mark.parametrize("path", [*UNIT_FILES, *ADDRESS_FILES, TERC, *OTHERS], ids=lambda p: p.name)
def test_each_register_file_is_claimed_by_its_reader_only(path: Path) -> None:
    claims = {
        "units": PrgUnitsReader.sniff(path),
        "addresses": PrgAddressReader.sniff(path),
        "terc": TercReader.sniff(path),
    }
    expected = (
        "units"
        if path in UNIT_FILES
        else "addresses"
        if path in ADDRESS_FILES
        else "terc"
        if path == TERC
        else None
    )
    assert {name for name, claimed in claims.items() if claimed} == ({expected} - {None})


def test_unit_sniff_needs_unit_properties_not_the_extension(tmp_path: Path) -> None:
    plain = tmp_path / "roads.geojson"
    plain.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"name":"A2","ref":"A2"},"geometry":null}]}'
    )
    obreb = tmp_path / "obreby.geojson"  # an obręb id is no unit code
    obreb.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        '"properties":{"Nazwa":"Buczek","TERYT":"100301_2.0001"},"geometry":null}]}'
    )
    renamed = tmp_path / "wojewodztwa.txt"
    renamed.write_bytes((GUGIK / "wojewodztwa.geojson").read_bytes())
    crs_first = tmp_path / "crs.json"  # the crs member's "properties" must not decide
    crs_first.write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":'
        '{"name":"urn:ogc:def:crs:EPSG::2180"}},"features":[{"type":"Feature",'
        '"properties":{"JPT_KOD_JE":"1003","JPT_NAZWA_":"łaski"},'
        '"geometry":null}]}'
    )
    assert not PrgUnitsReader.sniff(plain) and not PrgUnitsReader.sniff(obreb)
    assert PrgUnitsReader.sniff(renamed) and PrgUnitsReader.sniff(crs_first)


def test_terc_sniff_refuses_the_other_teryt_catalogs(tmp_path: Path) -> None:
    head = TERC.read_text(encoding="utf-8")[:2000]
    simc = tmp_path / "SIMC.xml"
    simc.write_text(
        head.replace('name="TERC"', 'name="SIMC"').rsplit("<row>", 1)[0] + "</catalog></teryt>",
        encoding="utf-8",
    )
    assert not TercReader.sniff(simc)


# ---- PRG units ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "count"), [("wojewodztwa", 16), ("powiaty", 380), ("gminy", 2479)]
)
def test_gugik_lookup_lists_have_no_geometry_to_load(name: str, count: int) -> None:
    reader = PrgUnitsReader(GUGIK / f"{name}.geojson")
    assert list(reader) == []  # admin_unit.geom is NOT NULL; the lists are attribute-only
    assert codes(reader) == {"no_geometry": count}


def test_unit_codes_in_both_forms() -> None:
    assert unit_code("0") == ("0", "country")
    assert unit_code("10") == ("10", "voivodeship")
    assert unit_code("1003") == ("1003", "county")
    assert unit_code("100301_2") == ("1003012", "gmina")  # EGiB form of the GUGiK list
    assert unit_code("1003012") == ("1003012", "gmina")
    assert unit_code("100301_2.0001") is None and unit_code("103") is None


def test_simplified_voivodeships() -> None:
    reader = PrgUnitsReader(SIMPLIFIED / "wojewodztwa.json")
    rows = list(reader)
    units = {row["teryt"]: row for _, row in rows}
    assert sorted(units) == [f"{code:02d}" for code in range(2, 33, 2)]
    for table, row in rows:
        assert table == "admin_unit" and set(row) == set(columns_of("admin_unit"))
        assert (row["namespace"], row["local_id"], row["level"]) == (
            "PL.PZGiK.PRG",
            row["teryt"],
            "voivodeship",
        )
        # meta.lastUpdate "2025-08": midnight of 1 August, Polish summer time
        assert row["version_start"] == dt.datetime(2025, 7, 31, 22, tzinfo=dt.UTC)
        x0, y0, x1, y1 = row["geom"].bounds
        assert (
            POLAND_2180[0] < x0 < x1 < POLAND_2180[2] and POLAND_2180[1] < y0 < y1 < POLAND_2180[3]
        )
    assert units["10"]["name"] == "łódzkie"
    assert units["10"]["geom"].contains(lonlat(19.456, 51.759))  # Łódź
    assert units["14"]["geom"].contains(lonlat(21.012, 52.230))  # Warszawa
    assert units["30"]["geom"].contains(lonlat(16.925, 52.406))  # Poznań
    assert codes(reader)["invalid_geometry"] == 12  # "12 of 16 … INVALID" (PROVENANCE)
    assert "crs_from_coordinates" not in codes(reader) and "axis_order" not in codes(reader)


def test_simplified_country() -> None:
    reader = PrgUnitsReader(SIMPLIFIED / "polska.json")
    ((_, row),) = list(reader)
    assert (row["teryt"], row["level"], row["name"]) == ("0", "country", "POLSKA")
    assert row["geom"].contains(lonlat(21.012, 52.230))
    assert "invalid_geometry" in codes(reader)  # "polska.json is invalid too"


def _one_voivodeship(document: dict, teryt: str) -> dict:
    feature = next(f for f in document["features"] if f["properties"]["JPT_KOD_JE"] == teryt)
    return {"type": "FeatureCollection", "features": [feature]}


def _map_coordinates(geometry: dict, move) -> dict:
    def walk(value):
        if isinstance(value[0], (int, float)):
            return list(move(value[0], value[1]))
        return [walk(item) for item in value]

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def test_a_member_in_epsg_2180_is_recognised_and_reported(tmp_path: Path) -> None:
    document = _one_voivodeship(json.loads((SIMPLIFIED / "wojewodztwa.json").read_text()), "10")
    original = next(iter(PrgUnitsReader(_write(tmp_path / "a.json", document))))[1]["geom"]
    feature = document["features"][0]
    feature["geometry"] = _map_coordinates(feature["geometry"], TO_2180.transform)
    reader = PrgUnitsReader(_write(tmp_path / "b.json", document))  # no crs member: "CRS84"
    ((_, row),) = list(reader)
    assert row["geom"].equals_exact(original, tolerance=0.01)
    assert codes(reader)["crs_from_coordinates"] == 1
    document["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2180"}}
    declared = PrgUnitsReader(_write(tmp_path / "c.json", document))
    assert next(iter(declared))[1]["geom"].equals_exact(original, tolerance=0.01)
    assert "crs_from_coordinates" not in codes(declared)


def test_swapped_lat_lon_geojson_is_read_swapped_and_reported(tmp_path: Path) -> None:
    document = _one_voivodeship(json.loads((SIMPLIFIED / "wojewodztwa.json").read_text()), "08")
    original = next(iter(PrgUnitsReader(_write(tmp_path / "a.json", document))))[1]["geom"]
    feature = document["features"][0]
    feature["geometry"] = _map_coordinates(feature["geometry"], lambda x, y: (y, x))
    reader = PrgUnitsReader(_write(tmp_path / "b.json", document))
    assert next(iter(reader))[1]["geom"].equals_exact(original, tolerance=1e-6)
    assert "axis_order" in codes(reader)


def test_prg_export_properties_in_lower_case(tmp_path: Path) -> None:
    square = [[[19.0, 51.6], [19.1, 51.6], [19.1, 51.7], [19.0, 51.7], [19.0, 51.6]]]
    properties = {
        "jpt_kod_je": "1003",
        "jpt_nazwa_": "powiat łaski",
        "iip_identy": "f3535d28-7251-4b68-b534-c815f3f89259",
        "iip_wersja": "2012-09-26T22:34:52+02:00",
    }
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": square},
    }
    path = _write(
        tmp_path / "powiat.json", {"type": "FeatureCollection", "features": [feature, feature]}
    )
    reader = PrgUnitsReader(path)
    ((_, row),) = list(reader)
    assert (row["teryt"], row["level"], row["local_id"]) == (
        "1003",
        "county",
        "f3535d28-7251-4b68-b534-c815f3f89259",
    )
    assert row["version_id"] == "2012-09-26T22:34:52+02:00"
    assert row["version_start"] == dt.datetime(2012, 9, 26, 20, 34, 52, tzinfo=dt.UTC)
    assert codes(reader) == {"duplicate_unit": 1}


def test_unreadable_or_oversized_geojson_raises_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text((SIMPLIFIED / "polska.json").read_text()[:5000])
    with pytest.raises(InputError):
        list(PrgUnitsReader(broken))
    monkeypatch.setattr(prg, "MAX_GEOJSON_BYTES", 1000)
    with pytest.raises(InputError, match="limit"):
        list(PrgUnitsReader(GUGIK / "wojewodztwa.geojson"))


def _write(path: Path, document: dict) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# ---- TERC --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def terc() -> dict[str, dict]:
    reader = TercReader(TERC)
    rows = list(reader)
    assert reader.findings == []
    assert all(table == "terc_name" for table, _ in rows)
    return {row["teryt"]: row for _, row in rows}


def test_terc_counts_match_the_provenance(terc: dict[str, dict]) -> None:
    assert len(terc) == 4348  # 4348 <row> elements, all codes distinct
    levels = Counter(row["level"] for row in terc.values())
    assert levels == {"voivodeship": 16, "county": 380, "gmina": 4348 - 16 - 380}
    assert sum(code.startswith("10") for code in terc) == 291  # łódzkie


def test_terc_record(terc: dict[str, dict]) -> None:
    row = terc["1003"]
    assert set(row) == set(columns_of("terc_name"))
    assert (row["name"], row["description"], row["kind"], row["level"]) == (
        "łaski",
        "powiat",
        None,
        "county",
    )
    assert (row["namespace"], row["local_id"], row["version_id"]) == (
        "PL.GUS.TERC",
        "1003",
        "2025-01-01",
    )
    assert row["valid_on"] == dt.date(2025, 1, 1)
    assert row["version_start"] == dt.datetime(2024, 12, 31, 23, tzinfo=dt.UTC)  # CET midnight


def test_terc_gminas_of_two_counties(terc: dict[str, dict]) -> None:
    laski = {code: row for code, row in terc.items() if code[:4] == "1003" and len(code) == 7}
    assert {row["name"] for row in laski.values()} == {
        "Buczek",
        "Łask",
        "Sędziejowice",
        "Widawa",
        "Wodzierady",
    }
    assert sorted(row["kind"] for row in laski.values() if row["name"] == "Łask") == ["3", "4", "5"]
    zgierski = {row["name"] for code, row in terc.items() if code[:4] == "1020" and len(code) == 7}
    assert zgierski == {"Głowno", "Ozorków", "Zgierz", "Aleksandrów Łódzki", "Parzęczew", "Stryków"}


def test_gugik_lists_agree_with_terc(terc: dict[str, dict]) -> None:
    """Two publishers, two dates: GUGiK's lists (2026-02) against TERC as of 2025-01-01."""

    def listed(name: str) -> set[str]:
        document = json.loads((GUGIK / f"{name}.geojson").read_text(encoding="utf-8"))
        return {unit_code(f["properties"]["TERYT"])[0] for f in document["features"]}

    assert listed("wojewodztwa") == {c for c, r in terc.items() if r["level"] == "voivodeship"}
    assert listed("powiaty") == {c for c, r in terc.items() if r["level"] == "county"}
    gminas = listed("gminy")
    changed = {code for code in gminas if code not in terc}
    # rural gminas whose seat became a town on 2026-01-01: type 2 in TERC, 3 in the list
    assert len(changed) == 6
    assert all(code[6] == "3" and terc[code[:6] + "2"]["kind"] == "2" for code in changed)


def test_broken_terc_rows_are_reported(tmp_path: Path) -> None:
    text = TERC.read_text(encoding="utf-8")
    first_row = text[text.index("<row>") : text.index("</row>") + len("</row>")]
    bad_row = first_row.replace("<WOJ>02</WOJ>", "<WOJ>2</WOJ>")
    path = tmp_path / "TERC_broken.xml"
    path.write_text(text.replace(first_row, first_row + first_row + bad_row, 1), encoding="utf-8")
    reader = TercReader(path)
    assert len(list(reader)) == 4348
    assert codes(reader) == {"duplicate_code": 1, "row_skipped": 1}
    refused = tmp_path / "TERC_doctype.xml"
    refused.write_text(text.replace("<teryt>", '<!DOCTYPE teryt SYSTEM "x.dtd"><teryt>', 1))
    with pytest.raises(InputError):
        list(TercReader(refused))
    assert not TercReader.sniff(refused)


# ---- PRG addresses ------------------------------------------------------------------------------
# lon/lat of each point as GDAL 3.12.4 (pyogrio, GML driver) reads the unmodified samples.
GDAL = {
    ("Konotop", "2"): (15.912124069888604, 51.929775327307524),
    ("Konotop", "1"): (15.911799807186908, 51.92997049766965),
    ("Żubrów", "21A"): (15.149797186509767, 52.48080576124045),
    ("Rzepin", "1A"): (14.839103470789498, 52.343421935204525),
    ("Lubniewice", "2A"): (15.244312218521593, 52.51278706131754),
}
# Published coordinates of the towns (Wikipedia infoboxes): a town-sized check.
TOWNS = {"Rzepin": (14.833, 52.350), "Lubniewice": (15.2497, 52.5164)}


def _addresses(path: Path) -> tuple[list[dict], PrgAddressReader]:
    reader = PrgAddressReader(path)
    rows = list(reader)
    assert all(t == "prg_address" and set(r) == set(columns_of("prg_address")) for t, r in rows)
    return [row for _, row in rows], reader


def test_model_2012_addresses() -> None:
    rows, reader = _addresses(TERYT / "sample_model2012.xml")
    got = [
        (r["locality"], r["street"], r["house_number"], r["postcode"], r["teryt_gmina"])
        for r in rows
    ]
    assert got == [
        ("Konotop", "Podgórna", "2", "67-416", "0804032"),
        ("Konotop", "Podgórna", "1", "67-416", "0804032"),
    ]
    first = rows[0]
    assert (first["namespace"], first["local_id"], first["version_id"]) == (
        "PL.PZGIK.200",
        "fd9c9319-0a6a-44b4-972a-1e6c4ec0d4ca",
        "2022-09-09T18:18:16+02:00",
    )
    assert first["version_start"] == dt.datetime(2022, 9, 9, 18, 18, 16, tzinfo=dt.UTC)
    assert reader.findings == []  # urn:…:EPSG::2180 northing first is read as declared


def test_model_2021_addresses() -> None:
    rows, reader = _addresses(TERYT / "sample_model2021.xml")
    got = [
        (r["locality"], r["street"], r["house_number"], r["postcode"], r["teryt_gmina"])
        for r in rows
    ]
    assert got == [
        ("Żubrów", None, "21A", "69-200", "0807043"),
        ("Rzepin", "Inwalidów Wojennych", "1A", "69-110", "0805043"),
        ("Lubniewice", "Plac Kasztanowy", "2A", "69-210", "0807023"),
    ]
    # poczatekWersjiObiektu 2025-10-14T14:05:46 without zone: Polish summer time
    assert rows[0]["version_start"] == dt.datetime(2025, 10, 14, 12, 5, 46, tzinfo=dt.UTC)
    assert reader.findings == []  # "EPSG:2180" easting first is read as declared


def test_both_models_land_on_the_real_places() -> None:
    """Opposite axis orders in the two models; read swapped, the points would lie 230–390 km
    away in Silesia, so 100 m from GDAL's reading and ~1 km from the towns decide."""
    rows = [*_addresses(ADDRESS_FILES[0])[0], *_addresses(ADDRESS_FILES[1])[0]]
    assert len(rows) == len(GDAL)
    for row in rows:
        where = TO_WGS84.transform(row["geom"].x, row["geom"].y)
        assert metres(where, GDAL[(row["locality"], row["house_number"])]) < 100
        if row["locality"] in TOWNS:
            assert metres(where, TOWNS[row["locality"]]) < 2500


def test_address_gminas_are_the_terc_gminas_of_the_places(terc: dict[str, dict]) -> None:
    rows = [*_addresses(ADDRESS_FILES[0])[0], *_addresses(ADDRESS_FILES[1])[0]]
    gmina = {row["locality"]: terc[row["teryt_gmina"]]["name"] for row in rows}
    assert gmina == {
        "Konotop": "Kolsko",
        "Żubrów": "Sulęcin",
        "Rzepin": "Rzepin",
        "Lubniewice": "Lubniewice",
    }


def test_link_to_another_version_of_a_name_object(tmp_path: Path) -> None:
    text = (TERYT / "sample_model2021.xml").read_text(encoding="utf-8")
    old = '#PL.ZIPIN.3122.EMUiA_0182969_2017-04-13T15_30_02_02_00" />'
    assert text.count(old) == 1  # the 2A address's link to Lubniewice
    path = tmp_path / "versions.xml"
    path.write_text(text.replace(old, old.replace("15_30_02", "15_30_15")), encoding="utf-8")
    rows, reader = _addresses(path)
    assert rows[2]["locality"] == "Lubniewice"
    assert codes(reader) == {"reference_other_version": 1}


def test_unresolved_locality_skips_the_address(tmp_path: Path) -> None:
    text = (TERYT / "sample_model2021.xml").read_text(encoding="utf-8")
    path = tmp_path / "dangling.xml"
    path.write_text(
        text.replace(
            '0188009_2025-10-14T14_04_04_02_00" />', '9999999_2025-10-14T14_04_04_02_00" />'
        ),
        encoding="utf-8",
    )
    rows, reader = _addresses(path)
    assert [r["locality"] for r in rows] == ["Rzepin", "Lubniewice"]
    assert codes(reader) == {"unresolved_reference": 1, "address_skipped": 1}


def test_inline_name_differing_from_the_linked_object_is_reported(tmp_path: Path) -> None:
    text = (TERYT / "sample_model2012.xml").read_text(encoding="utf-8")
    path = tmp_path / "mismatch.xml"
    path.write_text(
        text.replace(
            "<prg-ad:ulica>Podgórna</prg-ad:ulica>", "<prg-ad:ulica>Podgorna</prg-ad:ulica>", 1
        ),
        encoding="utf-8",
    )
    rows, reader = _addresses(path)
    assert [r["street"] for r in rows] == ["Podgórna", "Podgórna"]
    assert codes(reader) == {"name_mismatch": 1}
