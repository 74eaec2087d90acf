"""Processes over a list of parcels: the parcel report, plan coverage, conversion hectares.

All three read the public parcel card (``geoportal.cadastre.card``: publish views, the
public role, never owner data) for up to :data:`MAX_PARCELS` parcels; a parcel id that is
well formed but not in the register is reported under ``not_found``, a malformed one is
a 400. The domain work (the card, the conversion factors) lives in ``geoportal``.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pygeoapi.process.base import BaseProcessor

from geoportal.cadastre.card import ParcelCard, read_card
from geoportal.cadastre.identifiers import IdentifierError, parse_parcel_id
from geoportal.tax.conversion import (
    DISTRICTS,
    Klasouzytek,
    TaxDistrictUnknown,
    convert,
    district_of,
    load_districts,
    load_factors,
)
from services.processes.inputs import InputError
from services.providers.postgis import run_on_pool

MAX_PARCELS = 100
_PARCELS_INPUT = {
    "title": "Identyfikatory działek / parcel ids",
    # The form, not a county's parcel: the configuration serves any county.
    "description": "Identyfikatory działek WWPPGG_R.OOOO.NR (TERYT jednostki, obręb, numer), "
    "do 100 / parcel ids, up to 100.",
    "schema": {
        "type": "array",
        "items": {"type": "string"},
        "minItems": 1,
        "maxItems": MAX_PARCELS,
    },  # fmt: skip
    "minOccurs": 1,
    "maxOccurs": 1,
}
_JSON = {"type": "object", "contentMediaType": "application/json"}
_RESULT = {"result": {"title": "Wynik / result", "schema": _JSON}}


def _metadata(process_id: str, title: dict[str, str], description: dict[str, str],
              extra_inputs: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "version": "1.0.0",
        "id": process_id,
        "title": title,
        "description": description,
        "jobControlOptions": ["sync-execute"],
        "keywords": ["działki", "EGiB", "MPZP"],
        "inputs": {"parcel_ids": _PARCELS_INPUT, **(extra_inputs or {})},
        "outputs": _RESULT,
    }


class ParcelProcessor(BaseProcessor):
    """Reads the cards of the requested parcels; subclasses shape the answer."""

    METADATA: dict[str, Any] = {}

    def __init__(self, processor_def: dict[str, Any]):
        super().__init__(processor_def, self.METADATA)

    def execute(self, data: dict[str, Any], outputs: Any = None) -> tuple[str, dict[str, Any]]:
        """The answer for the cards found, and the ids not in the register."""
        ids = parcel_ids(data)
        cards = run_on_pool("public", self.METADATA["id"], lambda conn: [
            card for parcel in ids if (card := read_card(conn, parcel)) is not None])  # fmt: skip
        found = {card.parcel_id for card in cards}
        answer = self.answer(cards, data)
        answer["not_found"] = [parcel for parcel in ids if parcel not in found]
        return "application/json", answer

    def answer(self, cards: list[ParcelCard], data: dict[str, Any]) -> dict[str, Any]:
        """What this process says about the cards."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class ParcelReportProcessor(ParcelProcessor):
    """``raport-dzialki``: everything public about each parcel."""

    METADATA = _metadata(
        "raport-dzialki",
        {"pl": "Raport o działkach", "en": "Parcel report"},
        {"pl": "Dane publiczne działek: pole, użytki i klasy gleboznawcze z powierzchniami, "
               "budynki, adresy, przeznaczenie w planach miejscowych i strefy planu ogólnego "
               "z udziałem w %.",
         "en": "Public data of parcels: area, land use and soil classes with their areas, "
               "buildings, addresses, local-plan designations and general-plan zones with "
               "their share in %."},
    )  # fmt: skip

    def answer(self, cards: list[ParcelCard], data: dict[str, Any]) -> dict[str, Any]:
        return {"parcels": [_jsonable(asdict(card)) for card in cards]}


class PlanCoverageProcessor(ParcelProcessor):
    """``pokrycie-planem``: the local-plan zones covering each parcel, with their share."""

    METADATA = _metadata(
        "pokrycie-planem",
        {"pl": "Pokrycie działek planem miejscowym", "en": "Local-plan coverage of parcels"},
        {"pl": "Dla każdej działki strefy planów miejscowych, które ją pokrywają: symbol, "
               "przeznaczenie, uchwała i udział w powierzchni działki [%].",
         "en": "For each parcel the local-plan zones covering it: symbol, designation, "
               "resolution and share of the parcel's area [%]."},
    )  # fmt: skip

    def answer(self, cards: list[ParcelCard], data: dict[str, Any]) -> dict[str, Any]:
        parcels = []
        for card in cards:
            zones = [_jsonable(asdict(zone)) for zone in card.plans]
            covered = sum(zone.share for zone in card.plans)
            parcels.append({"parcel_id": card.parcel_id, "zones": zones,
                            "uncovered_share": round(max(0.0, 100.0 - covered), 2)})  # fmt: skip
        return {"parcels": parcels}


class ConversionHectaresProcessor(ParcelProcessor):
    """``hektary-przeliczeniowe``: art. 4 of the agricultural tax act per parcel."""

    METADATA = _metadata(
        "hektary-przeliczeniowe",
        {"pl": "Hektary przeliczeniowe działek", "en": "Conversion hectares of parcels"},
        {"pl": "Hektary przeliczeniowe (art. 4 ustawy o podatku rolnym) z użytków i klas "
               "działek; okręg podatkowy gminy z danych urzędu albo podany w zapytaniu.",
         "en": "Conversion hectares (art. 4 of the agricultural tax act) from the parcels' "
               "land use and soil classes; the gmina's tax district from the office's data "
               "or given in the request."},
        {"tax_district": {"title": "Okręg podatkowy / tax district",
                          "schema": {"type": "string", "enum": list(DISTRICTS)},
                          "minOccurs": 0, "maxOccurs": 1}},
    )  # fmt: skip

    def answer(self, cards: list[ParcelCard], data: dict[str, Any]) -> dict[str, Any]:
        given = data.get("tax_district")
        table, districts = load_factors(), load_districts()
        parcels = []
        for card in cards:
            try:
                district = district_of(_gmina_teryt(card.parcel_id), given, districts)
            except (TaxDistrictUnknown, ValueError) as exc:
                raise InputError(
                    "podaj okręg podatkowy (tax_district: I–IV): gmina nie ma go w danych urzędu",
                    str(exc),
                ) from exc
            items = [Klasouzytek(use.ozu, use.ozk, use.area_ha) for use in card.land_uses]
            result = convert(items, district, table)
            parcels.append({"parcel_id": card.parcel_id, **_jsonable(asdict(result))})
        return {"parcels": parcels, "source": table.source}


def parcel_ids(data: dict[str, Any]) -> list[str]:
    """The requested parcel ids, canonical and without repeats; malformed ones refused."""
    value = data.get("parcel_ids")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PARCELS:
        raise InputError(f"parcel_ids: lista od 1 do {MAX_PARCELS} identyfikatorów",
                         f"parcel_ids: a list of 1 to {MAX_PARCELS} ids")  # fmt: skip
    ids: list[str] = []
    for item in value:
        try:
            parcel = str(parse_parcel_id(item)) if isinstance(item, str) else None
        except IdentifierError:
            parcel = None
        if parcel is None:
            raise InputError(f"nieprawidłowy identyfikator działki: {str(item)[:60]!r}",
                             f"malformed parcel id: {str(item)[:60]!r}")  # fmt: skip
        if parcel not in ids:
            ids.append(parcel)
    return ids


def _gmina_teryt(parcel_id: str) -> str:
    """``1003024`` of ``100302_4.0001.12``: the gmina with its type, as TERC writes it."""
    unit = parse_parcel_id(parcel_id).district.unit
    return unit.teryt_gmina + unit.kind


def _jsonable(value: Any) -> Any:
    """Decimals as numbers, dates as ISO text, tuples as lists."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
