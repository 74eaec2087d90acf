"""Download files: one GeoPackage per theme and, for the cadastre, one per obręb.

A theme is a publication that offers WFS (``layers/publications.yaml``): the same layers,
the same upper-case Polish column names as the WFS, in EPSG:2180. GDAL's ``ogr2ogr``
writes them from the ``publish`` views as the public role (through the libpq service
file), so a download can hold nothing a service could not show. Everything is written
into a fresh folder and swapped in with the manifest last; the manifest names the data
version (the last published load), so :func:`ensure_downloads` rebuilds only when the
data changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from geoportal.catalog import Layer
from geoportal.files import write_atomic
from geoportal.instance import Instance
from geoportal.publications import Publication

MANIFEST = "manifest.json"
PER_DISTRICT_THEME = "ewidencja"  # surveyors fetch the cadastre obręb by obręb
# What one obręb's file holds: its parcels by id, the buildings standing in it (by a point
# inside each, so a building on the boundary is in exactly one file).
DISTRICT_FILTERS = {
    "parcels": "starts_with(parcel_id, '{district}.')",
    "buildings": "ST_Within(ST_PointOnSurface(geom), (SELECT d.geom FROM publish.districts d"
    " WHERE d.district_id = '{district}'))",
}
Progress = Callable[[str], None]
# A declared geometry type, so GIS software knows the layer before reading it.
GEOMETRY_TYPES = {"polygon": "MULTIPOLYGON", "line": "MULTILINESTRING", "point": "POINT"}


@dataclass(frozen=True)
class DownloadFile:
    """One file of the download service, as the feeds describe it."""

    name: str  # file name in the downloads folder
    dataset: str  # the theme (publication key)
    title: str
    layers: list[str]
    bytes: int
    sha256: str
    bbox: list[float]  # EPSG:2180
    district: str | None = None  # obręb id for per-obręb files


@dataclass(frozen=True)
class Manifest:
    """What was built from which data version, and when."""

    data_version: int
    built_at: str
    files: list[DownloadFile]


def downloads_dir(instance: Instance) -> Path:
    """Where the files and the manifest are kept."""
    return instance.settings.var_dir / "downloads"


def themes(instance: Instance) -> list[Publication]:
    """The publications offered for download: those that serve features (WFS)."""
    return [pub for pub in instance.publications if "wfs" in pub.protocols]


def read_manifest(folder: Path) -> Manifest | None:
    """The current manifest, or None before the first build."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    files = [DownloadFile(**item) for item in raw["files"]]
    return Manifest(raw["data_version"], raw["built_at"], files)


def data_version(instance: Instance) -> int:
    """The id of the last load published to the data schema (0 before any)."""
    with instance.database.connect("owner") as conn:
        row = conn.execute(
            "SELECT coalesce(max(run_id), 0) FROM ops.etl_run WHERE status = 'done' AND NOT dry_run"
        ).fetchone()
    return int(row[0]) if row else 0


def ensure_downloads(instance: Instance, progress: Progress) -> Manifest:
    """Build the files unless the manifest already matches the data version."""
    version = data_version(instance)
    current = read_manifest(downloads_dir(instance))
    if current is not None and current.data_version == version:
        return current
    return build_downloads(instance, version, progress)


def build_downloads(instance: Instance, version: int, progress: Progress) -> Manifest:
    """Write every file into a fresh folder, then swap it in (manifest last)."""
    target = downloads_dir(instance)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".downloads.") as tmp:
        work = Path(tmp)
        service_file = write_atomic(work / "pg_service.conf",
                                    instance.database.service_file_text(), 0o600)  # fmt: skip
        env = os.environ | {"PGSERVICEFILE": str(service_file)}
        source = f"PG:service={instance.database.service_name('public')}"
        files = []
        for theme in themes(instance):
            files.append(_theme_file(work, theme, source, env, progress))
            if theme.key == PER_DISTRICT_THEME:
                files += _district_files(instance, work, theme, source, env, progress)
        manifest = Manifest(version, datetime.now(UTC).isoformat(timespec="seconds"), files)
        (work / "pg_service.conf").unlink()
        _swap_in(work, target, manifest)
    progress(f"downloads: {len(manifest.files)} files for data version {version}")
    return manifest


def _theme_file(work: Path, theme: Publication, source: str, env: dict[str, str],
                progress: Progress) -> DownloadFile:  # fmt: skip
    name = f"{theme.key}.gpkg"
    progress(f"downloads: {name}")
    layers = [layer for layer in theme.layers if layer.services.wfs]
    for layer in layers:
        _ogr2ogr(work / name, source, layer, None, env)
    return _describe(work / name, theme, [layer.wms_name for layer in layers], None)


def _district_files(instance: Instance, work: Path, theme: Publication, source: str,
                    env: dict[str, str], progress: Progress) -> list[DownloadFile]:  # fmt: skip
    with instance.database.connect("public") as conn:
        rows = conn.execute("SELECT district_id FROM publish.districts ORDER BY 1").fetchall()
    districts = [row[0] for row in rows]
    layers = [layer for layer in theme.layers if layer.id in DISTRICT_FILTERS]
    files = []
    for index, district in enumerate(districts, 1):
        name = f"{theme.key}-{district.replace('.', '-')}.gpkg"
        if index % 20 == 1:
            progress(
                f"downloads: obręby {index}–{min(index + 19, len(districts))} of {len(districts)}"
            )
        for layer in layers:
            where = DISTRICT_FILTERS[layer.id].format(district=_literal(district))
            _ogr2ogr(work / name, source, layer, where, env)
        files.append(_describe(work / name, theme, [lay.wms_name for lay in layers], district))
    return files


def _select(layer: Layer, where: str | None = None) -> str:
    """The layer's columns under their WFS names, from its publish view."""
    columns = [f'"{prop.name}" AS "{prop.alias or prop.name.upper()}"' for prop in layer.properties]
    sql = f"SELECT {', '.join(columns)}, geom FROM {layer.qualified_view}"  # noqa: S608
    return sql + (f" WHERE {where}" if where else "")


def _literal(district: str) -> str:
    """An obręb id as it may appear in the SQL: the register's ids are digits, _ and ."""
    if not district or not all(char.isdigit() or char in "._" for char in district):
        raise ValueError(f"unexpected obręb id {district!r}")
    return district


def _ogr2ogr(path: Path, source: str, layer: Layer, where: str | None, env: dict[str, str]) -> None:
    command = ["ogr2ogr", "-f", "GPKG", "-update", "-append", str(path), source,
               "-sql", _select(layer, where), "-nln", layer.wms_name, "-a_srs", "EPSG:2180",
               "-nlt", GEOMETRY_TYPES[layer.geometry_type]]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(
            f"ogr2ogr failed for {path.name}/{layer.wms_name}: {done.stderr.strip()[-400:]}"
        )


def _describe(path: Path, theme: Publication, layers: list[str],
              district: str | None) -> DownloadFile:  # fmt: skip
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    title = theme.title.pl + (f" – obręb {district}" if district else "")
    return DownloadFile(path.name, theme.key, title, layers, path.stat().st_size, digest,
                        _bbox(path), district)  # fmt: skip


def _bbox(path: Path) -> list[float]:
    """The extent GDAL recorded in the GeoPackage's own table of contents."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as gpkg:
        row = gpkg.execute(
            "SELECT min(min_x), min(min_y), max(max_x), max(max_y) FROM gpkg_contents"
            " WHERE data_type = 'features'"
        ).fetchone()
    return [float(value) for value in row] if row and None not in row else []


def _swap_in(work: Path, target: Path, manifest: Manifest) -> None:
    """Replace the downloads folder's files, the manifest written last."""
    target.mkdir(parents=True, exist_ok=True)
    for file in manifest.files:
        os.replace(work / file.name, target / file.name)
    kept = {file.name for file in manifest.files} | {MANIFEST}
    text = json.dumps({**asdict(manifest)}, ensure_ascii=False, indent=1)
    write_atomic(target / MANIFEST, text)
    for stale in target.iterdir():  # files of obręby or themes that no longer exist
        if stale.name not in kept and stale.is_file():
            stale.unlink()
