"""MapProxy configuration generated from the layer catalog and the site (``mapproxy.yaml``).

One combined base map (every layer with ``services.tiles``, in drawing order), one per
publication that is a base map (``base_map`` in ``layers/publications.yaml``: its layers as
``/ows`` draws them, e.g. the topographic map), and one cache per tiled layer and per
tiled raster (``layers/rasters.yaml``, as JPEG), each in
two grids: PL-1992 (EPSG:2180) for Polish GIS clients and GLOBAL_WEBMERCATOR for web maps.
Tiles come from our MapServer over HTTP (a ``wms`` source), which renders them
byte-identical to ``/ows`` and twice as fast as MapProxy's CGI ``mapserver`` source. File
caches with 4x4 metatiles: SQLite-based caches lock under concurrent seeding. Every
source covers the site's extent only: the layers' extents in the capabilities are the
county, not Poland, and nothing outside it is requested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geoportal.catalog import Layer
from geoportal.publications import Publication
from geoportal.rastercatalog import RasterLayer
from geoportal.text import Text
from services.configgen.mapfile import SRS
from services.configgen.metadata import service_metadata
from services.configgen.sources import Sources
from services.configgen.templating import render

TILE_SERVICE = Text(pl="kafelki WMTS/TMS (EGiB, MPZP)", en="WMTS/TMS tiles (cadastre, local plans)")
BASE_LAYER = "mapa_ewidencyjna"
BASE_TITLE = {"pl": "Mapa ewidencyjna (wszystkie warstwy)", "en": "Cadastral map (all layers)"}
PNG = "image/png"
RASTER_FORMAT = "image/jpeg"  # photographs and shading: a third of PNG's size, no alpha needed
GRID_2180 = "PL1992"
WEBMERCATOR = "GLOBAL_WEBMERCATOR"
GRIDS = [GRID_2180, WEBMERCATOR]
# An 800 km square over Poland (EPSG:2180 area of use is about x 145-877 km,
# y 125-908 km); level 0 is one 256 px tile (3125 m/px), each level halves it down to
# level 15 (0.095 m/px), finer than any cadastral map scale.
GRID_BBOX = [100000, 100000, 900000, 900000]
GRID_LEVELS = 16
# Placeholders: app.py replaces them at run time (settings.cache_dir, our /ows URL).
PLACEHOLDER_CACHE_DIR = "CACHE_DIR"
PLACEHOLDER_OWS_URL = "http://localhost/ows"


def grid_resolutions() -> list[float]:
    """Resolutions (m/px) of the PL1992 grid, from one tile over Poland down by halves."""
    top = (GRID_BBOX[2] - GRID_BBOX[0]) / 256
    return [top / 2**level for level in range(GRID_LEVELS)]


def build_mapproxy(sources: Sources) -> str:
    """The complete mapproxy.yaml text."""
    tiled = sources.catalog.for_service("tiles")
    if not tiled:
        raise ValueError("no layer is published as tiles")
    rasters = [raster for raster in sources.rasters if raster.tiles]
    maps = [pub for pub in sources.publications if pub.base_map is not None]
    names = [BASE_LAYER, *(layer.wms_name for layer in tiled), *(r.wms_name for r in rasters)]
    _check_base_map_names(maps, names)
    formats = {raster.wms_name: RASTER_FORMAT for raster in rasters}
    ows = [_source(BASE_LAYER, [layer.wms_name for layer in tiled], PNG)]
    ows += [_source(name, [name], formats.get(name, PNG)) for name in names[1:]]
    ows += [_source(_name(pub), pub.ows_layer_names(), PNG) for pub in maps]
    layers = [_base_layer(tiled), *map(_tile_layer, tiled), *map(_tile_layer, rasters),
              *map(_publication_layer, maps)]  # fmt: skip
    caches = [{"name": layer["cache"], "source": "ows_" + layer["name"],
               "format": formats.get(layer["name"], PNG)} for layer in layers]  # fmt: skip
    site = sources.site
    return render(
        "mapproxy.yaml.j2",
        service=service_metadata(site, TILE_SERVICE),
        organ=site.organ,
        contact=site.contact,
        coverage=[round(value) for value in site.extent],
        wms_srs=list(SRS),
        grid={"name": GRID_2180, "bbox": GRID_BBOX, "res": grid_resolutions(),
              "comment": "PL-1992, 800 km square over Poland, levels 0-15: 3125 to 0.095 m/px"},
        grids=GRIDS,
        sources=ows,
        caches=caches,
        layers=layers,
        placeholder_cache_dir=PLACEHOLDER_CACHE_DIR,
        placeholder_ows_url=PLACEHOLDER_OWS_URL,
    )  # fmt: skip


def cache_name(layer_name: str) -> str:
    """Name of the cache behind a MapProxy layer (``dzialki`` → ``dzialki_cache``)."""
    return f"{layer_name}_cache"


def _base_layer(tiled: list[Layer]) -> dict[str, Any]:
    names = ", ".join(layer.title.pl for layer in tiled)
    return {
        "name": BASE_LAYER,
        "title": BASE_TITLE["pl"],
        "abstract": f"Wszystkie warstwy kafelkowane w jednej mapie: {names}.",
        "cache": cache_name(BASE_LAYER),
    }


def publication_base_maps(publications: Sequence[Publication]) -> list[str]:
    """The MapProxy layer names of the publications offered as base maps."""
    return [_name(pub) for pub in publications if pub.base_map is not None]


def _name(publication: Publication) -> str:
    assert publication.base_map is not None
    return publication.base_map.name


def _check_base_map_names(maps: list[Publication], taken: list[str]) -> None:
    seen = set(taken)
    for pub in maps:
        if _name(pub) in seen:
            raise ValueError(f"{pub.key}: base map name {_name(pub)!r} is already a tile layer")
        seen.add(_name(pub))


def _publication_layer(publication: Publication) -> dict[str, Any]:
    assert publication.base_map is not None
    return {
        "name": _name(publication),
        "title": publication.base_map.title.pl,
        "abstract": publication.abstract.pl,
        "cache": cache_name(_name(publication)),
    }


def _source(name: str, layers: list[str], image_format: str) -> dict[str, Any]:
    return {"name": "ows_" + name, "layers": layers, "format": image_format}


def _tile_layer(layer: Layer | RasterLayer) -> dict[str, Any]:
    return {
        "name": layer.wms_name,
        "title": layer.title.pl,
        "abstract": layer.abstract.pl,
        "cache": cache_name(layer.wms_name),
    }
