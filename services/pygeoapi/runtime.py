"""The run-time copies pygeoapi reads: its configuration and its OpenAPI document.

The committed ``pygeoapi-config.yml`` is machine-independent; the copy under
``settings.runtime_dir`` has this instance's public URL. The OpenAPI document is derived
from that copy (``pygeoapi openapi generate``) and regenerated only when the copy or the
pygeoapi version changed, recorded by a hash next to it. Files are replaced atomically,
because several gunicorn workers may start at the same moment.

Neither names pygeoapi's version (an attacker's first question): the OpenAPI document
carries the portal's version, and the page footer comes from a copy of pygeoapi's base
template without it, in a templates folder pygeoapi searches first.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pygeoapi
import yaml

from geoportal.files import write_atomic, write_if_changed
from geoportal.settings import Settings
from services.configgen.pygeoapi import PLACEHOLDER_RECORDS
from services.pygeoapi import mapquery, maps
from services.pygeoapi.rules import CURSOR_PATTERN

CONFIG_NAME = "pygeoapi-config.yml"
OPENAPI_NAME = "pygeoapi-openapi.json"
TEMPLATES_NAME = "pygeoapi-templates"
_VERSION_IN_FOOTER = "{{ version }}"
MOUNT = "/ogc"


@dataclass(frozen=True)
class RuntimeFiles:
    """Paths pygeoapi is pointed at, and the configuration they hold."""

    config_path: Path
    openapi_path: Path
    config: dict[str, Any]


def committed_config(settings: Settings) -> Path:
    """The generated, committed configuration (``geoportal config build`` writes it)."""
    return settings.config_dir / CONFIG_NAME


def prepare_runtime(settings: Settings) -> RuntimeFiles:
    """Write the instance's configuration and (if stale) its OpenAPI document."""
    source = committed_config(settings)
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing: run `geoportal config build`")
    config = patched_config(yaml.safe_load(source.read_text(encoding="utf-8")), settings)
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    runtime = settings.runtime_dir
    runtime.mkdir(parents=True, exist_ok=True)
    _write_templates(runtime / TEMPLATES_NAME)
    config_path = runtime / CONFIG_NAME
    write_if_changed(config_path, text)
    openapi_path = runtime / OPENAPI_NAME
    _ensure_openapi(config_path, openapi_path, text, config["server"]["languages"][0])
    return RuntimeFiles(config_path, openapi_path, config)


RECORDS_FILE = "records.json"  # written by services.records before pygeoapi starts


def patched_config(config: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Point every advertised URL at this instance (never at request headers)."""
    root = settings.base_url
    config["server"]["url"] = root + MOUNT
    config["server"]["templates"] = {"path": str(settings.runtime_dir / TEMPLATES_NAME)}
    for resource in config.get("resources", {}).values():
        for provider in resource.get("providers", []):
            if provider.get("data") == PLACEHOLDER_RECORDS:
                provider["data"] = str(settings.runtime_dir / RECORDS_FILE)
    metadata = config.get("metadata", {})
    for section in ("identification", "provider", "contact"):
        if "url" in metadata.get(section, {}):
            metadata[section]["url"] = root + "/"
    return config


def _ensure_openapi(config_path: Path, openapi_path: Path, config_text: str, language: str) -> None:
    from pygeoapi.openapi import generate_openapi_document

    # these modules' own text too: a change to how the document is made remakes it
    made_by = "".join(Path(str(m.__file__)).read_text() for m in (maps, mapquery))
    made_by += Path(__file__).read_text() + SERVED_FEATURES.read_text()
    versions = f"{pygeoapi.__version__}\n{version('geoportal')}\n{made_by}"
    digest = hashlib.sha256(f"{versions}\n{config_text}".encode()).hexdigest()
    stamp = openapi_path.with_name(openapi_path.name + ".sha256")
    if openapi_path.is_file() and stamp.is_file() and stamp.read_text() == digest:
        return
    document = json.loads(generate_openapi_document(config_path, "json"))
    document["info"]["version"] = version("geoportal")
    _in_one_language(document["info"], language)
    _describe_as_served(document)
    _advertise_page_sizes(document, yaml.safe_load(config_text)["server"].get("limits", {}))
    # OGC 20-058 /rec/scaling/max-width-height: the limits a client can plan for
    document["info"]["x-OGC-limits"] = {"maps": maps.size_limits()}
    _describe_maps(document)
    write_atomic(openapi_path, json.dumps(document, ensure_ascii=False))
    write_atomic(stamp, digest)


def _describe_maps(document: dict[str, Any]) -> None:
    """Every ``…/map`` path with the parameters and answers served, and the dataset map
    (``/map``, pygeoapi does not know it) beside the collections' maps, alike."""
    paths = document.get("paths", {})
    collection_maps = [path for path, item in paths.items()
                       if path.endswith("/map") and "get" in item]  # fmt: skip
    for path in collection_maps:
        operation = paths[path]["get"]
        operation["parameters"] = maps.openapi_parameters()
        operation["responses"] = maps.openapi_map_responses(operation.get("responses", {}))
        # pygeoapi names every map operation "getMap"; OpenAPI wants them unique
        collection = path.split("/")[-2]
        operation["operationId"] = f"get{collection.title().replace('_', '')}Map"
    if collection_maps:
        model = paths[collection_maps[0]]["get"]
        paths["/map"] = {"get": {
            **{key: model[key] for key in ("tags", "parameters", "responses") if key in model},
            "summary": "Dataset map: every collection with a map, in drawing order",
            "description": "Mapa powiatu: wszystkie warstwy (OGC API - Maps, dataset map)",
            "operationId": "getDatasetMap",
        }}  # fmt: skip


FEATURES_1 = "https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi/ogcapi-features-1.yaml"
TILES_1 = "https://schemas.opengis.net/ogcapi/tiles/part1/1.0/openapi/ogcapi-tiles-1.yaml"
SERVED_FEATURES = Path(__file__).with_name("openapi_features.yaml")
_TILESET_LIST = re.compile(r"^/collections/[^/]+/tiles$")
_ITEMS = re.compile(r"^/collections/[^/]+/items$")


def _describe_as_served(document: dict[str, Any]) -> None:
    """What pygeoapi 0.21 documents wrongly or not at all.

    Found by schemathesis: /conformance is described as a landing page, a collection's
    tile set list by a draft schema (``tileMatrixSetLinks``) where OGC API Tiles 1.0
    (``tilesets``) is served. Found by the conformance test: items take ``datetime``
    (/req/core/fc-time-definition) even without a time dimension. And ours: ``cursor``.
    Found by a schemathesis run: ``skipGeometry=true`` answers null geometries, which the
    OGC feature schema does not allow in a form OpenAPI 3.0 reads (``openapi_features.yaml``).
    """
    paths = document.get("paths", {})
    served = yaml.safe_load(SERVED_FEATURES.read_text())
    components = document.setdefault("components", {})
    for section in ("responses", "schemas"):
        components.setdefault(section, {}).update(served[section])
    if "/conformance" in paths:
        answer = f"{FEATURES_1}#/components/responses/ConformanceDeclaration"
        paths["/conformance"]["get"]["responses"]["200"] = {"$ref": answer}
    for path, item in paths.items():
        if _TILESET_LIST.match(path) and "get" in item:
            answer = f"{TILES_1}#/components/responses/TileSetsList"
            item["get"]["responses"]["200"] = {"$ref": answer}
        if _ITEMS.match(path) and "get" in item:
            parameters = item["get"].setdefault("parameters", [])
            if not any("datetime" in json.dumps(p) for p in parameters):
                parameters.append({"$ref": f"{FEATURES_1}#/components/parameters/datetime"})
            parameters.append(CURSOR_PARAMETER)
            item["get"]["responses"]["200"] = {"$ref": "#/components/responses/FeaturesServed"}


def _advertise_page_sizes(document: dict[str, Any], limits: dict[str, Any]) -> None:
    """``components/parameters/limit``: where QGIS's OAPIF provider looks for the default
    and maximum page size (pygeoapi writes them only inline, per path, so QGIS fell back
    to pages of 100; with both it asks max(1000, default) up to the maximum)."""
    default, maximum = int(limits.get("default_items", 10)), int(limits.get("max_items", 10))
    document.setdefault("components", {}).setdefault("parameters", {})["limit"] = {
        "name": "limit",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "description": f"Items per page (maximum={maximum}, default={default}).",
        "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
    }


CURSOR_PARAMETER = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "style": "form",
    "explode": False,
    "description": "Where the next page starts: set by the server in `next` links (features "
    "already served, then the last id). Not combined with `offset` or `sortby`.",
    "schema": {"type": "string", "pattern": CURSOR_PATTERN},
}


def _in_one_language(info: dict[str, Any], language: str) -> None:
    """OpenAPI 3.0 wants strings where pygeoapi copies our bilingual texts (the contact's
    name, the terms of service): the site's first language is the document's."""
    for section in (info, info.get("contact", {}), info.get("license", {})):
        for key, value in section.items():
            if isinstance(value, dict) and language in value:
                section[key] = value[language]


def _write_templates(folder: Path) -> None:
    """pygeoapi's base template without its version in the footer."""
    original = (Path(pygeoapi.__file__).parent / "templates" / "_base.html").read_text()
    if _VERSION_IN_FOOTER not in original:  # a pygeoapi upgrade changed the template
        raise RuntimeError("pygeoapi's _base.html changed: review services/pygeoapi/runtime.py")
    write_if_changed(folder / "_base.html", original.replace(_VERSION_IN_FOOTER, ""))
