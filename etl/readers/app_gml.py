"""Streaming reader of APP GML (1.0 and 2.0) and of the project's MPZP-zone GML.

Plans (``AktPlanowaniaPrzestrzennego``) become ``plan`` records; their resolution number,
date and official-journal entry come from the adopting ``DokumentFormalny`` (linked either
way: the plan's ``dokumentUchwalajacy`` or the document's ``uchwala``). Zones of a local
plan (``mpzp:TerenMPZP``) become ``plan_zone`` records; zones of a plan ogólny
(``app:StrefaPlanistyczna``, APP 2.0) become ``general_plan_zone`` records with their
kind, functional profile and building parameters. A first streamed pass indexes
documents and plan identifiers; the second yields records. ``plan_id`` / ``zone_id`` are
the idIIP as one string, ``<przestrzenNazw>/<lokalnyId>``.

A zone whose plan reference is empty (seen in real test files) gets its plan inferred from
its lokalnyId prefix (``1POG-1SJ`` -> ``1POG``) and a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from etl.gml import namespaces as ns
from etl.readers.base import (
    GML_ID,
    XLINK_TITLE,
    Findings,
    GmlSniffer,
    InputError,
    Noting,
    Record,
    children,
    date,
    decimal,
    first_text,  # fmt: skip
    href_of,
    hrefs,
    identity,
    iter_features,
    local,
    timestamp,
)
from etl.readers.geometry import GeometryReader

_RESOLUTION = re.compile(r"\b[Nn]r\.?\s*([0-9IVXLCDM]+(?:[./][0-9A-Za-z]+)+)")
_PLAN_URI = re.compile(r"/AktPlanowaniaPrzestrzennego/(PL\.ZIPPZP\.[^/]+/[^/]+)/([^/]+)")
GENERAL_ZONE = "StrefaPlanistyczna"
LOCAL_ZONE = "TerenMPZP"


class AppGmlReader(Noting, GmlSniffer):
    """``for table, record in AppGmlReader(path)``; then ``.findings``."""

    NAMESPACES = ns.APP_ALL

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self.geometry = GeometryReader(self._findings)
        self.documents: dict[str, dict[str, Any]] = {}  # identifier/gml:id -> fields
        self.plan_of_document: dict[str, str] = {}  # plan key -> document key
        self.plan_ids: dict[str, str] = {}  # gml:identifier / gml:id -> plan_id

    def __iter__(self) -> Iterator[Record]:
        self._index()
        skipped: dict[str, int] = {}
        for feature in iter_features(self.path, self.geometry.set_envelope):
            name = local(feature.tag)
            if name == "AktPlanowaniaPrzestrzennego":
                yield "plan", self._plan(feature)
            elif name == GENERAL_ZONE:
                yield "general_plan_zone", self._general_zone(feature)
            elif name == LOCAL_ZONE:
                yield "plan_zone", self._zone(feature)
            elif name != "DokumentFormalny":
                skipped[name] = skipped.get(name, 0) + 1
        for name, count in sorted(skipped.items()):
            self._findings.add("skipped_class", "feature class not loaded", f"{name} ×{count}")

    # ---- pass 1 ----------------------------------------------------------------
    def _index(self) -> None:
        for feature in iter_features(self.path):
            name = local(feature.tag)
            kids = children(feature)
            keys = _keys(feature, kids)
            if name == "DokumentFormalny":
                fields = _document(kids)
                for key in keys:
                    self.documents[key] = fields
                for href in hrefs(kids, "uchwala"):
                    self.plan_of_document.setdefault(href, keys[0] if keys else "")
            elif name == "AktPlanowaniaPrzestrzennego":
                space, lid, _ = identity(kids)
                for key in keys:
                    self.plan_ids[key] = f"{space}/{lid}"

    # ---- records ---------------------------------------------------------------
    def _common(self, feature: etree._Element, kids: dict) -> dict[str, Any]:
        space, lid, version = identity(kids)
        start = timestamp(first_text(kids, "poczatekWersjiObiektu"))
        if start is None:
            self._findings.add("no_version_start", "no poczatekWersjiObiektu", lid)
        return {"namespace": space or "unknown", "local_id": lid or feature.get(GML_ID) or "?",
                "version_id": version or "", "object_start": None, "version_start": start,
                "version_end": timestamp(first_text(kids, "koniecWersjiObiektu")),
                "object_end": None}  # fmt: skip

    def _plan(self, feature: etree._Element) -> dict[str, Any]:
        kids = children(feature)
        row = self._common(feature, kids)
        plan_id = f"{row['namespace']}/{row['local_id']}"
        doc = self._document_for(feature, kids)
        row |= {
            "plan_id": plan_id,
            "title": first_text(kids, "tytul") or plan_id,
            "plan_type": _code(kids, "typPlanu"),
            "level": _code(kids, "poziomHierarchii"),
            "status": _code(kids, "status") or "",
            "resolution_no": doc.get("number"),
            "resolution_date": doc.get("date"),
            "journal_entry": doc.get("journal"),
            "valid_from": date(first_text(kids, "obowiazujeOd")),
            "valid_to": date(first_text(kids, "obowiazujeDo")),
            "geom": self.geometry.surface(_first(kids, "zasiegPrzestrzenny"), plan_id),
        }
        if doc == {}:
            self._findings.add(
                "no_adopting_document", "plan without a resolution document", plan_id
            )
        return row

    def _document_for(self, feature: etree._Element, kids: dict) -> dict[str, Any]:
        for href in hrefs(kids, "dokumentUchwalajacy"):
            key = href[1:] if href.startswith("#") else href
            if key in self.documents:
                return self.documents[key]
        for key in _keys(feature, kids):
            doc_key = self.plan_of_document.get(key) or self.plan_of_document.get("#" + key)
            if doc_key and doc_key in self.documents:
                return self.documents[doc_key]
        return {}

    def _zone(self, feature: etree._Element) -> dict[str, Any]:
        kids = children(feature)
        row = self._common(feature, kids)
        zone_id = f"{row['namespace']}/{row['local_id']}"
        symbol = first_text(kids, "oznaczenie") or first_text(kids, "symbol") or ""
        self._check_symbol(kids, zone_id)
        row |= {"zone_id": zone_id, "plan_id": self._zone_plan(kids, row, zone_id),
                "symbol": symbol, "designation": _designation(kids) or symbol,
                "plan_text": first_text(kids, "ustalenia"),
                "max_height_m": decimal(first_text(kids, "maksWysokoscZabudowy")),
                "max_intensity": decimal(first_text(kids, "maksNadziemnaIntensywnoscZabudowy")),
                "min_bio_share": decimal(first_text(kids,
                                                    "minUdzialPowierzchniBiologicznieCzynnej")),
                "geom": self.geometry.surface(_first(kids, "geometria"), zone_id)}  # fmt: skip
        return row

    def _general_zone(self, feature: etree._Element) -> dict[str, Any]:
        """A plan ogólny zone: its marking, kind, profile and the plan's parameters."""
        kids = children(feature)
        row = self._common(feature, kids)
        zone_id = f"{row['namespace']}/{row['local_id']}"
        oznaczenie = first_text(kids, "oznaczenie")
        if not oznaczenie:  # required by APP 2.0: without it no map or extract can name it
            raise InputError(self.path, f"strefa planistyczna {zone_id} has no oznaczenie")
        symbol = first_text(kids, "symbol") or oznaczenie.lstrip("0123456789")
        self._check_symbol(kids, zone_id)
        kind = _first(kids, "nazwa")
        row |= {"zone_id": zone_id, "plan_id": self._zone_plan(kids, row, zone_id),
                "oznaczenie": oznaczenie, "symbol": symbol, "zone_kind": _code(kids, "nazwa"),
                "zone_name": first_text(kids, "nazwaAlternatywna")
                or (kind.get(XLINK_TITLE) if kind is not None else None),
                "main_profile": _titles(kids, "profilPodstawowy"),
                "extra_profile": _titles(kids, "profilDodatkowy"),
                "max_intensity": decimal(first_text(kids, "maksNadziemnaIntensywnoscZabudowy")),
                "max_built_share": decimal(first_text(kids, "maksUdzialPowierzchniZabudowy")),
                "max_height_m": decimal(first_text(kids, "maksWysokoscZabudowy")),
                "min_bio_share": decimal(first_text(kids,
                                                    "minUdzialPowierzchniBiologicznieCzynnej")),
                "status": _code(kids, "status"),
                "regulation_nature": _code(kids, "charakterUstalenia"),
                "valid_from": date(first_text(kids, "obowiazujeOd")),
                "valid_to": date(first_text(kids, "obowiazujeDo")),
                "geom": self.geometry.surface(_first(kids, "geometria"), zone_id)}  # fmt: skip
        return row

    def _check_symbol(self, kids: dict, zone_id: str) -> None:
        """A plan ogólny zone's designation ("1SU") ends in its symbol ("SU")."""
        designation, symbol = first_text(kids, "oznaczenie"), first_text(kids, "symbol")
        if designation and symbol and not designation.rstrip("0123456789").endswith(symbol):
            self.note("zone_symbol_mismatch", "designation and symbol disagree",
                      f"{zone_id}: {designation} with symbol {symbol}")  # fmt: skip

    def _zone_plan(self, kids: dict, row: dict[str, Any], zone_id: str) -> str:
        for href in hrefs(kids, "plan"):
            key = href[1:] if href.startswith("#") else href
            if key in self.plan_ids:
                return self.plan_ids[key]
            if match := _PLAN_URI.search(href):
                return f"{match.group(1)}/{match.group(2)}"
            self.note("unresolved_reference", "plan reference not understood", zone_id)
        inferred = f"{row['namespace']}/{row['local_id'].split('-', 1)[0]}"
        self.note("plan_inferred", "zone without plan reference; plan inferred from its"
                  " lokalnyId prefix", f"{zone_id} -> {inferred}")  # fmt: skip
        return inferred


def _first(kids: dict, name: str) -> etree._Element | None:
    return kids[name][0] if kids.get(name) else None


def _keys(feature: etree._Element, kids: dict) -> list[str]:
    """Ways a feature can be referred to: gml:identifier text, gml:id, ns/lokalnyId."""
    keys = []
    ident = first_text(kids, "identifier")
    if ident:
        keys.append(ident)
    if feature.get(GML_ID):
        keys.append(feature.get(GML_ID))
    space, lid, _ = identity(kids)
    if space and lid:
        keys.append(f"{space}/{lid}")
    return keys


def _code(kids: dict, name: str) -> str | None:
    """The code of a code-list reference (last segment of its href)."""
    href = href_of(_first(kids, name))
    if href:
        return re.split(r"[/#]", href.rstrip("/"))[-1]
    return first_text(kids, name)


def _designation(kids: dict) -> str | None:
    text = first_text(kids, "przeznaczenie")
    if text:
        return text
    name = _first(kids, "nazwa")
    if name is not None:
        return name.get(XLINK_TITLE) or _code(kids, "nazwa") or (name.text or "").strip() or None
    return None


def _titles(kids: dict, name: str) -> str | None:
    """The titles (else codes) of a repeated code-list reference, "; "-joined."""
    titles = []
    for element in kids.get(name, []):
        href = href_of(element) or ""
        titles.append(element.get(XLINK_TITLE) or re.split(r"[/#]", href.rstrip("/"))[-1])
    return "; ".join(t for t in titles if t) or None


def _document(kids: dict) -> dict[str, Any]:
    """Resolution number, date and journal entry of a DokumentFormalny."""
    title = first_text(kids, "tytul") or ""
    short = first_text(kids, "nazwaSkrocona") or ""
    number = None
    for text in (short, title):
        if match := _RESOLUTION.search(text):
            number = match.group(1)
            break
    when = None
    holder = _first(kids, "data")
    if holder is not None:
        for element in holder.iter():
            if local(element.tag) in ("Date", "DateTime") and element.text:
                when = date(element.text)
                break
    journal = first_text(kids, "numerIdentyfikacyjny")
    journal_ref = _first(kids, "dziennikUrzedowy")
    if journal is None and journal_ref is not None:
        journal = journal_ref.get(XLINK_TITLE)
    return {"number": number, "date": when, "journal": journal}
