"""Readers of the national boundary and address register (PRG, kept by GUGiK).

``PrgUnitsReader`` reads administrative units from GeoJSON into ``admin_unit``: PRG exports
(``JPT_KOD_JE``, ``JPT_NAZWA_``, ``IIP_IDENTY``, ``IIP_WERSJA``, ``WERSJA_OD`` — any case,
since GDAL and PostGIS dumps lower-case them) and GUGiK's lookup lists (``TERYT``,
``Nazwa``). GeoJSON without ``crs`` is CRS84 (RFC 7946); a member whose coordinates are
metres of a Polish system is recognised by their range and reported, never guessed silently.
GeoJSON is parsed whole with the standard ``json`` module (no streaming parser is installed,
and PRG unit layers are small); files over ``MAX_GEOJSON_BYTES`` are refused, because the
parsed document takes several times the file's size in memory.

``PrgAddressReader`` reads PRG address points into ``prg_address``, in both models:

* 2012 (``urn:gugik:specyfikacje:gmlas:panstwowyRejestrGranicAdresy:1.0``): PRG_PunktAdresowy
  with the names inline and ``komponent`` links to name objects; ``urn:…:EPSG::2180``,
  northing first.
* 2021 (``https://geoportal.gov.pl/schemas/prgad/1.0``): AD_PunktAdresowy linking to
  AD_Miejscowosc and AD_UlicaPlac; ``EPSG:2180``, easting first.

Names come from the referenced name objects of the same file, so the file is streamed
twice, like the EGiB reader: the first pass indexes the (few) name objects, the second
yields the addresses. The axis order follows the srsName form (``GeometryReader``).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from lxml import etree
from shapely.geometry import MultiPolygon, shape

from etl.gml import crs
from etl.gml.safe import UnsafeXMLError
from etl.readers.base import (
    GML_ID,
    WARSAW,
    Findings,
    GmlSniffer,
    InputError,
    Noting,
    Record,
    children,
    first_text,
    href_of,
    identity,
    iter_features,
    local,
    ref_key,
    timestamp,
)
from etl.readers.geometry import GeometryReader
from geoportal.crs import PL2000_EPSG, STORAGE_EPSG, WGS84_EPSG, parse_crs_name

MAX_GEOJSON_BYTES = 256 * 1024 * 1024
SNIFF_BYTES = 16 * 1024 * 1024  # properties may follow a long first geometry
PRG_NAMESPACE = "PL.PZGiK.PRG"
LEVELS = {1: "country", 2: "voivodeship", 4: "county", 7: "gmina"}
# (code, name) property pairs of unit files, upper-cased: PRG exports, GUGiK lookup lists.
UNIT_KEYS = (("JPT_KOD_JE", "JPT_NAZWA_"), ("TERYT", "NAZWA"))
_UNIT_CODE = re.compile(r"0|\d{2}|\d{4}|\d{6}_?\d")
_PROPERTIES = re.compile(r'"properties"\s*:\s*(\{[^{}]*\}|null)')
_METRIC_EPSG = (STORAGE_EPSG, *PL2000_EPSG.values())


def unit_code(code: str) -> tuple[str, str] | None:
    """(teryt, level) of a unit code: ``0`` country, ``WW``, ``WWPP``, ``WWPPGGR`` or the
    EGiB form ``WWPPGG_R`` (GUGiK's gminy list), which is stored without the underscore."""
    text = code.strip()
    if not _UNIT_CODE.fullmatch(text):
        return None
    teryt = text.replace("_", "")
    return teryt, LEVELS[len(teryt)]


def _unit_pair(props: dict[str, Any]) -> tuple[str, str] | None:
    """(code, name) from upper-cased properties, if they name a unit."""
    for code_key, name_key in UNIT_KEYS:
        code, name = props.get(code_key), props.get(name_key)
        if code is not None and name is not None:
            return str(code), str(name)
    return None


class PrgUnitsReader(Noting):
    """``for table, record in PrgUnitsReader(path)``; then ``.findings``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self._fallback_start: dt.datetime | None = None
        self._seen: set[str] = set()

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """True for JSON whose first feature properties name a unit by code and name."""
        try:
            props = first_feature_properties(path)
        except Exception:  # unreadable, not JSON
            return False
        pair = _unit_pair(props) if props is not None else None
        return pair is not None and unit_code(pair[0]) is not None

    def __iter__(self) -> Iterator[Record]:
        document = self._load()
        declared = self._declared_epsg(document)
        self._fallback_start = self._collection_time(document)
        for feature in document.get("features") or []:
            if isinstance(feature, dict):
                yield from self._feature(feature, declared)

    # ---- the file ------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        try:
            size = self.path.stat().st_size
            if size > MAX_GEOJSON_BYTES:
                raise InputError(
                    self.path,
                    f"{size} bytes is over the GeoJSON limit of "
                    f"{MAX_GEOJSON_BYTES} (convert it to a streamed format)",
                )
            with open(self.path, encoding="utf-8-sig") as handle:
                document = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(self.path, f"not readable as GeoJSON: {exc}") from exc
        if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
            raise InputError(self.path, "not a GeoJSON FeatureCollection")
        return document

    def _declared_epsg(self, document: dict[str, Any]) -> int:
        """The ``crs`` member's EPSG code (GeoJSON 2008); without one CRS84 (RFC 7946)."""
        member = document.get("crs")
        if not member:
            return WGS84_EPSG
        name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
        epsg = parse_crs_name(str(name) if name else None).epsg
        if epsg is None:
            self.note("crs_unknown", "crs member not understood; CRS84 assumed", name)
            return WGS84_EPSG
        return epsg

    def _collection_time(self, document: dict[str, Any]) -> dt.datetime:
        """Version start for features without their own: a ``meta.lastUpdate`` (waszkiewiczja's
        files) or else the file's modification time; either is reported when used."""
        meta = document.get("meta")
        moment = _day(str(meta.get("lastUpdate"))) if isinstance(meta, dict) else None
        if moment is not None:
            return moment
        return dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)

    # ---- one feature ---------------------------------------------------------------
    def _feature(self, feature: dict[str, Any], declared: int) -> Iterator[Record]:
        raw = feature.get("properties") or {}
        props = {str(key).upper(): value for key, value in raw.items()}
        pair = _unit_pair(props)
        unit = unit_code(pair[0]) if pair else None
        if pair is None or unit is None:
            self.note(
                "not_a_unit",
                "feature without a unit code and name not loaded",
                pair[0] if pair else sorted(props)[:4],
            )
            return
        teryt, level = unit
        if not feature.get("geometry"):  # GUGiK's lookup lists carry none
            self.note("no_geometry", "unit without geometry not loaded", teryt)
            return
        geom = self._surface(feature["geometry"], declared, teryt)
        local_id = str(props.get("IIP_IDENTY") or teryt)
        if geom is None or not self._once(local_id):
            return
        row = self._versioning(props, local_id)
        row |= {"teryt": teryt, "level": level, "name": pair[1].strip(), "geom": geom}
        yield "admin_unit", row

    def _once(self, local_id: str) -> bool:
        if local_id in self._seen:
            self.note("duplicate_unit", "unit repeated in the file; read once", local_id)
            return False
        self._seen.add(local_id)
        return True

    def _versioning(self, props: dict[str, Any], local_id: str) -> dict[str, Any]:
        version = str(props.get("IIP_WERSJA") or "")
        start = timestamp(version) or _day(str(props.get("WERSJA_OD") or ""))
        if start is None:
            self.note(
                "version_from_file",
                "unit without IIP_WERSJA/WERSJA_OD; the file's "
                "lastUpdate or modification time is the version start",
                local_id,
            )
            start = self._fallback_start
        return {
            "namespace": PRG_NAMESPACE,
            "local_id": local_id,
            "version_id": version,
            "object_start": None,
            "version_start": start,
            "version_end": None,
            "object_end": None,
        }

    def _surface(self, geometry: dict[str, Any], declared: int, ident: str) -> MultiPolygon | None:
        """The unit's polygon(s) in EPSG:2180; CRS and axis order checked on its coordinates."""
        try:
            read = shape(geometry)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.note("geometry_unreadable", f"geometry not readable: {exc}", ident)
            return None
        if read.geom_type not in ("Polygon", "MultiPolygon") or read.is_empty:
            self.note(
                "not_a_surface",
                "unit geometry is not a polygon; not loaded",
                f"{ident}: {read.geom_type}",
            )
            return None
        decision = self._placement(shapely.get_coordinates(read), declared, ident)
        moved = shapely.transform(read, lambda xy: crs.normalise(xy, decision))
        multi = moved if isinstance(moved, MultiPolygon) else MultiPolygon([moved])
        if not multi.is_valid:
            self.note(
                "invalid_geometry",
                "invalid geometry (kept as read)",
                f"{ident}: {shapely.is_valid_reason(multi)}",
            )
        return multi

    def _placement(self, coords: np.ndarray, declared: int, ident: str) -> crs.AxisDecision:
        """How to read the coordinates: as declared, swapped, or in the Polish system their
        range fits (EPSG:2180 and the PL-2000 zones do not overlap each other or degrees)."""
        sample = coords[np.linspace(0, len(coords) - 1, min(len(coords), 12)).astype(int)]
        if crs.plausible(sample, declared):
            return crs.AxisDecision(declared, False)
        if crs.plausible(sample[:, ::-1], declared):
            self.note(
                "axis_order",
                f"coordinates are EPSG:{declared} with the axes swapped; read swapped",
                ident,
            )
            return crs.AxisDecision(declared, True)
        for epsg in _METRIC_EPSG:
            if epsg != declared and crs.plausible(sample, epsg):
                self.note(
                    "crs_from_coordinates",
                    f"coordinates are not EPSG:{declared}; their range fits another Polish system",
                    f"{ident}: EPSG:{epsg}",
                )
                return crs.AxisDecision(epsg, False)
        self.note("outside_poland", "coordinates outside Poland in any known system; kept", ident)
        return crs.AxisDecision(declared, False)


def first_feature_properties(path: Path | str) -> dict[str, Any] | None:
    """Upper-cased properties of the first feature that has some, from the file's start.

    Scanned as text because the first geometry may come before them and be megabytes long:
    only the first ``SNIFF_BYTES`` are read. A ``properties`` object holding just ``name``
    or ``href`` belongs to a ``crs`` member and is skipped."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    text, read = "", 0
    with open(path, "rb") as handle:
        while read < SNIFF_BYTES:
            chunk = handle.read(1 << 20)
            if not chunk:
                return None
            read += len(chunk)
            text += decoder.decode(chunk)
            if read == len(chunk) and not text.lstrip().startswith("{"):
                return None
            start = 0
            for match in _PROPERTIES.finditer(text):
                start = match.end()
                props = json.loads(match.group(1)) or {}
                upper = {str(key).upper(): value for key, value in props.items()}
                if upper and not set(upper) <= {"NAME", "HREF", "TYPE"}:
                    return upper
            tail = text.rfind('"properties"', start)
            text = text[tail:] if tail >= 0 else text[-16:]
    return None


def _day(value: str) -> dt.datetime | None:
    """Midnight (Polish time, as UTC) of ``YYYYMMDD``, ``YYYY-MM-DD`` or ``YYYY-MM``."""
    digits = value.strip().replace("-", "")
    if not re.fullmatch(r"\d{6}|\d{8}", digits):
        return None
    try:
        day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8] or 1))
    except ValueError:
        return None
    return dt.datetime.combine(day, dt.time(), WARSAW).astimezone(dt.UTC)


# ---- addresses ------------------------------------------------------------------------
PRG_AD_2012 = "urn:gugik:specyfikacje:gmlas:panstwowyRejestrGranicAdresy:1.0"
PRG_AD_2021 = "https://geoportal.gov.pl/schemas/prgad/1.0"
ADDRESS_CLASSES = frozenset({"PRG_PunktAdresowy", "AD_PunktAdresowy"})
NAME_CLASSES = {
    "PRG_MiejscowoscNazwa": "locality",
    "AD_Miejscowosc": "locality",
    "PRG_UlicaNazwa": "street",
    "AD_UlicaPlac": "street",
    "PRG_JednostkaAdministracyjnaNazwa": "unit",
}
# The 2021 gml:id ends with its version time: <object>_2025-10-14T14_04_04_02_00.
_VERSION_SUFFIX = re.compile(r"_\d{4}-\d{2}-\d{2}T\d{2}_\d{2}_\d{2}(?:_\d{2}_\d{2})?$")


@dataclass(frozen=True)
class NameObject:
    """A locality, street or administrative unit an address refers to."""

    kind: str  # locality | street | unit
    name: str
    teryt: str | None  # a unit's TERYT; a 2021 locality's TERYTGminy


def object_key(gml_id: str) -> str:
    """A 2021 gml:id without its version time: the same object in any version."""
    return _VERSION_SUFFIX.sub("", gml_id)


class PrgAddressReader(Noting, GmlSniffer):
    """``for table, record in PrgAddressReader(path)``; then ``.findings``."""

    NAMESPACES = frozenset({PRG_AD_2012, PRG_AD_2021})

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self.geometry = GeometryReader(self._findings)
        self.names: dict[str, NameObject] = {}  # gml:id -> name object
        self.objects: dict[str, NameObject] = {}  # object_key(gml:id) -> name object
        self._seen: set[tuple[str, str, str]] = set()

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except (etree.XMLSyntaxError, UnsafeXMLError, OSError) as exc:
            raise InputError(self.path, f"not readable as PRG address GML: {exc}") from exc

    def _records(self) -> Iterator[Record]:
        self._index_names()
        skipped: dict[str, int] = {}
        for feature in iter_features(self.path, self.geometry.set_envelope):
            name = local(feature.tag)
            if name in ADDRESS_CLASSES:
                yield from self._address(feature)
            elif name not in NAME_CLASSES:
                skipped[name] = skipped.get(name, 0) + 1
        for name, count in sorted(skipped.items()):
            self.note("skipped_class", "feature class not loaded", f"{name} ×{count}")

    # ---- pass 1: name objects ---------------------------------------------------------
    def _index_names(self) -> None:
        for feature in iter_features(self.path):
            kind = NAME_CLASSES.get(local(feature.tag))
            gml_id = feature.get(GML_ID)
            if kind is None or not gml_id:
                continue
            entry = _name_object(kind, children(feature))
            if entry is not None:
                self.names[gml_id] = entry
                self.objects.setdefault(object_key(gml_id), entry)

    def _resolve(self, href: str, owner: str) -> NameObject | None:
        """The name object a link points at; another version of it is used, reported."""
        key = ref_key(href)
        if key in self.names:
            return self.names[key]
        entry = self.objects.get(object_key(key))
        if entry is not None:
            self.note(
                "reference_other_version",
                "link points at another version of a name object in the file; that version used",
                f"{owner} → {key}",
            )
            return entry
        self.note("unresolved_reference", "reference not found in the file", f"{owner} → {key}")
        return None

    # ---- pass 2: addresses -----------------------------------------------------------
    def _address(self, feature: etree._Element) -> Iterator[Record]:
        kids = children(feature)
        row = self._versioning(feature, kids)
        if row is None:
            return
        owner = row["local_id"]
        linked = self._linked(kids, owner)
        locality = self._named(linked.get("locality"), first_text(kids, "miejscowosc"), owner)
        street = self._named(linked.get("street"), first_text(kids, "ulica"), owner)
        number = first_text(kids, "numerPorzadkowy")
        geom = self.geometry.point(_prop(kids, "pozycja", "georeferencja"), owner)
        if locality is None or number is None or geom is None:
            self.note(
                "address_skipped", "address without locality, number or position not loaded", owner
            )
            return
        gmina = linked.get("unit") or linked.get("locality")
        row |= {
            "teryt_gmina": gmina.teryt if gmina else None,
            "locality": locality,
            "street": street,
            "house_number": number,
            "postcode": first_text(kids, "kodPocztowy"),
            "geom": geom,
        }
        yield "prg_address", row

    def _linked(self, kids: dict[str, list[etree._Element]], owner: str) -> dict[str, NameObject]:
        """Linked name objects by kind; for units only a gmina (a 7-digit TERYT) counts."""
        found: dict[str, NameObject] = {}
        for name, elements in kids.items():
            if name not in ("komponent", "miejscowosc") and not name.startswith("ulica"):
                continue
            for element in elements:
                href = href_of(element)
                entry = self._resolve(href, owner) if href else None
                if entry is None or (entry.kind == "unit" and len(entry.teryt or "") != 7):
                    continue
                found.setdefault(entry.kind, entry)
        return found

    def _named(self, linked: NameObject | None, inline: str | None, owner: str) -> str | None:
        """The linked object's name; the address's own text when nothing is linked."""
        if linked is None:
            return inline
        if inline is not None and inline != linked.name:
            self.note(
                "name_mismatch",
                "name written in the address differs from the linked object's; the object's used",
                f"{owner}: {inline!r} ≠ {linked.name!r}",
            )
        return linked.name

    def _versioning(
        self, feature: etree._Element, kids: dict[str, list[etree._Element]]
    ) -> dict[str, Any] | None:
        space, lid, version = identity(kids)
        if not lid:
            self.note("no_idIIP", "address without idIIP; gml:id used", feature.get(GML_ID))
            space, lid = space or "unknown", feature.get(GML_ID) or "?"
        key = (space or "unknown", lid, version or "")
        if key in self._seen:
            self.note("duplicate_object", "address repeated in the file; read once", lid)
            return None
        self._seen.add(key)
        start = timestamp(_descendant_text(feature, "poczatekWersjiObiektu")) or timestamp(version)
        if start is None:
            self.note(
                "no_version_start",
                "no poczatekWersjiObiektu or wersjaId; the file's modification time used",
                lid,
            )
            start = dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)
        return {
            "namespace": key[0],
            "local_id": lid,
            "version_id": key[2],
            "object_start": None,
            "version_start": start,
            "version_end": timestamp(_descendant_text(feature, "koniecWersjiObiektu")),
            "object_end": None,
        }


def _name_object(kind: str, kids: dict[str, list[etree._Element]]) -> NameObject | None:
    """A name object's name and TERYT; a 2012 street's name sits in AD_NazwaUlicy."""
    if kind == "street":
        name = first_text(kids, "nazwaPelna") or _nested_text(kids, "nazwa", "nazwaGlownaCzesc")
        return NameObject(kind, name, None) if name else None
    name = first_text(kids, "nazwa")
    if name is None:
        return None
    if kind == "unit":
        return NameObject(kind, name, first_text(kids, "idTERYT"))
    return NameObject(kind, name, first_text(kids, "TERYTGminy"))  # 2012: SIMC only, no gmina


def _nested_text(kids: dict[str, list[etree._Element]], holder: str, name: str) -> str | None:
    for element in kids.get(holder, ()):
        text = _descendant_text(element, name)
        if text:
            return text
    return None


def _descendant_text(element: etree._Element, name: str) -> str | None:
    for found in element.iter(f"{{*}}{name}"):
        text = (found.text or "").strip()
        if text:
            return text
    return None


def _prop(kids: dict[str, list[etree._Element]], *names: str) -> etree._Element | None:
    return next((kids[name][0] for name in names if kids.get(name)), None)
