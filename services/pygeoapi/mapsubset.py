"""Where a map is: ``bbox``, ``subset`` or ``center`` (OGC API – Maps, spatial subsetting).

Each reads the client's numbers in the axis order of its own CRS parameter (``bbox-crs``,
``subset-crs``, ``center-crs``; CRS84 when absent) and returns them easting first, the
way PostGIS and WMS 1.1.1 take them. Requirement ids are those of OGC 20-058
(``/req/spatial-subsetting/...``).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pyproj

from geoportal.text import Text
from services.edge.failures import Failure, Refusal
from services.providers.bbox import BBoxError, Envelope, parse_bbox
from services.providers.crs import ServedCrs, normalize_crs, served_crs

_NUMBER = re.compile(r"^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?$")
_SUBSET = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\(([^()]*)\)$")
# /req/spatial-subsetting/subset-definition B: Lat/Lon name the axes of a geographic CRS,
# E/N those of a projected one; 0 is easting/longitude, 1 northing/latitude.
_AXES = {True: {"lon": 0, "lat": 1}, False: {"e": 0, "n": 1}}
_DENSIFY = 21  # points per bbox edge when it is transformed


def read_crs(text: str, name: str) -> ServedCrs:
    """A CRS parameter (URI, ``EPSG:n`` or safe CURIE) we serve, or a 400 naming it."""
    uri = normalize_crs(text)
    crs = served_crs(uri) if uri else None
    if crs is None:
        raise bad(f"nieobsługiwany układ w {name}", f"unsupported CRS in {name}")
    return crs


def read_bbox(text: str, crs_text: str) -> Envelope:
    """``bbox`` in ``bbox-crs`` (/req/spatial-subsetting/bbox-definition, bbox-crs)."""
    try:
        return parse_bbox(text, read_crs(crs_text, "bbox-crs").uri)
    except BBoxError as exc:
        raise bad(exc.pl, exc.en) from exc


def read_subset(values: list[str], crs_text: str, extent: Envelope, output: ServedCrs) -> Envelope:
    """``subset=Lat(a:b),Lon(c:d)`` (repeatable) in ``subset-crs``; an axis not named keeps
    the default extent; the part outside the area where both the subset's and the map's
    CRS are valid is cut off, and a subset wholly outside it is a 404
    (/req/spatial-subsetting/subset-definition D, F, I)."""
    crs = read_crs(crs_text, "subset-crs")
    default = transformed(extent, crs)
    low, high = [default[0], default[1]], [default[2], default[3]]
    named: set[int] = set()
    for item in (item for value in values for item in value.split(",")):
        axis, (start, end) = _interval(item, crs)
        if axis in named:
            raise bad("oś podana w subset dwa razy", "an axis is named twice in subset")
        named.add(axis)
        low[axis], high[axis] = start, end
    west, south, east, north = _both_valid(crs, output)
    if low[0] > high[0]:
        low[0], high[0] = _one_side(low[0], high[0], west, east)
    box = (max(low[0], west), max(low[1], south), min(high[0], east), min(high[1], north))
    if box[0] >= box[2] or box[1] >= box[3]:
        outside = Text(pl="subset w całości poza obszarem układów",
                       en="subset lies wholly outside the area of the CRSs")  # fmt: skip
        raise Refusal(Failure.NOT_FOUND, outside)
    return Envelope(*box, crs)


def _one_side(start: float, end: float, west: float, east: float) -> tuple[float, float]:
    """Of ``Lon(start:end)`` across the antimeridian (/req/spatial-subsetting/
    subset-definition E), the side where the map's CRS is valid: a map in one CRS
    cannot hold both sides, so where both are valid it is a 400."""
    sides = [(a, b) for a, b in ((start, 180.0), (-180.0, end)) if a < east and b > west]
    if len(sides) > 1:
        raise bad("subset: mapa w tym układzie nie przekracza południka 180°",
                  "subset: a map in this crs cannot cross the antimeridian")  # fmt: skip
    return sides[0] if sides else (start, start)  # nothing left: the 404 below


def _interval(item: str, crs: ServedCrs) -> tuple[int, tuple[float, float]]:
    match = _SUBSET.match(item.strip())
    if match is None:
        raise bad("subset: oś(dolna:górna), np. Lat(51.5:51.6)",
                  "subset: axis(low:high), e.g. Lat(51.5:51.6)")  # fmt: skip
    axis = _AXES[crs.geographic].get(match[1].lower())
    if axis is None:
        names = "Lat, Lon" if crs.geographic else "E, N"
        raise bad(f"subset: w tym układzie osie to {names}",
                  f"subset: the axes of this CRS are {names}")  # fmt: skip
    ends = match[2].split(":")
    if len(ends) != 2:  # a map needs an interval on each spatial axis, not a slice
        raise bad("subset: mapa potrzebuje przedziału dolna:górna",
                  "subset: a map needs an interval low:high")  # fmt: skip
    start, end = number(ends[0], "subset"), number(ends[1], "subset")
    wraps = crs.geographic and axis == 0 and start > end  # across the antimeridian (E)
    if start >= end and not wraps:
        raise bad("subset: dolna granica musi być mniejsza od górnej",
                  "subset: the low value must be less than the high value")  # fmt: skip
    return axis, (start, end)


def read_center(text: str, crs_text: str) -> tuple[float, float, ServedCrs]:
    """``center`` in ``center-crs``'s axis order, easting first (/req/spatial-subsetting/
    center-definition, center-crs)."""
    crs = read_crs(crs_text, "center-crs")
    parts = text.split(",")
    if len(parts) != 2:
        raise bad("center to dwie liczby", "center needs two numbers")
    a, b = (number(part, "center") for part in parts)
    x, y = (b, a) if crs.northing_first else (a, b)
    west, south, east, north = valid_area(crs)
    if not (west <= x <= east and south <= y <= north):
        raise bad("center poza zakresem układu", "center outside the CRS's area")
    return x, y, crs


def number(text: str, name: str) -> float:
    """A finite decimal number (no ``nan``, ``inf``, hex or empty text), or a 400."""
    value = float(text) if _NUMBER.match(text.strip()) else math.nan
    if not math.isfinite(value):
        raise bad(f"{name}: wartości muszą być skończonymi liczbami",
                  f"{name}: values must be finite numbers")  # fmt: skip
    return value


def transformed(area: Envelope, crs: ServedCrs) -> tuple[float, float, float, float]:
    """The area in another CRS (easting first), edges densified so they keep their curve."""
    if area.crs.srid == crs.srid:
        return area.xmin, area.ymin, area.xmax, area.ymax
    west, south, east, north = transformer(area.crs.srid, crs.srid).transform_bounds(
        area.xmin, area.ymin, area.xmax, area.ymax, densify_pts=_DENSIFY
    )
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise bad("obszar poza zasięgiem układu crs", "area outside the area of the crs")
    return west, south, east, north


@lru_cache(maxsize=8)
def valid_area(crs: ServedCrs) -> tuple[float, float, float, float]:
    """The CRS's area of use (EPSG) in its own units, easting first."""
    if crs.geographic:
        return -180.0, -90.0, 180.0, 90.0
    area = pyproj.CRS.from_epsg(crs.srid).area_of_use
    assert area is not None  # every served EPSG code has one
    return transformer(4326, crs.srid).transform_bounds(*area.bounds, densify_pts=_DENSIFY)


@lru_cache(maxsize=16)
def _both_valid(crs: ServedCrs, output: ServedCrs) -> tuple[float, float, float, float]:
    """Where both CRSs are valid, in the units of the first (easting first)."""
    area = pyproj.CRS.from_epsg(output.srid).area_of_use
    assert area is not None  # every served EPSG code has one
    west, south, east, north = transformer(4326, crs.srid).transform_bounds(
        *area.bounds, densify_pts=_DENSIFY
    )
    own = valid_area(crs)
    return max(west, own[0]), max(south, own[1]), min(east, own[2]), min(north, own[3])


@lru_cache(maxsize=32)
def transformer(source: int, target: int) -> pyproj.Transformer:
    """An easting-first transformer between two EPSG codes (built once per pair)."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def bad(pl: str, en: str) -> Refusal:
    """A 400 refusal (InvalidParameterValue) with its message in Polish and English."""
    return Refusal(Failure.BAD_PARAMETER, Text(pl=pl, en=en))
