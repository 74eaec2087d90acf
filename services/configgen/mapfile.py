"""MapServer mapfile generated from the layer catalog and the site (``geoportal.map``).

The catalog is engine-neutral (titles, properties with their KIEG aliases, style) and the
site names the county; this module turns both into the context of ``mapfile.map.j2``.
Everything that differs between machines stays out of the output: the database is a libpq
service name, the online resource URL is set per request, relative paths point next to the
run-time copy.
"""

from __future__ import annotations

import re
from typing import Any

from geoportal.catalog import Layer, Style, StyleClass
from geoportal.publications import Publication
from geoportal.rastercatalog import RasterLayer
from geoportal.text import Text
from services.configgen.metadata import ServiceMetadata, service_metadata
from services.configgen.sources import Sources
from services.configgen.templating import mapfile_string, render

# PUWG 1992 first (the storage CRS), the four PL-2000 zones, WGS84 and ETRS89, web
# mercator; CRS84 last (WFS cannot take it, see below).
SRS = ("EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179", "EPSG:4326",
       "EPSG:4258", "EPSG:3857", "CRS:84")  # fmt: skip
# MapServer 8.0 advertises CRS84 in WFS 2.0 but rejects it as SRSNAME: not listed.
WFS_SRS = SRS[:-1]
MAX_SIZE = 4096
MAX_FEATURES = 10_000  # WFS CountDefault: GDAL and QGIS page with it
PUBLICATION_FOLDER = "mapfiles"  # beside geoportal.map: one mapfile per publication
FONT = "dejavu"  # name in the run-time fontset (DejaVu Sans from fonts-dejavu-core)
SERVICE = Text(pl="usługi WMS/WFS (EGiB, MPZP)", en="WMS/WFS services (cadastre, local plans)")
_GEOMETRY = {
    "polygon": ("POLYGON", "multipolygon", 0),
    "line": ("LINE", "multilinestring", 3),
    "point": ("POINT", "point", 6),
}
# How each kind of raster is drawn: averaged when shown smaller than its pixels (the
# COG's overviews do most of it), its nodata transparent.
RASTER_PROCESSING = {
    "orthophoto": ("RESAMPLE=AVERAGE",),
    "hillshade": ("RESAMPLE=BILINEAR", "NODATA=0"),
    "dem": ("RESAMPLE=BILINEAR", "NODATA=-9999"),
}
# Hypsometric colours of the DEM: lowland green to upland sand (m a.s.l., Łódź lowland
# lies between 100 and 300 m), as (from, to, colour from, colour to).
DEM_RAMP = (
    (0, 150, "#3c8c50", "#a0c878"),
    (150, 200, "#a0c878", "#e6dc96"),
    (200, 300, "#e6dc96", "#c8a064"),
    (300, 2500, "#c8a064", "#ffffff"),
)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_COLUMN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def build_mapfile(sources: Sources) -> str:
    """The complete mapfile of ``/ows``: every layer published by WMS or WFS."""
    layers = [layer for layer in sources.catalog.layers if layer.services.wms or layer.services.wfs]
    metadata = service_metadata(sources.site, SERVICE)
    return _mapfile(
        sources, "geoportal", layers, metadata, frozenset({"wms", "wfs"}), list(sources.rasters)
    )


def build_publication_mapfile(sources: Sources, publication: Publication) -> str:
    """The mapfile of one thematic endpoint (``/ows/<key>``)."""
    metadata = service_metadata(
        sources.site,
        publication.title,
        publication.abstract,
        publication.keywords,
    )
    return _mapfile(
        sources, f"geoportal_{publication.key}", publication.layers, metadata,
        publication.protocols, publication.rasters,
    )  # fmt: skip


def publication_mapfile_name(key: str) -> str:
    """Where a publication's mapfile is written, relative to the configuration folder."""
    return f"{PUBLICATION_FOLDER}/{key}.map"


def _mapfile(
    sources: Sources,
    name: str,
    layers: list[Layer],
    metadata: ServiceMetadata,
    protocols: frozenset[str],
    rasters: list[RasterLayer],
) -> str:
    site = sources.site
    return render(
        "mapfile.map.j2",
        name=name,
        extent=[_num(value) for value in site.extent],
        max_size=MAX_SIZE,
        max_features=MAX_FEATURES,
        srs=SRS,
        wfs_srs=WFS_SRS,
        service=metadata,
        protocols=protocols,
        organ=site.organ,
        contact=site.contact,
        voivodeship=site.county.voivodeship,
        connection=f"service={sources.public_service}",
        layers=[layer_context(layer) for layer in layers],
        rasters=[raster_context(raster) for raster in rasters],
    )


def layer_context(layer: Layer) -> dict[str, Any]:
    """Template context of one LAYER block."""
    ms_type, gml_type, tolerance = _GEOMETRY[layer.geometry_type]
    return {
        "source": f"layers/{layer.folder.name}",
        "name": layer.wms_name,
        "type": ms_type,
        "title": layer.title,
        "abstract": layer.abstract,
        "keywords": layer.keywords,
        "data": f"geom FROM {layer.qualified_view} USING UNIQUE {layer.id_column} USING SRID=2180",
        "id_column": layer.id_column,
        "fields": layer.property_names(),
        "aliases": [(prop.name, prop.alias) for prop in layer.properties if prop.alias],
        "as_text": [prop.name for prop in layer.properties if prop.type in ("date", "datetime")],
        "wms_requests": "*" if layer.services.wms else "!*",
        "wfs_requests": "*" if layer.services.wfs else "!*",
        "min_scale": layer.min_scale,
        "max_scale": layer.max_scale,
        "label_item": _column(layer.style.label_column) if layer.style.label_column else None,
        "label": label_block(layer.style),
        "classes": classes(layer),
        "gml_geom_type": gml_type,
        "tolerance": tolerance,
    }


def raster_context(raster: RasterLayer) -> dict[str, Any]:
    """Template context of one raster LAYER block (its file is found through SHAPEPATH,
    which the render process sets to the instance's raster folder)."""
    return {
        "source": f"layers/rasters.yaml#{raster.id}",
        "name": raster.wms_name,
        "title": raster.title,
        "abstract": raster.abstract,
        "keywords": raster.keywords,
        "file": raster.file,
        "max_scale": raster.max_scale,
        "processing": RASTER_PROCESSING[raster.kind],
        "coverage": raster.coverage,
        "ramp": DEM_RAMP if raster.kind == "dem" else None,
    }


def classes(layer: Layer) -> list[dict[str, Any]]:
    """CLASS blocks: thematic classes, then an unnamed catch-all drawn with the stroke.

    The catch-all keeps features with a value outside every class on the map (without a
    legend entry) instead of dropping them silently.
    """
    style = layer.style
    result = [
        {
            "name": cls.name,
            "expression": class_expression(cls),
            "styles": symbolizers(layer, cls.fill, cls.stroke, cls.stroke_width),
        }
        for cls in style.classes
    ]
    name = None if style.classes else layer.title
    result.append({"name": name, "expression": None, "styles": symbolizers(layer, style.fill)})
    return result


def class_expression(cls: StyleClass) -> str:
    """MapServer list expression ``("[column]" IN "a,b")``; values must not break it."""
    for value in cls.values:
        if not value or any(char in value for char in ',"\\\n'):
            raise ValueError(f"class value {value!r} cannot be used in a mapfile list")
    return f'("[{_column(cls.column)}]" IN {mapfile_string(",".join(cls.values))})'


def symbolizers(
    layer: Layer, fill: str | None, stroke: str | None = None, width: float | None = None
) -> list[list[tuple[str, str]]]:
    """STYLE blocks (lists of keyword/value pairs) for a geometry type and fill colour;
    a class's own ``stroke``/``width`` replace the layer's."""
    style = layer.style.model_copy(
        update={"stroke": stroke or layer.style.stroke,
                "stroke_width": width or layer.style.stroke_width}
    )  # fmt: skip
    if layer.geometry_type == "point":
        if not style.point_size:
            return []  # label-only layer (parcel numbers)
        return [[("SYMBOL", '"circle"'), ("SIZE", _num(style.point_size)),
                 ("COLOR", _color(fill or style.stroke or "#000000"))]]  # fmt: skip
    blocks: list[list[tuple[str, str]]] = []
    if fill and layer.geometry_type == "polygon":
        blocks.append([("COLOR", _color(fill)), ("OPACITY", str(style.fill_opacity))])
    if style.stroke:
        key = "OUTLINECOLOR" if layer.geometry_type == "polygon" else "COLOR"
        blocks.append([(key, _color(style.stroke)), ("WIDTH", _num(style.stroke_width))])
    return blocks


def label_block(style: Style) -> list[tuple[str, str]] | None:
    """LABEL keywords: DejaVu from the fontset, halo as an outline, no cut labels."""
    if not style.label_column:
        return None
    pairs = [
        ("FONT", mapfile_string(FONT)),
        ("SIZE", _num(style.label_size)),
        ("COLOR", _color(style.label_color)),
    ]
    if style.label_halo:
        pairs += [("OUTLINECOLOR", _color(style.label_halo)), ("OUTLINEWIDTH", "2")]
    pairs += [("POSITION", "CC"), ("PARTIALS", "FALSE"), ("BUFFER", "2")]
    return pairs


def _color(value: str) -> str:
    if not _COLOR.match(value):
        raise ValueError(f"colour {value!r} must be #rrggbb")
    return mapfile_string(value.lower())


def _column(name: str) -> str:
    if not _COLUMN.match(name):
        raise ValueError(f"column name {name!r} is not a plain identifier")
    return name


def _num(value: float) -> str:
    return f"{value:g}"
