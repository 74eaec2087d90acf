"""Cache hits answered straight from the tile files, before MapProxy parses anything.

A tile in MapProxy's file cache is a file on disk, and MapProxy's own way to it (request
parsing, the tile service, the tile manager, its response object) costs more than the
HTTP server around it. Here a WMTS REST (``/wmts/{layer}/{grid}/{level}/{col}/{row}.png``)
or XYZ (``/tiles/...``) GET or HEAD without a query, or a WMTS KVP GetTile with nothing
but its parameters, for a layer and grid MapProxy serves, a level and column/row inside
that grid, whose file exists, is answered with the file:

* ``ETag`` from the file's inode, modification time and size (a tile written again is a
  new file: a new ETag), ``Last-Modified``, and 304 for a matching ``If-None-Match`` or,
  without one, ``If-Modified-Since``;
* the cache's ``Content-Type``, ``Content-Length``, CORS as MapProxy sends it;
* ``Cache-Control: public, no-cache``: a browser keeps the tile but asks again each time,
  so a tile a load changed is never shown stale, and the question costs a 304.

A level, column or row outside the grid of a known layer is refused here (TileOutOfRange,
Polish first). Everything else goes to MapProxy unchanged: a miss, a query string on a
tile path (``origin=sw``), TMS, any other KVP request, an unknown name or format. Layers,
grids, origins and file locations are MapProxy's own objects from its loaded
configuration, so the file read here is the one MapProxy would read. Names are looked up
in a table and numbers are digits only: no path from a request reaches the filesystem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

from geoportal.text import Text
from services.edge.failures import Failure, Refusal

_PATH = re.compile(
    r"^/(wmts|tiles)/([A-Za-z0-9_]{1,64})/([A-Za-z0-9_]{1,64})/([0-9]{1,2})/([0-9]{1,9})"
    r"/([0-9]{1,9})\.(png|jpeg)$"
)
_DIGITS = re.compile(r"^[0-9]{1,9}$")
_KVP_KEYS_REQUIRED = {"REQUEST", "LAYER", "TILEMATRIXSET", "TILEMATRIX", "TILEROW", "TILECOL",
                      "FORMAT"}  # fmt: skip
_KVP_KEYS = _KVP_KEYS_REQUIRED | {"SERVICE", "VERSION", "STYLE"}
CACHE_CONTROL = "public, no-cache"
OUT_OF_RANGE = Text(
    pl="Kafel leży poza układem kafli (poziom, kolumna lub wiersz)",
    en="the tile is outside the tile matrix set (level, column or row)",
)
_MAX_TILE_BYTES = 4 * 1024 * 1024  # a 256 px tile is tens of KB; anything bigger is not ours


@dataclass(frozen=True)
class _TileSet:
    """One layer in one grid, as MapProxy serves it from a ``tc``-layout file cache.

    The grid's sizes and origin and the cache's folder are read once from MapProxy's
    objects; a location is then a bounds check and a string (MapProxy's own way to it,
    a request object, the tile manager and ``tile_location``, costs several times more).
    """

    base: str  # the cache's folder for this grid
    extension: str
    content_type: str
    sizes: tuple[tuple[int, int], ...]  # columns, rows per level
    grid_origin: str | None

    @classmethod
    def of(cls, layer: Any) -> _TileSet | None:
        """The tile set of a MapProxy tile layer, or None if the fast path cannot serve it."""
        from mapproxy.cache import path as layouts
        from mapproxy.cache.file import FileCache
        from mapproxy.cache.tile import Tile

        manager, service_grid = layer.tile_manager, layer.grid
        cache = manager.cache
        plain = not (layer.dimensions or manager.rescale_tiles or service_grid._skip_odd_level)
        if not (plain and isinstance(cache, FileCache)
                and cache._tile_location is layouts.tile_location_tc):  # fmt: skip
            return None
        grid = service_grid.grid
        sizes = tuple((int(w), int(h)) for w, h in (grid.grid_sizes[z] for z in range(grid.levels)))
        extension = cache.file_ext
        tile_set = cls(cache.cache_dir, extension, f"image/{extension}", sizes, grid.origin)
        # the same file as MapProxy's, or no fast path for this set
        last = len(sizes) - 1
        for column, row, level in ((0, 0, 0), (sizes[last][0] - 1, sizes[last][1] - 1, last)):
            request = SimpleNamespace(tile=(column, row, level), origin=None)
            coord = layer._internal_tile_coord(request, use_profiles=False)
            if tile_set.location(column, row, level, None) != cache.tile_location(Tile(coord)):
                return None
        return tile_set

    def location(self, column: int, row: int, level: int, origin: str | None) -> str | None:
        """The tile's file as MapProxy names it; None outside the grid.

        Rows are flipped as ``TileLayer._internal_tile_coord`` flips them: a request
        counting from the north on a grid whose origin is the south-west, or the reverse.
        """
        if level >= len(self.sizes):
            return None
        columns, rows = self.sizes[level]
        if column >= columns or row >= rows:
            return None
        if (origin == "nw" and self.grid_origin not in ("ul", "nw")) or (
            origin == "sw" and self.grid_origin not in ("ll", "sw", None)
        ):
            row = rows - 1 - row
        return f"{self.base}/{level:02d}/{_tc(column)}/{_tc(row)}.{self.extension}"


def _tc(number: int) -> str:
    """A number as MapProxy's ``tc`` layout writes it: three folders of three digits."""
    return f"{number // 1_000_000:03d}/{number // 1000 % 1000:03d}/{number % 1000:03d}"


class CachedTiles:
    """The fast path over one loaded MapProxy application (``make_wsgi_app``)."""

    def __init__(self, mapproxy_app: Any):
        handlers = getattr(mapproxy_app, "handlers", {})
        tiles = handlers.get("tiles")
        self.xyz_origin = getattr(tiles, "origin", None)
        self.sets: dict[tuple[str, str], _TileSet] = {}
        for (name, grid), layer in (getattr(tiles, "layers", None) or {}).items():
            tile_set = _TileSet.of(layer)
            if tile_set is not None:
                self.sets[(name, grid)] = tile_set

    def answer(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes] | None:
        """The cached file's answer, or None when MapProxy has to answer the request.

        Raises :class:`Refusal` for a tile of a known layer and grid outside the grid.
        """
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return None
        request = self._tile_request(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        if request is None:
            return None
        tile_set, column, row, level, origin = request
        path = tile_set.location(column, row, level, origin)
        if path is None:
            raise Refusal(Failure.TILE_OUT_OF_RANGE, OUT_OF_RANGE)
        read = _read(path, with_body=method == "GET")
        if read is None:
            return None
        body, stat = read
        return _respond(environ, start_response, tile_set.content_type, body, stat)

    def _tile_request(
        self, path: str, query: str
    ) -> tuple[_TileSet, int, int, int, str | None] | None:
        """Tile set, column, row, level and row origin a request names, if it is ours."""
        if query:
            return self._kvp_request(query) if path.rstrip("/") == "/wmts" else None
        found = _PATH.match(path)
        if found is None:
            return None
        service, name, grid, level, column, row, extension = found.groups()
        tile_set = self.sets.get((name, grid))
        if tile_set is None or extension != tile_set.extension:
            return None
        origin = "nw" if service == "wmts" else self.xyz_origin
        return tile_set, int(column), int(row), int(level), origin

    def _kvp_request(self, query: str) -> tuple[_TileSet, int, int, int, str | None] | None:
        """A WMTS KVP GetTile (what QGIS sends) with exactly the parameters it needs."""
        params = {key.upper(): value for key, value in parse_qsl(query, keep_blank_values=True)}
        if set(params) - _KVP_KEYS or not _KVP_KEYS_REQUIRED <= set(params):
            return None
        if (params.get("SERVICE", "WMTS").upper() != "WMTS"
                or params["REQUEST"].lower() != "gettile"
                or params.get("VERSION", "1.0.0") != "1.0.0"
                or params.get("STYLE", "default") not in ("", "default")):  # fmt: skip
            return None
        tile_set = self.sets.get((params["LAYER"], params["TILEMATRIXSET"]))
        numbers = (params["TILECOL"], params["TILEROW"], params["TILEMATRIX"])
        if (tile_set is None or params["FORMAT"] != tile_set.content_type
                or not all(_DIGITS.match(number) for number in numbers)):  # fmt: skip
            return None
        column, row, level = (int(number) for number in numbers)
        return tile_set, column, row, level, "nw"


def _read(path: str, with_body: bool) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and its status from the same open file; None if it is missing."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        stat = os.fstat(fd)
        if stat.st_size > _MAX_TILE_BYTES:
            return None
        body = os.read(fd, stat.st_size) if with_body else b""
        if with_body and len(body) != stat.st_size:
            return None  # cannot happen with tiles renamed into place; MapProxy decides
        return body, stat
    finally:
        os.close(fd)


def _respond(
    environ: dict[str, Any],
    start_response: Callable[..., Any],
    content_type: str,
    body: bytes,
    stat: os.stat_result,
) -> list[bytes]:
    etag = f'"{stat.st_ino:x}-{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    headers = [
        ("ETag", etag),
        ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
        ("Cache-Control", CACHE_CONTROL),
        ("Access-Control-Allow-Origin", "*"),
    ]
    if not_modified(environ, etag, int(stat.st_mtime)):
        start_response("304 Not Modified", headers)
        return []
    headers += [("Content-Type", content_type), ("Content-Length", str(stat.st_size))]
    start_response("200 OK", headers)
    return [body]


def not_modified(environ: dict[str, Any], etag: str, mtime: int) -> bool:
    """RFC 9110 §13.1: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is None:
        return False
    try:
        return mtime <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError):
        return False
