"""The form of the e-delivery inbox (``wniosek.xml``, namespace :data:`NS`), read.

One namespace for every e-service: the applicant, the delivery form, and what the service
needs — parcels (``dzialki/dzialka``) for an extract, a place for a report of an error on
the map::

    <miejsce srsName="EPSG:2180"><x>508000.50</x><y>411000.00</y></miejsce>
    <miejsce><dzialka>100302_4.0001.12</dzialka></miejsce>

with ``kategoria`` (a category the service routes, ``eservices.yaml``) and ``opis``. X is
the easting and Y the northing in metres, as the web form and the case keep them (not
EPSG:2180's official northing-first order). Files delivered with the message are named
by ``<zalacznik plik="zdjecie.jpg" sha256="…"/>``: the digest is inside the signed form,
so the signature covers the file too, and a file that differs is refused.

Only the element the signature covers is read
(:class:`~geoportal.cases.intake.XmlSignatureCheck`).
Every error is an :class:`IntakeError` whose text (Polish, then English) goes back to the
sender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from lxml import etree

from geoportal.cadastre.identifiers import IdentifierError, parse_parcel_id

NS = "urn:pl:geoportal:wniosek:1"
CRS_NAMES = frozenset({"EPSG:2180", "urn:ogc:def:crs:EPSG::2180",
                       "http://www.opengis.net/def/crs/EPSG/0/2180"})  # fmt: skip
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_LOCATION_ERROR = (
    "miejsce musi być parą współrzędnych x, y w układzie EPSG:2180 (PL-1992) albo jedną"
    " działką / the place must be x, y in EPSG:2180 or one parcel"
)


class IntakeError(ValueError):
    """A message that cannot become a case; the text goes back to the sender."""


@dataclass(frozen=True)
class DeclaredFile:
    """A file the signed form names: its name in the message and its SHA-256."""

    name: str
    sha256: str


@dataclass(frozen=True)
class Place:
    """Where a report is: a point (to the centimetre), or a parcel to find a point in."""

    x: Decimal | None = None
    y: Decimal | None = None
    parcel: str | None = None


def text(form: etree._Element, path: str) -> str | None:
    """The stripped text of the element at ``path`` (names without the namespace)."""
    found = form.find("/".join(f"{{{NS}}}{name}" for name in path.split("/")))
    return found.text.strip() if found is not None and found.text else None


def fields(form: etree._Element) -> dict:
    """The form's fields by name; parcels as a list."""
    parcels = [e.text.strip() for e in form.iterfind(f"{{{NS}}}dzialki/{{{NS}}}dzialka") if e.text]
    return {
        "service": text(form, "usluga") or "", "parcels": parcels,
        "delivery": text(form, "dostawa") or "", "name": text(form, "wnioskodawca"),
        "street": text(form, "ulica"), "postcode": text(form, "kod"),
        "city": text(form, "miejscowosc"), "email": text(form, "email"),
        "legal_interest": text(form, "interes_prawny"), "description": text(form, "opis"),
        "category": text(form, "kategoria"),
    }  # fmt: skip


def place(form: etree._Element) -> Place | None:
    """The report's place (None if the form has none); :class:`IntakeError` if malformed."""
    element = form.find(f"{{{NS}}}miejsce")
    if element is None:
        return None
    crs = element.get("srsName")
    if crs is not None and crs.strip() not in CRS_NAMES:
        raise IntakeError(f"nieobsługiwany układ współrzędnych {crs[:60]!r}: tylko EPSG:2180"
                          " / unsupported CRS: EPSG:2180 only")  # fmt: skip
    x, y, parcel = text(form, "miejsce/x"), text(form, "miejsce/y"), text(form, "miejsce/dzialka")
    if parcel is not None and x is None and y is None:
        try:
            parse_parcel_id(parcel)
        except IdentifierError:
            raise IntakeError(_LOCATION_ERROR) from None
        return Place(parcel=parcel)
    if parcel is not None or x is None or y is None:
        raise IntakeError(_LOCATION_ERROR)
    return Place(_metres(x), _metres(y))


def _metres(value: str) -> Decimal:
    try:
        number = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise IntakeError(_LOCATION_ERROR) from None
    if not (100_000 <= number <= 900_000):  # EPSG:2180's extent over Poland, as Location's
        raise IntakeError(_LOCATION_ERROR)
    return number


def declared_files(form: etree._Element) -> list[DeclaredFile]:
    """The files the form names, each once, with a plain name and a SHA-256."""
    declared = []
    for element in form.iterfind(f"{{{NS}}}zalacznik"):
        name, digest = element.get("plik", ""), element.get("sha256", "").lower()
        if not _FILE_NAME.fullmatch(name) or not _HEX64.fullmatch(digest):
            raise IntakeError("załącznik musi mieć nazwę pliku i skrót SHA-256"
                              " / an attachment needs a file name and a SHA-256")  # fmt: skip
        declared.append(DeclaredFile(name, digest))
    if len({file.name for file in declared}) != len(declared):
        raise IntakeError("ten sam załącznik wymieniony dwa razy / an attachment named twice")
    return declared
