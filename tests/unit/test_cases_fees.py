"""Fees: the committed tables, itemised quotes, caps, multipliers, and the server's check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from geoportal.cases.errors import FeeError, FeeMismatch, RulesError
from geoportal.cases.fee_items import format_pln
from geoportal.cases.fees import (
    FEES_FILE,
    ExemptionClaim,
    FeeRules,
    default_fee_rules,
    quote,
    verify_quote,
)

ON = dt.date(2026, 12, 1)
RULES = default_fee_rules()


@pytest.mark.parametrize(
    ("item", "per", "paper", "electronic"),
    [  # domain reference §4, table 11
        ("egib_simplified_extract", "parcel", 1500, 1500),
        ("egib_register_extract", "registration_unit", 5000, 4000),
        ("egib_register_extract_anonymous", "registration_unit", 3000, 2400),
        ("egib_extract_and_map", "registration_unit", 15000, 14000),
        ("egib_map_extract", "registration_unit", 11000, 10500),
        ("egib_building_register_extract", "building", 3000, 2500),
        ("egib_building_card", "card", 2000, 1500),
    ],
)
def test_table_11_amounts(item, per, paper, electronic):
    for medium, amount in (("paper", paper), ("electronic", electronic)):
        one = quote(item, medium, {per: 1}, ON)
        assert one.total_grosze == amount and isinstance(one.total_grosze, int)
        assert quote(item, medium, {per: 3}, ON).total_grosze == 3 * amount


def test_the_committed_tables_say_they_are_unverified():
    one = quote("egib_register_extract", "paper", {"registration_unit": 1}, ON)
    assert not one.verified
    assert one.lines[0].table == "pgik_table_11" and one.lines[0].table_year == 2026
    assert all(not table.verified and table.source for table in RULES.tables)
    assert all(not exemption.verified for exemption in RULES.exemptions.values())


def test_the_unverified_multiplier_is_not_applied_by_default():
    twelve = quote("egib_simplified_extract", "paper", {"parcel": 12}, ON)
    assert twelve.total_grosze == 12 * 1500 and len(twelve.lines) == 1


def _rules(tmp_path: Path, change) -> FeeRules:
    raw = yaml.safe_load(FEES_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "fees.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return FeeRules.load(path)


def _items(raw, table=0):
    return raw["tables"][table]["items"]


def test_a_configured_multiplier_prices_each_range(tmp_path):
    def steps(raw):
        _items(raw)["egib_simplified_extract"]["multipliers"]["steps"] = [
            {"from": 2, "factor": "0.8"}, {"from": 11, "factor": "0.4"}]  # fmt: skip

    rules = _rules(tmp_path, steps)
    twelve = quote("egib_simplified_extract", "paper", {"parcel": 12}, ON, rules=rules)
    assert [(line.quantity, line.factor, line.amount_grosze) for line in twelve.lines] == [
        (1, "1", 1500), (9, "0.8", 10800), (2, "0.4", 1200)]  # fmt: skip
    assert twelve.total_grosze == 13500 and not twelve.verified
    five = quote("egib_simplified_extract", "paper", {"parcel": 5}, ON, rules=rules)
    assert five.total_grosze == 1500 + 4 * 1200


def test_multipliers_round_each_line_half_up(tmp_path):
    def odd(raw):
        item = _items(raw)["egib_simplified_extract"]
        item["paper"] = "15.05"
        item["multipliers"]["steps"] = [{"from": 2, "factor": "0.5"}]

    rules = _rules(tmp_path, odd)
    four = quote("egib_simplified_extract", "paper", {"parcel": 4}, ON, rules=rules)
    assert [line.amount_grosze for line in four.lines] == [1505, 2258]  # 3 × 752.5 → 2258


@pytest.mark.parametrize(
    ("pages", "parts", "wypis", "wyrys", "note"),
    [
        (1, 1, 3000, 2000, None),
        (5, 3, 3000, 6000, None),
        (6, 10, 5000, 20000, None),  # 10 parts: exactly the cap
        (40, 11, 5000, 20000, "capped at 200,00 zł"),
    ],
)
def test_planning_stamp_duty(pages, parts, wypis, wyrys, note):
    both = quote("planning_extract", "paper", {"wypis_page": pages, "wyrys_a4_part": parts}, ON)
    text, drawing = both.lines
    assert (text.item, text.amount_grosze) == ("planning_text_extract", wypis)
    assert (drawing.item, drawing.amount_grosze, drawing.note) == (
        "planning_drawing_extract", wyrys, note)  # fmt: skip
    assert both.total_grosze == wypis + wyrys <= 25000
    assert text.note == f"wypis_page × {pages}: " + ("up to 5" if pages <= 5 else "over 5")


def test_stamp_duty_is_the_same_on_paper_and_electronically():
    counts = {"wypis_page": 2, "wyrys_a4_part": 2}
    assert quote("planning_extract", "paper", counts, ON).total_grosze == 7000
    assert quote("planning_extract", "electronic", counts, ON).total_grosze == 7000


def test_certificate_and_free_services():
    certificate = quote("planning_certificate", "paper", {}, ON)
    assert certificate.total_grosze == 1700 and len(certificate.lines) == 1
    free = quote("free", "electronic", {}, ON)
    assert free.total_grosze == 0 and free.lines == ()


@pytest.mark.parametrize(
    "quantities",
    [{}, {"registration_unit": 0}, {"registration_unit": -1}, {"registration_unit": True},
     {"registration_unit": 1.0}, {"registration_unit": 10_001},
     {"registration_unit": 1, "parcel": 1}, {"parcel": 1}],
)  # fmt: skip
def test_quantities_must_be_exactly_what_the_fee_needs(quantities):
    with pytest.raises(FeeError, match="quantit"):
        quote("egib_register_extract", "paper", quantities, ON)


def test_unknown_schedule_and_dates_before_any_table():
    with pytest.raises(FeeError, match="unknown fee schedule"):
        quote("nothing", "paper", {}, ON)
    with pytest.raises(FeeError, match="no fee table in force on 2020-07-30"):
        quote("egib_register_extract", "paper", {"registration_unit": 1}, dt.date(2020, 7, 30))


def test_the_newest_edition_in_force_applies(tmp_path):
    def indexed(raw):
        table = yaml.safe_load(yaml.safe_dump(raw["tables"][0]))
        table.update(year=2027, valid_from="2027-01-01")
        table["items"]["egib_register_extract"]["paper"] = "57.50"
        raw["tables"].append(table)

    rules = _rules(tmp_path, indexed)
    request = ("egib_register_extract", "paper", {"registration_unit": 2})
    assert quote(*request, dt.date(2026, 12, 31), rules=rules).total_grosze == 10000
    new = quote(*request, dt.date(2027, 1, 1), rules=rules)
    assert new.total_grosze == 11500 and new.lines[0].table_year == 2027


def test_an_exemption_is_claimed_not_applied():
    claim = ExemptionClaim(key="public_body", justification="Gmina Łask, zadanie publiczne")
    claimed = quote("egib_map_extract", "paper", {"registration_unit": 1}, ON, claim)
    assert claimed.exemption_claim == claim and claimed.total_grosze == 11000
    with pytest.raises(FeeError, match="unknown exemption"):
        quote("egib_map_extract", "paper", {"registration_unit": 1}, ON,
              ExemptionClaim(key="friend_of_the_starosta", justification="x"))  # fmt: skip
    with pytest.raises(FeeError, match="does not apply"):  # a stamp-duty ground for a PGiK fee
        quote("egib_map_extract", "paper", {"registration_unit": 1}, ON,
              ExemptionClaim(key="housing_construction", justification="x"))  # fmt: skip


def test_the_server_accepts_its_own_quote():
    shown = quote("planning_extract", "paper", {"wypis_page": 3, "wyrys_a4_part": 2}, ON)
    assert verify_quote(shown, ON) == shown
    next_day = verify_quote(shown, ON + dt.timedelta(days=1))  # same tables: same charge
    assert next_day.on == ON + dt.timedelta(days=1) and next_day.same_charge(shown)


def _tampered(field: str, value) -> object:
    shown = quote("egib_register_extract", "electronic", {"registration_unit": 2}, ON)
    data = shown.model_dump()
    if field.startswith("line."):
        data["lines"][0][field[5:]] = value
    else:
        data[field] = value
    return type(shown).model_validate(data)


@pytest.mark.parametrize(
    ("field", "value"),
    [("total_grosze", 100), ("line.amount_grosze", 100), ("line.unit_grosze", 100),
     ("line.factor", "0.1"), ("verified", True), ("line.table_year", 2019)],
)  # fmt: skip
def test_a_tampered_quote_is_refused(field, value):
    with pytest.raises(FeeMismatch, match="quote again"):
        verify_quote(_tampered(field, value), ON)


def test_a_quote_for_another_request_is_its_own_fee_not_the_sent_one():
    shown = quote("egib_register_extract", "electronic", {"registration_unit": 2}, ON)
    cheaper = shown.model_copy(update={"quantities": {"registration_unit": 1}})
    with pytest.raises(FeeMismatch, match=r"\(80,00 zł\) is not the fee .* \(40,00 zł\)"):
        verify_quote(cheaper, ON)


@pytest.mark.parametrize(
    ("value", "message"),
    [(15.5, "decimal text"), ("15.001", "whole grosze"), ("-1", "non-negative"),
     ("abc", "not an amount")],
)  # fmt: skip
def test_amounts_in_the_file_are_never_floats(tmp_path, value, message):
    def change(raw):
        _items(raw)["egib_register_extract"]["paper"] = value

    with pytest.raises(RulesError, match=message):
        _rules(tmp_path, change)


def test_fee_file_references_are_checked(tmp_path):
    def dangling(raw):
        raw["schedules"]["ghost"] = ["no_such_item"]

    def unknown_key(raw):
        _items(raw)["egib_register_extract"]["per_page"] = True

    with pytest.raises(RulesError, match="schedule 'ghost': no table has item 'no_such_item'"):
        _rules(tmp_path, dangling)
    with pytest.raises(RulesError, match="per_page: Extra inputs"):
        _rules(tmp_path, unknown_key)


def test_format_pln():
    assert format_pln(1500) == "15,00 zł"
    assert format_pln(5) == "0,05 zł"
    assert format_pln(123456789) == "1\u00a0234\u00a0567,89 zł"
