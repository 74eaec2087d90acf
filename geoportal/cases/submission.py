"""What an applicant submits, validated, and its canonical form for the receipt's hash.

A :class:`Submission` is what the web form (or the registry office, for a paper request)
hands to ``store.submit``: the e-service, the applicant (personal data: name, address,
e-mail, phone), the parcels or the place on the map, the delivery form, the
legal-interest justification, references to attachments already stored elsewhere, and
the fee quote the applicant saw. Its SHA-256 over :func:`canonical_json` is printed on
the receipt, so the applicant can later show exactly what they sent.

Rules checked here against the e-service (:func:`check_submission`): parcels or a
location where the service needs them; a justification when the document shows personal
data (PGiK art. 24 ust. 5); an e-mail address for electronic delivery; a quote of the
service's own fee schedule for the document's medium.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from geoportal.cadastre.identifiers import IdentifierError, parse_parcel_id
from geoportal.cases.canonical import canonical_json, sha256_hex
from geoportal.cases.datafile import Strict
from geoportal.cases.errors import SubmissionError
from geoportal.cases.eservices import EService
from geoportal.cases.fees import Medium, Quote
from geoportal.site import Email, Phone

Delivery = Literal["electronic", "post", "collection"]
_POSTCODE_PL = re.compile(r"[0-9]{2}-[0-9]{3}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_PARCELS = 200
MAX_ATTACHMENTS = 20


def _parcel(value: str) -> str:
    try:
        parse_parcel_id(value)
    except IdentifierError as exc:
        raise ValueError(str(exc)) from None
    return value


ParcelId = Annotated[str, AfterValidator(_parcel)]
Line = Annotated[str, Field(min_length=1, max_length=200)]


class PostalAddress(Strict):
    """A postal address; Polish postcodes are checked (NN-NNN)."""

    street: Line = Field(description="street and number, or locality and number")
    postcode: Annotated[str, Field(min_length=2, max_length=12)]
    city: Line
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] = "PL"

    @model_validator(mode="after")
    def _postcode(self) -> PostalAddress:
        if self.country == "PL" and not _POSTCODE_PL.fullmatch(self.postcode):
            raise ValueError(f"postcode {self.postcode!r} is not NN-NNN")
        return self


class Applicant(Strict):
    """Who asks: personal data, never shown to the public reader role."""

    name: Line
    address: PostalAddress
    email: Email | None = None
    phone: Phone | None = None


class Location(Strict):
    """A point on the map, EPSG:2180 easting and northing in metres (to the centimetre)."""

    x: Decimal = Field(ge=100_000, le=900_000, decimal_places=2)
    y: Decimal = Field(ge=100_000, le=900_000, decimal_places=2)


class AttachmentRef(Strict):
    """A file the applicant attached, stored elsewhere; the case keeps its reference."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
    name: Annotated[str, Field(min_length=1, max_length=255)]
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[A-Za-z0-9.+-]+$")]
    size: int = Field(ge=0)
    sha256: str

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        if not _HEX64.fullmatch(value):
            raise ValueError("sha256 must be 64 lower-case hex digits")
        return value


class Submission(Strict):
    """One request as submitted."""

    service: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,62}$")]
    applicant: Applicant
    parcels: tuple[ParcelId, ...] = Field(default=(), max_length=MAX_PARCELS)
    location: Location | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None
    category: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,30}$")] | None = None
    delivery: Delivery
    legal_interest: Annotated[str, Field(max_length=5000)] | None = None
    attachments: tuple[AttachmentRef, ...] = Field(default=(), max_length=MAX_ATTACHMENTS)
    fee: Quote

    @field_validator("parcels")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a parcel is listed twice")
        return value

    @model_serializer(mode="wrap")
    def _without_empty_category(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A submission without a category dumps as it did before the field existed, so the
        # hashes of stored submissions stay what their receipts say.
        data: dict[str, Any] = handler(self)
        if data.get("category") is None:
            data.pop("category", None)
        return data

    @property
    def medium(self) -> Medium:
        """The document's medium: electronic when delivered electronically, else paper."""
        return "electronic" if self.delivery == "electronic" else "paper"

    def canonical(self) -> bytes:
        """The canonical JSON bytes of this submission (what the receipt's hash covers)."""
        return canonical_json(self.model_dump(mode="json"))

    def sha256(self) -> str:
        """SHA-256 of :meth:`canonical`, 64 hex digits."""
        return sha256_hex(self.model_dump(mode="json"))


def check_submission(submission: Submission, service: EService) -> None:
    """:class:`SubmissionError` naming the first rule of ``service`` the submission breaks."""
    if "parcels" in service.needs and not submission.parcels:
        raise SubmissionError("name at least one parcel")
    if "location" in service.needs and submission.location is None:
        raise SubmissionError("mark the place on the map")
    service.routed(submission.category)  # a category the service routes, or none asked
    if service.requires_legal_interest and not (submission.legal_interest or "").strip():
        raise SubmissionError("this document shows personal data: justify your legal interest")
    if submission.delivery == "electronic" and submission.applicant.email is None:
        raise SubmissionError("electronic delivery needs an e-mail address")
    if submission.fee.schedule != service.fee:
        raise SubmissionError(f"the quote is for {submission.fee.schedule!r}, not {service.fee!r}")
    if submission.fee.medium != submission.medium:
        raise SubmissionError(f"the quote is for a {submission.fee.medium} document")
