"""Thematic endpoints: named selections of catalog layers, each served on its own URL.

``/ows`` publishes every layer. A county also publishes narrower services — the
cadastre alone, land use, local plans, and the KIEG service whose layer names and
GetFeatureInfo fields GUGiK prescribes — because the national integrations and many
clients are pointed at one theme, not at everything. Each is a *publication*: a key
(its path segment), its own title, the protocols it speaks, and the layers it publishes,
optionally under another name and with a subset of their properties, and the raster
layers (``layers/rasters.yaml``) it draws beneath them.

The definitions are data (``layers/publications.yaml``); a publication's layers are
ordinary :class:`~geoportal.catalog.Layer` values derived from the catalog, so every
generator and check that works on layers works on a publication unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from geoportal.catalog import Catalog, CatalogError, Layer
from geoportal.rastercatalog import RasterLayer
from geoportal.text import Text

PUBLICATIONS_FILE = "publications.yaml"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

Protocol = Literal["wms", "wfs", "wcs"]


class LayerChoice(BaseModel):
    """One catalog layer in a publication: its name there and the properties it keeps."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    layer: str
    name: str | None = None  # the layer's WMS/WFS name in this publication
    properties: list[str] | None = None  # None: all of them, in the catalog's order

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        if value is not None and not _KEY.match(value):
            raise ValueError(f"layer name {value!r} must match {_KEY.pattern}")
        return value


class BaseMap(BaseModel):
    """A publication also offered as a cached base map: MapProxy draws its layers (as
    ``/ows`` draws them) into tiles under ``name``; the viewer's switcher shows ``title``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    title: Text

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(f"base map name {value!r} must match {_KEY.pattern}")
        return value


class PublicationSpec(BaseModel):
    """A publication as written in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Text
    abstract: Text
    keywords: list[str] = Field(default_factory=list)
    protocols: list[Protocol]
    layers: list[LayerChoice] = Field(default_factory=list)
    rasters: list[str] = Field(default_factory=list)  # ids of layers/rasters.yaml
    base_map: BaseMap | None = None


class Publication:
    """A thematic endpoint resolved against the catalog: ``/ows/<key>``."""

    def __init__(
        self,
        key: str,
        spec: PublicationSpec,
        layers: list[Layer],
        rasters: list[RasterLayer],
        catalog_names: dict[str, str] | None = None,
    ):
        self.key = key
        self._catalog_names = catalog_names or {layer.id: layer.wms_name for layer in layers}
        self.title = spec.title
        self.abstract = spec.abstract
        self.keywords = tuple(spec.keywords)
        self.protocols = frozenset(spec.protocols)
        self.layers = layers  # in drawing order
        self.rasters = rasters  # beneath the layers, in their order
        self.base_map = spec.base_map

    def ows_layer_names(self) -> list[str]:
        """The publication's layers by their ``/ows`` names (catalog names), in drawing
        order: what a base map asks ``/ows`` to draw."""
        names = [raster.wms_name for raster in self.rasters]
        return names + [self._catalog_names[layer.id] for layer in self.layers]

    @property
    def catalog(self) -> Catalog:
        """The publication's layers as a catalog of their own."""
        return Catalog(self.layers)


def load_publications(
    folder: Path, catalog: Catalog, rasters: list[RasterLayer] | None = None
) -> list[Publication]:
    """Read ``publications.yaml`` under the layer folder; every name checked."""
    path = folder / PUBLICATIONS_FILE
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ValueError("the file must map publication keys to definitions")
        return [_resolve(key, PublicationSpec.model_validate(spec), catalog, rasters or [])
                for key, spec in raw.items()]  # fmt: skip
    except (yaml.YAMLError, ValidationError, ValueError) as exc:
        raise CatalogError(f"{PUBLICATIONS_FILE}: {exc}") from exc


def _resolve(
    key: str, spec: PublicationSpec, catalog: Catalog, rasters: list[RasterLayer]
) -> Publication:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"publication key {key!r} must match {_KEY.pattern}")
    layers = [_derive(key, choice, spec.protocols, catalog) for choice in spec.layers]
    by_id = {raster.id: raster for raster in rasters}
    unknown = [name for name in spec.rasters if name not in by_id]
    if unknown:
        raise ValueError(f"{key}: no rasters {unknown} in rasters.yaml")
    chosen = [raster for raster in rasters if raster.id in spec.rasters]  # in their order
    if not layers and not chosen:
        raise ValueError(f"{key}: publishes no layer")
    if chosen and "wms" not in spec.protocols:
        raise ValueError(f"{key}: rasters are published by WMS")
    if "wcs" in spec.protocols and not any(raster.coverage for raster in chosen):
        raise ValueError(f"{key}: WCS needs a raster with coverage: true")
    if spec.base_map is not None and "wms" not in spec.protocols:
        raise ValueError(f"{key}: a base map is drawn by WMS")
    names = {layer.id: layer.wms_name for layer in catalog.layers}
    return Publication(key, spec, Catalog(layers).layers, chosen, names)  # drawing order


def _derive(key: str, choice: LayerChoice, protocols: list[Protocol], catalog: Catalog) -> Layer:
    """The catalog layer as this publication shows it (name, properties, protocols)."""
    layer = catalog.by_id.get(choice.layer)
    if layer is None:
        raise ValueError(f"{key}: no layer {choice.layer!r} in the catalog")
    properties = layer.properties
    if choice.properties is not None:
        by_name = {prop.name: prop for prop in layer.properties}
        unknown = [name for name in choice.properties if name not in by_name]
        if unknown:
            raise ValueError(f"{key}: layer {layer.id} has no properties {unknown}")
        properties = [by_name[name] for name in choice.properties]
    services = layer.services.model_copy(
        update={
            "wms": layer.services.wms and "wms" in protocols,
            "wfs": layer.services.wfs and "wfs" in protocols,
        }
    )
    if not (services.wms or services.wfs):
        raise ValueError(f"{key}: layer {layer.id} is published by none of {protocols}")
    return layer.model_copy(
        update={
            "wms_name": choice.name or layer.wms_name,
            "properties": properties,
            "services": services,
        }
    )
