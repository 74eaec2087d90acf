"""Two per-request costs of pygeoapi 0.21's items path, removed without changing answers.

Profiled on 100 bbox requests of 100 parcels each (cProfile, in-process): after the
database, the largest costs were Python's ``json`` — parsing the features PostgreSQL
built and serialising the collection again (1.9 + 5.8 ms for 70 KB of coordinates, the
float formatting being the slow part) — and ``create_crs_transform_spec``, which builds
two ``pyproj.CRS`` objects and their WKT on every request (≈ 1 ms) for the same few
answers. Here the collection is serialised by orjson (same JSON values; ``NaN`` cannot
occur, the provider's JSON comes from PostgreSQL) and the CRS answer is remembered per
(storage CRS, CRS list, requested CRS).

Applied only to the pygeoapi version this was written and tested for.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson
import pygeoapi
from pygeoapi.util import json_serial
from pygeoapi.util import to_json as pygeoapi_to_json

PYGEOAPI_VERSION = "0.21.0"


def install() -> bool:
    """Patch pygeoapi's items module; whether it was (only for the version written for)."""
    from pygeoapi.api import itemtypes

    if pygeoapi.__version__ != PYGEOAPI_VERSION:
        return False
    original_spec = getattr(itemtypes.create_crs_transform_spec, "__wrapped_spec__", None)
    original_spec = original_spec or itemtypes.create_crs_transform_spec
    itemtypes.to_json = to_json
    itemtypes.create_crs_transform_spec = _remembering(original_spec)
    return True


def to_json(dict_: dict[str, Any], pretty: bool = False) -> str:
    """``pygeoapi.util.to_json`` by orjson: compact; indented output stays pygeoapi's."""
    if pretty:
        return pygeoapi_to_json(dict_, pretty)
    try:
        return orjson.dumps(dict_, default=json_serial).decode()
    except TypeError:  # what orjson refuses (keys that are not strings, huge ints)
        return pygeoapi_to_json(dict_, pretty)


def _remembering(original: Any) -> Any:
    """``create_crs_transform_spec`` answered once per distinct input."""

    @lru_cache(maxsize=256)  # bounded: the requested CRS is a client's string
    def spec(storage: str | None, crs: tuple[str, ...], query: str | None) -> Any:
        config: dict[str, Any] = {"crs": list(crs)}
        if storage is not None:
            config["storage_crs"] = storage
        return original(config, query)

    def create_crs_transform_spec(config: dict[str, Any], query_crs_uri: str | None = None) -> Any:
        return spec(config.get("storage_crs"), tuple(config.get("crs") or ()), query_crs_uri)

    create_crs_transform_spec.__wrapped_spec__ = original  # type: ignore[attr-defined]
    return create_crs_transform_spec
