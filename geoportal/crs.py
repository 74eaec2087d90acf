"""Coordinate reference systems: the storage CRS, Poland's systems, names and axis order.

Every capability meets the same facts: data are stored in EPSG:2180 (PUWG 1992) with
x = easting; cadastral maps use the PL-2000 zones EPSG:2176–2179; the web uses EPSG:3857
and CRS84. For EPSG:2176–2180 and EPSG:4326 the EPSG axis order is northing/latitude
first, and a CRS *name* tells which convention a document follows: GML written with an
authority URN or URI (``urn:ogc:def:crs:EPSG::2180``) lists northing first, the legacy
short form ``EPSG:2180`` easting first (domain reference §9). ``parse_crs_name`` reads
every form once; the ETL and the services decide what the form means for them.

pyproj is asked once per code (``functools.cache``): resolving a CRS per request was the
largest cost of the stock OGC API provider.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from typing import Literal

import pyproj

STORAGE_EPSG = 2180
WGS84_EPSG = 4326
WEB_MERCATOR_EPSG = 3857
PL2000_EPSG = {5: 2176, 6: 2177, 7: 2178, 8: 2179}  # zone -> code (15°, 18°, 21°, 24° E)
POLISH_EPSG = frozenset({STORAGE_EPSG, *PL2000_EPSG.values()})

POLAND_LONLAT = (13.5, 48.7, 24.6, 55.2)  # Poland with a generous margin (lon, lat)
POLAND_2180 = (100_000.0, 100_000.0, 950_000.0, 850_000.0)  # the same in EPSG:2180

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"

Form = Literal["authority", "legacy", "crs84", "unknown"]
_FORMS: tuple[tuple[re.Pattern[str], Form], ...] = (
    (re.compile(r"^urn:(?:x-)?ogc:def:crs:EPSG:[\d.]*:(\d{1,6})$", re.I), "authority"),
    (re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/[\d.]+/(\d{1,6})$", re.I), "authority"),
    (re.compile(r"^\[?EPSG:(\d{1,6})\]?$", re.I), "legacy"),
    (re.compile(r"^https?://www\.opengis\.net/gml/srs/epsg\.xml#(\d{1,6})$", re.I), "legacy"),
)
_CRS84 = re.compile(
    r"^(?:urn:ogc:def:crs:OGC:[\d.]*:CRS84|https?://www\.opengis\.net/def/crs/OGC/[\d.]+/CRS84"
    r"|\[?OGC:CRS84\]?)$",
    re.I,
)


@dataclass(frozen=True)
class CrsName:
    """What a CRS name says: its EPSG code and the form it was written in."""

    text: str
    epsg: int | None
    form: Form

    @property
    def northing_first(self) -> bool:
        """Whether coordinates written under this name list northing/latitude first.

        Only the authority forms promise the EPSG axis order; the legacy forms and CRS84
        are easting/longitude first by convention.
        """
        return self.form == "authority" and self.epsg is not None and northing_first(self.epsg)


@functools.lru_cache(maxsize=256)
def parse_crs_name(text: str | None) -> CrsName:
    """Interpret a CRS name in any common form; unknown names give ``epsg=None``.

    >>> parse_crs_name("urn:ogc:def:crs:EPSG::2180").northing_first
    True
    >>> parse_crs_name("EPSG:2180").northing_first
    False
    >>> parse_crs_name("EPSG:4326;DROP").epsg is None
    True
    """
    value = (text or "").strip()
    for pattern, form in _FORMS:
        if match := pattern.match(value):
            return CrsName(value, int(match.group(1)), form)
    if _CRS84.match(value):
        return CrsName(value, WGS84_EPSG, "crs84")
    return CrsName(value, None, "unknown")


def epsg_uri(code: int) -> str:
    """The OGC URI of an EPSG code (``http://www.opengis.net/def/crs/EPSG/0/2180``)."""
    return _EPSG_URI.format(code=code)


@functools.cache
def northing_first(epsg: int) -> bool:
    """Whether the EPSG definition lists northing (or latitude) first."""
    axes = _crs(epsg).axis_info
    return bool(axes) and axes[0].direction.lower() in ("north", "south")


@functools.cache
def is_geographic(epsg: int) -> bool:
    """Whether coordinates are degrees (EPSG:4326) rather than metres."""
    return bool(_crs(epsg).is_geographic)


@functools.cache
def transformer(source: int, target: int) -> pyproj.Transformer:
    """An easting-first transformer between two EPSG codes, built once per pair."""
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def lonlat_bounds(bbox: tuple[float, float, float, float], epsg: int = STORAGE_EPSG) -> tuple[
    float, float, float, float
]:  # fmt: skip
    """An easting-first bbox of ``epsg`` as (west, south, east, north) in degrees."""
    west, south, east, north = transformer(epsg, WGS84_EPSG).transform_bounds(*bbox, densify_pts=21)
    return (west, south, east, north)


def proj4(epsg: int) -> str:
    """The PROJ string of a projected system, for clients such as proj4js."""
    with warnings.catch_warnings():  # "you will likely lose projection information"
        warnings.simplefilter("ignore", UserWarning)
        text = _crs(epsg).to_proj4()
    return " ".join(part for part in text.split() if part != "+type=crs")


def projected_area_of_use(epsg: int) -> tuple[float, float, float, float]:
    """The area of use of ``epsg`` in its own units, easting first, rounded to 1 km."""
    area = _crs(epsg).area_of_use
    if area is None:
        raise ValueError(f"EPSG:{epsg} has no area of use")
    x0, y0, x1, y1 = transformer(WGS84_EPSG, epsg).transform_bounds(
        area.west, area.south, area.east, area.north, densify_pts=21
    )
    return (_km(x0, -1), _km(y0, -1), _km(x1, 1), _km(y1, 1))


def _km(value: float, direction: int) -> float:
    rounded = round(value / 1000) * 1000
    if direction < 0 and rounded > value:
        rounded -= 1000
    if direction > 0 and rounded < value:
        rounded += 1000
    return float(rounded)


@functools.cache
def _crs(epsg: int) -> pyproj.CRS:
    return pyproj.CRS.from_epsg(epsg)
