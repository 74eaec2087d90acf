"""pygeoapi as a WSGI application mounted at ``/ogc``: the one adapter module.

``pygeoapi.flask_app`` reads ``PYGEOAPI_CONFIG`` and ``PYGEOAPI_OPENAPI`` when it is
imported, so this module (and only this one) sets them and then imports it. The result
is wrapped in ``OgcApiGuard``, which refuses bad input before pygeoapi sees it.

>>> app = make_pygeoapi_app(Instance())  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import sys
from functools import lru_cache
from types import ModuleType

import pygeoapi
import pyproj

from geoportal.instance import Instance
from services.providers.bbox import Envelope
from services.providers.crs import served_crs, storage_uri
from services.providers.postgis import use_database
from services.pygeoapi import itemspeed
from services.pygeoapi.datasetmap import dataset_collections, landing_additions
from services.pygeoapi.execution import MAX_EXECUTION_BODY
from services.pygeoapi.guard import MAX_BODY, OgcApiGuard, WSGIApp
from services.pygeoapi.maps import MapAnswers, map_layers
from services.pygeoapi.rules import collections_from_config
from services.pygeoapi.runtime import RuntimeFiles, prepare_runtime
from services.pygeoapi.tiles import TileAnswers, tile_providers

FLASK_MODULE = "pygeoapi.flask_app"
_loaded: dict[str, str] = {}  # fingerprint of the files the imported module read


def make_pygeoapi_app(instance: Instance, ows: WSGIApp | None = None) -> WSGIApp:
    """Write the run-time config, records and OpenAPI document, import pygeoapi, wrap it.

    ``ows`` is the ``/ows`` application the collections' maps are drawn by (without it,
    map requests are answered 503).
    """
    from services.records import write_records

    settings = instance.settings
    use_database(instance.database)  # our providers take their connections from it
    write_records(instance)
    files = prepare_runtime(settings)
    module = _import_flask_app(files)
    _cache_bbox_transformers()
    # pretty_print is written by pygeoapi's json, which cannot write unparsed features
    pretty = bool(files.config["server"].get("pretty_print"))
    orjson_answers = itemspeed.install() and not pretty
    maps = _map_answers(instance, files, ows)
    _claim_only_what_is_served(maps.conformance())
    # pygeoapi logs every 4xx as ERROR with a traceback: client mistakes are not server
    # errors, and a scan of bad requests would bury real ones. Our provider logs its own.
    logging.getLogger("pygeoapi.api").setLevel(logging.CRITICAL)
    # The guard limits each route's body itself (a filter 64 KB, an execution 512 KB).
    module.APP.config["MAX_CONTENT_LENGTH"] = max(MAX_BODY, MAX_EXECUTION_BODY)
    tiles = TileAnswers(tile_providers(files.config))
    collections = collections_from_config(files.config)
    return OgcApiGuard(module.APP, collections, tiles, maps, features_as_text=orjson_answers)


def _map_answers(instance: Instance, files: RuntimeFiles, ows: WSGIApp | None) -> MapAnswers:
    """The collections' maps and the dataset map, drawn by ``ows``."""
    layers = map_layers(files.config)
    extent = _site_extent(instance)
    dataset = dataset_collections(instance.catalog, instance.rasters, layers)
    url = files.config["server"]["url"]
    landing = {language: landing_additions(url, extent, language)
               for language in files.config["server"]["languages"]}  # fmt: skip
    return MapAnswers(layers, extent, ows, dataset, landing if dataset else None)


def _site_extent(instance: Instance) -> Envelope:
    """The default area of a map: the site's extent, in the storage CRS."""
    crs = served_crs(storage_uri())
    assert crs is not None  # the storage CRS is always served
    return Envelope(*instance.site.extent, crs)


def _import_flask_app(files: RuntimeFiles) -> ModuleType:
    """Import (or, if the files changed since, re-import) ``pygeoapi.flask_app``."""
    os.environ["PYGEOAPI_CONFIG"] = str(files.config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(files.openapi_path)
    fingerprint = _fingerprint(files)
    module = sys.modules.get(FLASK_MODULE)
    if module is None:
        module = importlib.import_module(FLASK_MODULE)
    elif _loaded.get(FLASK_MODULE) != fingerprint:
        module = importlib.reload(module)
    _loaded[FLASK_MODULE] = fingerprint
    return module


def _fingerprint(files: RuntimeFiles) -> str:
    digest = hashlib.sha256()
    for path in (files.config_path, files.openapi_path):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _cache_bbox_transformers() -> None:
    """Reuse pyproj transformers for pygeoapi's bbox → storage CRS step.

    pygeoapi 0.21 builds a ``pyproj.Transformer`` for every request with a bbox (about
    3 ms, more than our whole query). Same function, same results, one transformer per
    CRS pair; applied only to the version it was written for.
    """
    from pygeoapi.api import itemtypes

    if pygeoapi.__version__ == "0.21.0" and hasattr(itemtypes, "transform_bbox"):
        itemtypes.transform_bbox = _transform_bbox


# Conformance classes pygeoapi lists for every feature collection that are not served here:
# transactions (Features Part 4) - the collections are read-only views, and the guard
# refuses every method but GET and HEAD on them.
NOT_SERVED = frozenset({
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    # Callbacks would make the server call URLs a client names; the guard refuses them.
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/callback",
})  # fmt: skip


def _claim_only_what_is_served(maps_served: list[str]) -> None:
    """``/conformance`` lists only what is implemented (pygeoapi reads the list per request)."""
    from pygeoapi.api import itemtypes, maps, processes

    maps.CONFORMANCE_CLASSES = maps_served  # listed when a collection has a map
    served = [c for c in itemtypes.CONFORMANCE_CLASSES_FEATURES if c not in NOT_SERVED]
    itemtypes.CONFORMANCE_CLASSES_FEATURES = served
    processes.CONFORMANCE_CLASSES = [
        c for c in processes.CONFORMANCE_CLASSES if c not in NOT_SERVED
    ]


def _transform_bbox(bbox: list, from_crs: str, to_crs: str) -> list:
    """Drop-in for ``pygeoapi.util.transform_bbox`` (authority axis order, 4 or 6 values)."""
    transform = _transformer(from_crs, to_crs).transform
    half = len(bbox) // 2
    return list(transform(*bbox[:half]) + transform(*bbox[half:]))


@lru_cache(maxsize=32)
def _transformer(from_crs: str, to_crs: str) -> pyproj.Transformer:
    from pygeoapi.util import get_crs_from_uri

    return pyproj.Transformer.from_crs(get_crs_from_uri(from_crs), get_crs_from_uri(to_crs))
