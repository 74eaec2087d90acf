"""The coordinate reference systems the OGC API serves, and their axis order.

OGC API - Features Part 2 names a CRS by URI and says coordinates (of ``bbox`` with
``bbox-crs`` and of geometries with ``crs``) follow the axis order of the CRS definition:
EPSG:2180 and EPSG:4326 put northing/latitude first, CRS84 and EPSG:3857 easting/longitude
first. PostGIS always stores x = easting, so a "northing first" CRS means one swap at the
edge. GDAL >= 3.7 (``SERVER_FEATURE_AXIS_ORDER=AUTHORITY_COMPLIANT`` by default) and QGIS
expect exactly that; OWSLib passes numbers through untouched.

Lookups are dictionary hits: pyproj is asked once per CRS, because resolving a CRS per
request (``to_epsg()`` on a WKT) was the single largest cost of the stock provider.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pyproj

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{code}"
STORAGE_EPSG = 2180
SERVED_EPSG = (4326, 2180, 3857)  # besides CRS84, in the order advertised

_EPSG_FORMS = (
    re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d{1,6})$"),
    re.compile(r"^\[?EPSG:(\d{1,6})\]?$", re.IGNORECASE),
    re.compile(r"^urn:ogc:def:crs:EPSG:[0-9.]*:(\d{1,6})$", re.IGNORECASE),
)
_CRS84_FORMS = (
    re.compile(r"^https?://www\.opengis\.net/def/crs/OGC/1\.3/CRS84$"),
    re.compile(r"^\[?OGC:CRS84\]?$", re.IGNORECASE),
    re.compile(r"^urn:ogc:def:crs:OGC:1\.3:CRS84$", re.IGNORECASE),
)


@dataclass(frozen=True)
class ServedCrs:
    """One CRS as PostGIS needs it: an integer SRID and whether to swap x and y."""

    uri: str
    srid: int
    northing_first: bool
    geographic: bool

    @property
    def decimals(self) -> int:
        """Output precision: about 1 cm in degrees or in metres."""
        return 7 if self.geographic else 2


def served_uris() -> list[str]:
    """URIs of every CRS we serve, CRS84 first (the OGC API default)."""
    return [CRS84, *(EPSG_URI.format(code=code) for code in SERVED_EPSG)]


def storage_uri() -> str:
    """URI of the CRS the data are stored in (``geom`` columns in ``publish``)."""
    return EPSG_URI.format(code=STORAGE_EPSG)


def normalize_crs(text: str) -> str | None:
    """The canonical URI for a served CRS written in a common form, else None.

    Accepts the OGC URI, ``EPSG:2180``, the safe CURIE ``[EPSG:2180]`` and the URN, so
    clients that abbreviate still get an answer; anything else (``EPSG:99999``,
    ``EPSG:4326;DROP``, WKT) is not served.

    >>> normalize_crs("EPSG:2180")
    'http://www.opengis.net/def/crs/EPSG/0/2180'
    >>> normalize_crs("EPSG:4326;DROP") is None
    True
    """
    text = text.strip()
    if any(form.match(text) for form in _CRS84_FORMS):
        return CRS84
    for form in _EPSG_FORMS:
        match = form.match(text)
        if match and int(match.group(1)) in SERVED_EPSG:
            return EPSG_URI.format(code=int(match.group(1)))
    return None


def served_crs(uri: str) -> ServedCrs | None:
    """SRID and axis order for a canonical URI; None if we do not serve it."""
    if uri == CRS84:
        return ServedCrs(CRS84, 4326, northing_first=False, geographic=True)
    for code in SERVED_EPSG:
        if uri == EPSG_URI.format(code=code):
            return _epsg(code)
    return None


@cache
def _epsg(code: int) -> ServedCrs:
    crs = pyproj.CRS.from_epsg(code)
    first_axis = crs.axis_info[0].direction.lower()
    return ServedCrs(
        uri=EPSG_URI.format(code=code),
        srid=code,
        northing_first=first_axis in ("north", "south"),
        geographic=crs.is_geographic,
    )
