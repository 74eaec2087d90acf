"""pygeoapi configuration generated from the layer catalog (``config/pygeoapi-config.yml``).

One collection per layer with ``services.ogcapi``, served by our PostGIS provider
(``services.providers.postgis``). The output is committed and checked for drift, so it
holds nothing machine-specific: the database is a libpq service name, and ``server.url``
is a placeholder that ``services/pygeoapi/app.py`` replaces at run time with
``settings.base_url + "/ogc"``. It is emitted with ``yaml.safe_dump`` from small dicts
rather than a text template, so Polish titles with colons or quotes are always valid YAML.
"""

from __future__ import annotations

import math
from typing import Any

import pyproj
import yaml

from geoportal.catalog import Catalog, Layer
from geoportal.db import service_name
from geoportal.settings import Settings
from services.configgen.mapfile import COUNTY_EXTENT
from services.providers.crs import served_uris, storage_uri

PLACEHOLDER_ROOT = "http://127.0.0.1:8000"
MOUNT = "/ogc"
PROVIDER = "services.providers.postgis.PublishViewProvider"
DEFAULT_ITEMS = 100  # GDAL's OAPIF driver reads the maximum from the OpenAPI document
MAX_ITEMS = 10_000
HEADER = (
    "# Generated from layers/*/layer.yaml by services/configgen/pygeoapi.py: do not edit.\n"
    f"# server.url and metadata URLs ({PLACEHOLDER_ROOT}) are replaced at run time.\n"
)
IDENTIFICATION = {
    "title": {
        "pl": "Geoportal powiatowy – OGC API Features (EGiB, MPZP)",
        "en": "County geoportal – OGC API Features (cadastre, local plans)",
    },
    "description": {
        "pl": "Działki, budynki, obręby, użytki i plany miejscowe powiatu łaskiego "
        "(dane demonstracyjne). Bez danych osobowych.",
        "en": "Parcels, buildings, districts, land use and local plans of Łask county "
        "(demo data). No personal data.",
    },
    "keywords": {
        "pl": ["EGiB", "KIEG", "MPZP", "działki", "budynki", "powiat łaski"],
        "en": ["cadastre", "parcels", "buildings", "spatial planning", "Łask county"],
    },
    "keywords_type": "theme",
    "terms_of_service": {
        "pl": "Dane publiczne EGiB (art. 24 ust. 2 PGiK) i MPZP, bez danych osobowych.",
        "en": "Public cadastral (EGiB) and planning data, without personal data.",
    },
}
LICENSE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
PROVIDER_ORG = {
    "name": {
        "pl": "Starostwo Powiatowe w Łasku (demonstracja)",
        "en": "Łask County Office (demonstration)",
    },
    "url": PLACEHOLDER_ROOT + "/",
}
CONTACT = {
    "name": "Starostwo Powiatowe w Łasku – geodezja i kartografia",
    "city": "Łask",
    "stateorprovince": "łódzkie",
    "country": "Polska",
    "url": PLACEHOLDER_ROOT + "/",
    "role": "pointOfContact",
}
_SCHEMA_TYPES = {"string", "integer", "number", "date", "datetime"}


def build_pygeoapi_config(catalog: Catalog, settings: Settings) -> str:
    """The pygeoapi configuration text for the catalog (deterministic)."""
    document = {
        "server": _server(),
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {**IDENTIFICATION, "url": PLACEHOLDER_ROOT + "/"},
            "license": LICENSE,
            "provider": PROVIDER_ORG,
            "contact": CONTACT,
        },
        "resources": {
            layer.id: _collection(layer, service_name(settings, "public"))
            for layer in catalog.for_service("ogcapi")
        },
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _server() -> dict[str, Any]:
    return {
        "bind": {"host": "127.0.0.1", "port": 8000},  # unused: the geoportal serves it
        "url": PLACEHOLDER_ROOT + MOUNT,
        "mimetype": "application/json; charset=UTF-8",
        "encoding": "utf-8",
        "gzip": False,
        "languages": ["pl", "en"],
        "pretty_print": False,
        "admin": False,
        "limits": {"default_items": DEFAULT_ITEMS, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
        "map": {
            # Our own cached tiles, relative to the page: no third-party tile server.
            "url": "/tiles/mapa_ewidencyjna/GLOBAL_WEBMERCATOR/{z}/{x}/{y}.png?origin=nw",
            "attribution": "Starostwo Powiatowe (dane demonstracyjne)",
        },
    }


def _collection(layer: Layer, service: str) -> dict[str, Any]:
    return {
        "type": "collection",
        "title": layer.title.model_dump(),
        "description": layer.abstract.model_dump(),
        "keywords": list(layer.keywords),
        "extents": {"spatial": {"bbox": county_bbox_crs84(), "crs": served_uris()[0]}},
        "providers": [_provider(layer, service)],
    }


def _provider(layer: Layer, service: str) -> dict[str, Any]:
    fields = {prop.name: prop.type for prop in layer.properties}
    if not set(fields.values()) <= _SCHEMA_TYPES:
        raise ValueError(f"{layer.id}: property type not supported by the provider")
    return {
        "type": "feature",
        "name": PROVIDER,
        "data": {"service": service, "schema": "publish", "view": layer.view, "fields": fields},
        "id_field": layer.id_column,
        "geom_field": "geom",
        "title_field": _title_field(layer),
        "storage_crs": storage_uri(),
        "crs": served_uris(),
    }


def _title_field(layer: Layer) -> str:
    """The label shown in HTML lists: the map label if it is a property, else the first."""
    names = layer.property_names()
    return layer.style.label_column if layer.style.label_column in names else names[0]


def county_bbox_crs84() -> list[float]:
    """The county extent (EPSG:2180) in CRS84, rounded outward to 0.01 degree."""
    west, south, east, north = pyproj.Transformer.from_crs(
        2180, 4326, always_xy=True
    ).transform_bounds(*COUNTY_EXTENT, densify_pts=21)
    return [
        math.floor(west * 100) / 100,
        math.floor(south * 100) / 100,
        math.ceil(east * 100) / 100,
        math.ceil(north * 100) / 100,
    ]
