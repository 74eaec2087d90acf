"""Cadastral identifiers: strict for what people type, lenient with reasons for county data."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys

import pytest

from geoportal.cadastre.identifiers import (
    PARCEL_ID_PATTERN,
    IdentifierError,
    is_parcel_id,
    parse_district_id,
    parse_parcel_id,
    parse_unit_id,
    read_building_id,
    read_parcel_id,
)

REAL_EXAMPLES = ["061304_5.0012.809/1", "221101_1.0001.138/28", "306401_1.0052.AR_21.85/1"]
VALID = [*REAL_EXAMPLES, "100302_4.0001.12", "320101_9.9999.AR_1.1/1", "141201_8.0100.7"]


@pytest.mark.parametrize("text", REAL_EXAMPLES)
def test_real_examples_parse_strictly_and_round_trip(text):
    parcel = parse_parcel_id(text)
    assert str(parcel) == text
    assert is_parcel_id(text)
    assert read_parcel_id(text).strict


def test_parts_of_a_parcel_id():
    parcel = parse_parcel_id("306401_1.0052.AR_21.85/1")
    unit = parcel.district.unit
    assert (unit.voivodeship, unit.county, unit.gmina, unit.kind) == ("30", "64", "01", "1")
    assert (unit.teryt_county, unit.teryt_gmina, str(unit)) == ("3064", "306401", "306401_1")
    assert (parcel.district.number, str(parcel.district)) == ("0052", "306401_1.0052")
    assert (parcel.sheet, parcel.number, parcel.base_number, parcel.division) == (
        "21", "85/1", "85", "1"
    )  # fmt: skip
    undivided = parse_parcel_id("100302_4.0001.12")
    assert (undivided.sheet, undivided.base_number, undivided.division) == (None, "12", None)


def test_unit_and_district_parse_strictly():
    assert str(parse_unit_id("100302_4")) == "100302_4"
    assert parse_unit_id("100302_4").teryt_gmina == "100302"
    assert str(parse_district_id("100302_4.0001")) == "100302_4.0001"
    with pytest.raises(IdentifierError, match="gmina type 7 is not one of 1, 2, 3, 4, 5, 8, 9"):
        parse_unit_id("100302_7")
    with pytest.raises(IdentifierError, match="obręb number 0000 is not in 0001–9999"):
        parse_district_id("100302_4.0000")
    with pytest.raises(IdentifierError, match="unexpected parts"):
        parse_district_id("100302_4.0001.12")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("100302_6.0001.12", "gmina type 6 is not one of 1, 2, 3, 4, 5, 8, 9"),
        ("100302_7.0001.12", "gmina type 7 is not one of 1, 2, 3, 4, 5, 8, 9"),
        ("100302_0.0001.12", "gmina type 0 is not one of"),
        ("010302_4.0001.12", "voivodeship code 01 is not a TERYT voivodeship"),
        ("030302_4.0001.12", "voivodeship code 03 is not a TERYT voivodeship"),
        ("340302_4.0001.12", "voivodeship code 34 is not a TERYT voivodeship"),
        ("100302_4.0000.12", "obręb number 0000 is not in 0001–9999"),
        ("100302_4.001.12", "obręb number '001' is not four digits"),
        ("100302_4.0001.0", "NDZ '0' has a number that is zero"),
        ("100302_4.0001.012", "NDZ '012' has a number that is zero or starts with 0"),
        ("100302_4.0001.12/0", "NDZ '12/0' has a number that is zero"),
        ("100302_4.0001.12a", "NDZ '12a' contains letters"),
        ("100302_4.0001.12/3a", "NDZ '12/3a' contains letters"),
        ("100302_4.0001.AR_.12", "map sheet 'AR_' has no sheet number"),
        ("100302_4.0001.AR_x.12", "map sheet number 'x' is not a number"),
        ("100302_4.0001.AR_3", "no parcel number \\(NDZ\\) after the map sheet AR_3"),
        ("100302_4.0001.12.", "ends with a dot"),
        (".100302_4.0001.12", "starts with a dot"),
        ("100302_4..12", "two dots in a row"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        (" 100302_4.0001.12", "whitespace around it"),
        ("100302_4.0001.12\n", "whitespace around it"),
        ("100302_4.0001.1 2", "signs other than digits: ' '"),
        ("100302_4.0001.12/3/4", "more than one '/'"),
        ("100302_4.0001.12/", "nothing on one side of '/'"),
        ("1003024.0001.12", "has no '_R' gmina type"),
        ("10030_4.0001.12", "TERYT gmina code '10030' is not six digits"),
        ("100302_44.0001.12", "gmina type '44' after '_' is not a single digit"),
        ("100302_4", "no obręb number"),
        ("100302_4.0001", "no parcel number \\(NDZ\\) after the obręb"),
        ("100302_4.0001.x", "parcel number \\(NDZ\\) 'x' contains no number"),
        ("100302_4.0001.AR_1.2.3", "too many"),
        ("100302_4.0001.ARK_1.2", "'ARK_1' between obręb and NDZ is not a map sheet"),
    ],
)
def test_each_part_of_the_rule_is_refused_with_its_reason(text, reason):
    with pytest.raises(IdentifierError, match=reason) as refused:
        parse_parcel_id(text)
    assert repr(text) in str(refused.value)
    assert not is_parcel_id(text)
    assert not re.search(PARCEL_ID_PATTERN, text)


@pytest.mark.parametrize(
    ("text", "value", "reasons"),
    [
        ("100302_4.0001.12a", "100302_4.0001.12a", ["NDZ '12a' contains letters"]),
        (" 100302_4.0001.12 ", "100302_4.0001.12", ["whitespace around it"]),
        ("100302_4.0001.12/3a", "100302_4.0001.12/3a", ["NDZ '12/3a' contains letters"]),
        ("100302_7.0001.5", "100302_7.0001.5", ["gmina type 7"]),
        ("010302_4.0001.5", "010302_4.0001.5", ["voivodeship code 01"]),
        (
            "\t340302_0.0001.AR_02.0/1b ",
            "340302_0.0001.AR_02.0/1b",
            [
                "whitespace",
                "gmina type 0",
                "voivodeship code 34",
                "map sheet number 02",
                "contains letters",
                "zero or starts with 0",
            ],
        ),  # fmt: skip
    ],
)
def test_lenient_reading_gives_the_value_and_each_deviation(text, value, reasons):
    parsed = read_parcel_id(text)
    assert str(parsed.value) == value
    assert not parsed.strict
    assert len(parsed.deviations) == len(reasons)
    for deviation, reason in zip(parsed.deviations, reasons, strict=True):
        assert reason in deviation


def test_lenient_reading_keeps_letters_in_the_number():
    parcel = read_parcel_id("100302_4.0001.12/3a").value
    assert (parcel.base_number, parcel.division) == ("12", "3a")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1003024.0001.12", "no '_R'"),
        ("100302_4", "no obręb"),
        ("100302_4.0001", "no parcel number"),
        ("100302_4.0000.12", "0000"),
        ("100302_4.0001.", "ends with a dot"),
        ("100302_4.0001.AR_.12", "no sheet number"),
        ("100302_4.0001./", "contains no number"),
        ("   ", "empty"),
    ],
)
def test_lenient_reading_still_refuses_an_unrecognisable_structure(text, reason):
    with pytest.raises(IdentifierError, match=reason):
        read_parcel_id(text)


@pytest.mark.parametrize(
    ("text", "parcel_number", "number"),
    [
        ("142608_2.0022.108_BUD", None, "108"),
        ("100302_4.0001.12_BUD", None, "12"),
        ("100302_4.0001.185/1.3_BUD", "185/1", "3"),
    ],
)
def test_building_ids_in_both_uldk_forms(text, parcel_number, number):
    parsed = read_building_id(text)
    assert parsed.strict
    assert (parsed.value.parcel_number, parsed.value.number) == (parcel_number, number)
    assert str(parsed.value.district) == text[:13]
    assert str(parsed.value) == text


def test_building_ids_are_read_leniently():
    parsed = read_building_id(" 100302_7.0001.12a.3b_BUD")
    assert str(parsed.value) == "100302_7.0001.12a.3b_BUD"
    assert len(parsed.deviations) == 4
    assert "building number '3b'" in parsed.deviations[-1]
    for text, reason in [
        ("100302_4.0001.12", "not a building number N_BUD"),
        ("100302_4.0001._BUD", "contains no number"),
        ("100302_4.0001", "no building number"),
        ("100302_4.0001.AR_1.12.3_BUD", "too many"),
    ]:
        with pytest.raises(IdentifierError, match=reason):
            read_building_id(text)


def _mutated(rng: random.Random, text: str) -> str:
    """One random edit of the kind typing and exports make."""
    signs = "0123456789" * 3 + "./_ aAR\n\t-٣Ł" + "_BUD"
    position = rng.randrange(len(text) + 1)
    edit = rng.randrange(5)
    if edit == 0 and position < len(text):
        return text[:position] + rng.choice(signs) + text[position + 1 :]
    if edit == 1:
        return text[:position] + text[position + 1 :]
    if edit == 2:
        return text[:position] + "/" + text[position:]
    if edit == 3:
        return (
            text[:position]
            + rng.choice(["a", "AR_", "AR_1.", " ", "0", ".", "q"])
            + text[position:]
        )
    return text[:position] + rng.choice(signs) + text[position:]


def _generated_strings() -> list[str]:
    """A few hundred texts around valid ids, fixed by the seed."""
    rng = random.Random(20010329)
    texts = list(VALID)
    for _ in range(600):
        text = rng.choice(VALID)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            text = _mutated(rng, text)
        texts.append(text)
    return texts


GENERATED = _generated_strings()


def test_pattern_and_parser_agree_on_generated_strings():
    verdicts = []
    for text in GENERATED:
        matches = re.search(PARCEL_ID_PATTERN, text) is not None
        try:
            parsed = parse_parcel_id(text)
        except IdentifierError:
            assert not matches, text
            verdicts.append(False)
        else:
            assert matches, text
            assert str(parsed) == text
            verdicts.append(True)
        assert is_parcel_id(text) is matches
    assert sum(verdicts) > 50
    assert len(verdicts) - sum(verdicts) > 100


def test_lenient_strictness_is_the_strict_verdict():
    for text in GENERATED:
        try:
            parsed = read_parcel_id(text)
        except IdentifierError:
            assert not is_parcel_id(text), text
        else:
            assert parsed.strict is is_parcel_id(text), text
            assert all(parsed.deviations)


def test_javascript_reads_the_pattern_the_same_way():
    node = shutil.which("node") or "/usr/bin/node"
    script = (
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const rule = new RegExp(input.pattern);"
        "process.stdout.write(JSON.stringify(input.texts.map((t) => rule.test(t))));"
    )
    payload = json.dumps({"pattern": PARCEL_ID_PATTERN, "texts": GENERATED})
    result = subprocess.run(
        [node, "-e", script], input=payload, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [is_parcel_id(text) for text in GENERATED]


def test_the_identifier_rules_need_nothing_beyond_the_standard_library():
    code = (
        "import sys, geoportal.cadastre.identifiers;"
        "print(sorted(m for m in ('flask', 'werkzeug', 'pygeoapi', 'mapproxy', 'requests')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
