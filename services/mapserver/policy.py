"""What a request to ``/ows`` may name: layers, their properties, CRSs, formats, versions.

MapServer checks some names itself and pastes others into SQL: Debian's 8.0 puts a WMS
``FILTER``'s ``PropertyName`` into the SELECT list unescaped (an SQL injection the WFS
path was patched against), and it renders for ``init=epsg:…`` and ``AUTO2`` CRSs outside
the advertised list. So every name a client sends is checked here against the layer
catalog and the mapfile's lists before MapServer sees the request: an allow-list, never
a deny-list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from geoportal.catalog import Catalog
from geoportal.crs import parse_crs_name
from geoportal.rastercatalog import RasterLayer
from services.configgen.mapfile import MAX_FEATURES, MAX_SIZE, SRS, WFS_SRS

VERSIONS = {
    "WMS": frozenset({"1.1.1", "1.3.0"}),
    "WFS": frozenset({"1.1.0", "2.0.0", "2.0"}),
    "WCS": frozenset({"2.0.1", "2.0.0"}),
}
INFO_FORMATS = frozenset(
    {"text/plain", "text/html", "application/vnd.ogc.gml", "application/json", "text/xml"}
)
EXCEPTION_FORMATS = frozenset({"XML", "application/vnd.ogc.se_xml", "text/xml"})
GEOMETRY_NAMES = frozenset({"geom", "msGeometry", "geometry"})
NAMESPACE_PREFIXES = ("geoportal:", "ms:")


@dataclass(frozen=True)
class OwsPolicy:
    """Names a request may use, per layer, and the service-wide lists."""

    properties: dict[str, frozenset[str]]  # layer name -> properties a filter may name
    wms_crs: frozenset[int]
    wfs_crs: frozenset[int]
    coverages: frozenset[str] = frozenset()  # WCS coverage ids (rasters with coverage: true)
    services: frozenset[str] = frozenset({"WMS", "WFS"})  # the protocols this endpoint speaks
    max_size: int = MAX_SIZE
    max_features: int = MAX_FEATURES

    @classmethod
    def from_catalog(
        cls,
        catalog: Catalog,
        rasters: Iterable[RasterLayer] = (),
        protocols: frozenset[str] = frozenset({"wms", "wfs"}),
    ) -> OwsPolicy:
        """The policy of the layers the mapfile publishes (WMS or WFS), its rasters
        (names without properties: nothing to filter on) and the protocols it speaks."""
        rasters = list(rasters)
        properties = {raster.wms_name: frozenset[str]() for raster in rasters}
        coverages = frozenset(
            raster.wms_name for raster in rasters if raster.coverage and "wcs" in protocols
        )
        for layer in catalog.layers:
            if layer.services.wms or layer.services.wfs:
                names = {prop.name for prop in layer.properties}
                names |= {prop.alias for prop in layer.properties if prop.alias}
                properties[layer.wms_name] = frozenset(names | {layer.id_column} | GEOMETRY_NAMES)
        services = frozenset(protocol.upper() for protocol in protocols)
        return cls(properties, WMS_CRS, WFS_CRS, coverages, services)

    def layer(self, name: str) -> str | None:
        """The layer a (possibly namespace-prefixed) name means, or None."""
        for prefix in NAMESPACE_PREFIXES:
            name = name.removeprefix(prefix)
        return name if name in self.properties else None

    def property_allowed(self, layers: list[str], name: str) -> bool:
        """Whether ``name`` is a property of every one of ``layers``."""
        bare = name.strip()
        for prefix in NAMESPACE_PREFIXES:
            bare = bare.removeprefix(prefix)
        return bool(layers) and all(bare in self.properties[layer] for layer in layers)

    def crs_allowed(self, text: str, service: str) -> bool:
        """Whether a CRS name is one the service advertises (``CRS:84`` included for WMS)."""
        if service == "WMS":
            return crs_offered(text, self.wms_crs, crs84=True)
        return crs_offered(text, self.wfs_crs, crs84=False)


def crs_offered(text: str, offered: frozenset[int], crs84: bool) -> bool:
    """Whether a CRS name, in any standard form, names one of the ``offered`` codes."""
    if crs84 and text.strip().upper() == "CRS:84":
        return True
    name = parse_crs_name(text)
    return name.form != "unknown" and name.epsg in offered


def _codes(names: tuple[str, ...]) -> frozenset[int]:
    return frozenset(code for name in names if (code := parse_crs_name(name).epsg))


WMS_CRS = _codes(SRS)
WFS_CRS = _codes(WFS_SRS)
