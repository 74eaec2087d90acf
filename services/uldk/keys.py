"""Identifiers a ULDK request names, read into the keys the queries look up.

A text that is not an identifier of the kind asked for, or names an object outside the
county, gives ``None``: nothing can be found, and the database is not asked. Parcel and
building identifiers are read leniently (county systems write letters in NDZ), obręb and
gmina identifiers strictly (``geoportal.cadastre.identifiers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geoportal.cadastre.identifiers import (
    IdentifierError,
    parse_district_id,
    parse_unit_id,
    read_building_id,
    read_parcel_id,
)

_NUMBER = re.compile(r"^[0-9A-Za-z/]{1,20}$")  # NDZ as written in "obręb name + number"
_WHITESPACE = re.compile(r"\s+")
MAX_NAME = 100
GMINA_KINDS = "123"  # TERYT gminy: urban, rural, urban-rural (4 and 5 are parts of a 3)


@dataclass(frozen=True)
class ParcelKey:
    """A parcel identifier; without a map sheet it also finds the parcel on any sheet.

    The national service does the same: asked for ``WWPPGG_R.XXXX.NDZ`` in an obręb
    numbered per sheet, it answers ``WWPPGG_R.XXXX.AR_N.NDZ`` (the QGIS plugin uldk_gugik
    lists the sheets that way).
    """

    id: str
    number: str
    sheet_prefix: str | None  # "WWPPGG_R.XXXX.AR_" for an identifier without a sheet


@dataclass(frozen=True)
class NameAndNumber:
    """``Krzewina 134``: an obręb by name (any case) and a parcel number in it."""

    name: str
    number: str


@dataclass(frozen=True)
class AggregateKeys:
    """The objects of ``GetAggregateArea``, by kind; ``count`` is how many were named."""

    parcels: tuple[str, ...]
    regions: tuple[str, ...]
    communes: tuple[str, ...]

    @property
    def count(self) -> int:
        """Distinct objects named."""
        return len(set(self.parcels)) + len(set(self.regions)) + len(set(self.communes))


def parcel_key(text: str, county: str) -> ParcelKey | None:
    """A parcel identifier in the county."""
    try:
        parcel = read_parcel_id(text).value
    except IdentifierError:
        return None
    if parcel.district.unit.teryt_county != county:
        return None
    prefix = f"{parcel.district}.AR_" if parcel.sheet is None else None
    return ParcelKey(text, parcel.number, prefix)


def name_and_number(text: str) -> NameAndNumber | None:
    """``obręb name`` and ``number``, split at the last run of whitespace."""
    parts = _WHITESPACE.sub(" ", text.strip()).rsplit(" ", 1)
    if len(parts) != 2 or len(parts[0]) > MAX_NAME or not _NUMBER.match(parts[1]):
        return None
    if not any(sign.isdigit() for sign in parts[1]):
        return None
    return NameAndNumber(parts[0], parts[1])


def building_key(text: str, county: str) -> str | None:
    """A building identifier in the county (either ULDK form)."""
    try:
        building = read_building_id(text).value
    except IdentifierError:
        return None
    return text if building.district.unit.teryt_county == county else None


def region_key(text: str, county: str) -> str | None:
    """An obręb identifier ``WWPPGG_R.XXXX`` in the county."""
    try:
        district = parse_district_id(text)
    except IdentifierError:
        return None
    return text if district.unit.teryt_county == county else None


def commune_key(text: str, county: str) -> str | None:
    """A gmina identifier ``WWPPGG_R`` (R = 1, 2 or 3) in the county."""
    try:
        unit = parse_unit_id(text)
    except IdentifierError:
        return None
    return text if unit.teryt_county == county and unit.kind in GMINA_KINDS else None


def county_key(text: str, county: str) -> str | None:
    """The county's own TERYT code ``WWPP``."""
    return text if text == county else None


def voivodeship_key(text: str, county: str) -> str | None:
    """The county's voivodeship ``WW`` (whose boundary the county does not hold)."""
    return text if text == county[:2] else None


def aggregate_keys(ids: tuple[str, ...], county: str) -> AggregateKeys | None:
    """Parcels, obręby and gminy by their form; None if any of them cannot be found."""
    parcels: list[str] = []
    regions: list[str] = []
    communes: list[str] = []
    for text in ids:
        dots = text.count(".")
        if dots >= 2 and (parcel := parcel_key(text, county)) is not None:
            parcels.append(parcel.id)
        elif dots == 1 and (region := region_key(text, county)) is not None:
            regions.append(region)
        elif dots == 0 and (commune := commune_key(text, county)) is not None:
            communes.append(commune)
        else:
            return None
    return AggregateKeys(tuple(parcels), tuple(regions), tuple(communes))
