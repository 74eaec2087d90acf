"""What the viewer page tells the browser: layers from the catalog, URLs, texts.

Built from the layer catalog, the site file (start view) and ``viewer.yaml`` (how layers
are presented); the page embeds it as JSON in a ``<script type="application/json">``
block (never executed, so the CSP allows it).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from geoportal.cadastre.identifiers import PARCEL_ID_PATTERN
from geoportal.catalog import Catalog, Layer
from geoportal.crs import STORAGE_EPSG, proj4, projected_area_of_use
from geoportal.printing.layout import DPI_RANGE, PAPERS, SCALES, TITLE_MAX
from geoportal.publications import Publication
from geoportal.rastercatalog import RasterLayer
from geoportal.site import Site
from geoportal.themes import OTHER, OTHER_TITLE, Theme
from web.formats import scale
from web.language import LOCALES, N_, gettext, texts
from web.viewer.clienttexts import CLIENT_TEXTS
from web.viewer.toolsconfig import tools_config

VIEWER_FILE = Path(__file__).with_name("viewer.yaml")
SUGGESTIONS = 8  # suggestions the search box asks for
CADASTRAL, NO_BASE_MAP = "cadastral", "none"
BASE_MAP_TITLES = {CADASTRAL: N_("base_map_cadastral"), NO_BASE_MAP: N_("base_map_none")}


class Search(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    layer: str
    property: str


class Kiosk(BaseModel):
    """The touch-screen mode: how long without activity before it starts over."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    idle_seconds: int = Field(default=120, ge=10, le=3600)


class ViewerSettings(BaseModel):
    """The contents of ``viewer.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    extent_collection: str
    visible_layers: list[str]
    base_maps: list[str]
    default_base_map: str
    cadastral_layers: list[str]
    info_layers: dict[str, str]
    search: Search
    kiosk: Kiosk = Field(default_factory=Kiosk)


@cache
def viewer_settings() -> ViewerSettings:
    """``viewer.yaml``, validated."""
    return ViewerSettings.model_validate(yaml.safe_load(VIEWER_FILE.read_text(encoding="utf-8")))


def base_maps(
    rasters: list[RasterLayer],
    language: str,
    publications: Sequence[Publication] = (),
    themes: list[Theme] | None = None,
) -> list[dict[str, Any]]:
    """The base maps of ``viewer.yaml`` in switcher order: id, title, the WMTS name of the
    raster or of the publication's base map — None for the cadastral map and for none —,
    the ``/ows`` layers that draw it (a print asks for those), the layers each switches
    on (cadastral) or off (the others), and the title of a raster's theme
    (``themes.yaml``; None for the others), under which the switcher groups it.

    An entry names a raster of ``rasters.yaml`` or a publication of ``publications.yaml``
    with a ``base_map``; one missing there, or a raster not tiled, is left out: the
    switcher offers only what the tile cache serves.
    """
    viewer = viewer_settings()
    by_id = {raster.id: raster for raster in rasters}
    theme_titles = {theme.id: theme.title.in_language(language) for theme in themes or []}
    offered = []
    for base_id in viewer.base_maps:
        found = _base_map(base_id, rasters, publications, language)
        if found is None:
            continue
        title, wms_name, layers, kind = found
        offered.append({
            "id": base_id,
            "title": title,
            "wms_name": wms_name,
            "wms_layers": layers,
            "kind": kind,
            "cadastral_layers": viewer.cadastral_layers if base_id == CADASTRAL else [],
            "theme": _theme_of(by_id.get(base_id), theme_titles),
        })  # fmt: skip
    return offered


def _theme_of(raster: RasterLayer | None, titles: dict[str, str]) -> str | None:
    return titles.get(raster.theme or "") if raster else None


def _base_map(
    base_id: str, rasters: list[RasterLayer], publications: Sequence[Publication], language: str
) -> tuple[str, str | None, list[str], str] | None:
    """(title, WMTS name, /ows layers, kind) of one switcher entry, or None if not served."""
    if base_id in BASE_MAP_TITLES:
        return gettext(BASE_MAP_TITLES[base_id]), None, [], base_id
    raster = next((r for r in rasters if r.id == base_id and r.tiles), None)
    if raster is not None:
        return raster.title.in_language(language), raster.wms_name, [raster.wms_name], raster.kind
    pub = next((p for p in publications if p.key == base_id and p.base_map), None)
    if pub is not None and pub.base_map is not None:
        title = pub.base_map.title.in_language(language)
        return title, pub.base_map.name, pub.ows_layer_names(), "map"
    return None


def start_view(site: Site) -> dict[str, Any] | None:
    """Where the map opens: the site's start view (centre, scale), else None (the extent)."""
    if site.start is None:
        return None
    return {"center": list(site.start.center), "scale": site.start.scale}


def client_config(
    catalog: Catalog,
    site: Site,
    language: str,
    script_root: str,
    rasters: list[RasterLayer] | None = None,
    publications: Sequence[Publication] = (),
    *,
    kiosk: bool = False,
    themes: list[Theme] | None = None,
) -> dict[str, Any]:
    """The JSON configuration of the viewer page (``kiosk``: the touch-screen mode).

    URLs are paths on this origin (under the WSGI script root), never built from the
    Host header; the CSP allows only this origin anyway. The parcel-id pattern is the
    strict rule of ``geoportal.cadastre.identifiers``: the browser checks what a person
    types with it before any request is made.
    """
    viewer = viewer_settings()
    shown = [layer for layer in catalog.layers if layer.services.wms or layer.services.tiles]
    search_layer = catalog.by_id[viewer.search.layer]
    extent_layer = catalog.by_id[viewer.extent_collection]
    return {
        "lang": language,
        "locale": LOCALES[language],
        "strings": texts(CLIENT_TEXTS),
        "projection": {
            "code": f"EPSG:{STORAGE_EPSG}",
            "proj4": proj4(STORAGE_EPSG),
            "extent": list(projected_area_of_use(STORAGE_EPSG)),
        },
        "extent": list(site.extent),
        "start": start_view(site),
        "kiosk": viewer.kiosk.model_dump() if kiosk else None,
        "base_maps": base_maps(rasters or [], language, publications, themes),
        "default_base_map": viewer.default_base_map,
        "cadastral_layers": viewer.cadastral_layers,
        "tools": tools_config(site, gettext, scale),
        "print": {
            "scales": [{"value": value, "label": scale(value)} for value in SCALES],
            "papers": list(PAPERS),
            "dpi": sorted({DPI_RANGE[0], 200, DPI_RANGE[1]}),
            "title_max": TITLE_MAX,
        },
        "urls": {
            "ows": f"{script_root}/ows",
            "wmts_capabilities": f"{script_root}/wmts/1.0.0/WMTSCapabilities.xml",
            "extent_collection": f"{script_root}/ogc/collections/{extent_layer.id}?f=json",
            "print": f"{script_root}/drukuj",
            "history": f"{script_root}/api/historia",
            # the kiosk's reset: back to the default display for the next visitor
            "kiosk_display_reset": f"{script_root}/kiosk/wyglad?kontrast=0&tekst=0",
        },
        "layers": [_layer_config(layer, language, viewer) for layer in shown],
        "themes": layer_tree(shown, themes or [], language),
        "info_layers": [
            layer_id
            for layer_id in viewer.info_layers
            if layer_id in catalog.by_id and catalog.by_id[layer_id].services.wms
        ],
        "search": {
            "layer": search_layer.id,
            "property": viewer.search.property,
            "url": f"{script_root}/ogc/collections/{search_layer.id}/items",
            "pattern": PARCEL_ID_PATTERN,
            "api": f"{script_root}/api/search",
            "limit": SUGGESTIONS,
        },
    }


def layer_tree(layers: list[Layer], themes: list[Theme], language: str) -> list[dict[str, Any]]:
    """The layer tree: the themes that hold a layer, in ``themes.yaml`` order, each with
    its layers top first (highest ``order``). Drawing order follows the tree: the bottom
    theme's bottom layer first. A layer whose theme is not among ``themes`` goes under
    :data:`~geoportal.themes.OTHER`."""
    known = {theme.id for theme in themes}
    by_theme: dict[str, list[str]] = {}
    for layer in reversed(layers):  # the catalog is in drawing order: bottom first
        key = layer.theme if layer.theme in known else OTHER
        by_theme.setdefault(key, []).append(layer.id)
    titles = {theme.id: theme.title.in_language(language) for theme in themes}
    titles.setdefault(OTHER, OTHER_TITLE.in_language(language))
    order = [theme.id for theme in themes if theme.id != OTHER] + [OTHER]
    return [{"id": key, "title": titles[key], "layers": by_theme[key]}
            for key in order if key in by_theme]  # fmt: skip


def _layer_config(layer: Layer, language: str, viewer: ViewerSettings) -> dict[str, Any]:
    return {
        "id": layer.id,
        "wms_name": layer.wms_name,
        "title": getattr(layer.title, language),
        "tiled": layer.services.tiles,
        "wms": layer.services.wms,
        # The MapProxy layer name: the WMS name (KIEG convention), else the id.
        "wmts_names": [layer.wms_name, layer.id],
        "legend": layer.services.wms,
        "visible": layer.id in viewer.visible_layers,
        "min_scale": layer.min_scale,
        "max_scale": layer.max_scale,
        "id_property": viewer.info_layers.get(layer.id),
        "properties": [
            {
                "name": prop.name,
                "alias": prop.alias,
                "type": prop.type,
                "title": getattr(prop.title, language),
            }
            for prop in layer.properties
        ],
    }
