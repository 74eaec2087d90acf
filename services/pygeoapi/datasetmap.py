"""OGC API – Maps dataset map (``/ogc/map``): what it draws and how the landing page names it.

The map is the county's default map: every collection with a map, in the catalog's drawing
order (``order`` in ``layers/*/layer.yaml``, lower first), above one raster as the ground.
Each raster covers the whole county opaquely (the viewer offers them as alternative base
maps), so of the rasters only the first in ``layers/rasters.yaml``'s order is drawn: a
second would hide it. Drawn like a collection's map (``services.pygeoapi.maps``).

Requirement ids are those of OGC 20-058 (``/req/dataset-map/...``): the landing page links
the map and describes the dataset's extent and CRSs.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from geoportal.catalog import Catalog
from geoportal.rastercatalog import RasterLayer
from geoportal.text import Text
from services.providers.bbox import Envelope
from services.providers.crs import CRS84, served_crs, served_uris, storage_uri
from services.pygeoapi.mapquery import MEDIA_TYPES
from services.pygeoapi.mapsubset import transformed

MAP_REL = "http://www.opengis.net/def/rel/ogc/1.0/map"
TITLE = Text(pl="Mapa powiatu: wszystkie warstwy", en="Map of the county: every layer")


def dataset_collections(
    catalog: Catalog, rasters: list[RasterLayer], mapped: Collection[str]
) -> tuple[str, ...]:
    """The collections of the dataset map among those ``mapped``, bottom first."""
    ground = [raster.id for raster in sorted(rasters, key=lambda r: (r.order, r.id))
              if raster.id in mapped][:1]  # fmt: skip
    return (*ground, *(layer.id for layer in catalog.layers if layer.id in mapped))


def landing_additions(server_url: str, extent: Envelope, language: str) -> dict[str, Any]:
    """What the landing page adds for the dataset map: its links (/req/dataset-map/
    landingpage), the extent (desc-extent) and the CRSs (desc-crs)."""
    crs84 = served_crs(CRS84)
    assert crs84 is not None  # CRS84 is always served
    title = TITLE.in_language(language)
    links = [
        {"rel": MAP_REL, "type": media, "title": f"{title} ({fmt.upper()})",
         "href": f"{server_url}/map" + ("" if fmt == "png" else f"?f={fmt}")}
        for fmt, media in MEDIA_TYPES.items()
    ]  # fmt: skip
    spatial = {
        "bbox": [[round(value, 6) for value in transformed(extent, crs84)]],
        "crs": CRS84,
        "storageCrsBbox": [_in_axis_order(extent)],
    }
    return {"links": links, "extent": {"spatial": spatial}, "crs": served_uris(),
            "storageCrs": storage_uri()}  # fmt: skip


def with_dataset_map(document: dict[str, Any], additions: dict[str, Any]) -> dict[str, Any]:
    """The landing page document with ``additions`` (links appended, the rest set)."""
    links = [*document.get("links", []), *additions["links"]]
    return {**document, **{k: v for k, v in additions.items() if k != "links"}, "links": links}


def _in_axis_order(area: Envelope) -> list[float]:
    """An envelope as its CRS orders the axes (EPSG:2180: northing first), as the extent
    schema numbers them ("coordinate axis 1", "axis 2")."""
    if area.crs.northing_first:
        return [area.ymin, area.xmin, area.ymax, area.xmax]
    return [area.xmin, area.ymin, area.xmax, area.ymax]
