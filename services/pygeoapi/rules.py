"""What a request to our OGC API may contain: paths, parameters and their values.

pygeoapi 0.21 ignores unknown parameters, accepts ``nan``/``inf``/empty bboxes, passes
``offset=10^20`` to the database (a 500) and only knows full CRS URIs. The bad-input
catalogue asks for a 4xx in each case, so every request is checked here first, against
the same configuration pygeoapi serves. A refusal names the problem in Polish and English.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from geoportal.text import Text
from services.edge.failures import Failure, Refusal
from services.providers.bbox import BBoxError, parse_bbox
from services.providers.crs import CRS84, normalize_crs
from services.providers.scope import NextPage, RequestScope

MAX_OFFSET = 2**31 - 1
MAX_ID = 2**63 - 1  # gid is a bigint
MAX_FIELDS = 64  # query parameters in one request
MAX_VALUE = 4096  # characters in one value (a CQL filter is the longest)
MAX_PLAIN = 256  # characters in a property filter value
COMMON = frozenset({"f", "lang"})
ITEMS = COMMON | {
    "bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "properties", "sortby",
    "skipGeometry", "filter", "filter-lang", "filter-crs", "q", "resulttype", "cursor",
}  # fmt: skip
# Not carried from one page to the next: the next link sets its own.
_PAGE_PARAMS = frozenset({"offset", "cursor", "limit", "f"})
# ``cursor`` of a next link: features already served, then the last id served.
CURSOR_PATTERN = r"^(0|[1-9][0-9]{0,9})_([1-9][0-9]{0,18})$"
_CURSOR = re.compile(CURSOR_PATTERN)
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2}))?$"
)
MAP = COMMON | {
    "bbox", "bbox-crs", "crs", "width", "height", "transparent", "bgcolor", "subset",
    "subset-crs", "center", "center-crs", "scale-denominator", "mm-per-pixel",
}  # fmt: skip
MAP_ROUTES = ("map", "dataset-map")  # a collection's map, the dataset's (/map)
# OGC 20-058 /req/spatial-subsetting/subset-definition H: subset=Lat(..)&subset=Lon(..)
REPEATABLE = dict.fromkeys(MAP_ROUTES, frozenset({"subset"}))
_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$")
_DIGITS = re.compile(r"^\d{1,30}$")
_STATIC = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
_TILE_INDEX = re.compile(r"^(?:0|[1-9][0-9]{0,7})$")  # no signs, no leading zeros
TILE_ROUTES = ("tiles", "tileset", "tile")
TILE_FORMATS = ("mvt", "pbf")
# What a client may filter metadata records on (``services/records.py`` writes them).
RECORD_PROPERTIES = frozenset({"type", "title", "description", "language", "license"})


@dataclass(frozen=True)
class Collection:
    """What the guard needs to know about one collection."""

    properties: frozenset[str]
    crs: frozenset[str]
    tiled: bool = False  # has a vector-tile provider
    items_url: str = ""  # absolute, for the next links of feature collections
    page: int = 10  # items when the client asks no limit (pygeoapi's default)
    max_page: int = 10
    mapped: bool = False  # has a map (OGC API - Maps, services/pygeoapi/maps.py)
    featured: bool = True  # has items (a raster collection has only a map)


@dataclass
class Checked:
    """A request that passed: its scope for the provider and the query to forward."""

    scope: RequestScope = field(default_factory=RequestScope)
    query_string: str | None = None  # rewritten (canonical CRS URIs), or None to keep


def collections_from_config(config: dict[str, Any]) -> dict[str, Collection]:
    """Property names and CRS lists of the feature and record collections of a config."""
    result = {}
    root = config.get("server", {}).get("url", "")
    limits = config.get("server", {}).get("limits", {})
    page, max_page = int(limits.get("default_items", 10)), int(limits.get("max_items", 10))
    for name, resource in config.get("resources", {}).items():
        if resource.get("itemType") == "record":
            result[name] = Collection(RECORD_PROPERTIES, frozenset({CRS84}))
            continue
        providers = resource.get("providers", [])
        provider = next((p for p in providers if p["type"] == "feature"), None)
        mapped = any(p["type"] == "map" for p in providers)
        if resource.get("type") == "collection" and provider:
            fields = provider.get("data", {}).get("fields", {})
            tiled = any(p["type"] == "tile" for p in providers)
            crs = frozenset(provider.get("crs", [CRS84]))
            url = f"{root}/collections/{name}/items"
            result[name] = Collection(frozenset(fields), crs, tiled, url, page, max_page, mapped)
        elif resource.get("type") == "collection" and mapped:
            result[name] = Collection(frozenset(), frozenset({CRS84}), mapped=True, featured=False)
    return result


def check_path(path: str, collections: dict[str, Collection]) -> tuple[str, Collection | None]:
    """The route a path names (``items``, ``item``, ``landing``…) or a 404 refusal."""
    segments = path.strip("/").split("/") if path.strip("/") else []
    if segments[:1] == ["static"]:
        if len(segments) > 1 and all(_STATIC.match(s) and ".." not in s for s in segments):
            return "static", None
        raise _not_found()
    if not all(_SEGMENT.match(s) and ".." not in s for s in segments):
        raise _not_found()
    if len(segments) >= 2 and segments[0] == "collections":
        collection = collections.get(segments[1])
        if collection is None:
            raise Refusal(
                Failure.NOT_FOUND, Text(pl="Nie ma takiej kolekcji", en="collection not found")
            )
        kind = _collection_route(segments[2:])
        if kind == "collection" or (kind == "map" and collection.mapped):
            return kind, collection
        if kind in ("items", "item", "queryables", "schema") and collection.featured:
            return kind, collection
        if kind in TILE_ROUTES and collection.tiled:
            return kind, collection
        raise _not_found()
    simple = {(): "landing", ("openapi",): "openapi", ("conformance",): "conformance",
              ("collections",): "collections", ("processes",): "processes",
              ("jobs",): "jobs", ("TileMatrixSets",): "tms", ("map",): "dataset-map"}  # fmt: skip
    if tuple(segments) in simple:
        return simple[tuple(segments)], None
    if len(segments) == 2 and segments[0] == "TileMatrixSets":
        return "tms", None
    if segments[:1] == ["processes"] and len(segments) == 2:
        return "process", None
    if segments[:1] == ["processes"] and len(segments) == 3 and segments[2] == "execution":
        return "execution", None
    raise _not_found()


def _collection_route(rest: list[str]) -> str:
    if not rest:
        return "collection"
    if len(rest) == 1:
        return rest[0]
    if rest[0] == "tiles":
        return _tile_route(rest[1:])
    return "item" if len(rest) == 2 and rest[0] == "items" else ""


def _tile_route(rest: list[str]) -> str:
    """``tiles/{tms}`` and ``tiles/{tms}/metadata`` describe, ``tiles/{tms}/{z}/{y}/{x}``
    is a tile (digits only, at most the deepest level's width)."""
    if len(rest) == 1 or (len(rest) == 2 and rest[1] == "metadata"):
        return "tileset"
    if len(rest) == 4 and all(_TILE_INDEX.match(part) for part in rest[1:]):
        return "tile"
    return ""


def check_query(
    route: str, collection: Collection | None, query_string: str, wants_html: bool = False
) -> Checked:
    """Refuse unknown, repeated or malformed parameters; canonicalise CRS URIs; turn a
    ``cursor`` into the keyset of the scope (and the ``offset`` pygeoapi counts with)."""
    pairs = _pairs(query_string)
    allowed = _allowed(route, collection)
    names = [name for name, _ in pairs]
    for name in names:
        if name not in allowed:
            raise _bad(f"nieznany parametr {name[:40]!r}", f"unknown parameter {name[:40]!r}")
        if names.count(name) > 1 and name not in REPEATABLE.get(route, ()):
            raise _bad(f"parametr {name[:40]!r} powtórzony", f"parameter {name[:40]!r} repeated")
    if route not in ("items", "item") or collection is None:
        return Checked()
    original, params = dict(pairs), dict(pairs)
    canonical = _canonical_crs(params, collection)
    _check_values(params, collection)
    position, after = _cursor(params)
    scope = RequestScope(
        bbox=_bbox(params), filter_crs=params.get("filter-crs", CRS84),
        after=after, next_page=_next_page(pairs, collection, wants_html),
    )  # fmt: skip
    changed = after is not None or any(original[k] != uri for k, uri in canonical.items())
    forwarded = [(k, canonical.get(k, v)) for k, v in pairs if k != "cursor"]
    if after is not None:
        forwarded.append(("offset", str(position)))
    return Checked(scope, urlencode(forwarded) if changed else None)


def _cursor(params: dict[str, str]) -> tuple[int, int | None]:
    """Position and last id of a ``cursor``; (0, None) without one."""
    if "cursor" not in params:
        return 0, None
    if "offset" in params or "sortby" in params:
        raise _bad("cursor nie łączy się z offset ani sortby",
                   "cursor cannot be combined with offset or sortby")  # fmt: skip
    match = _CURSOR.match(params["cursor"])
    if not match or int(match[1]) > MAX_OFFSET or int(match[2]) > MAX_ID:
        raise _bad("nieprawidłowy cursor (użyj łącza next)",
                   "invalid cursor (follow the next link)")  # fmt: skip
    return int(match[1]), int(match[2])


def _next_page(
    pairs: list[tuple[str, str]], collection: Collection, wants_html: bool
) -> NextPage | None:
    """Next links page by id after the last feature (keyset) unless the client sorts.

    The spec leaves next links to the server. GDAL's OAPIF driver (3.6 asks ``limit=10``
    and follows ``next``) would need a thousand requests for a county's parcels, so a
    machine-readable next page holds at least the default page; a person paging HTML
    keeps the page size they chose.
    """
    params = dict(pairs)
    hits = params.get("resulttype", "").lower() == "hits"
    if not collection.items_url or "sortby" in params or hits:
        return None  # pygeoapi's offset links
    requested = min(int(params.get("limit", collection.page)), collection.max_page)
    size = requested if wants_html else max(requested, collection.page)
    kept = tuple((k, v) for k, v in pairs if k not in _PAGE_PARAMS)
    return NextPage(collection.items_url, kept, size)


def _pairs(query_string: str) -> list[tuple[str, str]]:
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, errors="strict",
                          max_num_fields=MAX_FIELDS)  # fmt: skip
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad("nieprawidłowy zapis zapytania", "malformed query string") from exc
    if any(len(value) > MAX_VALUE for _, value in pairs):
        raise _bad("zbyt długa wartość parametru", "parameter value too long")
    return pairs


def _allowed(route: str, collection: Collection | None) -> frozenset[str]:
    if route == "items" and collection is not None:
        return ITEMS | collection.properties
    if route in MAP_ROUTES:
        return MAP
    extra = {"item": {"crs"}, "openapi": {"ui"}, "queryables": {"profile", "properties"}}
    return COMMON | extra.get(route, set())


def check_tile_format(query_string: str) -> None:
    """A tile is MVT; ``f`` may say so (pygeoapi's links add ``?f=pbf``), nothing else."""
    fmt = dict(_pairs(query_string)).get("f")
    if fmt is not None and fmt not in TILE_FORMATS:
        raise _bad("kafle są tylko w formacie MVT (f=mvt)", "tiles are MVT only (f=mvt)")


def _canonical_crs(params: dict[str, str], collection: Collection) -> dict[str, str]:
    """Each CRS parameter as its canonical URI; a CRS the collection lacks is a 400."""
    canonical: dict[str, str] = {}
    for name in ("crs", "bbox-crs", "filter-crs"):
        if name in params:
            uri = normalize_crs(params[name])
            if uri is None or uri not in collection.crs:
                raise _bad(f"nieobsługiwany układ w {name}", f"unsupported CRS in {name}")
            canonical[name] = params[name] = uri
    if "bbox-crs" in params and "bbox" not in params:
        raise _bad("bbox-crs bez bbox", "bbox-crs given without bbox")
    return canonical


def _bbox(params: dict[str, str]) -> Any:
    if "bbox" not in params:
        return None
    try:
        return parse_bbox(params["bbox"], params.get("bbox-crs", CRS84))
    except BBoxError as exc:
        raise _bad(exc.pl, exc.en) from exc


def _check_values(params: dict[str, str], collection: Collection) -> None:
    for name, check in _VALUE_CHECKS.items():
        if name in params:
            check(params[name], collection)
    for name in collection.properties & params.keys():
        if len(params[name]) > MAX_PLAIN:
            raise _bad(f"zbyt długa wartość {name}", f"value of {name} too long")


def _limit(value: str, _: Collection) -> None:
    if not _DIGITS.match(value) or int(value) < 1:
        raise _bad("limit musi być liczbą całkowitą ≥ 1", "limit must be an integer >= 1")


def _offset(value: str, _: Collection) -> None:
    if not _DIGITS.match(value) or int(value) > MAX_OFFSET:
        raise _bad(f"offset musi być liczbą 0…{MAX_OFFSET}", f"offset must be 0..{MAX_OFFSET}")


def _names(value: str, collection: Collection, signed: bool = False) -> None:
    items = value.split(",")
    bare = [item[1:] if signed and item[:1] in "+-" else item for item in items]
    if not all(name in collection.properties for name in bare):
        raise _bad("nieznana nazwa właściwości", "unknown property name")


def _choice(*options: str) -> Any:
    def check(value: str, _: Collection) -> None:
        if value.lower() not in options:
            raise _bad("niedozwolona wartość parametru", f"value must be one of {options}")

    return check


def _datetime(value: str, _: Collection) -> None:
    """RFC 3339 instant or interval (``..`` or nothing for an open end); no collection has
    a time dimension, so a valid one selects everything (/req/core/fc-time-response)."""
    ends = value.split("/")
    if len(ends) > 2 or all(end in ("", "..") for end in ends):
        raise _bad("datetime: data, czas RFC 3339 lub przedział",
                   "datetime: an RFC 3339 date, date-time or interval")  # fmt: skip
    instants = [_instant(end) for end in ends if end not in ("", "..")]
    if len(instants) == 2 and instants[0] > instants[1]:
        raise _bad("datetime: początek po końcu", "datetime: begin after end")


def _instant(text: str) -> dt.datetime:
    if not _RFC3339.match(text):
        raise _bad("datetime: data, czas RFC 3339 lub przedział",
                   "datetime: an RFC 3339 date, date-time or interval")  # fmt: skip
    try:
        moment = dt.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad("datetime: nie ma takiej daty", "datetime: no such date") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_VALUE_CHECKS: dict[str, Any] = {
    "datetime": _datetime,
    "limit": _limit,
    "offset": _offset,
    "properties": _names,
    "sortby": lambda value, collection: _names(value, collection, signed=True),
    "resulttype": _choice("results", "hits"),
    "skipGeometry": _choice("true", "false"),
    "filter-lang": _choice("cql-text", "cql-json"),
}


def _bad(pl: str, en: str) -> Refusal:
    return Refusal(Failure.BAD_PARAMETER, Text(pl=pl, en=en))


def _not_found() -> Refusal:
    return Refusal(Failure.NOT_FOUND, Text(pl="Nie ma takiego zasobu", en="resource not found"))
