"""Conversion hectares (hektary przeliczeniowe) of agricultural land, art. 4 of the
agricultural tax act.

A parcel's klasoużytki (soil use OZU and class OZK, with their legal areas) times the
factor of the gmina's tax district give its conversion hectares. The factors and the
gmina-to-district assignment are data (``factors.yaml``, ``districts.yaml``) with their
sources; this module only applies them, and says what it could not convert and why.

>>> table = load_factors()
>>> line = convert([Klasouzytek("R", "IIIa", Decimal("1.2000"))], "I", table).lines[0]
>>> (line.factor, line.conversion_ha)
(Decimal('1.65'), Decimal('1.9800'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

FOLDER = Path(__file__).parent
DISTRICTS = ("I", "II", "III", "IV")
HA = Decimal("0.0001")  # EGiB areas are kept to 1 m²


class SoilUse(BaseModel):
    """Which table an OZU reads, and class names the article maps (orchards III→IIIa)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table: str
    classes: dict[str, str] = {}


class FactorTable(BaseModel):
    """``factors.yaml``: the tables of art. 4 by district, the OZU rules, the exemptions."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    districts: list[str]
    tables: dict[str, dict[str, list[Decimal]]]
    soil_uses: dict[str, SoilUse]
    exempt_classes: list[str]


class DistrictMap(BaseModel):
    """``districts.yaml``: gmina TERYT (7 digits) → tax district."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    gminas: dict[str, str]


@dataclass(frozen=True)
class Klasouzytek:
    """One klasoużytek of a parcel: soil use (OZU), soil class (OZK), legal area."""

    ozu: str | None
    ozk: str | None
    area_ha: Decimal


@dataclass(frozen=True)
class Line:
    """One converted klasoużytek, or one left out with the reason."""

    ozu: str | None
    ozk: str | None
    area_ha: Decimal
    factor: Decimal | None
    conversion_ha: Decimal
    exempt: bool
    note: str | None = None


@dataclass(frozen=True)
class Conversion:
    """The lines, their total, and the district and source they were computed with."""

    district: str
    lines: list[Line]
    total_ha: Decimal
    source: str


class TaxDistrictUnknown(ValueError):
    """The gmina is not in ``districts.yaml`` and no district was given."""


@cache
def load_factors(path: Path = FOLDER / "factors.yaml") -> FactorTable:
    """The factor tables (validated: four districts, every cell a number)."""
    table = FactorTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    if tuple(table.districts) != DISTRICTS:
        raise ValueError(f"{path.name}: districts must be {DISTRICTS}")
    for name, rows in table.tables.items():
        if any(len(values) != len(DISTRICTS) for values in rows.values()):
            raise ValueError(f"{path.name}: table {name} needs one factor per district")
    return table


@cache
def load_districts(path: Path = FOLDER / "districts.yaml") -> DistrictMap:
    """The gmina → district assignment (may be empty until the office fills it)."""
    return DistrictMap.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def district_of(gmina_teryt: str | None, given: str | None, districts: DistrictMap) -> str:
    """The district given explicitly, else the gmina's; refuse when neither is known."""
    if given is not None:
        if given not in DISTRICTS:
            raise ValueError(f"tax district must be one of {DISTRICTS}, not {given!r}")
        return given
    found = districts.gminas.get(gmina_teryt or "")
    if found is None:
        raise TaxDistrictUnknown(
            f"gmina {gmina_teryt!r} has no tax district in districts.yaml: give one (I-IV)"
        )
    return found


def convert(items: list[Klasouzytek], district: str, table: FactorTable) -> Conversion:
    """Conversion hectares of the klasoużytki in one tax district."""
    column = DISTRICTS.index(district)
    lines = [_line(item, column, table) for item in items]
    total = sum((line.conversion_ha for line in lines), Decimal(0))
    return Conversion(district, lines, total, table.source)


def _line(item: Klasouzytek, column: int, table: FactorTable) -> Line:
    exempt = item.ozk in table.exempt_classes
    use = table.soil_uses.get(item.ozu or "")
    if use is None:
        return _left_out(item, exempt, f"użytek {item.ozu!r} nie jest przeliczany (art. 4)")
    soil_class = use.classes.get(item.ozk or "", item.ozk or "")
    factors = table.tables[use.table].get(soil_class)
    if factors is None:
        return _left_out(item, exempt, f"klasa {item.ozk!r} nie występuje w tabeli art. 4")
    factor = factors[column]
    hectares = (item.area_ha * factor).quantize(HA, ROUND_HALF_UP)
    return Line(item.ozu, item.ozk, item.area_ha, factor, hectares, exempt)


def _left_out(item: Klasouzytek, exempt: bool, note: str) -> Line:
    return Line(item.ozu, item.ozk, item.area_ha, None, Decimal(0), exempt, note)
