"""One OGC API – Maps request, read and checked: area, CRS, pixels, format, background.

Scaling (OGC 20-058 ``/req/scaling/...``): ``width``, ``height`` and ``scale-denominator``
at the display resolution ``mm-per-pixel`` (``/req/display-resolution/...``; the standard's
0.28 mm when not given). A scale is physical: metres on
the ground per pixel, turned into CRS units where the map is (EPSG:3857 stretches a metre
to 1.6 units at 51.6° N; a degree of longitude there is 69 km), so a map at 1:1000 shows
the same ground in every CRS. Where the area comes from ``bbox``/``subset``, the pixels
follow from it (and from the scale, if given); otherwise ``center`` (or the middle of the
county) with the scale and the pixels make the area (/req/spatial-subsetting/width-height).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyproj

from services.mapserver.edge import MAP_RESOLUTION
from services.providers.bbox import Envelope
from services.providers.crs import CRS84, ServedCrs, storage_uri
from services.pygeoapi.mapsubset import (
    bad,
    number,
    read_bbox,
    read_center,
    read_crs,
    read_subset,
    transformed,
    transformer,
    valid_area,
)

MAX_SIDE = 4096  # pixels: the mapfile's MAXSIZE
DEFAULT_SIDE = 1024  # the longer side when the client names neither width nor height
MM_PER_PIXEL = 0.28  # /req/scaling/scale-denominator-definition B (as WMS 1.3 and WMTS)
# The pixel sizes the renderer draws: its dots per inch (MAP_RESOLUTION of the /ows edge,
# 72-300) as whole thousandths of a millimetre inside them, 0.085-0.352 mm. Beyond them
# MapServer would be asked for a resolution the edge refuses.
MM_PER_PIXEL_RANGE = (
    math.ceil(25400 / MAP_RESOLUTION[1]) / 1000,
    math.floor(25400 / MAP_RESOLUTION[0]) / 1000,
)
MAX_SCALE = 1e8  # at 1:10^8 a 4096 px map spans 115,000 km: more than the Earth
FORMATS = {"png": "png", "image/png": "png", "jpeg": "jpeg", "jpg": "jpeg",
           "image/jpeg": "jpeg"}  # fmt: skip
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}
_SIZE = re.compile(r"^[1-9][0-9]{0,3}$")
COLOUR = re.compile(r"^(?:0x|#)?([0-9A-Fa-f]{6})$")
_GEOD = pyproj.Geod(ellps="WGS84")
_AREAS = ("bbox", "subset", "center")  # at most one of them names where the map is


@dataclass(frozen=True)
class MapQuery:
    """One map request, checked: the area in the output CRS (easting first) and pixels."""

    bbox: tuple[float, float, float, float]
    crs: ServedCrs
    width: int
    height: int
    transparent: bool
    bgcolor: str  # RRGGBB
    format: str = "png"  # a key of MEDIA_TYPES
    mm_per_pixel: float = MM_PER_PIXEL  # the display's pixel, /req/display-resolution

    @property
    def media_type(self) -> str:
        """``image/png`` or ``image/jpeg``."""
        return MEDIA_TYPES[self.format]


@dataclass(frozen=True)
class _Size:
    width: int | None
    height: int | None
    scale: float | None
    mm_per_pixel: float = MM_PER_PIXEL


def read_map_query(query_string: str, extent: Envelope) -> MapQuery:
    """The request's parameters (names already checked by the guard), or a refusal
    naming the one at fault."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    params = dict(pairs)
    fmt = FORMATS.get(params.get("f", "png").lower())
    if fmt is None:
        raise bad("format mapy: png albo jpeg (f=png, f=jpeg)", "map formats: f=png or f=jpeg")
    crs = read_crs(params.get("crs", storage_uri()), "crs")
    for name in ("bbox-crs", "subset-crs", "center-crs"):  # ignored alone, but never unknown
        if name in params:
            read_crs(params[name], name)
    size = _Size(_side(params.get("width"), "width"), _side(params.get("height"), "height"),
                 _scale(params.get("scale-denominator")),
                 _mm_per_pixel(params.get("mm-per-pixel")))  # fmt: skip
    area = _area(pairs, params, size, extent, crs)
    if area is None:
        bbox, width, height = _around(params, crs, size, extent)
    else:
        bbox = transformed(area, crs)
        width, height = _pixels(bbox, crs, size)
    transparent = _transparent(params.get("transparent"), fmt)
    return MapQuery(bbox, crs, width, height, transparent,
                    _colour(params.get("bgcolor", "FFFFFF")), fmt, size.mm_per_pixel)  # fmt: skip


def _area(
    pairs: list[tuple[str, str]], params: dict[str, str], size: _Size, extent: Envelope,
    crs: ServedCrs,
) -> Envelope | None:  # fmt: skip
    """The area a ``bbox`` or ``subset`` names; the county without area, centre or scale."""
    given = [name for name in _AREAS if name in params]
    if len(given) > 1:  # /req/spatial-subsetting/bbox-definition C, center-definition B
        raise bad("bbox, subset i center wykluczają się", "bbox, subset and center exclude "
                  "each other")  # fmt: skip
    if given[:1] in (["bbox"], ["subset"]) and size.scale and (size.width or size.height):
        # /req/scaling/scale-denominator-definition E: the pixels would follow twice
        raise bad("scale-denominator z bbox/subset wyklucza width i height",
                  "scale-denominator with bbox/subset excludes width and height")  # fmt: skip
    if "bbox" in params:
        return read_bbox(params["bbox"], params.get("bbox-crs", CRS84))
    if "subset" in params:
        subsets = [value for name, value in pairs if name == "subset"]
        return read_subset(subsets, params.get("subset-crs", CRS84), extent, crs)
    if "center" in params or size.scale is not None:
        return None
    return extent


def _pixels(bbox: tuple[float, ...], crs: ServedCrs, size: _Size) -> tuple[int, int]:
    """Pixels of a given area: at the scale asked, or as asked with a side not given
    following the ground's proportions (/req/scaling/width-definition H)."""
    ground_w, ground_h = _ground_size(bbox, crs)
    if size.scale is not None:
        metres = _metres_per_pixel(size.scale, size.mm_per_pixel)
        width, height = round(ground_w / metres), round(ground_h / metres)
    elif size.width is None and size.height is None:
        longer = max(ground_w, ground_h)
        width, height = (
            round(DEFAULT_SIDE * ground_w / longer),
            round(DEFAULT_SIDE * ground_h / longer),
        )
    else:
        width = size.width or round(size.height * ground_w / ground_h)  # type: ignore[operator]
        height = size.height or round(width * ground_h / ground_w)
    return _within_limits(max(1, width), max(1, height))


def _around(
    params: dict[str, str], crs: ServedCrs, size: _Size, extent: Envelope
) -> tuple[tuple[float, float, float, float], int, int]:
    """The area ``width`` x ``height`` pixels at the scale around ``center`` (default: the
    middle of the county); what is not given is that of the default map of the county."""
    county = transformed(extent, crs)
    default_w, default_h = _pixels(county, crs, _Size(None, None, None))
    if "center" in params:
        x, y, given_crs = read_center(params["center"], params.get("center-crs", CRS84))
        x, y = transformer(given_crs.srid, crs.srid).transform(x, y)
    else:
        x, y = (county[0] + county[2]) / 2, (county[1] + county[3]) / 2
    if size.scale is not None:
        metres = _metres_per_pixel(size.scale, size.mm_per_pixel)
    else:
        metres = _ground_size(county, crs)[0] / default_w
    width, height = _within_limits(size.width or default_w, size.height or default_h)
    per_x, per_y = _metres_per_unit(crs, x, y)
    half_x, half_y = width * metres / per_x / 2, height * metres / per_y / 2
    bbox = (x - half_x, y - half_y, x + half_x, y + half_y)
    west, south, east, north = valid_area(crs)
    if (
        not all(map(math.isfinite, bbox))
        or bbox[0] < west
        or bbox[1] < south
        or bbox[2] > east
        or bbox[3] > north
    ):
        raise bad("mapa w tej skali wykracza poza zakres układu crs",
                  "at this scale the map extends beyond the area of the crs")  # fmt: skip
    return bbox, width, height


def _metres_per_pixel(scale: float, mm_per_pixel: float) -> float:
    """/req/scaling/scale-denominator-definition C, /req/display-resolution/map-success A:
    mm-per-pixel / 1000 x scale."""
    return mm_per_pixel / 1000 * scale


def _ground_size(bbox: tuple[float, ...], crs: ServedCrs) -> tuple[float, float]:
    """Width and height of an area on the ground (metres), measured through its middle."""
    per_x, per_y = _metres_per_unit(crs, (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    width, height = (bbox[2] - bbox[0]) * per_x, (bbox[3] - bbox[1]) * per_y
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise bad("obszar bez rozmiaru w tym układzie", "the area has no size in this CRS")
    return width, height


def _metres_per_unit(crs: ServedCrs, x: float, y: float) -> tuple[float, float]:
    """Metres on the ellipsoid per CRS unit east and north at one point (geodesics of a
    small step), so projected and geographic CRSs share one definition of scale."""
    step = 1e-5 if crs.geographic else 1.0
    to_lonlat = transformer(crs.srid, 4326).transform

    def along(dx: float, dy: float) -> float:
        lon1, lat1 = to_lonlat(x - dx / 2, y - dy / 2)
        lon2, lat2 = to_lonlat(x + dx / 2, y + dy / 2)
        return float(_GEOD.inv(lon1, lat1, lon2, lat2)[2]) / step

    per_x, per_y = along(step, 0.0), along(0.0, step)
    if not (math.isfinite(per_x) and math.isfinite(per_y) and per_x > 0 and per_y > 0):
        raise bad("w tym miejscu układu nie da się ustalić skali (np. biegun)",
                  "no scale can be set at this point of the CRS (e.g. a pole)")  # fmt: skip
    return per_x, per_y


def _within_limits(width: int, height: int) -> tuple[int, int]:
    if width > MAX_SIDE or height > MAX_SIDE:
        raise bad(f"mapa może mieć najwyżej {MAX_SIDE} pikseli w boku",
                  f"a map side may have at most {MAX_SIDE} pixels")  # fmt: skip
    return width, height


def _side(value: str | None, name: str) -> int | None:
    """/req/scaling/width-definition C, D: a positive integer, at most the MAXSIZE."""
    if value is None:
        return None
    if not _SIZE.match(value) or int(value) > MAX_SIDE:
        raise bad(f"{name} musi być liczbą całkowitą 1…{MAX_SIDE}",
                  f"{name} must be an integer 1..{MAX_SIDE}")  # fmt: skip
    return int(value)


def _scale(value: str | None) -> float | None:
    if value is None:
        return None
    scale = number(value, "scale-denominator")
    if not 1 <= scale <= MAX_SCALE:
        raise bad("scale-denominator: liczba od 1 do 10^8",
                  "scale-denominator: a number from 1 to 10^8")  # fmt: skip
    return scale


def _mm_per_pixel(value: str | None) -> float:
    """/req/display-resolution/mm-per-pixel-definition C, D: a positive number (0.28 when
    absent), here within the pixel sizes the renderer draws."""
    if value is None:
        return MM_PER_PIXEL
    mm = number(value, "mm-per-pixel")
    low, high = MM_PER_PIXEL_RANGE
    if not low <= mm <= high:
        raise bad(f"mm-per-pixel: liczba od {low} do {high} (mm na piksel)",
                  f"mm-per-pixel: a number from {low} to {high} (mm a pixel)")  # fmt: skip
    return mm


def _transparent(value: str | None, fmt: str) -> bool:
    """Transparent by default; a JPEG has no alpha channel, so it is opaque."""
    if value is None:
        return fmt == "png"
    if value.lower() not in ("true", "false"):
        raise bad("transparent to true albo false", "transparent must be true or false")
    if value.lower() == "true" and fmt == "jpeg":
        raise bad("JPEG nie może być przezroczysty (użyj f=png)",
                  "a JPEG cannot be transparent (use f=png)")  # fmt: skip
    return value.lower() == "true"


def _colour(value: str) -> str:
    match = COLOUR.match(value)
    if match is None:
        raise bad("bgcolor to kolor szesnastkowy RRGGBB", "bgcolor must be a hex RRGGBB colour")
    return match.group(1).upper()
