"""The public entry points of the geoportal, as absolute URLs from the configured base URL."""

from __future__ import annotations

from typing import NamedTuple

from geoportal.settings import Settings


class ServiceLink(NamedTuple):
    """One advertised service endpoint."""

    key: str
    title_pl: str
    title_en: str
    url: str


_PATHS = (
    ("viewer", "Przeglądarka mapy", "Map viewer", "/"),
    ("wms", "WMS 1.3.0 (MapServer)", "WMS 1.3.0 (MapServer)",
     "/ows?SERVICE=WMS&REQUEST=GetCapabilities"),
    ("wfs", "WFS 2.0 (MapServer)", "WFS 2.0 (MapServer)",
     "/ows?SERVICE=WFS&REQUEST=GetCapabilities"),
    ("wmts", "WMTS – kafle z pamięci podręcznej (MapProxy)", "WMTS – cached tiles (MapProxy)",
     "/wmts/1.0.0/WMTSCapabilities.xml"),
    ("wms_cached", "WMS z pamięci podręcznej (MapProxy)", "Cached WMS (MapProxy)",
     "/wms?SERVICE=WMS&REQUEST=GetCapabilities"),
    ("tms", "TMS (MapProxy)", "TMS (MapProxy)", "/tms/1.0.0/"),
    ("ogcapi", "OGC API – Features (pygeoapi)", "OGC API – Features (pygeoapi)", "/ogc"),
    ("health", "Stan usługi", "Health", "/ready"),
)  # fmt: skip


def service_links(settings: Settings) -> list[ServiceLink]:
    """Every service the geoportal publishes, with absolute URLs."""
    return [ServiceLink(key, pl, en, settings.base_url + path) for key, pl, en, path in _PATHS]
