"""The coordinate reference systems the OGC API serves, and their axis order.

OGC API - Features Part 2 names a CRS by URI and says coordinates (of ``bbox`` with
``bbox-crs`` and of geometries with ``crs``) follow the axis order of the CRS definition:
EPSG:2180 and EPSG:4326 put northing/latitude first, CRS84 and EPSG:3857 easting/longitude
first. PostGIS always stores x = easting, so a "northing first" CRS means one swap at the
edge. GDAL >= 3.7 (``SERVER_FEATURE_AXIS_ORDER=AUTHORITY_COMPLIANT`` by default) and QGIS
expect exactly that; OWSLib passes numbers through untouched.

The facts (codes, names, axis order) come from ``geoportal.crs``; this module holds only
what the API serves. Lookups are dictionary hits after the first request per CRS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geoportal.crs import (
    CRS84_URI,
    STORAGE_EPSG,
    WEB_MERCATOR_EPSG,
    WGS84_EPSG,
    epsg_uri,
    is_geographic,
    northing_first,
    parse_crs_name,
)

CRS84 = CRS84_URI
SERVED_EPSG = (WGS84_EPSG, STORAGE_EPSG, WEB_MERCATOR_EPSG)  # besides CRS84, as advertised


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
    return [CRS84, *(epsg_uri(code) for code in SERVED_EPSG)]


def storage_uri() -> str:
    """URI of the CRS the data are stored in (``geom`` columns in ``publish``)."""
    return epsg_uri(STORAGE_EPSG)


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
    name = parse_crs_name(text)
    if name.form == "crs84":
        return CRS84
    if name.epsg in SERVED_EPSG:
        return epsg_uri(name.epsg)
    return None


def served_crs(uri: str) -> ServedCrs | None:
    """SRID and axis order for a canonical URI; None if we do not serve it."""
    if uri == CRS84:
        return ServedCrs(CRS84, WGS84_EPSG, northing_first=False, geographic=True)
    for code in SERVED_EPSG:
        if uri == epsg_uri(code):
            return _epsg(code)
    return None


@cache
def _epsg(code: int) -> ServedCrs:
    return ServedCrs(epsg_uri(code), code, northing_first(code), is_geographic(code))
