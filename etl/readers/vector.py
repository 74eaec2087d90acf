"""Streaming reader of vector files: Shapefile (also zipped), GeoPackage, GeoJSON, FlatGeobuf.

Counties hand over parcels and buildings in whatever their software exports. What the
file cannot say, a profile (``etl.profiles``) does: which table, which fields, which
namespace. This reader opens the file, proves it is what it claims, decides the CRS and
(for a DBF) the text encoding, and streams ``(table, record)`` pairs.

Why it is careful:

* Formats are recognised from their first bytes, then GDAL must open them with the
  driver they claim, from an allow-list: a ``.gpkg`` that is really a VRT (or anything
  else pointing at other files) is refused, never opened by whatever driver wants it.
* A shapefile's three files are checked against each other before GDAL sees them: GDAL
  reads a truncated ``.shp`` as empty geometries and a ``.dbf`` with extra records without
  a word.
* Memory does not grow with the file: features are read in windows of ``batch_size``
  (shapefile, GeoPackage and FlatGeobuf seek to a window cheaply). GDAL re-parses a
  GeoJSON from its start for every window, so GeoJSON is streamed here instead, one
  feature at a time with the standard JSON decoder.
* Geometries are normalised (Polygon → MultiPolygon, Z/M dropped, EPSG:2180) and every
  repair or refusal is a finding with a count, never silent.
* Zip uploads are unpacked by ``etl.archive`` into a temporary folder that is removed
  when iteration ends.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pyogrio
import pyogrio.errors
import pyogrio.raw
import pyproj
import shapely
from pyogrio.util import vsi_path
from shapely.geometry import MultiPolygon, shape

# Modules, not names: etl.archive, etl.encoding and etl.profiles import etl.readers.base,
# which runs the reader registry, which imports this module. Whichever of them is imported
# first, its names are looked up here only when a file is read, after all are complete.
from etl import archive, profiles
from etl import encoding as text_encoding
from etl.gml.crs import plausible, to_target
from etl.readers.base import Finding, Findings, InputError, Record
from geoportal.crs import POLAND_2180, STORAGE_EPSG, WGS84_EPSG, parse_crs_name
from geoportal.tables import DATA_TABLES

DRIVERS = {
    ".shp": "ESRI Shapefile",
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
}
BATCH = 10_000
MAX_VERTICES = 1_000_000
MAX_JSON_VALUE = 256 << 20  # characters of one GeoJSON feature
CHUNK = 1 << 20  # characters of GeoJSON read ahead at a time
HEAD = 64 << 10  # bytes a format is recognised from
GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.CRSError,
    UnicodeDecodeError,
)
GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_SKIP = object()  # a feature whose geometry rules it out (the finding is recorded)
_UNREADABLE = object()  # a geometry that could not be parsed at all


class VectorReader:
    """``for table, record in VectorReader(path, "parcels-kieg")``; then ``.findings``.

    ``encoding`` forces the DBF text encoding (``--encoding``; it beats the profile's);
    ``work_dir`` is where a zip's temporary folder is made (default: the system's).
    """

    def __init__(
        self,
        path: Path | str,
        profile: profiles.Profile | str | Path,
        *,
        encoding: str | None = None,
        work_dir: Path | str | None = None,
        batch_size: int = BATCH,
    ) -> None:
        self.path = Path(path)
        self.profile = (
            profile if isinstance(profile, profiles.Profile) else profiles.load_profile(profile)
        )
        self.encoding = encoding or self.profile.encoding
        self.work_dir = Path(work_dir) if work_dir is not None else None
        self.batch_size = batch_size
        self._findings = Findings()

    @classmethod
    def sniff(cls, path: Path) -> bool:
        """True for a file in one of the formats (from its first bytes), or a zip whose
        central directory lists exactly one such dataset. Never raises, never unpacks."""
        path = Path(path)
        try:
            if path.suffix.lower() == ".zip":
                return len(_datasets(archive.list_zip(path))) == 1
            return _format_of(path) is not None
        except (InputError, OSError):
            return False

    @property
    def findings(self) -> list[Finding]:
        """What reading noticed, by kind."""
        return self._findings.as_list()

    def __iter__(self) -> Iterator[Record]:
        if self.path.suffix.lower() == ".zip":
            yield from self._read_zip()
        else:
            yield from self._read(self.path)

    # ---- opening ----------------------------------------------------------------------
    def _read_zip(self) -> Iterator[Record]:
        """Unpack into a temporary folder (removed afterwards) and read the one dataset."""
        with tempfile.TemporaryDirectory(prefix="geoportal-upload-", dir=self.work_dir) as tmp:
            files = archive.extract_zip(self.path, tmp)
            names = [str(p.relative_to(tmp)) for p in files]
            found = _datasets(names)
            if len(found) != 1:
                listed = ", ".join(found) or "none"
                raise InputError(
                    self.path,
                    f"the archive must hold exactly one Shapefile, "
                    f"GeoPackage, GeoJSON or FlatGeobuf; found: {listed}",
                )
            try:
                yield from self._read(Path(tmp) / found[0])
            except InputError as exc:  # name the upload as well as the file inside it
                raise InputError(self.path, str(exc)) from None

    def _read(self, dataset: Path) -> Iterator[Record]:
        driver = _format_of(dataset)
        if driver is None:
            raise InputError(
                dataset,
                "not a Shapefile, GeoPackage, GeoJSON FeatureCollection "
                "or FlatGeobuf (judged from its first bytes)",
            )
        _gdal_path(dataset)
        encoding = self._shapefile_encoding(dataset) if driver == "ESRI Shapefile" else None
        layer = _layer(dataset, driver)
        info = _info(dataset, layer, encoding, driver)
        epsg, from_profile = self._epsg(dataset, info)
        binding = self.profile.bind(dataset, list(info["fields"]), self._findings, _mtime(dataset))
        shapes = Shapes(
            dataset,
            epsg,
            _geometry_kind(self.profile.table),
            self._findings,
            prove_crs=from_profile,
        )
        if driver == "GeoJSON":
            batches = _json_batches(dataset, self.batch_size, self._findings)
        else:
            batches = _ogr_batches(dataset, layer, encoding, binding.source_fields, self.batch_size)
        for start, geoms, rows in batches:
            yield from self._records(binding, shapes, start, geoms, rows)

    def _shapefile_encoding(self, shp: Path) -> str:
        """Check the three files agree, then decide the DBF's encoding (GDAL's name)."""
        dbf = check_shapefile(shp)
        return text_encoding.detect_dbf_encoding(dbf, self._findings, self.encoding).gdal

    def _epsg(self, path: Path, info: dict[str, Any]) -> tuple[int, bool]:
        """(EPSG code, whether it came from the profile). Declared CRSs win; a file
        without one takes the profile's, or is refused: never a silent guess."""
        declared = info.get("crs")
        epsg = _epsg_of(declared) if declared else None
        if epsg == WGS84_EPSG and info["driver"] == "GeoJSON" and not _degrees(info):
            declared, epsg = None, None  # RFC 7946 implies CRS84, the numbers say otherwise
        if epsg is not None:
            if self.profile.crs not in (None, epsg):
                self._note(
                    "crs_profile_ignored",
                    "the file declares its CRS; the profile's crs is not used",
                    f"{path.name}: EPSG:{epsg}",
                )
            return epsg, False
        if self.profile.crs is None:
            what = (
                f"its coordinate reference system has no EPSG code ({str(declared)[:60]}…)"
                if declared
                else "no coordinate reference system (no .prj, no CRS in the file)"
            )
            raise InputError(path, f"{what}; set crs in the profile")
        self._note(
            "crs_from_profile",
            "the file names no usable CRS; the profile's crs is used",
            f"{path.name}: EPSG:{self.profile.crs}",
        )
        return self.profile.crs, True

    def _note(self, code: str, message: str, example: object = None) -> None:
        self._findings.add(code, message, example)

    # ---- records ----------------------------------------------------------------------
    def _records(
        self,
        binding: profiles.Binding,
        shapes: Shapes,
        start: int,
        geoms: list[Any],
        rows: list[dict[str, Any]],
    ) -> Iterator[Record]:
        """Records of one batch: geometry first (it may rule a feature out), then values."""
        labels = [binding.label(values, start + i + 1) for i, values in enumerate(rows)]
        prepared = shapes.prepare(geoms, labels)
        table = self.profile.table
        for values, label, geom in zip(rows, labels, prepared, strict=True):
            if geom is _SKIP:
                continue
            record = binding.record(values, label)
            if record is not None:
                record["geom"] = geom
                yield table, record


# ---- recognising formats ----------------------------------------------------------------
def _format_of(path: Path) -> str | None:
    """The GDAL driver a file's suffix and first bytes agree on, or None."""
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None or not path.is_file():
        return None
    with path.open("rb") as fh:
        head = fh.read(HEAD)
    if driver == "ESRI Shapefile":
        ok = head[:4] == b"\x00\x00\x27\x0a"  # file code 9994, big-endian
    elif driver == "GPKG":  # SQLite, with the GeoPackage application_id at byte 68
        ok = head[:16] == b"SQLite format 3\x00" and head[68:72] in GPKG_IDS
    elif driver == "FlatGeobuf":
        ok = head[:3] == b"fgb" and head[4:7] == b"fgb"
    else:
        ok = _feature_collection(head)
    return driver if ok else None


def _feature_collection(head: bytes) -> bool:
    """A JSON object announcing a FeatureCollection (or its features) near its start."""
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return text.startswith("{") and bool(
        re.search(r'"type"\s*:\s*"FeatureCollection"|"features"\s*:\s*\[', text)
    )


def _datasets(names: list[str]) -> list[str]:
    """Datasets among archive member names; macOS resource forks are not data."""
    found = []
    for name in names:
        base = name.rsplit("/", 1)[-1]
        if name.startswith("__MACOSX/") or base.startswith("._"):
            continue
        if Path(base).suffix.lower() in DRIVERS:
            found.append(name)
    return sorted(found)


def _gdal_path(path: Path) -> None:
    """Refuse names GDAL would read as something else: pyogrio turns ``a!b.shp`` into an
    archive path and ``x.zip`` into ``/vsizip/``; a name from an upload must stay a file."""
    if vsi_path(str(path)) != str(path):
        raise InputError(
            path,
            "the file name contains characters GDAL reads as an archive "
            "or URL path ('!'); rename the file",
        )


def check_shapefile(shp: Path) -> Path:
    """The ``.dbf`` of a shapefile, after proving ``.shp``, ``.shx`` and ``.dbf`` agree."""
    found = {suffix: text_encoding.sidecar(shp, suffix) for suffix in (".shx", ".dbf")}
    for suffix, part in found.items():
        if part is None:
            raise InputError(
                shp,
                f"{shp.stem}{suffix} is missing; a shapefile needs its .shp, "
                ".shx and .dbf together",
            )
    shx, dbf = found[".shx"], found[".dbf"]
    assert shx is not None and dbf is not None
    index = _shx_entries(shx)
    ends = (index[:, 0].astype(np.int64) + index[:, 1] + 4) * 2  # 16-bit words, 8-byte header
    if len(ends) and int(ends.max()) > shp.stat().st_size:
        first = int(np.argmax(ends > shp.stat().st_size)) + 1
        raise InputError(
            shp,
            f"the .shx points past the end of the .shp (shape {first:,}): "
            "the .shp is truncated or the .shx belongs to another file",
        )
    records = text_encoding.read_dbf_header(dbf).records
    if records != len(index):
        raise InputError(
            shp, f"the .shx lists {len(index):,} shapes but the .dbf holds {records:,} records"
        )
    return dbf


def _shx_entries(shx: Path) -> np.ndarray:
    """(offset, length) per shape, in 16-bit words, from the 100-byte-header index."""
    size = shx.stat().st_size
    if size < 100 or (size - 100) % 8:
        raise InputError(shx, "the .shx is damaged (its size is not a header plus 8-byte entries)")
    return np.fromfile(shx, dtype=">i4", offset=100).reshape(-1, 2)


def _layer(path: Path, driver: str) -> str | None:
    """The one spatial layer of a GeoPackage (the other formats hold one layer)."""
    if driver != "GPKG":
        return None
    try:
        layers = pyogrio.list_layers(path)
    except GDAL_ERRORS as exc:
        raise InputError(path, f"GDAL cannot open it: {exc}") from None
    spatial = [str(name) for name, kind in layers if kind]
    if len(spatial) != 1:
        raise InputError(
            path,
            f"the GeoPackage must hold exactly one layer with geometry; "
            f"found {len(spatial)}: {', '.join(spatial) or 'none'}",
        )
    return spatial[0]


def _info(path: Path, layer: str | None, encoding: str | None, driver: str) -> dict[str, Any]:
    """``pyogrio.read_info``, refused unless GDAL opened it with the driver it claims."""
    try:
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
    except GDAL_ERRORS as exc:
        raise InputError(path, f"GDAL cannot read it: {exc}") from None
    if info.get("driver") != driver:
        raise InputError(
            path,
            f"GDAL opens it as {info.get('driver')!r}, not {driver!r}; only "
            "Shapefile, GeoPackage, GeoJSON and FlatGeobuf are accepted",
        )
    return info


def _epsg_of(declared: str) -> int | None:
    """An EPSG code from ``EPSG:2180`` or from WKT (an ArcGIS ``.prj``), else None."""
    code = parse_crs_name(declared).epsg
    if code is not None:
        return code
    try:
        return pyproj.CRS.from_user_input(declared).to_epsg(min_confidence=70)
    except pyproj.exceptions.CRSError:
        return None


def _degrees(info: dict[str, Any]) -> bool:
    """Whether a layer's extent can be longitude/latitude at all."""
    bounds = info.get("total_bounds")
    if not bounds or not all(np.isfinite(bounds)):
        return True  # nothing to judge by; per-feature checks still report strays
    x0, y0, x1, y1 = bounds
    return -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90


def _mtime(path: Path) -> dt.datetime:
    """When the file was written, in UTC: the version start when no field dates one."""
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def _geometry_kind(table: str) -> str:
    return str(DATA_TABLES[table].c["geom"].type.geometry_type).upper()  # type: ignore[attr-defined]


# ---- reading batches ----------------------------------------------------------------------
Batch = tuple[int, list[Any], list[dict[str, Any]]]  # (features before it, geometries, values)


def _ogr_batches(
    path: Path, layer: str | None, encoding: str | None, columns: list[str], size: int
) -> Iterator[Batch]:
    """Windows of ``size`` features read by GDAL; only the profile's fields are read."""
    start = 0
    while True:
        try:
            meta, _, wkb, data = pyogrio.raw.read(
                path,
                layer=layer,
                encoding=encoding,
                columns=columns,
                skip_features=start,
                max_features=size,
            )
        except GDAL_ERRORS as exc:
            raise InputError(
                path, f"GDAL cannot read features from {start + 1:,} on: {exc}"
            ) from None
        count = len(wkb)
        if count == 0:
            return
        names = [str(name) for name in meta["fields"]]
        values = [array.tolist() for array in data]
        rows = [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]
        yield start, _from_wkb(wkb), rows or [{} for _ in range(count)]
        start += count
        if count < size:
            return


def _from_wkb(wkb: np.ndarray) -> list[Any]:
    """Shapely geometries; a null stays None, bytes that do not parse become _UNREADABLE."""
    with np.errstate(invalid="ignore"):  # NaN coordinates: judged (and reported) later
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    return [
        _UNREADABLE if geom is None and blob is not None else geom
        for geom, blob in zip(geoms, wkb, strict=True)
    ]


def _json_batches(path: Path, size: int, findings: Findings) -> Iterator[Batch]:
    """Batches of GeoJSON features, parsed one by one (see :func:`geojson_features`)."""
    geoms: list[Any] = []
    rows: list[dict[str, Any]] = []
    start = 0
    for number, feature in enumerate(geojson_features(path), start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            findings.add(
                "not_a_feature",
                "an entry of features is not a Feature; skipped",
                f"feature {number}",
            )
            feature = {"geometry": _UNREADABLE}
        geoms.append(_from_geojson(feature.get("geometry")))
        properties = feature.get("properties")
        rows.append(properties if isinstance(properties, dict) else {})
        if len(rows) == size:
            yield start, geoms, rows
            start, geoms, rows = start + size, [], []
    if rows:
        yield start, geoms, rows


def _from_geojson(geometry: Any) -> Any:
    if geometry is None or geometry is _UNREADABLE:
        return geometry
    try:
        return shape(geometry)
    except (shapely.errors.ShapelyError, ValueError, TypeError, KeyError, AttributeError):
        return _UNREADABLE


def geojson_features(path: Path) -> Iterator[Any]:
    """The members of a FeatureCollection's ``features``, one at a time.

    Only one feature (plus a read-ahead buffer) is in memory; the other members of the
    collection are parsed and dropped (``crs`` is GDAL's to read). Invalid JSON, a feature
    over 256 MiB and text that is not UTF-8 are refused.
    """
    try:
        with path.open(encoding="utf-8-sig") as fh:
            stream = _JsonStream(fh, path)
            stream.expect("{")
            if stream.peek() == "}":
                return
            while True:
                key = stream.value()
                stream.expect(":")
                if key == "features":
                    yield from stream.array()
                else:
                    stream.value()
                if stream.expect(",}") == "}":
                    return
    except UnicodeDecodeError as exc:
        raise InputError(path, f"a GeoJSON file must be UTF-8 ({exc.reason})") from None


_WHITESPACE = re.compile(r"[ \t\r\n]*")


class _JsonStream:
    """One JSON value after another from a text file, with a bounded read-ahead buffer."""

    def __init__(self, fh: TextIO, path: Path) -> None:
        self.fh, self.path = fh, path
        self.buffer, self.pos, self.consumed, self.eof = "", 0, 0, False
        self.decoder = json.JSONDecoder()

    def _fill(self, amount: int) -> bool:
        """Drop what was read, append ``amount`` characters; False at the end of the file."""
        self.consumed += self.pos
        self.buffer, self.pos = self.buffer[self.pos :], 0
        chunk = self.fh.read(amount) if not self.eof else ""
        self.eof = self.eof or not chunk
        self.buffer += chunk
        return bool(chunk)

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end)."""
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill(CHUNK):
                return ""

    def expect(self, allowed: str) -> str:
        char = self.peek()
        if not char or char not in allowed:
            where = self.consumed + self.pos
            raise InputError(
                self.path,
                f"not a GeoJSON FeatureCollection: expected one of "
                f"{allowed!r} at character {where:,}",
            )
        self.pos += 1
        return char

    def array(self) -> Iterator[Any]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            if self.expect(",]") == "]":
                return

    def value(self) -> Any:
        """The next value; reads ahead (doubling, so a large feature is parsed few times)
        until the decoder succeeds with text left over, or the file ends."""
        self.peek()
        amount = CHUNK
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
                if end < len(self.buffer) or self.eof:  # a number may go on in the next chunk
                    self.pos = end
                    return value
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise InputError(
                        self.path,
                        f"not valid JSON: {exc.msg} at character {self.consumed + exc.pos:,}",
                    ) from None
            if len(self.buffer) - self.pos > MAX_JSON_VALUE:
                raise InputError(
                    self.path,
                    f"a feature at character {self.consumed + self.pos:,}"
                    " is larger than 256 MiB of text",
                )
            self._fill(amount)
            amount *= 2


# ---- geometries ---------------------------------------------------------------------------
@dataclass
class Shapes:
    """The geometry rules of one file: type for the table, 2D, finite, EPSG:2180."""

    path: Path
    epsg: int
    kind: str  # the table's geometry type: MULTIPOLYGON or POINT
    findings: Findings
    prove_crs: bool = False  # a CRS from the profile must put the first batch in Poland

    def prepare(self, geoms: list[Any], labels: list[str]) -> list[Any]:
        """Per feature: a geometry in EPSG:2180, None (kept without one), or ``_SKIP``."""
        out = [self._one(geom, label) for geom, label in zip(geoms, labels, strict=True)]
        kept = [i for i, geom in enumerate(out) if geom is not None and geom is not _SKIP]
        if not kept:
            return out
        array = np.array([out[i] for i in kept], dtype=object)
        if self.prove_crs:
            self._prove_crs(array)
        if self.epsg != STORAGE_EPSG:
            array = shapely.transform(array, lambda xy: to_target(xy, self.epsg))
        for i, geom in zip(kept, array, strict=True):
            out[i] = geom
            self._check_poland(geom, labels[i])
        return out

    def _one(self, geom: Any, label: str) -> Any:
        """One geometry in the file's CRS, or None / ``_SKIP`` with its finding."""
        if geom is _UNREADABLE:
            return self._skip("unreadable_geometry", "geometry cannot be read; skipped", label)
        if geom is None or geom.is_empty:
            self.findings.add(
                "empty_geometry", "feature without geometry (kept without one)", label
            )
            return None
        vertices = shapely.get_num_coordinates(geom)
        if vertices > MAX_VERTICES:
            raise InputError(
                self.path,
                f"{label} has {vertices:,} vertices, more than the limit of {MAX_VERTICES:,}",
            )
        if shapely.has_z(geom) or shapely.has_m(geom):
            self.findings.add("z_m_dropped", "Z or M values dropped (2D storage)", label)
            geom = shapely.force_2d(geom)
        geom = self._of_kind(geom, label)
        if geom is not _SKIP and not np.isfinite(shapely.get_coordinates(geom)).all():
            return self._skip("nan_coordinates", "NaN or infinite coordinates; skipped", label)
        return geom

    def _of_kind(self, geom: Any, label: str) -> Any:
        """The geometry as the table's type, or ``_SKIP`` for the wrong type."""
        name = geom.geom_type
        if self.kind == "MULTIPOLYGON" and name in ("Polygon", "MultiPolygon"):
            return MultiPolygon([geom]) if name == "Polygon" else geom
        if self.kind == "POINT" and name == "Point":
            return geom
        if self.kind == "POINT" and name == "MultiPoint" and len(geom.geoms) == 1:
            return geom.geoms[0]
        return self._skip(
            "wrong_geometry_type", f"not a {self.kind.lower()}; skipped", f"{label}: {name}"
        )

    def _skip(self, code: str, message: str, example: str) -> Any:
        self.findings.add(code, message, example)
        return _SKIP

    def _prove_crs(self, array: np.ndarray) -> None:
        """A CRS the file does not declare must at least put its data in Poland."""
        self.prove_crs = False
        x0, y0, x1, y1 = shapely.bounds(array).T
        middle = np.array([[np.median((x0 + x1) / 2), np.median((y0 + y1) / 2)]])
        if not plausible(middle, self.epsg):
            raise InputError(
                self.path,
                f"the coordinates do not lie in Poland as EPSG:{self.epsg}"
                " (the profile's crs); set the right crs",
            )

    def _check_poland(self, geom: Any, label: str) -> None:
        minx, miny, maxx, maxy = geom.bounds
        x0, y0, x1, y1 = POLAND_2180
        inside = x0 <= minx and maxx <= x1 and y0 <= miny and maxy <= y1
        if not inside:  # also false for NaN bounds (a point outside the projection)
            self.findings.add("outside_poland", "geometry outside Poland's EPSG:2180 extent", label)
