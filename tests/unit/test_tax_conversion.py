"""Conversion hectares: factors checked against the table of art. 4 (domain.md §6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from geoportal.tax.conversion import (
    Klasouzytek,
    TaxDistrictUnknown,
    convert,
    district_of,
    load_districts,
    load_factors,
)

TABLE = load_factors()


def _one(ozu: str, ozk: str, district: str, area: str = "1.0000"):
    return convert([Klasouzytek(ozu, ozk, Decimal(area))], district, TABLE).lines[0]


@pytest.mark.parametrize(
    ("ozu", "ozk", "district", "factor"),
    [
        ("R", "I", "I", "1.95"), ("R", "IIIb", "IV", "1.00"), ("R", "VI", "IV", "0.05"),
        ("R", "IVa", "II", "1.00"), ("Ł", "I", "I", "1.75"), ("Ps", "IV", "III", "0.60"),
        ("Ł", "V", "II", "0.20"), ("Ps", "VI", "IV", "0.05"),
        # orchards: the arable column; classes III and IV read as IIIa and IVa
        ("S", "III", "I", "1.65"), ("S", "IV", "IV", "0.80"), ("S", "II", "II", "1.65"),
    ],
)  # fmt: skip
def test_factors_are_those_of_article_4(ozu, ozk, district, factor):
    assert _one(ozu, ozk, district).factor == Decimal(factor)


def test_hectares_are_area_times_factor_to_a_square_metre():
    line = _one("R", "IIIa", "II", "0.4567")
    assert line.conversion_ha == Decimal("0.6851")  # 0.4567 × 1.50 = 0.68505 → half up


def test_a_parcel_sums_its_klasouzytki():
    items = [Klasouzytek("R", "IVa", Decimal("2.0000")), Klasouzytek("Ł", "III", Decimal("1.0000"))]
    result = convert(items, "III", TABLE)
    assert result.total_ha == Decimal("2.8500")  # 2 × 0.90 + 1 × 1.05
    assert result.district == "III" and "art. 4" in result.source


@pytest.mark.parametrize(("ozu", "ozk"), [("Ls", "IV"), ("W", None), ("B", None), ("R", "VIz")])
def test_what_the_article_does_not_convert_is_listed_with_the_reason(ozu, ozk):
    line = _one(ozu, ozk, "I")
    assert line.factor is None and line.conversion_ha == 0 and line.note


def test_classes_v_and_vi_are_marked_exempt_but_still_converted():
    line = _one("R", "V", "I")
    assert line.exempt and line.conversion_ha == Decimal("0.3500")
    assert not _one("R", "IVb", "I").exempt


def test_an_unmapped_gmina_needs_the_district_given():
    districts = load_districts()
    with pytest.raises(TaxDistrictUnknown):
        district_of("1003011", None, districts)
    assert district_of("1003011", "II", districts) == "II"
    with pytest.raises(ValueError, match="I-IV|one of"):
        district_of("1003011", "V", districts)
