"""The fast path for vector tiles: ``/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}``.

A tile is the hot path of a web map (a screen asks for 12–20 at once), and pygeoapi
builds its tile provider anew for every request. The guard hands tile requests here
instead, to providers built once; pygeoapi still answers the tile-set descriptions. The
answer is what OGC API – Tiles asks for: the MVT bytes, 204 for a tile without features,
404 outside the tile matrix set's limits; an ``ETag`` lets clients and proxies revalidate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pygeoapi.provider.base import ProviderConnectionError, ProviderGenericError
from pygeoapi.provider.tile import ProviderTileNotFoundError

from geoportal.text import Text
from services.edge.documents import status_line
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.providers.mvt import MIMETYPE, TILE_MATRIX_SET, PublishViewTileProvider
from services.providers.tilememory import Tile
from services.pygeoapi.rules import check_tile_format

MAX_AGE_S = 300  # a publish changes tiles; five minutes of staleness at most
_OUTSIDE = Text(
    pl="Kafel poza zakresem poziomów lub siatki tej kolekcji",
    en="tile outside this collection's zoom levels or tile matrix",
)


class TileAnswers:
    """Answers tile requests from the tile providers of the collections that have one."""

    def __init__(self, providers: dict[str, PublishViewTileProvider]):
        self.providers = providers

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        """Answer one tile request whose path the guard has already matched."""
        _, _, collection, _, matrix_set, z, y, x = environ["PATH_INFO"].split("/")
        check_tile_format(environ.get("QUERY_STRING", ""))
        if matrix_set != TILE_MATRIX_SET:
            raise Refusal(Failure.NOT_FOUND, _OUTSIDE)
        tile = self._tile(self.providers[collection], int(z), int(x), int(y))
        body, tag = tile.body, f'"{tile.digest}"'
        headers = [("Cache-Control", f"public, max-age={MAX_AGE_S}"), ("ETag", tag)]
        if not body:
            start_response(status_line(204), headers)
            return []
        if tag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response(status_line(304), headers)
            return []
        headers += [("Content-Type", MIMETYPE), ("Content-Length", str(len(body)))]
        start_response(status_line(200), headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    @staticmethod
    def _tile(provider: PublishViewTileProvider, z: int, x: int, y: int) -> Tile:
        try:
            return provider.tile(z, x, y)
        except ProviderTileNotFoundError as exc:
            raise Refusal(Failure.NOT_FOUND, _OUTSIDE) from exc
        except ProviderConnectionError as exc:
            raise unavailable() from exc
        except ProviderGenericError as exc:
            raise server_error() from exc


def tile_providers(config: dict[str, Any]) -> dict[str, PublishViewTileProvider]:
    """One tile provider per collection whose configuration has ours."""
    providers = {}
    for name, resource in config.get("resources", {}).items():
        for block in resource.get("providers", []):
            if block["type"] == "tile" and block["name"].endswith(".PublishViewTileProvider"):
                providers[name] = PublishViewTileProvider(block)
    return providers
