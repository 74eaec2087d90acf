"""Streaming reader of EGiB GML: the 2021 model and the older 2015 model.

Two passes over the file, both streamed: the first builds small indexes (lokalnyId and
gml:id -> identifier of units, obręby, registration units, parcels, subject addresses;
address -> parcel), because references may point forwards or sideways (a parcel
refers to its JRG, an address learns its parcel only from the parcel). The second pass
yields ``(table, record)`` tuples whose keys are exactly the columns of the ``data``
tables (without ``gid``/``run_id``).

Lenient by design (county files are often not schema-valid): missing or dangling
references, letters in parcel numbers, swapped axes and invalid geometries are read as
they are and reported as findings.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from lxml import etree

from etl.gml import namespaces as ns
from etl.readers import egib_records as rec
from etl.readers.base import (
    GML_ID,
    Findings,
    GmlSniffer,
    Noting,
    Record,
    children,
    href_of,
    iter_features,
    local,
    ref_key,
)
from etl.readers.geometry import GeometryReader
from geoportal.cadastre.identifiers import IdentifierError, read_parcel_id

REGISTRATION = ("EGB_JednostkaRejestrowaGruntow", "EGB_JednostkaRejestrowaBudynkow",
                "EGB_JednostkaRejestrowaLokali")  # fmt: skip


class EgibGmlReader(Noting, GmlSniffer):
    """``for table, record in EgibGmlReader(path)``; then ``.findings``."""

    NAMESPACES = ns.EGIB_ALL

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self.geometry = GeometryReader(self._findings)
        self.index: dict[str, str] = {}  # lokalnyId or gml:id -> business identifier
        self.address_parcel: dict[str, str] = {}  # address key -> parcel_id
        self.subject_address: dict[str, str] = {}  # address key -> formatted text
        self._seen: set[tuple] = set()

    def __iter__(self) -> Iterator[Record]:
        self._build_index()
        handlers = rec.HANDLERS
        skipped: dict[str, int] = {}
        for feature in iter_features(self.path, self.geometry.set_envelope):
            name = local(feature.tag)
            handler = handlers.get(name)
            if handler is None:
                skipped[name] = skipped.get(name, 0) + 1
                continue
            yield from handler(self, feature)
        for name, count in sorted(skipped.items()):
            if name not in rec.QUIET:
                self.note("skipped_class", "feature class not loaded", f"{name} ×{count}")

    # ---- pass 1 ----------------------------------------------------------------
    def _build_index(self) -> None:
        for feature in iter_features(self.path):
            name = local(feature.tag)
            if name in rec.HANDLERS or name == "EGB_AdresPodmiotu":
                self._index_feature(feature, name)
            for nested in feature.iter(*(f"{{*}}{n}" for n in REGISTRATION)):
                if nested is not feature:
                    self._index_feature(nested, local(nested.tag))

    def _index_feature(self, element: etree._Element, name: str) -> None:
        kids = children(element)
        key_value = rec.business_id(name, kids)
        if name == "EGB_AdresPodmiotu":
            key_value = rec.subject_address_text(kids)
        if key_value is None:
            return
        lid = rec.local_id_of(kids)
        gml_id = element.get(GML_ID)
        target = self.subject_address if name == "EGB_AdresPodmiotu" else self.index
        for key in (lid, gml_id):
            if key:
                target[key] = key_value
        if name == "EGB_DzialkaEwidencyjna":
            for child in kids.get("adresDzialki", []):
                if (href := href_of(child)) is not None:
                    self.address_parcel.setdefault(ref_key(href), key_value)
        if name == "EGB_Budynek":
            parcels = [ref_key(h) for c in kids.get("dzialkaZabudowana", []) if (h := href_of(c))]
            for child in kids.get("adresBudynku", []):
                if (href := href_of(child)) is not None and parcels:
                    self.address_parcel.setdefault("bud:" + ref_key(href), parcels[0])

    # ---- helpers for record builders --------------------------------------------
    def resolve(self, element: etree._Element | None, what: str, owner: str) -> str | None:
        """Business identifier an xlink:href points at; a dangling one is a finding."""
        href = href_of(element)
        if href is None:
            return None
        value = self.index.get(ref_key(href))
        if value is None:
            self.note(
                "unresolved_reference", "reference not found in the file", f"{owner} → {what}"
            )
        return value

    def parcel_parts(self, parcel_id: str) -> tuple[str, str | None, str | None]:
        """(number, sheet, district) read leniently from a parcel id.

        County data may deviate from the strict rule (letters in NDZ…): the value is read
        and the deviation is reported by the ``parcel_id_not_strict`` check. An id whose
        structure cannot be recognised at all is a finding here.
        """
        try:
            parcel = read_parcel_id(parcel_id).value
        except IdentifierError as exc:
            self.note("parcel_id_unparsed", f"parcel id not understood: {exc}", parcel_id)
            return parcel_id.rsplit(".", 1)[-1], None, None
        return parcel.number, parcel.sheet, str(parcel.district)

    def once(self, key: tuple) -> bool:
        """True the first time a (table, namespace, local id, version) is seen."""
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    @staticmethod
    def area_ha(element: etree._Element | None) -> Decimal | None:
        if element is None or not (element.text or "").strip():
            return None
        value = Decimal(element.text.strip().replace(",", "."))
        uom = (element.get("uom") or "ha").lower()
        return value / Decimal(10000) if uom in ("m2", "m^2", "m²", "sqm") else value
