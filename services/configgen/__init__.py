"""Engine configurations generated from the layer catalog and the site file.

Each engine reads a document of its own format, kept where its users look for it, at the
repository root: ``geoportal.map`` (MapServer), ``mapproxy.yaml`` (MapProxy),
``pygeoapi-config.yml`` (pygeoapi), and one mapfile per thematic endpoint under
``mapfiles/``. All of them are rendered from ``layers/*/layer.yaml``
and ``site.yaml``, so a layer or a county is changed in one place. The outputs are
committed and must not depend on the machine: ``check`` compares them with a fresh
rendering, and the test command fails on drift (``geoportal config check``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geoportal.files import write_atomic
from services.configgen.mapfile import (
    PUBLICATION_FOLDER,
    build_mapfile,
    build_publication_mapfile,
    publication_mapfile_name,
)
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
    """Render every generated file: ``{"geoportal.map": text, "mapfiles/kieg.map": …}``."""
    files = {name: builder(sources) for name, builder in GENERATED.items()}
    for publication in sources.publications:
        files[publication_mapfile_name(publication.key)] = build_publication_mapfile(
            sources, publication
        )
    return files


def check(sources: Sources, folder: Path) -> list[str]:
    """Names of files in ``folder`` that differ from a fresh rendering (or are missing)."""
    expected = build_all(sources)
    drifted = []
    for name, text in expected.items():
        target = folder / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            drifted.append(name)
    # A mapfile of a publication that no longer exists would still be read by users.
    for stray in sorted((folder / PUBLICATION_FOLDER).glob("*.map")):
        if f"{PUBLICATION_FOLDER}/{stray.name}" not in expected:
            drifted.append(f"{PUBLICATION_FOLDER}/{stray.name}")
    return drifted


def write_all(sources: Sources, folder: Path) -> list[Path]:
    """Write every generated file into ``folder``; return the paths written."""
    return [write_atomic(folder / name, text) for name, text in build_all(sources).items()]
