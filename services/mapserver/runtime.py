"""Run-time files MapServer needs next to the mapfiles, written into ``var/run/mapserver``.

The committed ``geoportal.map`` and each ``mapfiles/<key>.map`` name their helpers by
relative paths (fontset, GetFeatureInfo HTML templates); MapServer resolves them against
the directory of the mapfile it loaded. So the process loads a byte-identical copy from
the run-time folder, with the helpers written beside it, and a MapServer 8 config file
that allows exactly those mapfiles. Its ``CONNECTION`` names a libpq service, so the
service file defining it is written here too. Nothing machine-specific ever lands in the
committed configuration.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from geoportal.catalog import Catalog
from geoportal.database import SERVICE_FILE_ENV, Database
from geoportal.files import write_atomic
from geoportal.instance import Instance
from geoportal.rastercatalog import RasterLayer
from geoportal.settings import Settings
from services.configgen.mapfile import publication_mapfile_name
from services.configgen.templating import render

MAPFILE_NAME = "geoportal.map"
CONFIG_ENV = "MAPSERVER_CONFIG_FILE"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian package fonts-dejavu-core
FONTS = {"dejavu": "DejaVuSans.ttf", "dejavu-bold": "DejaVuSans-Bold.ttf"}
_SHARED_PARTS = {"header": "header", "footer": "footer", "layer_footer": "layer_footer"}
ALL_LAYERS = ""  # the endpoint key of /ows itself; a publication's key is its path segment


@dataclass(frozen=True)
class Endpoint:
    """One mapfile MapServer serves: ``/ows`` (key "") or ``/ows/<key>``."""

    key: str
    source: str  # the committed mapfile, relative to the configuration folder
    catalog: Catalog  # the layers as this endpoint names them
    rasters: tuple[RasterLayer, ...] = ()  # the raster layers it draws
    protocols: frozenset[str] = frozenset({"wms", "wfs"})


@dataclass(frozen=True)
class Runtime:
    """The run-time copies: mapfile per endpoint key, and the MapServer config file."""

    mapfiles: dict[str, Path]
    config_file: Path


def endpoints(instance: Instance) -> list[Endpoint]:
    """``/ows`` with every layer and raster, then one endpoint per publication."""
    served = [Endpoint(ALL_LAYERS, MAPFILE_NAME, instance.catalog, tuple(instance.rasters))]
    served += [
        Endpoint(
            pub.key,
            publication_mapfile_name(pub.key),
            pub.catalog,
            tuple(pub.rasters),
            pub.protocols,
        )  # fmt: skip
        for pub in instance.publications
    ]
    return served


def runtime_folder(settings: Settings) -> Path:
    """Folder holding the run-time copy of the mapfile and its helpers."""
    return settings.runtime_dir / "mapserver"


def prepare_runtime(settings: Settings, served: list[Endpoint], database: Database) -> Runtime:
    """Write each mapfile's copy with its fontset and query templates, the config and the
    service file.

    Each endpoint gets a folder of its own (``/ows`` the top one), because the helpers are
    named relative to the mapfile and a publication's templates show its own fields. Safe
    to run from several worker processes at once: each file is replaced atomically.
    """
    top = runtime_folder(settings)
    mapfiles = {}
    for endpoint in served:
        source = settings.config_dir / endpoint.source
        if not source.is_file():
            raise FileNotFoundError(f"{endpoint.source} is missing: run `geoportal config build`")
        folder = top / endpoint.key if endpoint.key else top
        mapfiles[endpoint.key] = write_atomic(folder / Path(endpoint.source).name,
                                              source.read_text())  # fmt: skip
        write_atomic(folder / "fontset.txt", fontset_text())
        for name, text in featureinfo_templates(endpoint.catalog).items():
            write_atomic(folder / "featureinfo" / name, text)
    config = top / "mapserver.conf"
    pattern = "^(" + "|".join(_exact(path) for path in mapfiles.values()) + ")$"
    write_atomic(config, render("mapfile_mapserver.conf.j2", map_pattern=pattern))
    service_file = write_atomic(top / "pg_service.conf", database.service_file_text(), 0o600)
    # libpq (inside MapServer) reads both from the environment of this process.
    os.environ[CONFIG_ENV] = str(config)
    os.environ[SERVICE_FILE_ENV] = str(service_file)
    return Runtime(mapfiles, config)


def fontset_text() -> str:
    """A MapServer fontset naming the DejaVu system fonts (system paths are stable)."""
    return "".join(f"{alias} {FONT_DIR / file}\n" for alias, file in FONTS.items())


def featureinfo_templates(catalog: Catalog) -> dict[str, str]:
    """HTML query templates: shared header/footer plus a header and row per layer."""
    files = {
        f"{name}.html": render("mapfile_featureinfo.html.j2", part=part, layer=None)
        for part, name in _SHARED_PARTS.items()
    }
    for layer in catalog.layers:
        if not (layer.services.wms or layer.services.wfs):
            continue
        files[f"{layer.wms_name}_header.html"] = render(
            "mapfile_featureinfo.html.j2", part="layer_header", layer=layer
        )
        files[f"{layer.wms_name}.html"] = render(
            "mapfile_featureinfo.html.j2", part="layer", layer=layer
        )
    return files


def _exact(path: Path) -> str:
    return re.escape(str(path))
