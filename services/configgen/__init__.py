"""Engine configurations generated from the layer catalog, committed under ``config/``.

Each engine reads a document of its own format (mapfile, MapProxy YAML, pygeoapi YAML);
all of them are rendered from ``layers/*/layer.yaml``, so a layer is added in one place.
The outputs are committed and must not depend on the machine: ``check`` compares them
with a fresh rendering, and CI fails on drift (``geoportal config check``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geoportal.catalog import Catalog
from services.configgen.mapfile import build_mapfile
from services.configgen.mapproxy import build_mapproxy
from services.configgen.pygeoapi import build_pygeoapi_config

Builder = Callable[[Catalog, Any], str]


def _mapproxy(catalog: Catalog, settings: Any) -> str:
    return build_mapproxy(catalog)


# File name under settings.config_dir -> builder(catalog, settings) -> text.
# A builder returning "" produces no file (a generator not written yet).
GENERATED: dict[Path, Builder] = {
    Path("geoportal.map"): build_mapfile,
    Path("mapproxy.yaml"): _mapproxy,
    # --- pygeoapi: services/configgen/pygeoapi.py, maintained by the pygeoapi work ---
    Path("pygeoapi-config.yml"): build_pygeoapi_config,
    # --- end pygeoapi ---
}


def build_all(catalog: Catalog, settings: Any) -> dict[str, str]:
    """Render every generated file: ``{"geoportal.map": text, …}`` (empty outputs skipped)."""
    outputs = {}
    for name, builder in GENERATED.items():
        text = builder(catalog, settings)
        if text:
            outputs[str(name)] = text
    return outputs


def check(catalog: Catalog, settings: Any) -> list[str]:
    """Names of committed files that differ from a fresh rendering (or are missing)."""
    drifted = []
    for name, text in build_all(catalog, settings).items():
        target = Path(settings.config_dir) / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            drifted.append(name)
    return drifted


def write_all(catalog: Catalog, settings: Any) -> list[Path]:
    """Write every generated file into ``settings.config_dir``; return the paths written."""
    folder = Path(settings.config_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build_all(catalog, settings).items():
        target = folder / name
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
        ) as tmp:
            tmp.write(text)
        os.replace(tmp.name, target)
        written.append(target)
    return written
