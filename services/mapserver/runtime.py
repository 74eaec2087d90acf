"""Run-time files MapServer needs next to the mapfile, written into ``var/run/mapserver``.

The committed ``geoportal.map`` names its helpers by relative paths (fontset,
GetFeatureInfo HTML templates); MapServer resolves them against the directory of the
mapfile it loaded. So the process loads a byte-identical copy from the run-time folder,
with the helpers written beside it, and a MapServer 8 config file that allows exactly
that mapfile. Its ``CONNECTION`` names a libpq service, so the service file defining it
is written here too. Nothing machine-specific ever lands in the committed configuration.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from geoportal.catalog import Catalog
from geoportal.database import SERVICE_FILE_ENV, Database
from geoportal.files import write_atomic
from geoportal.settings import Settings
from services.configgen.templating import render

MAPFILE_NAME = "geoportal.map"
CONFIG_ENV = "MAPSERVER_CONFIG_FILE"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian package fonts-dejavu-core
FONTS = {"dejavu": "DejaVuSans.ttf", "dejavu-bold": "DejaVuSans-Bold.ttf"}
_SHARED_PARTS = {"header": "header", "footer": "footer", "layer_footer": "layer_footer"}


def runtime_folder(settings: Settings) -> Path:
    """Folder holding the run-time copy of the mapfile and its helpers."""
    return settings.runtime_dir / "mapserver"


def prepare_runtime(settings: Settings, catalog: Catalog, database: Database) -> tuple[Path, Path]:
    """Write mapfile copy, fontset, query templates, config and service file.

    Returns the mapfile and config file paths. Safe to run from several worker processes
    at once: each file is replaced atomically.
    """
    folder = runtime_folder(settings)
    source = settings.config_dir / MAPFILE_NAME
    if not source.is_file():
        raise FileNotFoundError(f"{source.name} is missing: run `geoportal config build`")
    mapfile = write_atomic(folder / MAPFILE_NAME, source.read_text())
    write_atomic(folder / "fontset.txt", fontset_text())
    for name, text in featureinfo_templates(catalog).items():
        write_atomic(folder / "featureinfo" / name, text)
    config = folder / "mapserver.conf"
    write_atomic(config, render("mapfile_mapserver.conf.j2", map_pattern=_exact_pattern(mapfile)))
    service_file = write_atomic(folder / "pg_service.conf", database.service_file_text(), 0o600)
    # libpq (inside MapServer) reads both from the environment of this process.
    os.environ[CONFIG_ENV] = str(config)
    os.environ[SERVICE_FILE_ENV] = str(service_file)
    return mapfile, config


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


def _exact_pattern(path: Path) -> str:
    return "^" + re.escape(str(path)) + "$"
