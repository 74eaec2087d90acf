"""Every service the portal publishes, described once.

The list on ``/services`` (HTML and ``?f=json``), the addresses ``geoportal run`` prints and
the live test that sends each service a real request all read :func:`service_entries`.
It is built from what the portal mounts and from the catalog, the publications and the
site — never a second hand-written list — so a new layer or publication appears here by
itself. ``url`` is the address a client is pointed at (QGIS adds its own parameters);
``capabilities`` the document that describes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geoportal.instance import Instance
from geoportal.text import Text
from services.configgen.mapfile import SERVICE, SRS, WFS_SRS
from services.configgen.mapproxy import BASE_LAYER, WEBMERCATOR, publication_base_maps
from services.downloads.build import themes
from services.processes import PROCESSES
from services.processes.transform import CRS as PROCESS_CRS
from services.providers.crs import SERVED_EPSG
from services.pygeoapi.datasetmap import dataset_collections

ALL_THEMES = "wszystkie"  # the theme of /ows and the combined tile services
TILES_THEME = "kafle"
VECTOR_TILES_THEME = "kafle wektorowe"
DOWNLOADS_THEME = "pobieranie"
_TILE_CRS = ("EPSG:2180", "EPSG:3857")  # the two MapProxy grids
_OGC_CRS = ("OGC:CRS84", *(f"EPSG:{code}" for code in SERVED_EPSG))


@dataclass(frozen=True)
class ServiceEntry:
    """One service endpoint as a catalogue lists it."""

    key: str  # unique, stable: "wms", "wms-kieg", "xyz-dzialki"
    title: Text
    theme: str
    protocol: str  # WMS, WFS, WMTS, TMS, XYZ, OGC API – Features, ...
    version: str
    url: str
    capabilities: str
    layers: tuple[str, ...]
    crs: tuple[str, ...]

    def as_json(self, language: str, licence: dict[str, str]) -> dict[str, Any]:
        """The entry as ``/services?f=json`` lists it."""
        return {
            "name": self.key,
            "title": self.title.in_language(language),
            "theme": self.theme,
            "protocol": self.protocol,
            "version": self.version,
            "url": self.url,
            "capabilities": self.capabilities,
            "layers": list(self.layers),
            "crs": list(self.crs),
            "licence": licence,
        }


EntryBuilder = Callable[[Instance], list[ServiceEntry]]
# protocol of a publication -> its name, version and CRSs in the capabilities
OWS_PROTOCOLS = {
    "wms": ("WMS", "1.3.0", SRS),
    "wfs": ("WFS", "2.0.0", WFS_SRS),
    "wcs": ("WCS", "2.0.1", WFS_SRS),
}


def ows_entries(instance: Instance) -> list[ServiceEntry]:
    """WMS and WFS of ``/ows`` (every layer) and of each publication ``/ows/<key>``."""
    base = instance.settings.base_url
    served = [
        (
            "",
            ALL_THEMES,
            SERVICE,
            instance.catalog.layers,
            instance.rasters,
            frozenset({"wms", "wfs"}),
        )
    ]
    served += [(pub.key, pub.key, pub.title, pub.layers, pub.rasters, pub.protocols)
               for pub in instance.publications]  # fmt: skip
    entries = []
    for key, theme, title, layers, rasters, protocols in served:
        url = f"{base}/ows" + (f"/{key}" if key else "")
        for protocol in sorted(protocols):
            names = [layer.wms_name for layer in layers
                     if getattr(layer.services, protocol, False)]  # fmt: skip
            if protocol == "wms":  # rasters draw beneath the layers, first in the list
                names = [raster.wms_name for raster in rasters] + names
            if protocol == "wcs":
                names = [raster.wms_name for raster in rasters if raster.coverage]
            entries.append(_ows_entry(key, theme, title, protocol, url, tuple(names)))
    return entries


def _ows_entry(
    key: str, theme: str, title: Text, protocol: str, url: str, layers: tuple[str, ...]
) -> ServiceEntry:
    name, version, crs = OWS_PROTOCOLS[protocol]
    return ServiceEntry(
        key=protocol + (f"-{key}" if key else ""),
        title=Text(pl=f"{name} – {title.pl}", en=f"{name} – {title.en}"),
        theme=theme,
        protocol=name,
        version=version,
        url=url,
        capabilities=f"{url}?SERVICE={name}&REQUEST=GetCapabilities&VERSION={version}",
        layers=layers,
        crs=crs,
    )


def tile_entries(instance: Instance) -> list[ServiceEntry]:
    """MapProxy: WMTS, TMS and the cached WMS over all tiled layers and base maps; XYZ
    per layer.

    An XYZ address is a template for one layer (that is how QGIS, Leaflet and
    OpenLayers take it), so each tiled layer is an endpoint of its own.
    """
    base = instance.settings.base_url
    extensions = {BASE_LAYER: "png"}
    extensions |= {layer.wms_name: "png" for layer in instance.catalog.for_service("tiles")}
    extensions |= {raster.wms_name: "jpeg" for raster in instance.rasters if raster.tiles}
    extensions |= {name: "png" for name in publication_base_maps(instance.publications)}
    tiled = tuple(extensions)
    wms_capabilities = f"{base}/wms?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0"
    entries = [
        _tiles("wmts", _t("WMTS – kafle z pamięci podręcznej", "WMTS – cached tiles"),
               ("WMTS", "1.0.0"), f"{base}/wmts", f"{base}/wmts/1.0.0/WMTSCapabilities.xml",
               tiled, _TILE_CRS),
        _tiles("tms", _t("TMS – kafle z pamięci podręcznej", "TMS – cached tiles"),
               ("TMS", "1.0.0"), f"{base}/tms/1.0.0/", f"{base}/tms/1.0.0/", tiled, _TILE_CRS),
        _tiles("wms-cache", _t("WMS z kafli w pamięci podręcznej", "WMS from cached tiles"),
               ("WMS", "1.3.0"), f"{base}/wms", wms_capabilities, tiled, SRS),
    ]  # fmt: skip
    for name, extension in extensions.items():
        template = f"{base}/tiles/{name}/{WEBMERCATOR}/{{z}}/{{x}}/{{y}}.{extension}"
        title = _t(f"XYZ – kafle warstwy {name}", f"XYZ – tiles of {name}")
        entries.append(
            _tiles(f"xyz-{name}", title, ("XYZ", ""), template, template, (name,), ("EPSG:3857",))
        )
    return entries


def _tiles(
    key: str,
    title: Text,
    protocol: tuple[str, str],
    url: str,
    capabilities: str,
    layers: tuple[str, ...],
    crs: tuple[str, ...],
) -> ServiceEntry:
    name, version = protocol
    return ServiceEntry(key, title, TILES_THEME, name, version, url, capabilities, layers, crs)


def ogcapi_entries(instance: Instance) -> list[ServiceEntry]:
    """pygeoapi: OGC API – Features with one collection per layer, and the processes."""
    base = instance.settings.base_url
    collections = tuple(layer.id for layer in instance.catalog.for_service("ogcapi"))
    return [
        ServiceEntry("ogcapi-features", _t("OGC API – Features", "OGC API – Features"),
                     theme=ALL_THEMES, protocol="OGC API – Features", version="1.0",
                     url=f"{base}/ogc", capabilities=f"{base}/ogc?f=json",
                     layers=collections, crs=_OGC_CRS),
        ServiceEntry("ogcapi-records", _t("OGC API – Records (metadane)",
                                          "OGC API – Records (metadata)"),
                     theme=ALL_THEMES, protocol="OGC API – Records", version="1.0",
                     url=f"{base}/ogc/collections/metadane",
                     capabilities=f"{base}/ogc/collections/metadane?f=json",
                     layers=("metadane",), crs=("OGC:CRS84",)),
        ServiceEntry("ogcapi-maps", _t("OGC API – Maps (mapy warstw i rastrów)",
                                       "OGC API – Maps (maps of layers and rasters)"),
                     theme=ALL_THEMES, protocol="OGC API – Maps", version="1.0",
                     url=f"{base}/ogc", capabilities=f"{base}/ogc/collections?f=json",
                     layers=map_collections(instance), crs=_OGC_CRS),
        ServiceEntry("ogcapi-maps-dataset", _t("OGC API – Maps (mapa powiatu, wszystkie warstwy)",
                                               "OGC API – Maps (county map, every layer)"),
                     theme=ALL_THEMES, protocol="OGC API – Maps", version="1.0",
                     url=f"{base}/ogc/map", capabilities=f"{base}/ogc?f=json",
                     layers=dataset_collections(instance.catalog, instance.rasters,
                                                map_collections(instance)), crs=_OGC_CRS),
        ServiceEntry("ogcapi-processes", _t("OGC API – Processes (przeliczenia, raporty)",
                                            "OGC API – Processes (transformations, reports)"),
                     theme=ALL_THEMES, protocol="OGC API – Processes", version="1.0",
                     url=f"{base}/ogc/processes", capabilities=f"{base}/ogc/processes?f=json",
                     layers=tuple(PROCESSES), crs=PROCESS_CRS),
    ]  # fmt: skip


def map_collections(instance: Instance) -> tuple[str, ...]:
    """Collections with an OGC API map: every layer also in WMS, and every raster (as
    ``services/configgen/pygeoapi.py`` configures them)."""
    layers = [layer.id for layer in instance.catalog.for_service("ogcapi") if layer.services.wms]
    return (*layers, *(raster.id for raster in instance.rasters))


def catalogue_entries(instance: Instance) -> list[ServiceEntry]:
    """The CSW 2.0.2 catalogue of the portal's metadata (``services/csw``)."""
    base = instance.settings.base_url
    return [
        ServiceEntry("csw", _t("Usługa katalogowa CSW (metadane)",
                               "CSW catalogue service (metadata)"),
                     theme=ALL_THEMES, protocol="CSW", version="2.0.2", url=f"{base}/csw",
                     capabilities=f"{base}/csw?SERVICE=CSW&REQUEST=GetCapabilities&VERSION=2.0.2",
                     layers=("csw:Record", "gmd:MD_Metadata"), crs=("EPSG:4326",)),
    ]  # fmt: skip


def vector_tile_entries(instance: Instance) -> list[ServiceEntry]:
    """OGC API – Tiles: an MVT template per tiled collection (how QGIS and web maps take
    vector tiles: one template, one layer)."""
    base = instance.settings.base_url
    entries = []
    for layer in instance.catalog.for_service("ogcapi"):
        if not layer.services.tiles:
            continue
        tiles = f"{base}/ogc/collections/{layer.id}/tiles"
        entries.append(
            ServiceEntry(f"mvt-{layer.id}",
                         _t(f"Kafle wektorowe (MVT) – {layer.title.pl}",
                            f"Vector tiles (MVT) – {layer.title.en}"),
                         theme=VECTOR_TILES_THEME, protocol="OGC API – Tiles", version="1.0",
                         url=f"{tiles}/WebMercatorQuad/{{z}}/{{y}}/{{x}}",
                         capabilities=f"{tiles}?f=json", layers=(layer.id,), crs=("EPSG:3857",))
        )  # fmt: skip
    return entries


def download_entries(instance: Instance) -> list[ServiceEntry]:
    """The download service: its ATOM feed, one feed per theme, the DCAT-AP catalogue."""
    base = f"{instance.settings.base_url}/pobieranie"
    published = themes(instance)
    every = tuple(pub.key for pub in published)
    entries = [
        ServiceEntry("atom", _t("Usługa pobierania (ATOM)", "Download service (ATOM)"),
                     DOWNLOADS_THEME, "ATOM", "INSPIRE", f"{base}/atom.xml",
                     f"{base}/atom.xml", every, ("EPSG:2180",)),
        ServiceEntry("dcat", _t("Katalog danych DCAT-AP", "DCAT-AP data catalogue"),
                     DOWNLOADS_THEME, "DCAT-AP", "2", f"{base}/dcat.jsonld",
                     f"{base}/dcat.jsonld", every, ("EPSG:2180",)),
    ]  # fmt: skip
    for pub in published:
        feed = f"{base}/{pub.key}.atom"
        title = Text(pl=f"Pobieranie – {pub.title.pl}", en=f"Download – {pub.title.en}")
        entries.append(ServiceEntry(f"atom-{pub.key}", title, DOWNLOADS_THEME, "ATOM", "INSPIRE",
                                    feed, feed, (pub.key,), ("EPSG:2180",)))  # fmt: skip
    return entries


def national_entries(instance: Instance) -> list[ServiceEntry]:
    """The ULDK-compatible parcel location API (``services/uldk``)."""
    base = instance.settings.base_url
    example = instance.site.parcel_example or ""
    return [
        ServiceEntry("uldk", _t("Usługa lokalizacji działek (zgodna z ULDK)",
                                "Parcel location service (ULDK-compatible)"),
                     theme=ALL_THEMES, protocol="ULDK", version="GUGiK",
                     url=f"{base}/uldk",
                     capabilities=f"{base}/uldk?request=GetParcelById&id={example}&result=teryt",
                     layers=("dzialki", "budynki", "obreby", "gminy", "powiat"),
                     crs=("EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179",
                          "EPSG:4326", "EPSG:4258", "EPSG:3857")),
    ]  # fmt: skip


# Every kind of service, in the order the list shows them.
ENTRY_BUILDERS: tuple[EntryBuilder, ...] = (
    ows_entries,
    tile_entries,
    ogcapi_entries,
    catalogue_entries,
    vector_tile_entries,
    download_entries,
    national_entries,
)


def service_entries(instance: Instance) -> list[ServiceEntry]:
    """Every service the portal publishes, with absolute URLs from the configured base."""
    entries = [entry for build in ENTRY_BUILDERS for entry in build(instance)]
    keys = [entry.key for entry in entries]
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise ValueError(f"service keys used twice: {sorted(duplicates)}")
    return entries


def _t(pl: str, en: str) -> Text:
    return Text(pl=pl, en=en)
