"""The request form of an e-service: what was typed, checked field by field.

Pure: no database and no request object, so the unit tests read it directly. Each
error is a msgid of the gettext catalogue (the page shows it in the page's language) under the
field's name. The database checks (parcels exist, the place is in the county) are in
:mod:`web.eservices.places`; the fee in :mod:`geoportal.cases.quantities`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from geoportal.cadastre.identifiers import IdentifierError, parse_parcel_id
from geoportal.cases.eservices import EService
from geoportal.cases.fees import ExemptionClaim
from geoportal.cases.submission import MAX_PARCELS
from web.language import N_

DELIVERIES = ("electronic", "post", "collection")
TEXT_FIELDS = ("name", "street", "postcode", "city", "email", "phone", "legal_interest",
               "description", "district", "number", "x", "y", "location_parcel", "category",
               "delivery", "parcels", "exemption", "exemption_justification")  # fmt: skip
_SPLIT = re.compile(r"[\s,;]+")
_POSTCODE = re.compile(r"[0-9]{2}-[0-9]{3}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}")
_PHONE = re.compile(r"\+?[0-9 ()-]{6,20}")
_DISTRICT = re.compile(r"[0-9]{4}")
_NUMBER = re.compile(r"[0-9]{1,6}(/[0-9]{1,6})?")
LIMITS = {
    "name": 200,
    "street": 200,
    "city": 200,
    "legal_interest": 5000,
    "description": 5000,
    "exemption_justification": 2000,
}


@dataclass
class RequestForm:
    """What the applicant typed (kept to show the form again) and what is wrong with it."""

    values: dict[str, str]
    parcel_ids: list[str] = field(default_factory=list)
    district: tuple[str, str] | None = None  # (obręb number or name, parcel number)
    location: tuple[Decimal, Decimal] | None = None
    location_parcel: str | None = None  # a place given as a parcel (no map, no coordinates)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def exemption_claim(self) -> ExemptionClaim | None:
        """The exemption claimed, with its justification, or None."""
        key = self.values.get("exemption")
        if not key:
            return None
        return ExemptionClaim(key=key, justification=self.values["exemption_justification"])

    @property
    def valid(self) -> bool:
        """No error so far."""
        return not self.errors


def read_form(
    form: Mapping[str, Any], service: EService, exemptions: Iterable[str] = ()
) -> RequestForm:
    """The form of ``service`` as typed; its field errors (msgids).

    ``exemptions`` are the keys of the fee exemptions the applicant may claim.
    """
    values = {name: str(form.get(name, "")).strip() for name in TEXT_FIELDS}
    parsed = RequestForm(values)
    _check_applicant(parsed)
    if "parcels" in service.needs:
        _check_parcels(parsed)
    if "location" in service.needs:
        _check_location(parsed, set(service.routes))
    if service.requires_legal_interest and not values["legal_interest"]:
        parsed.errors["legal_interest"] = N_("error_legal_interest")
    _check_exemption(parsed, set(exemptions))
    if form.get("consent") != "yes":
        parsed.errors["consent"] = N_("error_consent")
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            parsed.errors[name] = N_("error_too_long")
    return parsed


def _check_applicant(parsed: RequestForm) -> None:
    values, errors = parsed.values, parsed.errors
    for name in ("name", "street", "city"):
        if not values[name]:
            errors[name] = N_("error_required")
    if not _POSTCODE.fullmatch(values["postcode"]):
        errors["postcode"] = N_("error_postcode")
    if values["delivery"] not in DELIVERIES:
        errors["delivery"] = N_("error_delivery")
    if values["email"] and not _EMAIL.fullmatch(values["email"]):
        errors["email"] = N_("error_email")
    elif values["delivery"] == "electronic" and not values["email"]:
        errors["email"] = N_("error_email_needed")
    if values["phone"] and not _PHONE.fullmatch(values["phone"]):
        errors["phone"] = N_("error_phone")


def _check_exemption(parsed: RequestForm, allowed: set[str]) -> None:
    claimed = parsed.values["exemption"]
    if not claimed:
        return
    if claimed not in allowed:
        parsed.errors["exemption"] = N_("error_exemption")
    elif not parsed.values["exemption_justification"]:
        parsed.errors["exemption_justification"] = N_("error_required")


def _check_parcels(parsed: RequestForm) -> None:
    ids = [text for text in _SPLIT.split(parsed.values["parcels"]) if text]
    for text in ids:
        try:
            parse_parcel_id(text)
        except IdentifierError:
            parsed.errors["parcels"] = N_("error_parcel_id")
            return
    district, number = parsed.values["district"], parsed.values["number"]
    if district or number:
        if not (district and _NUMBER.fullmatch(number)) or len(district) > 100:
            parsed.errors["number"] = N_("error_district_number")
            return
        parsed.district = (district, number)
    unique = list(dict.fromkeys(ids))
    if not unique and parsed.district is None:
        parsed.errors["parcels"] = N_("error_parcels_needed")
    elif len(unique) > MAX_PARCELS:
        parsed.errors["parcels"] = N_("error_too_many")
    parsed.parcel_ids = unique


def _check_location(parsed: RequestForm, categories: set[str]) -> None:
    """The place as X/Y (typed, or set by the map) or else as one parcel; category, text."""
    values = parsed.values
    if not (values["x"] or values["y"]) and values["location_parcel"]:
        try:
            parse_parcel_id(values["location_parcel"])
            parsed.location_parcel = values["location_parcel"]
        except IdentifierError:
            parsed.errors["location_parcel"] = N_("error_parcel_id")
    else:
        _check_coordinates(parsed)
    if categories and values["category"] not in categories:
        parsed.errors["category"] = N_("error_category")
    if not values["description"]:
        parsed.errors["description"] = N_("error_required")


def _check_coordinates(parsed: RequestForm) -> None:
    values = parsed.values
    try:
        x = Decimal(values["x"].replace(",", ".")).quantize(Decimal("0.01"))
        y = Decimal(values["y"].replace(",", ".")).quantize(Decimal("0.01"))
        inside = 100_000 <= x <= 900_000 and 100_000 <= y <= 900_000
    except (InvalidOperation, ValueError):
        inside = False
    if not inside:
        parsed.errors["x"] = N_("error_location")
        return
    parsed.location = (x, y)


def is_district_number(text: str) -> bool:
    """Whether an obręb is given by its four-digit number (else by its name)."""
    return _DISTRICT.fullmatch(text) is not None
