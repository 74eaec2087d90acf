"""The layer catalog: one folder per layer under ``layers/``.

A folder holds ``layer.yaml`` (what the layer is and which services publish it) and
``view.sql`` (the SELECT behind ``publish.<view>``). The engine configurations are
generated from this catalog, so adding a layer means adding a folder.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from geoportal.text import Text

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_DATA_TABLE = re.compile(r"\bdata\.([a-z_][a-z0-9_]*)\b")


class Property(BaseModel):
    """An attribute a layer exposes; ``alias`` is its name in national specs (KIEG)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    type: Literal["string", "integer", "number", "date", "datetime"] = "string"
    title: Text
    alias: str | None = None

    @field_validator("name")
    @classmethod
    def _safe_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"property name {value!r} must match {_NAME.pattern}")
        return value


class Services(BaseModel):
    """Which services publish the layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    wms: bool = True
    wfs: bool = True
    ogcapi: bool = True
    tiles: bool = True


class StyleClass(BaseModel):
    """A thematic class: features whose ``column`` is in ``values`` get this fill (areas)
    or this stroke (lines: a road class's colour and width)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: Text
    column: str
    values: list[str]
    fill: str | None = None
    stroke: str | None = None
    stroke_width: float | None = None


class Style(BaseModel):
    """Cartography, engine-neutral; the mapfile generator turns it into CLASS/STYLE."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    stroke: str | None = None
    stroke_width: float = 1.0
    fill: str | None = None
    fill_opacity: int = 100
    label_column: str | None = None
    label_color: str = "#000000"
    label_halo: str | None = "#ffffff"
    label_size: float = 8.0
    point_size: float = 0.0
    classes: list[StyleClass] = Field(default_factory=list)


class Layer(BaseModel):
    """One published layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    wms_name: str
    title: Text
    abstract: Text
    keywords: list[str] = Field(default_factory=list)
    view: str
    geometry_type: Literal["polygon", "point", "line"]
    id_column: str = "gid"
    properties: list[Property]
    services: Services = Field(default_factory=Services)
    min_scale: int | None = None  # show only at scales 1:n with n >= min_scale
    max_scale: int | None = None  # show only at scales 1:n with n <= max_scale
    order: int = 50  # drawing order: lower draws first
    theme: str | None = None  # a key of themes.yaml (geoportal/themes.py)
    style: Style = Field(default_factory=Style)
    folder: Path = Field(exclude=True)

    @field_validator("id", "wms_name", "view")
    @classmethod
    def _safe_identifier(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(f"{value!r} must match {_NAME.pattern}")
        return value

    @model_validator(mode="after")
    def _view_file_present(self) -> Layer:
        if not (self.folder / "view.sql").is_file():
            raise ValueError(f"{self.folder.name}: view.sql is missing")
        return self

    @property
    def qualified_view(self) -> str:
        """Schema-qualified name of the view the services read."""
        return f"publish.{self.view}"

    def view_sql(self) -> str:
        """``CREATE VIEW`` statement for this layer's publish view.

        Deliberately not a ``security_barrier`` view: that keeps PostgreSQL from pushing
        spatial predicates into the view, and every bbox query scanned all parcels
        (7.7 ms vs 3.1 ms per 100-parcel request at 10k parcels). Confidentiality rests on
        the columns a view selects; the public role cannot create functions, so it cannot
        reach the rows a view filters out either (older versions, not personal data).
        """
        body = (self.folder / "view.sql").read_text().strip().rstrip(";")
        return (
            f"CREATE VIEW publish.{self.view} AS\n{body};\n"
            f"COMMENT ON VIEW publish.{self.view} IS {_sql_literal(self.title.pl)};"
        )

    def data_tables(self) -> set[str]:
        """The ``data`` tables its view reads: a load that changes one changes this layer."""
        return set(_DATA_TABLE.findall((self.folder / "view.sql").read_text()))

    def property_names(self) -> list[str]:
        """Names of the exposed attributes, in order."""
        return [prop.name for prop in self.properties]


class CatalogError(ValueError):
    """A layer folder is malformed; the message names the folder."""


class Catalog:
    """All layers, loaded and validated from a folder."""

    def __init__(self, layers: list[Layer]):
        self.layers = sorted(layers, key=lambda layer: (layer.order, layer.id))
        _check_unique(self.layers)

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        """Load every ``*/layer.yaml`` under ``folder``; fail fast naming the bad folder."""
        layers = []
        for path in sorted(folder.glob("*/layer.yaml")):
            try:
                raw = yaml.safe_load(path.read_text())
                layers.append(Layer.model_validate({**raw, "folder": path.parent}))
            except (yaml.YAMLError, ValueError, TypeError) as exc:
                raise CatalogError(f"{path.parent.name}: {exc}") from exc
        if not layers:
            raise CatalogError(f"no layers found under {folder}")
        return cls(layers)

    @cached_property
    def by_id(self) -> dict[str, Layer]:
        """Layers keyed by their collection id."""
        return {layer.id: layer for layer in self.layers}

    def for_service(self, service: Literal["wms", "wfs", "ogcapi", "tiles"]) -> list[Layer]:
        """Layers a given service publishes, in drawing order."""
        return [layer for layer in self.layers if getattr(layer.services, service)]


def _check_unique(layers: list[Layer]) -> None:
    for attribute in ("id", "wms_name", "view"):
        seen: set[str] = set()
        for layer in layers:
            value = getattr(layer, attribute)
            if value in seen:
                raise CatalogError(f"duplicate layer {attribute} {value!r}")
            seen.add(value)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
