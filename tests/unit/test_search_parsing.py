"""Reading what a person types in the search box: ids, obręb + number, addresses, names,
coordinates in every supported system and axis order; refusals. No database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geoportal.search.coordinates import CoordinateError, read_coordinates
from geoportal.search.keys import (
    FOLD_FROM,
    FOLD_TO,
    number_key,
    prefix_range,
    search_key,
    street_key,
)
from geoportal.search.parsing import (
    MAX_LENGTH,
    Address,
    IdPrefix,
    Name,
    PlaceNumber,
    QueryError,
    parse,
    read_id,
)

EXTENT = (494000.0, 396000.0, 524000.0, 431000.0)  # site.yaml, EPSG:2180
MIGRATION = Path(__file__).parents[2] / "geoportal/migrations/versions/0005_search.sql"


# ---- keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Łask", "lask"),
        ("ŁASK", "lask"),
        ("  Łask 1 – Śródmieście ", "lask 1 srodmiescie"),
        ("Sędziejowice-Kolonia", "sedziejowice kolonia"),
        ("Żagliny", "zagliny"),
        ("Wola  Łaska", "wola laska"),
        ("Zielęcice", "zielecice"),
        ("Ćmielów Źródła", "cmielow zrodla"),
        ("<script>", "script"),
        ("", ""),
    ],
)
def test_search_key_folds_polish_letters_case_and_signs(text, key):
    assert search_key(text) == key


def test_street_key_drops_the_street_type_only_at_the_start():
    assert street_key("ul. Warszawska") == "warszawska"
    assert street_key("Aleja Kościuszki") == "kosciuszki"
    assert street_key("Plac Wolności") == "wolnosci"
    assert street_key("Polna") == "polna"  # "pl" only as a word of its own
    assert street_key("9 Maja") == "9 maja"


def test_number_key_and_prefix_range():
    assert number_key("12 A") == "12a"
    assert number_key("13/4") == "13/4"
    assert prefix_range("lask") == ("lask", "lasl")
    assert prefix_range("13/") == ("13/", "130")
    low, high = prefix_range("z")
    assert low <= "zzz" < high
    with pytest.raises(ValueError):
        prefix_range("")


def test_the_migration_folds_with_the_same_letters():
    """The SQL function of 0005 and keys.py must not drift (the integration test compares
    results; this one points at the line to fix)."""
    text = MIGRATION.read_text(encoding="utf-8")
    assert f"'{FOLD_FROM}'" in text and f"'{FOLD_TO}'" in text
    assert len(FOLD_FROM) == len(FOLD_TO)


# ---- identifiers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical", "exact"),
    [
        ("100302_4.0001.123/4", "100302_4.0001.123/4", True),
        (" 100302_4.0001.123/4 ", "100302_4.0001.123/4", True),
        ("100302-4.1.123/4", "100302_4.0001.123/4", True),
        ("100302 4 0001 123/4", "100302_4.0001.123/4", True),
        ("100302_4.0001.123 / 4", "100302_4.0001.123/4", True),
        ("1003024.0001.123", "100302_4.0001.123", True),
        ("100302_4.0001.ar_3.12", "100302_4.0001.AR_3.12", True),
        ("100302_4.0001.AR 3.12/1", "100302_4.0001.AR_3.12/1", True),
        ("100302_4.0001.12/", "100302_4.0001.12/", False),  # typing the division
        ("100302_4.0001", "100302_4.0001", False),
        ("100302_4.0001.", "100302_4.0001", False),
        ("100302_4", "100302_4", False),
        ("100302", "100302", False),
    ],
)
def test_lenient_ids_read_to_the_canonical_form(text, canonical, exact):
    assert read_id(text) == IdPrefix(canonical, exact)


@pytest.mark.parametrize("text", ["100302_4.0000.12", "Łask 13", "10030_4.0001.1", "0001 13"])
def test_not_ids(text):
    assert read_id(text) is None


def test_a_well_formed_id_with_a_bad_gmina_type_is_not_exact():
    assert read_id("100302_6.0001.12") == IdPrefix("100302_6.0001.12", exact=False)


# ---- obręb + number, addresses, names --------------------------------------------------


def _kinds(text):
    return parse(text).interpretations


def test_obreb_name_and_parcel_number():
    found = _kinds("Łask 13/4")
    assert PlaceNumber("lask", "13/4") in found
    assert Name("lask 13 4") in found


def test_obreb_number_and_parcel_number():
    (place, *_rest) = _kinds("0001 13")
    assert place == PlaceNumber("0001", "13")
    assert place.numbered


def test_gmina_name_with_the_obreb_name_either_side():
    assert PlaceNumber("wodzierady kwiatkowice", "13") in _kinds("Wodzierady Kwiatkowice 13")
    assert PlaceNumber("wodzierady kwiatkowice", "13") in _kinds("Wodzierady, Kwiatkowice 13")
    assert PlaceNumber("kwiatkowice wodzierady", "13") in _kinds("Kwiatkowice 13 Wodzierady")


def test_obreb_name_with_digits_inside():
    assert PlaceNumber("lask 1 srodmiescie", "13") in _kinds("Łask 1 Śródmieście 13")


def test_address_with_comma_locality_first():
    assert Address("lask", "warszawska", "12") in _kinds("Łask, Warszawska 12")


def test_address_with_the_number_before_the_locality():
    assert Address("lask", "warszawska", "12") in _kinds("Warszawska 12 Łask")
    assert Address("lask", "warszawska", "12") in _kinds("Warszawska 12, Łask")
    assert Address("lask", "warszawska", "12") in _kinds("ul. Warszawska 12, Łask")


def test_address_without_comma_tries_every_locality_street_split():
    found = _kinds("Łask Warszawska 12")
    assert Address("lask", "warszawska", "12") in found
    assert Address(None, "lask warszawska", "12") in found  # a street of that name anywhere
    assert Address("lask warszawska", None, "12") in found  # a locality without streets


def test_village_without_streets():
    found = _kinds("Wola 5")
    assert Address("wola", None, "5") in found
    assert PlaceNumber("wola", "5") in found  # parcel 5 in an obręb "Wola…" too
    assert Address("teodory", None, "5") in _kinds("Teodory 5, Łask")


def test_house_numbers_with_letters_are_addresses_not_parcels():
    found = _kinds("Wola 5a")
    assert Address("wola", None, "5a") in found
    assert not [i for i in found if isinstance(i, PlaceNumber)]


def test_street_names_with_a_number():
    assert Address("lask", "9 maja", "12") in _kinds("Łask, 9 Maja 12")


def test_names_alone():
    assert _kinds("wodzierady") == (Name("wodzierady"),)
    assert _kinds("LASK") == (Name("lask"),)
    assert _kinds("Sędziejowice-Kol") == (Name("sedziejowice kol"),)


def test_a_number_alone_asks_for_a_place():
    assert parse("13").hint == "number_only"
    assert parse("13/4").interpretations == ()


def test_signs_alone_ask_for_words():
    assert parse("!!! ???").hint == "no_words"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * (MAX_LENGTH + 1), "too_long"),
        ("x" * 100_000, "too_long"),
        ("Łask\x00 13", "control"),
        ("Łask\n13", "control"),
        ("Łask\u2028 13", "control"),
    ],
)
def test_refused_texts(text, code):
    with pytest.raises(QueryError) as refused:
        parse(text)
    assert refused.value.code == code


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_markup_is_read_as_words(text):
    found = parse(text).interpretations
    values = [str(v) for i in found for v in i.__dict__.values() if v is not None]
    assert values and not any(re.search("[<>\"'=()]", v) for v in values)


# ---- coordinates -----------------------------------------------------------------------


def _inside(text):
    reading = read_coordinates(text, EXTENT)
    assert reading is not None, text
    return [(c.epsg, c.order, round(c.x), round(c.y)) for c in reading.inside]


@pytest.mark.parametrize(
    "text",
    ["51.59, 19.13", "51.59 19.13", "51,59 19,13", "51.59;19.13", "N51.59 E19.13",
     "51.59N 19.13E", "EPSG:4326 51.59 19.13"],
)  # fmt: skip
def test_wgs84_latitude_first(text):
    assert _inside(text) == [(4326, "lat lon", 509003, 413731)]


def test_wgs84_longitude_first_is_recognised_by_range():
    assert _inside("19.13 51.59") == [(4326, "lon lat", 509003, 413731)]
    assert _inside("E 19.13 N 51.59") == [(4326, "lat lon", 509003, 413731)]


@pytest.mark.parametrize(
    "text",
    ["51°35'N 19°08'E", "N 51°35' E 19°08'", "19°08'E 51°35'N", "51°35′N, 19°8′E",
     "51° 35' N 19° 8' E"],
)  # fmt: skip
def test_degrees_and_minutes(text):
    assert _inside(text) == [(4326, "lat lon", 509235, 412990)]


def test_degrees_minutes_seconds_without_letters_try_both_orders():
    assert _inside("51°35'24\" 19°7'48\"") == [(4326, "lat lon", 509003, 413731)]


@pytest.mark.parametrize(
    ("text", "order"),
    [("510000 410000", "x y"), ("410000 510000", "y x"), ("510000.5, 410000.25", "x y"),
     ("x=510000 y=410000", "x y"), ("EPSG:2180 410000 510000", "y x")],
)  # fmt: skip
def test_puwg1992_either_order_by_the_county_ranges(text, order):
    (found,) = read_coordinates(text, EXTENT).inside
    assert (found.epsg, found.order) == (2180, order)
    assert (round(found.x), round(found.y)) in ((510000, 410000), (510001, 410000))


def test_pl2000_zone_from_the_easting_either_order():
    assert _inside("6578000 5717000") == [(2177, "x y", 508685, 412846)]
    assert _inside("5717000 6578000") == [(2177, "y x", 508685, 412846)]
    assert _inside("5717000.00, 6578000.00") == [(2177, "y x", 508685, 412846)]


def test_pl2000_zone_7_is_read_in_its_own_system():
    reading = read_coordinates("7441000 5717000", EXTENT)
    # 7441000 as the easting: zone 7; 5717000 as the easting (the other order): zone 5
    assert {c.epsg for c in reading.candidates} == {2176, 2178, 2180}


def test_outside_the_county_is_read_but_not_inside():
    for text in ("6612345.12 5712345.55", "52.23, 21.01", "600000 500000"):
        reading = read_coordinates(text, EXTENT)
        assert reading is not None and reading.inside == (), text


@pytest.mark.parametrize("text", ["Łask 13", "0001 13", "51 19", "13", "100302_4.0001.1"])
def test_not_coordinates(text):
    assert read_coordinates(text, EXTENT) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("EPSG:3857 2130000 6730000", "unsupported_crs"),
     ("EPSG:2180 51°35'N 19°08'E", "crs_mismatch"),
     ("51°75'N 19°08'E", "not_coordinates"), ("51°35'N 19°08'N", "not_coordinates")],
)  # fmt: skip
def test_refused_coordinates(text, code):
    with pytest.raises(CoordinateError) as refused:
        read_coordinates(text, EXTENT)
    assert refused.value.code == code
