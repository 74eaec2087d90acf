"""OGC API – Maps: ``/collections/{id}/map``, drawn by our MapServer, in this process.

pygeoapi 0.21's map route ignores the ``crs`` parameter, reads ``transparent=false`` as
true and hands the map to a provider that fetches a WMS over HTTP (``WMSFacade``): a
request to our own port, through the rate limit, from a worker thread that then waits
for itself. The guard answers the route here instead: the parameters are checked
against limits, the bbox is transformed with its edges densified, and the map is a WMS
1.1.1 GetMap (easting first in every CRS) to the ``/ows`` application called in-process
(``services.mapserver.inprocess``), so its edge checks and render processes apply.
pygeoapi still describes the collections and their map links (``services.providers.maps``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import pyproj

from geoportal.text import Text
from services.edge.documents import status_line
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.mapserver.inprocess import WSGIApp, call_ows
from services.providers.bbox import BBoxError, Envelope, parse_bbox
from services.providers.crs import (
    CRS84,
    ServedCrs,
    normalize_crs,
    served_crs,
    served_uris,
    storage_uri,
)

MAX_SIDE = 4096  # pixels: the mapfile's MAXSIZE
DEFAULT_SIDE = 1024  # the longer side when the client names neither width nor height
FORMATS = ("png", "image/png")
MAPS_CONFORMANCE = [  # what this module implements (OGC API - Maps - Part 1, 20-058)
    "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/collection-map",
    "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/background",
    "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/png",
]
_SIZE = re.compile(r"^[1-9][0-9]{0,3}$")
_COLOUR = re.compile(r"^(?:0x|#)?([0-9A-Fa-f]{6})$")
_DENSIFY = 21  # points per bbox edge when it is transformed


@dataclass(frozen=True)
class MapQuery:
    """One map request, checked: the area in the output CRS (easting first) and pixels."""

    bbox: tuple[float, float, float, float]
    crs: ServedCrs
    width: int
    height: int
    transparent: bool
    bgcolor: str  # RRGGBB


def read_map_query(query_string: str, extent: Envelope) -> MapQuery:
    """The request's parameters, or a refusal naming the one at fault."""
    params = dict(parse_qsl(query_string, keep_blank_values=True))
    if params.get("f", "png") not in FORMATS:
        raise _bad("mapy są tylko w formacie PNG (f=png)", "maps are PNG only (f=png)")
    crs = _crs(params.get("crs", storage_uri()), "crs")
    area = extent
    if "bbox" in params:
        try:
            area = parse_bbox(params["bbox"], _crs(params.get("bbox-crs", CRS84), "bbox-crs").uri)
        except BBoxError as exc:
            raise _bad(exc.pl, exc.en) from exc
    elif "bbox-crs" in params:
        raise _bad("bbox-crs bez bbox", "bbox-crs given without bbox")
    bbox = _transformed(area, crs)
    width, height = _size(params.get("width"), params.get("height"), bbox)
    return MapQuery(bbox, crs, width, height, _transparent(params.get("transparent", "true")),
                    _colour(params.get("bgcolor", "FFFFFF")))  # fmt: skip


def _crs(text: str, name: str) -> ServedCrs:
    uri = normalize_crs(text)
    crs = served_crs(uri) if uri else None
    if crs is None:
        raise _bad(f"nieobsługiwany układ w {name}", f"unsupported CRS in {name}")
    return crs


def _transformed(area: Envelope, crs: ServedCrs) -> tuple[float, float, float, float]:
    if area.crs.srid == crs.srid:
        return area.xmin, area.ymin, area.xmax, area.ymax
    west, south, east, north = _transformer(area.crs.srid, crs.srid).transform_bounds(
        area.xmin, area.ymin, area.xmax, area.ymax, densify_pts=_DENSIFY
    )
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise _bad("bbox poza zasięgiem układu crs", "bbox outside the area of the crs")
    return west, south, east, north


@lru_cache(maxsize=32)
def _transformer(source: int, target: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(source, target, always_xy=True)


def _size(width: str | None, height: str | None, bbox: tuple[float, ...]) -> tuple[int, int]:
    """Pixels: as asked (1…4096 each); a side not given follows the bbox's proportions."""
    aspect = (bbox[2] - bbox[0]) / (bbox[3] - bbox[1])
    if width is None and height is None:
        width = str(DEFAULT_SIDE) if aspect >= 1 else None
        height = None if aspect >= 1 else str(DEFAULT_SIDE)
    sides = [_side(value, name) for value, name in ((width, "width"), (height, "height"))]
    w = sides[0] if sides[0] is not None else max(1, round(sides[1] * aspect))  # type: ignore[operator]
    h = sides[1] if sides[1] is not None else max(1, round(w / aspect))
    if w > MAX_SIDE or h > MAX_SIDE:
        raise _bad(f"mapa może mieć najwyżej {MAX_SIDE} pikseli w boku",
                   f"a map side may have at most {MAX_SIDE} pixels")  # fmt: skip
    return w, h


def _side(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not _SIZE.match(value) or int(value) > MAX_SIDE:
        raise _bad(f"{name} musi być liczbą całkowitą 1…{MAX_SIDE}",
                   f"{name} must be an integer 1..{MAX_SIDE}")  # fmt: skip
    return int(value)


def _transparent(value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise _bad("transparent to true albo false", "transparent must be true or false")
    return value.lower() == "true"


def _colour(value: str) -> str:
    match = _COLOUR.match(value)
    if match is None:
        raise _bad("bgcolor to kolor szesnastkowy RRGGBB", "bgcolor must be a hex RRGGBB colour")
    return match.group(1).upper()


def _bad(pl: str, en: str) -> Refusal:
    return Refusal(Failure.BAD_PARAMETER, Text(pl=pl, en=en))


def wms_params(layers: str, query: MapQuery) -> dict[str, str]:
    """The WMS 1.1.1 GetMap drawing a map query (1.1.1: easting first in every CRS)."""
    decimals = 8 if query.crs.geographic else 3
    return {
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": layers,
        "STYLES": "", "SRS": f"EPSG:{query.crs.srid}",
        "BBOX": ",".join(f"{value:.{decimals}f}" for value in query.bbox),
        "WIDTH": str(query.width), "HEIGHT": str(query.height), "FORMAT": "image/png",
        "TRANSPARENT": "TRUE" if query.transparent else "FALSE",
        "BGCOLOR": f"0x{query.bgcolor}",
    }  # fmt: skip


class MapAnswers:
    """Answers ``/collections/{id}/map`` for the collections that have a map layer."""

    def __init__(self, layers: dict[str, str], extent: Envelope, ows: WSGIApp | None):
        self.layers = layers  # collection id -> WMS layer name(s) in /ows
        self.extent = extent  # the default area: the site's extent
        self.ows = ows

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Answer one map request whose path and parameter names the guard checked."""
        collection = environ["PATH_INFO"].strip("/").split("/")[1]
        query = read_map_query(environ.get("QUERY_STRING", ""), self.extent)
        if self.ows is None:
            raise unavailable()
        answer = call_ows(self.ows, wms_params(self.layers[collection], query))
        if answer.status == 503:
            raise unavailable(Failure.BUSY)
        if answer.status != 200 or not answer.content_type.startswith("image/png"):
            raise server_error()
        headers = [
            ("Content-Type", "image/png"),
            ("Content-Length", str(len(answer.body))),
            ("Content-Crs", f"<{query.crs.uri}>"),
            ("Content-Bbox", ",".join(_content_bbox(query))),
        ]
        start_response(status_line(200), headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]


def _content_bbox(query: MapQuery) -> list[str]:
    """The drawn area in the output CRS's own axis order (OGC API – Maps ``Content-Bbox``)."""
    west, south, east, north = query.bbox
    values = (south, west, north, east) if query.crs.northing_first else query.bbox
    decimals = 8 if query.crs.geographic else 3
    return [f"{value:.{decimals}f}" for value in values]


def openapi_parameters() -> list[dict[str, Any]]:
    """The parameters of every ``…/map`` path, as this module reads them (pygeoapi's own
    document lists ``datetime`` and leaves out ``crs`` and ``bgcolor``)."""
    crs = {"type": "string", "enum": served_uris()}
    side = {"type": "integer", "minimum": 1, "maximum": MAX_SIDE}
    described = [
        ("bbox", "minA,minB,maxA,maxB in the axis order of bbox-crs (default: the county)",
         {"type": "string"}),
        ("bbox-crs", "CRS of bbox (default CRS84)", {**crs, "default": CRS84}),
        ("crs", "CRS of the map (default EPSG:2180)", {**crs, "default": storage_uri()}),
        ("width", "Width in pixels (default: from height and the bbox, or 1024)", side),
        ("height", "Height in pixels (default: from width and the bbox, or 1024)", side),
        ("transparent", "Transparent background (default true)",
         {"type": "boolean", "default": True}),
        ("bgcolor", "Background colour RRGGBB or 0xRRGGBB (default FFFFFF)",
         {"type": "string", "pattern": _COLOUR.pattern}),
        ("f", "Format: png", {"type": "string", "enum": ["png"], "default": "png"}),
    ]  # fmt: skip
    return [{"name": name, "in": "query", "required": False, "description": text,
             "schema": schema} for name, text, schema in described]  # fmt: skip


def map_layers(config: dict[str, Any]) -> dict[str, str]:
    """Collection id -> WMS layer name, for every collection with our map provider."""
    layers = {}
    for name, resource in config.get("resources", {}).items():
        for block in resource.get("providers", []):
            if block["type"] == "map" and block["name"].endswith(".MapServerMapProvider"):
                layers[name] = block["data"]
    return layers
