"""Reader of WFS GetFeature answers whose features carry KIEG-style EGiB attributes.

County and city EGiB WFS services (MapServer at e-podgik and in GUGiK's county proxies,
geoportal2, ArcGIS Server, GeoServer) publish buildings and parcels as flat features:
``ID_BUDYNKU``, ``RODZAJ``/``FUNKCJA``, ``KONDYGNACJE_*`` or ``ID_DZIALKI``,
``NUMER_DZIALKI``, ``POLE_EWIDENCYJNE``, ``KW``, in a vendor namespace and with one
geometry property whose name differs per vendor (msGeometry, geometria, SHAPE, GEOMETRY).
None of it is EGiB GML, so this reader maps it onto the same ``building``/``parcel`` tables.

What the real answers taught (tests/fixtures/wfs_buildings/PROVENANCE.txt):

* CRS notations differ per server and the axis order follows the notation
  (``urn:ogc:def:crs:EPSG::4326`` lat/lon, ``…/gml/srs/epsg.xml#4326`` lon/lat).
  ``GeometryReader`` decides per srsName and records a finding when the coordinates
  contradict the notation (in Poland longitudes 14–24 and latitudes 49–55 never overlap,
  so a swapped file is recognised, not guessed).
* Identifiers may end in newlines and spaces (ArcGIS): stripped and reported.
* gml:id may be missing (MapServer without a featureid) or generated per answer (GeoServer
  ``fid-<uid>`` for tables without a key; the uid holds the answer's time), so it cannot
  identify the object across loads: the building or parcel id is used instead, reported.
* An empty answer is a FeatureCollection without members: nothing to load, a finding.
* Features carry no version data; the collection's ``timeStamp`` is the version start.

WFS 1.1 answers encode geometries in GML 3.1.1; their Polygon/MultiSurface/posList
elements are those of GML 3.2, so they are renamed into the 3.2 namespace and read by the
same ``GeometryReader``. XML is read with ``safe_iterparse`` (no DTD) and streamed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from shapely.geometry import MultiPolygon

from etl.gml import namespaces as ns
from etl.gml.safe import UnsafeXMLError, safe_iterparse
from etl.readers.base import (
    GML_ID,
    Findings,
    InputError,
    Noting,
    Record,
    children,
    decimal,
    first_text,
    integer,
    iter_features,
    local,
    namespace,
    timestamp,
)
from etl.readers.geometry import GeometryReader
from geoportal.cadastre.identifiers import IdentifierError, read_building_id, read_parcel_id

WFS11 = "http://www.opengis.net/wfs"
WFS_NAMESPACES = frozenset({WFS11, ns.WFS20})
GML31 = "http://www.opengis.net/gml"
GML31_ID = f"{{{GML31}}}id"  # WFS 1.1 answers; GML 2 writes a plain ``fid``
ID_FIELDS = {"ID_BUDYNKU": "building", "ID_DZIALKI": "parcel"}
# EGB_RodzajWgKSTType in EGIB.XSD: the only values rodzajWgKST may take.
KST_CODES = frozenset("mgtkzbhpsi")
SURFACES = frozenset({"Polygon", "Surface", "MultiSurface", "CompositeSurface", "MultiPolygon"})
# GeoServer's id for features of a table without primary key: <type>.fid-<uid>, new per answer.
_GENERATED_ID = re.compile(r"(?:^|\.)fid-[-0-9a-f]+_[0-9a-f]+_-?[0-9a-f]+$")
_COUNTY = re.compile(r"(\d{4})\d{2}_\d")
_M2 = frozenset({"m2", "m^2", "m²", "sqm"})


class KiegWfsReader(Noting):
    """``for table, record in KiegWfsReader(path)``; then ``.findings``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._findings = Findings()
        self.geometry = GeometryReader(self._findings)
        self._version_start: dt.datetime | None = None
        self._seen: set[tuple[str, str, str]] = set()

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """True for a WFS 1.1/2.0 FeatureCollection whose first feature has ID_BUDYNKU or
        ID_DZIALKI; an empty collection proves nothing and is not claimed."""
        try:
            names = first_feature_children(path)
        except Exception:  # not XML, refused as unsafe, unreadable
            return False
        return bool(names and names & ID_FIELDS.keys())

    def __iter__(self) -> Iterator[Record]:
        try:
            yield from self._records()
        except (etree.XMLSyntaxError, UnsafeXMLError, OSError) as exc:
            raise InputError(self.path, f"not readable as a WFS answer: {exc}") from exc

    # ---- the collection ----------------------------------------------------------
    def _records(self) -> Iterator[Record]:
        tag, attrib = collection_head(self.path)
        if local(tag) != "FeatureCollection" or namespace(tag) not in WFS_NAMESPACES:
            raise InputError(self.path, f"root element {tag} is not a WFS FeatureCollection")
        self._version_start = self._collection_time(attrib)
        members = 0
        for feature in iter_features(self.path, self.geometry.set_envelope):
            if namespace(feature.tag) == GML31:  # WFS 1.1: gml:boundedBy/gml:Envelope
                if local(feature.tag) == "Envelope":
                    self.geometry.set_envelope(feature)
                continue
            members += 1
            yield from self._feature(feature)
        if members == 0:
            matched = attrib.get("numberMatched") or attrib.get("numberOfFeatures") or "?"
            self.note(
                "empty_collection", "the answer holds no features", f"numberMatched={matched}"
            )

    def _collection_time(self, attrib: dict[str, str]) -> dt.datetime:
        """The answer's timeStamp; without one, the file's modification time (reported)."""
        moment = timestamp(attrib.get("timeStamp"))
        if moment is not None:
            return moment
        self.note(
            "no_timestamp",
            "collection without a usable timeStamp; the file's modification time is the "
            "version start",
            attrib.get("timeStamp"),
        )
        return dt.datetime.fromtimestamp(self.path.stat().st_mtime, dt.UTC)

    # ---- one feature -------------------------------------------------------------
    def _feature(self, feature: etree._Element) -> Iterator[Record]:
        kids = children(feature)
        field = next((name for name in ID_FIELDS if name in kids), None)
        if field is None:
            self.note(
                "skipped_feature",
                "feature without ID_BUDYNKU or ID_DZIALKI not loaded",
                local(feature.tag),
            )
            return
        ident = self._identifier(kids[field][0], field)
        if ident is None:
            return
        geom = self.geometry.surface(_geometry_property(feature), ident)
        if geom is None:
            self.note("no_geometry", "feature without a surface geometry not loaded", ident)
            return
        row = self._common(feature, ident, ID_FIELDS[field])
        if row is None:
            return
        if field == "ID_BUDYNKU":
            yield from self._building(kids, ident, row, geom)
        else:
            yield from self._parcel(kids, ident, row, geom)

    def _identifier(self, element: etree._Element, field: str) -> str | None:
        raw = element.text or ""
        ident = raw.strip()
        if not ident:
            self.note("no_identifier", f"feature with an empty {field} not loaded")
            return None
        if ident != raw:
            self.note("id_whitespace", f"whitespace around {field} removed", repr(raw))
        return ident

    def _common(self, feature: etree._Element, ident: str, table: str) -> dict[str, Any] | None:
        """The versioning columns; None for a feature already read from this answer."""
        gml_id = (feature.get(GML_ID) or feature.get(GML31_ID) or feature.get("fid") or "").strip()
        local_id = gml_id
        if not gml_id:
            self.note("no_feature_id", "feature without gml:id; its EGiB id is the local id", ident)
            local_id = ident
        elif _GENERATED_ID.search(gml_id):
            self.note(
                "generated_feature_id",
                "gml:id generated per answer (GeoServer fid); the EGiB id is the local id",
                gml_id,
            )
            local_id = ident
        space = f"PL.PZGiK.{self._county(ident)}.EGiB"
        if (table, space, local_id) in self._seen:
            self.note("duplicate_feature", "feature repeated in the answer; read once", local_id)
            return None
        self._seen.add((table, space, local_id))
        return {
            "namespace": space,
            "local_id": local_id,
            "version_id": "",
            "object_start": None,
            "version_start": self._version_start,
            "version_end": None,
            "object_end": None,
        }

    def _county(self, ident: str) -> str:
        """TERYT county (WWPP) from the WWPPGG_R that starts every EGiB id."""
        match = _COUNTY.match(ident)
        if match is None:
            self.note("no_county", "id does not start with WWPPGG_R; namespace unknown", ident)
            return "unknown"
        return match.group(1)

    # ---- record builders ----------------------------------------------------------
    def _building(
        self,
        kids: dict[str, list[etree._Element]],
        ident: str,
        row: dict[str, Any],
        geom: MultiPolygon,
    ) -> Iterator[Record]:
        try:
            read_building_id(ident)
        except IdentifierError as exc:  # e.g. a map sheet (Katowice): kept as written
            self.note("building_id_unparsed", f"building id not understood: {exc}", ident)
        row |= {
            "building_id": ident,
            "kst_type": self._kst_type(kids, ident),
            "floors_above": integer(first_text(kids, "KONDYGNACJE_NADZIEMNE")),
            "floors_below": integer(first_text(kids, "KONDYGNACJE_PODZIEMNE")),
            "built_up_area_m2": None,
            "parcel_ids": [],
            "registration_unit_id": None,
            "geom": geom,
        }
        yield "building", row

    def _kst_type(self, kids: dict[str, list[etree._Element]], ident: str) -> str | None:
        """The KŚT code from RODZAJ, else FUNKCJA: services put it in either (e-podgik's
        older answers hold a fire-resistance class in RODZAJ and the code in FUNKCJA)."""
        rodzaj, funkcja = first_text(kids, "RODZAJ"), first_text(kids, "FUNKCJA")
        if rodzaj is not None and rodzaj.lower() in KST_CODES:
            return rodzaj.lower()
        if funkcja is not None and funkcja.lower() in KST_CODES:
            if rodzaj is not None:
                self.note(
                    "kst_type_from_funkcja",
                    "RODZAJ is no KŚT code; KŚT type read from FUNKCJA",
                    f"{ident}: RODZAJ={rodzaj!r}",
                )
            return funkcja.lower()
        if rodzaj is None and funkcja is None:
            self.note("no_kst_type", "building without RODZAJ or FUNKCJA", ident)
        else:
            self.note(
                "kst_type_unknown",
                "neither RODZAJ nor FUNKCJA is a KŚT code "
                "(EGB_RodzajWgKSTType); kst_type left empty",
                f"{ident}: {rodzaj!r}/{funkcja!r}",
            )
        return None

    def _parcel(
        self,
        kids: dict[str, list[etree._Element]],
        ident: str,
        row: dict[str, Any],
        geom: MultiPolygon,
    ) -> Iterator[Record]:
        try:
            parcel = read_parcel_id(ident).value
        except IdentifierError as exc:
            self.note("parcel_id_unparsed", f"parcel id not understood; not loaded: {exc}", ident)
            return
        area = _area_ha(kids.get("POLE_EWIDENCYJNE", [None])[0])
        if area is None:  # often withheld by the services (PGiK art. 40a ust. 2)
            self.note("parcel_skipped", "parcel without POLE_EWIDENCYJNE not loaded", ident)
            return
        row |= {
            "parcel_id": ident,
            "number": parcel.number,
            "sheet": parcel.sheet,
            "district_id": str(parcel.district),
            "area_ha": area,
            "area_precision": None,
            "land_register_no": first_text(kids, "KW", "NUMER_KW"),
            "registration_unit_id": None,
            "land_uses": [],
            "geom": geom,
        }
        yield "parcel", row


def collection_head(path: Path | str) -> tuple[str, dict[str, str]]:
    """The root element's tag and attributes, read from the start of the file."""
    for _event, element in safe_iterparse(path, events=("start",)):
        return str(element.tag), dict(element.attrib)
    raise InputError(path, "no root element")


def first_feature_children(path: Path | str) -> set[str] | None:
    """Local names of the first feature's children, or None (no WFS collection, no feature).

    A feature is an element two levels below the root that is not GML (envelopes are)."""
    depth = 0
    for event, element in safe_iterparse(path, events=("start", "end")):
        if event == "start":
            if depth == 0 and (
                local(element.tag) != "FeatureCollection"
                or namespace(element.tag) not in WFS_NAMESPACES
            ):
                return None
            depth += 1
            continue
        depth -= 1
        if depth == 2 and namespace(element.tag) not in (ns.GML, GML31):
            return {local(child.tag) for child in element if isinstance(child.tag, str)}
    return None


def _geometry_property(feature: etree._Element) -> etree._Element | None:
    """The first property holding a GML surface, whatever the vendor called it."""
    for prop in feature:
        if not isinstance(prop.tag, str) or namespace(prop.tag) in (ns.GML, GML31):
            continue  # gml:boundedBy, gml:name …
        for child in prop:
            if namespace(child.tag) in (ns.GML, GML31) and local(child.tag) in SURFACES:
                return _as_gml32(prop)
    return None


def _as_gml32(prop: etree._Element) -> etree._Element:
    """A GML 3.1.1 geometry property renamed into GML 3.2 (a copy; 3.2 is returned as is)."""
    if not any(namespace(element.tag) == GML31 for element in prop.iter()):
        return prop
    renamed = copy.deepcopy(prop)
    for element in renamed.iter():
        if namespace(element.tag) == GML31:
            element.tag = f"{{{ns.GML}}}{local(element.tag)}"
    return renamed


def _area_ha(element: etree._Element | None) -> Decimal | None:
    """POLE_EWIDENCYJNE in hectares (the unit of the legal area), m² when ``uom`` says so."""
    if element is None:
        return None
    value = decimal((element.text or "").strip() or None)
    if value is None:
        return None
    return value / Decimal(10000) if (element.get("uom") or "").lower() in _M2 else value
