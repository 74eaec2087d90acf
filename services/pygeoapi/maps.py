"""OGC API – Maps: ``/collections/{id}/map``, drawn by our MapServer, in this process.

pygeoapi 0.21's map route ignores the ``crs`` parameter, reads ``transparent=false`` as
true and hands the map to a provider that fetches a WMS over HTTP (``WMSFacade``): a
request to our own port, through the rate limit, from a worker thread that then waits
for itself. The guard answers the route here instead: the parameters are checked
against limits, the bbox is transformed with its edges densified, and the map is a WMS
1.1.1 GetMap (easting first in every CRS) to the ``/ows`` application called in-process
(``services.mapserver.inprocess``), so its edge checks and render processes apply.
pygeoapi still describes the collections and their map links (``services.providers.maps``).
What a request may ask (area, scale, CRS, format) is read in ``services.pygeoapi.mapquery``.
The dataset map (``/map``, ``services.pygeoapi.datasetmap``) is the same request drawing
every collection's layer at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geoportal.text import Text
from services.edge.documents import status_line
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.mapserver.inprocess import WSGIApp, call_ows
from services.providers.bbox import Envelope
from services.providers.crs import CRS84, served_uris, storage_uri
from services.pygeoapi.mapquery import (
    COLOUR,
    MAX_SCALE,
    MAX_SIDE,
    MEDIA_TYPES,
    MM_PER_PIXEL,
    MM_PER_PIXEL_RANGE,
    MapQuery,
    read_map_query,
)

FEATURES_1 = "https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi/ogcapi-features-1.yaml"
MAPS = "http://www.opengis.net/spec/ogcapi-maps-1/1.0/conf/"
MAPS_CONFORMANCE = [  # what this module implements (OGC API - Maps - Part 1, 20-058)
    MAPS + name
    for name in ("core", "collection-map", "background", "crs", "scaling",
                 "spatial-subsetting", "display-resolution", "png", "jpeg")
]  # fmt: skip
DATASET_MAP = MAPS + "dataset-map"  # claimed only where the dataset map has layers


def map_dpi(mm_per_pixel: float) -> int:
    """The dots per inch MapServer draws a pixel of ``mm_per_pixel`` at.

    MapServer reckons scale at 72 dpi (0.353 mm a pixel); OGC API - Maps at 0.28 mm or the
    ``mm-per-pixel`` asked (/req/scaling/scale-denominator-definition B, F; /req/display-
    resolution/map-success A, B: scale-dependent rules too). At 72 dpi a layer with
    max_scale 50000 still showed at 1:62000. 25.4 / 0.28 = 90.7 dpi; the /ows edge takes
    whole dpi, so 91 (0.3 % off; at most 0.7 %, near 72 dpi). Symbols grow with it: the
    same millimetres on the display's pixel as on a 72 dpi one.
    """
    return round(25.4 / mm_per_pixel)


def wms_params(layers: str, query: MapQuery) -> dict[str, str]:
    """The WMS 1.1.1 GetMap drawing a map query (1.1.1: easting first in every CRS)."""
    decimals = 8 if query.crs.geographic else 3
    return {
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": layers,
        "STYLES": "", "SRS": f"EPSG:{query.crs.srid}",
        "BBOX": ",".join(f"{value:.{decimals}f}" for value in query.bbox),
        "WIDTH": str(query.width), "HEIGHT": str(query.height), "FORMAT": query.media_type,
        "TRANSPARENT": "TRUE" if query.transparent else "FALSE",
        "BGCOLOR": f"0x{query.bgcolor}", "MAP_RESOLUTION": str(map_dpi(query.mm_per_pixel)),
    }  # fmt: skip


class MapAnswers:
    """Answers ``/collections/{id}/map`` for the collections that have a map layer, and
    ``/map`` with the ``dataset`` collections (bottom first)."""

    def __init__(
        self, layers: dict[str, str], extent: Envelope, ows: WSGIApp | None,
        dataset: tuple[str, ...] = (), landing: dict[str, Any] | None = None,
    ):  # fmt: skip
        self.layers = layers  # collection id -> WMS layer name(s) in /ows
        self.extent = extent  # the default area: the site's extent
        self.ows = ows
        self.dataset = dataset
        self.landing = landing  # what the landing page adds for the dataset map

    def conformance(self) -> list[str]:
        """The Maps classes served: the dataset map only where it has something to draw."""
        return [*MAPS_CONFORMANCE, *([DATASET_MAP] if self.dataset else [])]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Answer one map request whose path and parameter names the guard checked."""
        layers = self._wms_layers(environ["PATH_INFO"].strip("/").split("/"))
        query = read_map_query(environ.get("QUERY_STRING", ""), self.extent)
        if self.ows is None:
            raise unavailable()
        answer = call_ows(self.ows, wms_params(layers, query))
        if answer.status == 503:
            raise unavailable(Failure.BUSY)
        if answer.status != 200 or not answer.content_type.startswith(query.media_type):
            raise server_error()
        headers = [
            ("Content-Type", query.media_type),
            ("Content-Length", str(len(answer.body))),
            ("Content-Crs", f"<{query.crs.uri}>"),
            ("Content-Bbox", ",".join(_content_bbox(query))),
        ]
        start_response(status_line(200), headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]

    def _wms_layers(self, segments: list[str]) -> str:
        """``collections/{id}/map``: its layer; ``map``: the dataset's, bottom first."""
        if segments != ["map"]:
            return self.layers[segments[1]]
        if not self.dataset:
            raise Refusal(Failure.NOT_FOUND, Text(pl="Brak mapy zbioru danych",
                                                  en="no dataset map"))  # fmt: skip
        return ",".join(self.layers[collection] for collection in self.dataset)


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
        ("subset", "Axis(low:high), repeatable: Lon/Lat in a geographic subset-crs, E/N in "
         "a projected one; an axis not named keeps the county's extent",
         {"type": "array", "items": {"type": "string"}}),
        ("subset-crs", "CRS of subset (default CRS84)", {**crs, "default": CRS84}),
        ("center", "Centre of the map, two numbers in the axis order of center-crs",
         {"type": "string"}),
        ("center-crs", "CRS of center (default CRS84)", {**crs, "default": CRS84}),
        ("scale-denominator", "Scale 1:n at mm-per-pixel; with bbox or subset it sets "
         "width and height, otherwise the area around center",
         {"type": "number", "minimum": 1, "maximum": MAX_SCALE}),
        ("mm-per-pixel", "Size (in millimeters) of a pixel of the rendering device that "
         f"presents the response (default {MM_PER_PIXEL}); it sets the scale and the symbols",
         {"type": "number", "minimum": MM_PER_PIXEL_RANGE[0], "maximum": MM_PER_PIXEL_RANGE[1],
          "default": MM_PER_PIXEL}),
        ("crs", "CRS of the map (default EPSG:2180)", {**crs, "default": storage_uri()}),
        ("width", "Width in pixels (default: from height and the area, or 1024)", side),
        ("height", "Height in pixels (default: from width and the area, or 1024)", side),
        ("transparent", "Transparent background (default true for PNG, false for JPEG)",
         {"type": "boolean"}),
        ("bgcolor", "Background colour RRGGBB or 0xRRGGBB (default FFFFFF)",
         {"type": "string", "pattern": COLOUR.pattern}),
        ("f", "Format: png or jpeg", {"type": "string", "enum": ["png", "jpeg"],
                                      "default": "png"}),
    ]  # fmt: skip
    return [{"name": name, "in": "query", "required": False, "description": text,
             "schema": schema, **({"style": "form", "explode": True} if name == "subset" else {})}
            for name, text, schema in described]  # fmt: skip


def size_limits() -> dict[str, int]:
    """``x-OGC-limits.maps`` of the OpenAPI ``info``: the mapfile's MAXSIZE on each side."""
    return {"maxWidth": MAX_SIDE, "maxHeight": MAX_SIDE}


def openapi_map_responses(responses: dict[str, Any]) -> dict[str, Any]:
    """pygeoapi's answers of a ``…/map`` path with the 200 as served (it says JSON) and
    the 404 of a subset wholly outside the CRS (/req/spatial-subsetting/subset-definition)."""
    image = {"schema": {"type": "string", "format": "binary"}}
    return {
        **responses,
        "200": {"description": "The map", "content": dict.fromkeys(MEDIA_TYPES.values(), image)},
        "404": {"$ref": f"{FEATURES_1}#/components/responses/NotFound"},
    }


def map_layers(config: dict[str, Any]) -> dict[str, str]:
    """Collection id -> WMS layer name, for every collection with our map provider."""
    layers = {}
    for name, resource in config.get("resources", {}).items():
        for block in resource.get("providers", []):
            if block["type"] == "map" and block["name"].endswith(".MapServerMapProvider"):
                layers[name] = block["data"]
    return layers
