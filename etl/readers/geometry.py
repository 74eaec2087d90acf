"""GML 3.2 geometry -> shapely in EPSG:2180 (easting, northing), axis order detected.

Supports what exchange files contain: Polygon, Surface/PolygonPatch, MultiSurface,
CompositeSurface, legacy MultiPolygon, LinearRing/Ring (with LineStringSegment, Arc and
ArcString segments, arcs densified), posList/pos/coordinates, srsDimension 2 or 3, and
Point. The srsName is taken from the geometry, an enclosing geometry, or the collection's
envelope. The axis order is decided once per srsName and file (see ``etl.gml.crs``); a
swap or an implausible location becomes a finding, never a silent change.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from lxml import etree
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from etl.gml import crs
from etl.gml import namespaces as ns
from etl.readers.base import Findings, local
from geoportal.crs import POLAND_2180, parse_crs_name

G = f"{{{ns.GML}}}"
_SURFACES = {"Polygon", "Surface", "MultiSurface", "CompositeSurface", "MultiPolygon",
             "PolygonPatch", "OrientableSurface"}  # fmt: skip
_CURVES = {"LineString", "Curve", "MultiCurve", "MultiLineString", "CompositeCurve"}
_NOT_SURFACES = {"Point", "MultiPoint", "LineString", "Curve", "MultiCurve", "MultiLineString"}


class GeometryReader:
    """Parses geometries of one file, remembering the axis decision per srsName."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self.default_srs: str | None = None
        self.decisions: dict[str, crs.AxisDecision] = {}

    def set_envelope(self, envelope: etree._Element) -> None:
        self.default_srs = envelope.get("srsName") or self.default_srs

    # ---- public -------------------------------------------------------------------
    def surface(self, prop: etree._Element | None, ident: str) -> MultiPolygon | None:
        """The surface geometry inside a property element, as a MultiPolygon."""
        geom_el = _first_geometry(prop)
        if geom_el is None or local(geom_el.tag) == "Point":
            other = geom_el if geom_el is not None else _any_element(prop)
            if other is not None:
                self.findings.add("wrong_geometry_type", "not a surface (left without geometry)",
                                  f"{ident}: {local(other.tag)}")  # fmt: skip
            return None
        self._note_heights(geom_el, ident)
        rings_list: list[tuple[np.ndarray, list[np.ndarray]]] = []
        self._collect(geom_el, geom_el.get("srsName"), _dim(geom_el, 2), rings_list)
        if not rings_list:
            other = next((e for e in geom_el.iter() if local(e.tag) in _NOT_SURFACES), None)
            if other is not None:
                self.findings.add("wrong_geometry_type", "not a surface (left without geometry)",
                                  f"{ident}: {local(other.tag)}")  # fmt: skip
            return None
        polygons = [Polygon(shell, holes) for shell, holes in rings_list if len(shell) >= 4]
        multi = MultiPolygon(polygons) if polygons else None
        if multi is not None:
            self._check(multi, ident)
        return multi

    def point(self, prop: etree._Element | None, ident: str) -> Point | None:
        geom_el = _first_geometry(prop)
        if geom_el is None or local(geom_el.tag) != "Point":
            return None
        raw = _coords(geom_el, _dim(geom_el, 2))
        if raw is None or len(raw) == 0:
            return None
        self._note_heights(geom_el, ident)
        xy = self._normalise(raw, geom_el.get("srsName"))
        pt = Point(xy[0])
        self._check(pt, ident)
        return pt

    def curve(self, prop: etree._Element | None, ident: str) -> MultiLineString | None:
        """The line geometry inside a property element (LineString, Curve of
        LineStringSegments, MultiCurve, MultiLineString), as a MultiLineString."""
        geom_el = _first_geometry(prop, _CURVES)
        if geom_el is None:
            other = _any_element(prop)
            if other is not None:
                self.findings.add("wrong_geometry_type", "not a curve (left without geometry)",
                                  f"{ident}: {local(other.tag)}")  # fmt: skip
            return None
        self._note_heights(geom_el, ident)
        lines = []
        for element in geom_el.iter(f"{G}LineString", f"{G}LineStringSegment"):
            raw = _coords(element, _dim(element, _dim(geom_el, 2)))
            if raw is not None and len(raw) >= 2:
                srs = _inherited_srs(element, geom_el, geom_el.get("srsName"))
                lines.append(LineString(self._normalise(raw, srs)))
        if not lines:
            return None
        multi = MultiLineString(lines)
        self._check(multi, ident)
        return multi

    # ---- internals ----------------------------------------------------------------
    def _note_heights(self, geom_el: etree._Element, ident: str) -> None:
        """3D coordinates are read as 2D: the heights are dropped, and that is said."""
        if _dim(geom_el, 2) > 2 or any(
            _dim(element, 2) > 2
            or (local(element.tag) == "pos" and len((element.text or "").split()) > 2)
            for element in geom_el.iter(f"{G}posList", f"{G}pos")
        ):
            self.findings.add("z_dropped", "3D coordinates (heights dropped, stored 2D)", ident)

    def _collect(
        self,
        element: etree._Element,
        srs: str | None,
        dim: int,
        out: list[tuple[np.ndarray, list[np.ndarray]]],
    ) -> None:
        name = local(element.tag)
        srs = element.get("srsName") or srs
        dim = _dim(element, dim)
        if name in ("Polygon", "PolygonPatch"):
            shell = element.find(f"{G}exterior")
            if shell is None:
                shell = element.find(f"{G}outerBoundaryIs")
            holes = element.findall(f"{G}interior") + element.findall(f"{G}innerBoundaryIs")
            ring = self._ring(shell, srs, dim)
            if ring is not None:
                out.append((ring, [r for h in holes if (r := self._ring(h, srs, dim)) is not None]))
            return
        for child in element.iter():
            if child is element or not isinstance(child.tag, str):
                continue
            if (
                local(child.tag) in ("Polygon", "PolygonPatch")
                and _nearest_surface_ancestor(child, element) is element
            ):
                self._collect(child, _inherited_srs(child, element, srs), dim, out)

    def _ring(
        self, boundary: etree._Element | None, srs: str | None, dim: int
    ) -> np.ndarray | None:
        if boundary is None:
            return None
        parts = []
        for element in boundary.iter():
            name = local(element.tag)
            if name in ("LinearRing", "LineStringSegment", "LineString"):
                coords = _coords(element, _dim(element, dim))
                if coords is not None:
                    parts.append(coords)
            elif name in ("Arc", "ArcString", "Circle"):
                coords = _coords(element, _dim(element, dim))
                if coords is not None:
                    parts.append(_densify_arcs(coords))
        if not parts:
            return None
        ring = np.concatenate(parts)
        if not np.array_equal(ring[0], ring[-1]):
            ring = np.vstack([ring, ring[:1]])
        return self._normalise(ring, srs)

    def _normalise(self, raw: np.ndarray, srs: str | None) -> np.ndarray:
        key = srs or self.default_srs or ""
        decision = self.decisions.get(key)
        if decision is None:
            parsed = parse_crs_name(key or None)
            sample = raw[np.linspace(0, len(raw) - 1, min(len(raw), 12)).astype(int)]
            decision = crs.decide_axis(parsed, sample)
            self.decisions[key] = decision
            if decision.finding:
                self.findings.add("axis_order", decision.finding, key or "(no srsName)")
        return crs.normalise(raw, decision)

    def _check(self, geom: shapely.Geometry, ident: str) -> None:
        minx, miny, maxx, maxy = geom.bounds
        x0, y0, x1, y1 = POLAND_2180
        if not (x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1):
            self.findings.add("outside_poland", "geometry outside Poland's EPSG:2180 extent", ident)
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            self.findings.add(
                "invalid_geometry", "invalid geometry (kept as read)", f"{ident}: {reason}"
            )


def _first_geometry(
    prop: etree._Element | None, kinds: frozenset[str] | set[str] = _SURFACES | {"Point"}
) -> etree._Element | None:
    if prop is None:
        return None
    for child in prop:
        if isinstance(child.tag, str) and local(child.tag) in kinds:
            return child
    return None


def _any_element(prop: etree._Element | None) -> etree._Element | None:
    if prop is None:
        return None
    return next((child for child in prop if isinstance(child.tag, str)), None)


def _nearest_surface_ancestor(child: etree._Element, stop: etree._Element) -> etree._Element:
    parent = child.getparent()
    while parent is not None and parent is not stop:
        if local(parent.tag) in ("Polygon", "PolygonPatch"):
            return parent
        parent = parent.getparent()
    return stop


def _inherited_srs(child: etree._Element, stop: etree._Element, srs: str | None) -> str | None:
    element = child
    while element is not None and element is not stop:
        if element.get("srsName"):
            return element.get("srsName")
        element = element.getparent()
    return srs


def _dim(element: etree._Element, default: int) -> int:
    value = element.get("srsDimension")
    return int(value) if value and value.isdigit() else default


def _coords(element: etree._Element, dim: int) -> np.ndarray | None:
    """Raw coordinates (file axis order) of posList / pos / coordinates children."""
    pos_list = element.find(f"{G}posList")
    if pos_list is not None and pos_list.text:
        dim = _dim(pos_list, dim)
        values = np.array(pos_list.text.split(), dtype=float)
        return values[: len(values) // dim * dim].reshape(-1, dim)[:, :2]
    positions = element.findall(f"{G}pos")
    if positions:
        rows = [np.array(p.text.split(), dtype=float)[:2] for p in positions if p.text]
        return np.array(rows) if rows else None
    legacy = element.find(f"{G}coordinates")
    if legacy is not None and legacy.text:
        rows = [t.split(",")[:2] for t in legacy.text.split()]
        return np.array(rows, dtype=float)
    return None


def _densify_arcs(points: np.ndarray, step_deg: float = 3.0) -> np.ndarray:
    """Arcs through consecutive point triples, as short chords."""
    out = [points[:1]]
    for i in range(0, len(points) - 2, 2):
        out.append(_arc(points[i], points[i + 1], points[i + 2], step_deg)[1:])
    return np.concatenate(out)


def _arc(a: np.ndarray, b: np.ndarray, c: np.ndarray, step_deg: float) -> np.ndarray:
    ax, ay = a
    bx, by = b
    cx, cy = c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    if abs(d) < 1e-12:
        return np.array([a, b, c])
    a2, b2, c2 = ax**2 + ay**2, bx**2 + by**2, cx**2 + cy**2
    ux = (a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d
    uy = (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d
    r = math.hypot(ax - ux, ay - uy)
    t0, t1, t2 = (math.atan2(p[1] - uy, p[0] - ux) for p in (a, b, c))
    ccw = (t1 - t0) % (2 * math.pi) < (t2 - t0) % (2 * math.pi)
    sweep = (t2 - t0) % (2 * math.pi) if ccw else -((t0 - t2) % (2 * math.pi))
    n = max(2, int(abs(math.degrees(sweep)) / step_deg))
    angles = t0 + np.linspace(0, sweep, n + 1)
    pts = np.column_stack([ux + r * np.cos(angles), uy + r * np.sin(angles)])
    pts[0], pts[-1] = a, c
    return pts
