"""What MapProxy must not be asked: checked before it parses a request.

MapProxy 7 raises on ``TileMatrix=abc`` or ``../..`` (an ``int()`` of the value) and
answers a plain-text "internal error", renders a blank 200 for ``BBOX=nan``, accepts any
``VERSION`` and answers PUT and DELETE like GET. Here the methods, the paths and the KVP
values are checked first, and a refusal is an OGC exception of the edge's table.
"""

from __future__ import annotations

import re

from geoportal.text import Text
from services.configgen.mapfile import MAX_SIZE
from services.configgen.mapproxy import GRIDS
from services.edge.failures import Failure, Refusal
from services.edge.kvp import bad, check_bbox, invalid_crs, parse_query
from services.mapserver.policy import WMS_CRS, crs_offered

METHODS = ("GET", "HEAD")
_SEGMENT = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_DIGITS = re.compile(r"^[0-9]{1,9}$")
_MATRIX = re.compile(r"^[0-9]{1,2}$")


def check(method: str, path: str, query: str) -> None:
    """Refuse a request MapProxy would mishandle; return quietly for the rest."""
    if method.upper() not in METHODS:
        raise Refusal(
            Failure.METHOD_NOT_ALLOWED,
            Text(pl="Dozwolone są tylko GET i HEAD", en="only GET and HEAD are allowed"),
            allow=METHODS,
        )
    _check_path(path)
    params = parse_query(query)
    if path.startswith("/wms"):
        _check_wms(params)
    elif path.rstrip("/") == "/wmts":
        _check_wmts(params)


def _check_path(path: str) -> None:
    segments = [segment for segment in path.split("/") if segment]
    if not all(_SEGMENT.match(segment) and segment not in (".", "..") for segment in segments):
        raise Refusal(Failure.NOT_FOUND, Text(pl="Nie ma takiego zasobu", en="not found"))


def _check_wms(params: dict[str, str]) -> None:
    if "VERSION" in params and params["VERSION"] not in ("1.1.1", "1.3.0"):
        raise bad("Nieobsługiwana wersja WMS", "unsupported WMS version", "version")
    if "BBOX" in params:
        check_bbox(params["BBOX"], ordered=True)
    for name in ("SRS", "CRS"):
        if name in params and not crs_offered(params[name], WMS_CRS, crs84=True):
            raise invalid_crs(name.lower())
    for name in ("WIDTH", "HEIGHT"):
        value = params.get(name)
        if value is not None and not (value.isdigit() and 1 <= int(value) <= MAX_SIZE):
            raise bad(f"{name} musi być liczbą całkowitą od 1 do {MAX_SIZE}",
                      f"{name} must be a whole number from 1 to {MAX_SIZE}", name)  # fmt: skip


def _check_wmts(params: dict[str, str]) -> None:
    if "VERSION" in params and params["VERSION"] != "1.0.0":
        raise bad("Nieobsługiwana wersja WMTS", "unsupported WMTS version", "version")
    if params.get("REQUEST", "").lower() != "gettile":
        return
    if params.get("TILEMATRIXSET", "") not in GRIDS:
        raise bad("Nieznany układ kafli", "unknown tile matrix set", "TileMatrixSet")
    if not _MATRIX.match(params.get("TILEMATRIX", "")):
        raise bad("TileMatrix to numer poziomu", "TileMatrix is a level number", "TileMatrix")
    for name in ("TILEROW", "TILECOL"):
        if not _DIGITS.match(params.get(name, "")):
            raise bad(f"{name} to liczba naturalna", f"{name} is a whole number", name)
