"""Our edge in front of MapServer: read the request, refuse what MapServer must not see.

MapServer answers most bad input correctly by itself (unknown layer, unknown CRS,
WIDTH/HEIGHT out of range, min >= max): those are left to it and only their HTTP status
is fixed afterwards. What is checked here is what it gets wrong or must never receive:

* a client-chosen mapfile (``map=``) and SLD (Debian's 8.0 segfaults on SLD_BODY);
* XML POST bodies with a DOCTYPE (XXE, entity bombs), bodies over 1 MB;
* numbers it parses leniently (``BBOX=…,640400c`` is read as 640400, ``nan``/``inf``
  reach the renderer, ``WIDTH=400abc`` is 400);
* duplicated parameters with different values (which one wins is an implementation
  detail of MapServer; an ambiguous request is refused).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from lxml import etree

from geoportal.text import Text
from services.edge.documents import WCS_20, WFS_20, WMS_111, WMS_130, Dialect
from services.edge.failures import Failure, Refusal
from services.edge.kvp import MAX_QUERY, bad, check_bbox, parse_query, repeated_values, twice
from services.edge.xml import parse_xml
from services.mapserver.coverage import check_subsets
from services.mapserver.names import check_document, check_names
from services.mapserver.policy import OwsPolicy

MAX_BODY = 1024 * 1024
SERVICES = {"WMS", "WFS", "WCS"}
REPEATABLE = frozenset({"SUBSET"})  # WCS 2.0: one SUBSET per axis
FORBIDDEN = {"MAP": "map", "SLD": "SLD", "SLD_BODY": "SLD_BODY"}
MAP_RESOLUTION = (72, 300)  # dpi a print may ask for (MapServer's default is 72)
# Set by the edge itself, never by a client: PNG deflate level for the portal's own tile
# source requests (MapProxy decodes the metatile and encodes every tile again, so the
# effort of the default level 6 is spent for nothing; level 1 halves a metatile's render).
SOURCE_COMPRESSION = "MAP_PNG_COMPRESSION"
SOURCE_COMPRESSION_LEVEL = "1"
INTEGER_PARAMS = ("WIDTH", "HEIGHT", "I", "J", "X", "Y")
_INTEGER = re.compile(r"^\+?\d{1,9}$")


@dataclass
class OwsRequest:
    """A request that passed the edge: KVP parameters and an optional XML body."""

    params: dict[str, str] = field(default_factory=dict)  # upper-case names
    body: str | None = None  # re-serialised XML (no DOCTYPE can survive)
    document: etree._Element | None = None  # the parsed body
    service: str | None = None
    layers: list[str] = field(default_factory=list)  # the layers it names, checked
    subsets: list[str] = field(default_factory=list)  # WCS SUBSET values, checked


def read_request(environ: dict[str, Any], policy: OwsPolicy) -> OwsRequest:
    """Parse and check one WSGI request; raise :class:`Refusal` to refuse it."""
    method = environ.get("REQUEST_METHOD", "GET").upper()
    if method not in ("GET", "HEAD", "POST"):
        raise Refusal(
            Failure.METHOD_NOT_ALLOWED,
            Text(pl=f"Metoda HTTP {method} nie jest obsługiwana",
                 en=f"HTTP method {method} is not supported"),
            allow=("GET", "HEAD", "POST"),
        )  # fmt: skip
    query = environ.get("QUERY_STRING", "")
    request = OwsRequest(params=parse_query(query, REPEATABLE))
    if method == "POST":
        _read_post(environ, request)
    request.service = request.service or request.params.get("SERVICE", "").upper() or None
    check_params(request)
    if request.service and request.service not in policy.services:
        raise bad(f"Ta usługa nie obsługuje {request.service}",
                  f"this service does not offer {request.service}", "service")  # fmt: skip
    request.layers = check_names(request.params, request.service, policy)
    if request.service == "WCS":
        request.subsets = check_subsets(repeated_values(query, "SUBSET"))
    if request.document is not None:
        check_document(request.document, policy)
    return request


def dialect_of(environ: dict[str, Any]) -> Dialect:
    """The exception format for a refused request: WFS 2.0, WMS 1.1.1 or WMS 1.3.0.

    XML POST is a WFS feature here (WMS takes KVP), so a refused XML body answers as WFS.
    The query is read leniently (it may be what was refused), only for these two names.
    """
    if environ.get("REQUEST_METHOD") == "POST" and "form" not in environ.get("CONTENT_TYPE", ""):
        return WFS_20
    service = version = ""
    for name, value in parse_qsl(environ.get("QUERY_STRING", "")[:MAX_QUERY]):
        if name.upper() == "SERVICE":
            service = value.upper()
        elif name.upper() == "VERSION":
            version = value
    if service == "WFS":
        return WFS_20
    if service == "WCS":
        return WCS_20
    return WMS_111 if version == "1.1.1" else WMS_130


def check_params(request: OwsRequest) -> None:
    """Refuse forbidden parameters and malformed numbers before MapServer reads them."""
    params = request.params
    for name, locator in FORBIDDEN.items():
        if name in params:
            text = (
                _t("SLD nie jest obsługiwany", "SLD is not supported")
                if name != "MAP"
                else _t("Parametr map nie jest przyjmowany", "the map parameter is not accepted")
            )
            raise Refusal(Failure.BAD_PARAMETER, text, locator)
    if SOURCE_COMPRESSION in params:
        name = SOURCE_COMPRESSION
        raise bad(f"Parametr {name} nie jest przyjmowany", f"{name} is not accepted", name)
    if request.service and request.service not in SERVICES:
        raise bad("SERVICE musi być WMS, WFS lub WCS", "SERVICE must be WMS, WFS or WCS",
                  "service")  # fmt: skip
    for name in INTEGER_PARAMS:
        if name in params and not _INTEGER.match(params[name].strip()):
            raise bad(f"{name} musi być liczbą całkowitą", f"{name} must be an integer", name)
    if "BBOX" in params:
        check_bbox(params["BBOX"])
    if "MAP_RESOLUTION" in params:
        value = params["MAP_RESOLUTION"].strip()
        if not _INTEGER.match(value) or not MAP_RESOLUTION[0] <= int(value) <= MAP_RESOLUTION[1]:
            low, high = MAP_RESOLUTION
            raise bad(f"MAP_RESOLUTION: od {low} do {high} dpi",
                      f"MAP_RESOLUTION: {low} to {high} dpi", "map_resolution")  # fmt: skip


def as_tile_source(request: OwsRequest) -> None:
    """A PNG GetMap the portal's tile cache asks for: the fast deflate level."""
    params = request.params
    if params.get("REQUEST", "").lower() == "getmap" and params.get("FORMAT") == "image/png":
        params[SOURCE_COMPRESSION] = SOURCE_COMPRESSION_LEVEL


def _read_post(environ: dict[str, Any], request: OwsRequest) -> None:
    body = _read_body(environ)
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        for key, value in parse_query(body.decode("utf-8", "replace")).items():
            if request.params.get(key, value) != value:
                raise twice(key)
            request.params[key] = value
        return
    root = parse_xml(body)
    request.document = root
    request.body = etree.tostring(root, encoding="unicode")
    request.service = (root.get("service") or "").upper() or None


def _read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise bad("Nieprawidłowy Content-Length", "invalid Content-Length") from exc
    if length > MAX_BODY:
        raise _too_large()
    body = environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length else b""
    if len(body) > MAX_BODY:
        raise _too_large()
    return body


def _t(pl: str, en: str) -> Text:
    return Text(pl=pl, en=en)


def _too_large() -> Refusal:
    return Refusal(Failure.TOO_LARGE, _t("Zapytanie większe niż 1 MB", "request body over 1 MB"))
