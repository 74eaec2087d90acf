"""Vector tiles (MVT) of a ``publish`` view, built by PostGIS in one statement.

Why not pygeoapi's ``MVT-postgresql``: it transforms with text CRS names (150–200 ms a
tile in PostgreSQL against ≈ 1 ms with integer SRIDs, ``stack-notes.md``), reflects the
table with SQLAlchemy and is built anew for every tile request. Here the statement is
composed once per view; the stored EPSG:2180 geometry is matched against the tile's
envelope so the spatial index applies, and only the features found are transformed.

The provider serves pygeoapi's tile *metadata* routes; the tiles themselves are answered
by :class:`~services.pygeoapi.tiles.TileAnswers` on the guard's fast path
(``services.pygeoapi.guard``), which calls the same :meth:`PublishViewTileProvider.tile`
pygeoapi would. A tile built once is kept in the process's memory while the data are
unchanged (``services.providers.tilememory``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from pygeoapi.models.provider.base import TileMatrixSetEnum
from pygeoapi.provider.base import ProviderGenericError
from pygeoapi.provider.mvt_postgresql import MVTPostgreSQLProvider
from pygeoapi.provider.tile import ProviderTileNotFoundError

from services.providers.crs import STORAGE_EPSG, WEB_MERCATOR_EPSG
from services.providers.fields import json_schema
from services.providers.postgis import run_on_pool
from services.providers.tilememory import Tile, TileMemory
from services.providers.view import ViewConfigError, ViewSpec, view_spec

TILE_MATRIX_SET = "WebMercatorQuad"
MIMETYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096  # MVT grid units per tile side (the MVT default)
BUFFER = 64  # grid units drawn beyond the tile edge, so strokes do not break at seams
EQUATOR_M = 2 * math.pi * 6378137  # WebMercatorQuad level 0 tile width
MAX_ZOOM = 24
MEMORY = TileMemory()  # one per process, for the tiles of every collection


@dataclass(frozen=True)
class ZoomRange:
    """The tile matrices (zoom levels) a layer is served at."""

    min: int
    max: int

    def __contains__(self, zoom: int) -> bool:
        return self.min <= zoom <= self.max


def tile_statement(spec: ViewSpec, layer: str) -> sql.Composed:
    """``ST_AsMVT`` of the view's features in tile (z, x, y); feature ids are ``gid``.

    The envelope is matched in EPSG:2180, grown by the buffer (a mercator metre is
    longer than a real one, so the tile's own width bounds it from above). Features are
    ordered, so a tile is byte-identical whichever plan or process built it (its ETag too).
    """
    fields = sql.SQL("").join(sql.SQL(", ") + sql.Identifier("v", name) for name in spec.fields)
    return sql.SQL(
        "SELECT ST_AsMVT(t, {layer}, {extent}, 'mvt_geom', {id_name}) FROM ("
        " SELECT {id}{fields}, ST_AsMVTGeom(ST_Transform(v.{geom}, {mercator}), e.env,"
        " {extent}, {buffer}, true) AS mvt_geom"
        " FROM {view} v, (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env) e"
        " WHERE v.{geom} && ST_Expand(ST_Transform(e.env, {storage}), %(margin)s)"
        " ORDER BY v.{id_column}"
        ") t WHERE t.mvt_geom IS NOT NULL"
    ).format(
        layer=sql.Literal(layer),
        extent=sql.Literal(EXTENT),
        buffer=sql.Literal(BUFFER),
        id_name=sql.Literal(spec.id_column),
        id=sql.Identifier("v", spec.id_column),
        id_column=sql.Identifier(spec.id_column),
        fields=fields,
        geom=sql.Identifier(spec.geom_column),
        mercator=sql.Literal(WEB_MERCATOR_EPSG),
        storage=sql.Literal(STORAGE_EPSG),
        view=sql.Identifier(spec.schema, spec.view),
    )


def kept_or_built_statement(tile: sql.Composed) -> sql.Composed:
    """The data generation and, unless it is ``%(kept)s``, the tile ``tile`` builds.

    ``kept`` is the generation of the tile kept in memory (-1: none). One round trip
    either way, and the generation is read from the snapshot the tile is built from. The
    tile's subquery is evaluated only when its branch is taken (PostgreSQL runs an
    uncorrelated subquery lazily, on first use).
    """
    return sql.SQL(
        "SELECT g.n, CASE WHEN g.n = %(kept)s::bigint THEN NULL ELSE ({tile}) END"
        " FROM publish.data_generation g"
    ).format(tile=tile)


def tile_params(z: int, x: int, y: int) -> dict[str, float | int]:
    """Parameters of :func:`tile_statement`: the tile and its buffer in metres."""
    width = EQUATOR_M / 2**z
    return {"z": z, "x": x, "y": y, "margin": width * BUFFER / EXTENT}


class PublishViewTileProvider(MVTPostgreSQLProvider):
    """Vector tiles of one publish view in WebMercatorQuad, for pygeoapi and the fast path.

    The provider block is the feature provider's (``view.py``) plus
    ``options: {zoom: {min, max}}`` and ``format: {name: pbf, mimetype: …}``.
    """

    def __init__(self, provider_def: dict[str, Any]):
        # MVTPostgreSQLProvider.__init__ would open its own SQLAlchemy engine: only the
        # base tile provider's part is wanted, its metadata methods are reused as they are.
        super(MVTPostgreSQLProvider, self).__init__(provider_def)
        try:
            self.spec = view_spec(provider_def)
            zoom = (provider_def.get("options") or {}).get("zoom") or {}
            self.zoom = ZoomRange(int(zoom.get("min", 0)), int(zoom.get("max", MAX_ZOOM)))
        except (ViewConfigError, TypeError, ValueError) as exc:
            raise ProviderGenericError(str(exc)) from exc
        self.table = self.spec.view  # the MVT layer name (pygeoapi's get_layer)
        # Composed once: composing the statement on every tile cost 0.2 ms.
        statement = kept_or_built_statement(tile_statement(self.spec, self.table))
        self._statement = statement.as_bytes(None)
        self._fields = {name: json_schema(kind) for name, kind in self.spec.fields.items()}

    def get_fields(self) -> dict[str, dict[str, str]]:
        """Properties and their JSON Schema types, from the catalog."""
        return self._fields

    def get_tiling_schemes(self) -> list[Any]:
        """WebMercatorQuad only: the grid web maps (and the viewer) use."""
        return [TileMatrixSetEnum.WEBMERCATORQUAD.value]

    def get_tiles(self, layer=None, tileset=None, z=None, y=None, x=None, format_=None):  # noqa: ANN001, ANN201
        """pygeoapi's entry: the tile, ``None`` when it is empty."""
        if tileset != TILE_MATRIX_SET:
            raise ProviderTileNotFoundError()
        return self.tile(int(z), int(x), int(y)).body or None

    def tile(self, z: int, x: int, y: int) -> Tile:
        """Tile (z, x, y): its MVT bytes (empty when no feature touches it) and digest.

        :raises ProviderTileNotFoundError: outside the layer's zoom range or the matrix.
        """
        if z not in self.zoom or not (0 <= x < 2**z and 0 <= y < 2**z):
            raise ProviderTileNotFoundError()
        key, params = (self._statement, z, x, y), tile_params(z, x, y)

        def kept_or_built(conn: psycopg.Connection) -> Tile:
            kept = MEMORY.generation_of(key)
            while True:
                # Prepared, unlike the pool's other queries (which keep custom plans for
                # selective bboxes): planning this statement cost more than running it
                # (z14: 12 ms vs 8 ms); every tile takes the same index, so the generic
                # plan is as good as a custom one.
                params["kept"] = -1 if kept is None else kept
                row = conn.execute(self._statement, params, prepare=True).fetchone()
                generation, body = row  # type: ignore[misc]
                if generation != kept:
                    built = Tile.of(bytes(body) if body else b"")
                    MEMORY.put(key, generation, built)
                    return built
                if (tile := MEMORY.get(key, generation)) is not None:
                    return tile
                kept = None  # another request replaced or dropped it meanwhile: build it

        return run_on_pool(self.spec.role, self.spec.view, kept_or_built)
