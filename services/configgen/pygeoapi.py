"""pygeoapi configuration generated from the layers and the site (``pygeoapi-config.yml``).

One collection per layer with ``services.ogcapi``, served by our PostGIS provider
(``services.providers.postgis``), with vector tiles (``services.providers.mvt``) when
the layer is tiled. The output is committed and checked for drift, so it
holds nothing machine-specific: the database is a role name, and ``server.url``
is a placeholder that ``services/pygeoapi/app.py`` replaces at run time with
``settings.base_url + "/ogc"``. It is emitted with ``yaml.safe_dump`` from small dicts
rather than a text template, so Polish titles with colons or quotes are always valid YAML.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from geoportal.catalog import Layer
from geoportal.rastercatalog import RasterLayer
from geoportal.site import Site
from geoportal.text import Text
from services.configgen.metadata import service_metadata
from services.configgen.sources import Sources
from services.processes import PROCESSES
from services.providers.crs import served_uris, storage_uri

PLACEHOLDER_ROOT = "http://127.0.0.1:8000"
MOUNT = "/ogc"
PROVIDER = "services.providers.postgis.PublishViewProvider"
TILE_PROVIDER = "services.providers.mvt.PublishViewTileProvider"
RECORDS = "metadane"
RECORD_PROVIDER = "services.providers.records.MetadataRecordProvider"
MAP_PROVIDER = "services.providers.maps.MapServerMapProvider"
PLACEHOLDER_RECORDS = "RECORDS_FILE"  # the run-time records.json (services/records.py)
# OGC WebMercatorQuad scale denominator of level 0 at the equator (0.28 mm pixels); at
# latitude φ a level's true scale is this × cos φ / 2^z.
WEBMERCATOR_SCALE_0 = 559_082_264.028_717_8
TILE_MIN_ZOOM = 8  # a layer drawn at every scale: the whole county at level 8-9
TILE_MAX_ZOOM = 16  # ~1:5,000 here; clients draw deeper levels from level 16 tiles
DEFAULT_ITEMS = 1000  # and the least a JSON next link asks (GDAL 3.6 asks limit=10)
MAX_ITEMS = 10_000
HEADER = (
    "# Generated from layers/*/layer.yaml and site.yaml by services/configgen/pygeoapi.py:\n"
    f"# do not edit. server.url and metadata URLs ({PLACEHOLDER_ROOT}) are replaced at run time.\n"
)
SERVICE = Text(pl="OGC API Features (EGiB, MPZP)", en="OGC API Features (cadastre, local plans)")
TERMS = Text(
    pl="Dane publiczne EGiB (art. 24 ust. 2 PGiK) i MPZP, bez danych osobowych.",
    en="Public cadastral (EGiB) and planning data, without personal data.",
)
_SCHEMA_TYPES = {"string", "integer", "number", "date", "datetime"}


def build_pygeoapi_config(sources: Sources) -> str:
    """The pygeoapi configuration text for the catalog and the site (deterministic)."""
    site = sources.site
    document = {
        "server": _server(site),
        "logging": {"level": "ERROR"},
        "metadata": _metadata(site),
        "resources": {
            **{
                layer.id: _collection(layer, site)
                for layer in sources.catalog.for_service("ogcapi")
            },
            **{raster.id: _raster_collection(raster, site) for raster in sources.rasters},
            RECORDS: _records(site),
            **{
                name: {"type": "process", "processor": {"name": dotted}}
                for name, dotted in PROCESSES.items()
            },
        },
    }
    return HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _metadata(site: Site) -> dict[str, Any]:
    service = service_metadata(site, SERVICE)
    licence = site.data.licence
    return {
        "identification": {
            "title": service.title.model_dump(),
            "description": service.abstract.model_dump(),
            "keywords": {"pl": list(service.keywords), "en": list(service.keywords)},
            "keywords_type": "theme",
            "terms_of_service": TERMS.model_dump(),
            "url": PLACEHOLDER_ROOT + "/",
        },
        "license": {"name": licence.name, "url": licence.url},
        "provider": {
            "name": site.organ.office.model_dump(),
            "url": PLACEHOLDER_ROOT + "/",
            "email": site.contact.email,  # OpenAPI info.contact.email
        },
        "contact": _contact(site),
    }


def _contact(site: Site) -> dict[str, Any]:
    contact, address = site.contact, site.organ.address
    entry = {
        "name": f"{site.organ.office.pl} – {contact.unit.pl}",
        "position": contact.position.pl,
        "address": address.street,
        "city": address.city,
        "stateorprovince": site.county.voivodeship.pl,
        "postalcode": address.postcode,
        "country": address.country.pl,
        "email": contact.email,
        "url": PLACEHOLDER_ROOT + "/",
        "role": "pointOfContact",
    }
    if contact.phone:
        entry["phone"] = contact.phone
    if contact.hours:
        entry["hours"] = contact.hours.pl
    return entry


def _server(site: Site) -> dict[str, Any]:
    return {
        "bind": {"host": "127.0.0.1", "port": 8000},  # unused: the geoportal serves it
        "url": PLACEHOLDER_ROOT + MOUNT,
        "mimetype": "application/json; charset=UTF-8",
        "encoding": "utf-8",
        "gzip": False,
        "languages": list(site.languages),
        "pretty_print": False,
        "admin": False,
        "limits": {"default_items": DEFAULT_ITEMS, "max_items": MAX_ITEMS, "on_exceed": "throttle"},
        "map": {
            # Our own cached tiles, relative to the page: no third-party tile server.
            "url": "/tiles/mapa_ewidencyjna/GLOBAL_WEBMERCATOR/{z}/{x}/{y}.png?origin=nw",
            "attribution": site.data.attribution.pl,
        },
    }


def _collection(layer: Layer, site: Site) -> dict[str, Any]:
    return {
        "type": "collection",
        "title": layer.title.model_dump(),
        "description": layer.abstract.model_dump(),
        "keywords": list(layer.keywords),
        "extents": {"spatial": {"bbox": list(site.lonlat_extent), "crs": served_uris()[0]}},
        "providers": [
            _provider(layer),
            *([_tile_provider(layer, site)] if layer.services.tiles else []),
            *([_map_provider(layer.wms_name)] if layer.services.wms else []),
        ],
    }


def _raster_collection(raster: RasterLayer, site: Site) -> dict[str, Any]:
    """A raster is a collection with a map only (its values: WCS at ``/ows/nmt``)."""
    return {
        "type": "collection",
        "title": raster.title.model_dump(),
        "description": raster.abstract.model_dump(),
        "keywords": list(raster.keywords),
        "extents": {"spatial": {"bbox": list(site.lonlat_extent), "crs": served_uris()[0]}},
        "providers": [_map_provider(raster.wms_name)],
    }


def _map_provider(wms_name: str) -> dict[str, Any]:
    """OGC API – Maps of a layer, drawn by ``/ows`` (``services/pygeoapi/maps.py``)."""
    return {"type": "map", "name": MAP_PROVIDER, "data": wms_name,
            "format": {"name": "png", "mimetype": "image/png"}}  # fmt: skip


def _provider(layer: Layer) -> dict[str, Any]:
    fields = {prop.name: prop.type for prop in layer.properties}
    if not set(fields.values()) <= _SCHEMA_TYPES:
        raise ValueError(f"{layer.id}: property type not supported by the provider")
    return {
        "type": "feature",
        "name": PROVIDER,
        "data": {"role": "public", "schema": "publish", "view": layer.view, "fields": fields},
        "id_field": layer.id_column,
        "geom_field": "geom",
        "title_field": _title_field(layer),
        "storage_crs": storage_uri(),
        "crs": served_uris(),
    }


def _records(site: Site) -> dict[str, Any]:
    """The discovery metadata (``services/records.py``) as OGC API Records."""
    return {
        "type": "collection",
        "itemType": "record",
        "title": {"pl": "Metadane danych i usług", "en": "Metadata of the data and services"},
        "description": {
            "pl": "Rekordy metadanych każdego zbioru danych i każdej usługi portalu.",
            "en": "Metadata records of every dataset and every service of the portal.",
        },
        "keywords": ["metadane", "metadata", "katalog"],
        "extents": {"spatial": {"bbox": list(site.lonlat_extent), "crs": served_uris()[0]}},
        "providers": [{
            "type": "record", "name": RECORD_PROVIDER, "data": PLACEHOLDER_RECORDS,
            "id_field": "id", "title_field": "title",
        }],
    }  # fmt: skip


def _tile_provider(layer: Layer, site: Site) -> dict[str, Any]:
    """Vector tiles of the same view, from the level at which the layer is drawn."""
    feature = _provider(layer)
    return {
        "type": "tile",
        "name": TILE_PROVIDER,
        "data": feature["data"],
        "id_field": feature["id_field"],
        "geom_field": feature["geom_field"],
        "options": {
            "zoom": {"min": min_zoom(layer.max_scale, site), "max": TILE_MAX_ZOOM},
            "schemes": ["WebMercatorQuad"],
        },
        "format": {"name": "pbf", "mimetype": "application/vnd.mapbox-vector-tile"},
    }


def min_zoom(max_scale: int | None, site: Site) -> int:
    """The first WebMercatorQuad level whose true scale over the county is 1:max_scale or
    larger, so the tiles start where the maps (WMS, WMTS) start drawing the layer."""
    if max_scale is None:
        return TILE_MIN_ZOOM
    west, south, east, north = site.lonlat_extent
    cos_lat = math.cos(math.radians((south + north) / 2))
    return max(TILE_MIN_ZOOM, math.ceil(math.log2(WEBMERCATOR_SCALE_0 * cos_lat / max_scale)))


def _title_field(layer: Layer) -> str:
    """The label shown in HTML lists: the map label if it is a property, else the first."""
    names = layer.property_names()
    return layer.style.label_column if layer.style.label_column in names else names[0]
