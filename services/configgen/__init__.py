"""Engine configurations generated from the layer catalog and the site file.

Each engine reads a document of its own format, kept where its users look for it, at the
repository root: ``geoportal.map`` (MapServer), ``mapproxy.yaml`` (MapProxy),
``pygeoapi-config.yml`` (pygeoapi). All of them are rendered from ``layers/*/layer.yaml``
and ``site.yaml``, so a layer or a county is changed in one place. The outputs are
committed and must not depend on the machine: ``check`` compares them with a fresh
rendering, and the test command fails on drift (``geoportal config check``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geoportal.files import write_atomic
from services.configgen.mapfile import build_mapfile
from services.configgen.mapproxy import build_mapproxy
from services.configgen.pygeoapi import build_pygeoapi_config
from services.configgen.sources import Sources

Builder = Callable[[Sources], str]

# File name under the configuration folder -> builder.
GENERATED: dict[str, Builder] = {
    "geoportal.map": build_mapfile,
    "mapproxy.yaml": build_mapproxy,
    "pygeoapi-config.yml": build_pygeoapi_config,
}


def build_all(sources: Sources) -> dict[str, str]:
    """Render every generated file: ``{"geoportal.map": text, …}``."""
    return {name: builder(sources) for name, builder in GENERATED.items()}


def check(sources: Sources, folder: Path) -> list[str]:
    """Names of files in ``folder`` that differ from a fresh rendering (or are missing)."""
    drifted = []
    for name, text in build_all(sources).items():
        target = folder / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            drifted.append(name)
    return drifted


def write_all(sources: Sources, folder: Path) -> list[Path]:
    """Write every generated file into ``folder``; return the paths written."""
    return [write_atomic(folder / name, text) for name, text in build_all(sources).items()]
