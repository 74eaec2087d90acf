"""Raster layers: Cloud-Optimised GeoTIFFs the map services draw (``layers/rasters.yaml``).

A raster layer names a file in the instance's raster folder (``var/rasters``, filled by
``geoportal etl raster`` or ``geoportal demo rasters``), what it holds, and how it is
published. Like vector layers they are data: the mapfiles and the tile cache are generated
from this file, and the committed configuration names only the file, never its folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from geoportal.catalog import CatalogError
from geoportal.text import Text

RASTERS_FILE = "rasters.yaml"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_FILE = re.compile(r"^[a-z][a-z0-9_-]{0,60}\.tif$")

RasterKind = Literal["orthophoto", "hillshade", "dem"]


class RasterLayer(BaseModel):
    """One raster layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    wms_name: str
    file: str  # a plain file name in the raster folder
    kind: RasterKind
    title: Text
    abstract: Text
    keywords: list[str] = Field(default_factory=list)
    tiles: bool = True  # cached by MapProxy (WMTS, XYZ)
    coverage: bool = False  # its values downloadable by WCS (a DEM; not a picture)
    max_scale: int | None = None
    order: int = 0  # rasters draw beneath every vector layer
    theme: str | None = None  # a key of themes.yaml (geoportal/themes.py)

    @field_validator("id", "wms_name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"{value!r} must match {_NAME.pattern}")
        return value

    @field_validator("file")
    @classmethod
    def _plain_file(cls, value: str) -> str:
        if not _FILE.match(value):
            raise ValueError(f"file {value!r} must be a plain name like orthophoto.tif")
        return value


def load_rasters(folder: Path) -> list[RasterLayer]:
    """The raster layers of ``folder/rasters.yaml`` (none if there is no such file)."""
    path = folder / RASTERS_FILE
    if not path.is_file():
        return []
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ValueError("the file must map raster ids to definitions")
        rasters = [RasterLayer.model_validate({**spec, "id": key}) for key, spec in raw.items()]
    except (yaml.YAMLError, ValidationError, ValueError, TypeError) as exc:
        raise CatalogError(f"{RASTERS_FILE}: {exc}") from exc
    names = [raster.wms_name for raster in rasters]
    if len(names) != len(set(names)):
        raise CatalogError(f"{RASTERS_FILE}: a wms_name is used twice")
    return sorted(rasters, key=lambda raster: (raster.order, raster.id))
