"""Rasters (orthophoto, DEM) prepared as Cloud-Optimised GeoTIFFs in EPSG:2180.

The raster services read one file per raster, so every source goes through the same steps
and comes out in the same shape: tiled, with internal overviews down to at most
``SMALLEST_OVERVIEW`` pixels, in the storage CRS (EPSG:2180), in the COG layout (all IFDs
first, the smallest overview's tiles before the full resolution), so that a service or a
browser can read a corner of it at any scale with a few range requests.

Steps (``progress`` hears each one, because a county orthophoto takes minutes):

``open``       the file must be a TIFF by its first bytes and open with the GTiff driver
               only, so a VRT or any other GDAL format (which may point at other files,
               e.g. ``/etc/passwd``) is never parsed; then it must be georeferenced, with a
               CRS, and overlap Poland; its bands must fit the kind of raster.
``reproject``  a warp (or, already in EPSG:2180, a pixel-exact copy) into a lossless,
               tiled working GeoTIFF; an orthophoto's nodata or alpha becomes a mask, a DEM
               becomes float32 with a nodata value.
``overviews``  averaged overviews on the working file (factors 2, 4, 8 …).
``write``      the COG driver copies the working file with its overviews: JPEG with the
               mask for orthophotos, DEFLATE with the floating-point predictor for DEMs.

Everything is written in a hidden temporary folder next to the target, and the finished
file replaces the target with ``os.replace``: the target is either the old file or the
whole new one, never half written, and a failure leaves nothing behind.

Problems with the source that no option can fix raise ``InputError`` naming the file;
what was done to the data on the way (a reprojection, a nodata value set) is reported as
findings in the ``RasterReport``.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyproj
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.vrt import WarpedVRT
from rasterio.warp import calculate_default_transform, transform_bounds

from etl.readers.base import Finding, Findings, InputError
from geoportal.crs import PL2000_EPSG, POLAND_2180, STORAGE_EPSG

Kind = Literal["orthophoto", "dem"]
Progress = Callable[[str], None]
BBox = tuple[float, float, float, float]

ALLOWED_DRIVERS = frozenset({"GTiff", "COG"})
SMALLEST_OVERVIEW = 256  # px: the last overview fits one 256 px map tile
BLOCK = 512  # px: COG tile size (the COG driver's default, good for range requests)
DEM_NODATA = -9999.0
JPEG_QUALITY = 85
STORAGE_CRS = f"EPSG:{STORAGE_EPSG}"

_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # classic and BigTIFF
_RESAMPLING: dict[str, Resampling] = {"orthophoto": Resampling.cubic, "dem": Resampling.bilinear}
_GDAL_ENV = {
    "GDAL_PAM_ENABLED": "NO",  # no .aux.xml written next to a (possibly read-only) source
    "GDAL_TIFF_INTERNAL_MASK": "YES",  # the orthophoto mask lives inside the file
    "GDAL_TIFF_OVR_BLOCKSIZE": str(BLOCK),
}
_WORK_OPTIONS = {  # the working file: lossless and quick, read once more by the COG driver
    "driver": "GTiff",
    "tiled": True,
    "blockxsize": BLOCK,
    "blockysize": BLOCK,
    "compress": "DEFLATE",
    "zlevel": 1,
    "bigtiff": "IF_SAFER",
}
_COG_OPTIONS: dict[str, dict[str, Any]] = {
    "orthophoto": {"COMPRESS": "JPEG", "QUALITY": JPEG_QUALITY},
    "dem": {"COMPRESS": "DEFLATE", "PREDICTOR": "FLOATING_POINT", "LEVEL": 6},
}


@dataclass(frozen=True)
class RasterReport:
    """What ``prepare_raster`` wrote: the COG as read back, and what happened on the way."""

    path: Path
    kind: Kind
    size: tuple[int, int]  # (width, height) in pixels
    bands: int  # colour or data bands, without the mask
    dtype: str
    crs: str
    bounds: BBox  # EPSG:2180, easting first
    resolution: tuple[float, float]  # metres per pixel (x, y)
    overviews: tuple[int, ...]  # decimation factors, e.g. (2, 4, 8)
    compression: str
    nodata: float | None
    file_bytes: int
    findings: list[Finding]


@dataclass(frozen=True)
class _Grid:
    """The output pixel grid in EPSG:2180; ``warped`` is False for a pixel-exact copy."""

    transform: Affine
    width: int
    height: int
    warped: bool

    @property
    def resolution(self) -> float:
        return float(self.transform.a)


def prepare_raster(
    source: Path,
    target: Path,
    *,
    kind: Kind,
    progress: Progress | None = None,
) -> RasterReport:
    """Turn a GeoTIFF into a COG in EPSG:2180 at ``target`` (replaced atomically).

    Raises ``InputError`` (naming ``source``) for a file that cannot be used as it is.
    """
    if kind not in _RESAMPLING:
        raise ValueError(f"kind must be 'orthophoto' or 'dem', not {kind!r}")
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise ValueError(f"{source}: the target must not be the source")
    say: Progress = progress or (lambda _message: None)
    findings = Findings()
    say(f"open: {source}")
    _sniff(source)
    with rasterio.Env(**_GDAL_ENV), _open_source(source) as src:
        _check_source(src, source, kind, findings)
        grid = _target_grid(src, kind, findings)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
            work, cog = Path(tmp) / "work.tif", Path(tmp) / "cog.tif"
            _reproject(src, source, grid, work, kind, say)
            _build_overviews(work, overview_factors(grid.width, grid.height), say)
            _write_cog(work, cog, kind, say)
            _fsync(cog)
            os.replace(cog, target)
    report = _report(target, kind, findings)
    say(f"done: {target} ({report.file_bytes / 1e6:.1f} MB)")
    return report


def derive_hillshade(dem: Path, target: Path, progress: Progress | None = None) -> Path:
    """Relief shading of a prepared DEM (a COG from :func:`prepare_raster`) as a COG.

    GDAL's ``gdaldem`` (multidirectional light, 3× vertical exaggeration for a lowland,
    edges computed so the border is not a dark line) into a working file, then the COG
    driver; written beside the target and moved into place, like every raster here.
    """
    say: Progress = progress or (lambda _message: None)
    say(f"hillshade: {dem}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmp:
        work, cog = Path(tmp) / "work.tif", Path(tmp) / "cog.tif"
        _run_gdal(["gdaldem", "hillshade", "-q", "-multidirectional", "-z", "3",
                   "-compute_edges", "-co", "TILED=YES", str(dem), str(work)])  # fmt: skip
        _run_gdal(["gdal_translate", "-q", "-of", "COG", "-co", "COMPRESS=DEFLATE",
                   "-co", "OVERVIEW_RESAMPLING=AVERAGE", str(work), str(cog)])  # fmt: skip
        _fsync(cog)
        os.replace(cog, target)
    say(f"done: {target}")
    return target


def _run_gdal(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")


# --- open and check ---------------------------------------------------------------------


def _sniff(path: Path) -> None:
    """Refuse anything that is not a TIFF by its first bytes, before GDAL parses it.

    GDAL would open a VRT (an XML file naming other files) under any name; reading it
    could pull in any file the process may read, so it is refused here, unparsed."""
    try:
        with path.open("rb") as stream:
            head = stream.read(512)
    except FileNotFoundError:
        raise InputError(path, "does not exist") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if head[:4] in _TIFF_MAGIC:
        return
    if not head:
        raise InputError(path, "is empty, not a GeoTIFF")
    if b"<vrtdataset" in head.lower():
        raise InputError(
            path, "is a GDAL virtual raster (VRT: XML pointing at other files), not a GeoTIFF"
        )
    raise InputError(path, "is not a GeoTIFF (no TIFF header); only GeoTIFF or COG is accepted")


@contextmanager
def _open_source(path: Path) -> Iterator[Any]:
    """Open with the GTiff driver alone, so no other GDAL driver ever reads the file."""
    try:
        with warnings.catch_warnings():  # NotGeoreferencedWarning: refused below instead
            warnings.simplefilter("ignore")
            src = rasterio.open(path, driver="GTiff")
    except RasterioError as exc:
        raise InputError(path, f"cannot be opened as a GeoTIFF ({gdal_message(exc)})") from exc
    with src:
        if src.driver not in ALLOWED_DRIVERS:
            raise InputError(path, f"is read by the {src.driver} driver; only GTiff/COG")
        yield src


def _check_source(src: Any, path: Path, kind: Kind, findings: Findings) -> None:
    """Refuse what cannot become a raster layer; note what will be adapted."""
    _check_georeferencing(src, path)
    _check_inside_poland(src, path, findings)
    if kind == "orthophoto":
        _check_orthophoto_bands(src, path, findings)
    else:
        _check_dem_band(src, path, findings)
    if src.tags().get("AREA_OR_POINT", "").lower() == "point":
        findings.add(
            "pixel_is_point",
            "values refer to pixel centres (AREA_OR_POINT=Point); the grid was read with "
            "cell corners half a pixel out, as GDAL does",
        )


def _check_georeferencing(src: Any, path: Path) -> None:
    """A raster must know where it is: a CRS and an affine geotransform (not only GCPs)."""
    if src.crs is None:
        raise InputError(
            path,
            "has no coordinate reference system (CRS); assign one (EPSG:2180 or the "
            "PL-2000 zone) before loading",
        )
    if src.transform.is_identity:
        gcps, _ = src.gcps
        how = "by ground control points only; rectify it first" if gcps else "no geotransform"
        raise InputError(path, f"is not georeferenced ({how})")


def _check_inside_poland(src: Any, path: Path, findings: Findings) -> None:
    """Refuse a raster that lies wholly outside Poland (a wrong CRS, usually)."""
    bounds = source_bounds_2180(src)
    if bounds is None:
        raise InputError(path, f"cannot be placed in Poland: no way from {crs_label(src.crs)}")
    west, south, east, north = bounds
    p_west, p_south, p_east, p_north = POLAND_2180
    shown = f"({west:.0f}, {south:.0f}, {east:.0f}, {north:.0f})"
    if east <= p_west or west >= p_east or north <= p_south or south >= p_north:
        raise InputError(
            path, f"lies outside Poland: its bounds in {STORAGE_CRS} {shown} miss {POLAND_2180}"
        )
    if west < p_west or south < p_south or east > p_east or north > p_north:
        findings.add("beyond_poland", f"extends beyond Poland: bounds in {STORAGE_CRS} {shown}")


def source_bounds_2180(src: Any) -> BBox | None:
    """The raster's bounds in EPSG:2180 (from all four corners), or None if unreachable."""
    corners = [src.transform @ xy for xy in ((0, 0), (src.width, 0), (0, src.height))]
    corners.append(src.transform @ (src.width, src.height))
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = transform_bounds(src.crs, STORAGE_CRS, min(xs), min(ys), max(xs), max(ys))
    except (RasterioError, ValueError):
        return None
    if not all(math.isfinite(v) for v in box):
        return None
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _check_orthophoto_bands(src: Any, path: Path, findings: Findings) -> None:
    """An orthophoto is 8-bit RGB, optionally with alpha as a fourth band."""
    if src.count not in (3, 4):
        raise InputError(path, f"has {src.count} band(s); an orthophoto needs RGB or RGBA")
    if set(src.dtypes) != {"uint8"}:
        raise InputError(path, f"is {src.dtypes[0]}; an orthophoto must be 8-bit (uint8)")
    if src.count == 4 and src.colorinterp[3].name != "alpha":
        findings.add(
            "band4_as_alpha",
            f"band 4 ({src.colorinterp[3].name}) is taken as alpha (transparency)",
        )


def _check_dem_band(src: Any, path: Path, findings: Findings) -> None:
    """A DEM is one band of heights; any real or integer type becomes float32."""
    if src.count != 1:
        raise InputError(path, f"has {src.count} bands; a DEM has exactly one")
    dtype = src.dtypes[0]
    if dtype.startswith("complex"):
        raise InputError(path, f"is {dtype}; a DEM holds real heights")
    if dtype != "float32":
        findings.add("converted_float32", f"heights converted from {dtype} to float32")
    if src.nodata is None:
        findings.add("nodata_set", f"no nodata value in the source; {DEM_NODATA:g} marks no data")


# --- the output grid --------------------------------------------------------------------


def _target_grid(src: Any, kind: Kind, findings: Findings) -> _Grid:
    """Keep the source grid when it is already north-up EPSG:2180; otherwise warp onto a
    square grid with a tidy pixel size, aligned to multiples of it (like ``gdalwarp -tap``),
    so neighbouring sheets of an orthophoto line up pixel for pixel."""
    t = src.transform
    north_up = t.b == 0 and t.d == 0 and t.a > 0 and t.e < 0
    if src.crs.to_epsg() == STORAGE_EPSG and north_up:
        return _Grid(t, src.width, src.height, warped=False)
    default, width, height = calculate_default_transform(
        src.crs, STORAGE_CRS, src.width, src.height, *src.bounds
    )
    res = tidy_resolution(max(abs(default.a), abs(default.e)))
    west, north = default.c, default.f
    east, south = west + width * default.a, north + height * default.e
    left, top = _snap(west, res, math.floor), _snap(north, res, math.ceil)
    grid = _Grid(
        Affine(res, 0.0, left, 0.0, -res, top),
        width=max(1, math.ceil(round((east - left) / res, 6))),
        height=max(1, math.ceil(round((top - south) / res, 6))),
        warped=True,
    )
    findings.add(
        "reprojected",
        f"reprojected from {crs_label(src.crs)} to {STORAGE_CRS} "
        f"({_RESAMPLING[kind].name} resampling, {res:g} m pixels)",
    )
    return grid


def tidy_resolution(value: float) -> float:
    """A pixel size rounded to three significant digits (0.49967 m -> 0.5 m)."""
    return float(f"{value:.3g}")


def _snap(value: float, step: float, rounding: Callable[[float], int]) -> float:
    return rounding(round(value / step, 6)) * step


def crs_label(crs: Any) -> str:
    """``EPSG:2177 (PL-2000 zone 6)``, ``EPSG:9701 (ETRF2000-PL)`` or the CRS's name."""
    code = crs.to_epsg()
    zones = {epsg: zone for zone, epsg in PL2000_EPSG.items()}
    if code in zones:
        return f"EPSG:{code} (PL-2000 zone {zones[code]})"
    try:
        name = pyproj.CRS.from_user_input(crs.to_wkt()).name
    except pyproj.exceptions.CRSError:
        name = "unnamed CRS"
    return f"EPSG:{code} ({name})" if code else name


# --- reproject, overviews, write ------------------------------------------------------------


def _reproject(src: Any, path: Path, grid: _Grid, work: Path, kind: Kind, say: Progress) -> None:
    """Warp (or copy) the source block by block into the working file.

    Read errors (a truncated or damaged file shows them only here) become ``InputError``;
    write errors stay what they are, since they concern the target's disk."""
    what = f"{crs_label(src.crs)} -> {STORAGE_CRS}" if grid.warped else "copy (EPSG:2180)"
    say(f"reproject: {what}, {grid.width}x{grid.height} px of {grid.resolution:g} m")
    vrt_options = _vrt_options(src, grid, kind)
    with WarpedVRT(src, **vrt_options) as vrt, _create_work(src, vrt, work, kind) as dst:
        windows = [window for _, window in dst.block_windows(1)]
        step = max(1, len(windows) // 10)
        for done, window in enumerate(windows, start=1):
            try:
                data = vrt.read(window=window)
            except RasterioError as exc:
                problem = f"cannot be read; damaged or truncated? ({gdal_message(exc)})"
                raise InputError(path, problem) from exc
            _write_block(dst, data, window, kind)
            if done % step == 0 and done < len(windows):
                say(f"reproject: {100 * done // len(windows)} %")


def _vrt_options(src: Any, grid: _Grid, kind: Kind) -> dict[str, Any]:
    """Warp options: the output grid, float32 + nodata for a DEM, alpha for an orthophoto."""
    options: dict[str, Any] = {
        "crs": STORAGE_CRS,
        "transform": grid.transform,
        "width": grid.width,
        "height": grid.height,
        "resampling": _RESAMPLING[kind] if grid.warped else Resampling.nearest,
        "warp_mem_limit": 256,
    }
    if kind == "dem":
        nodata = DEM_NODATA if src.nodata is None else src.nodata
        options.update(dtype="float32", nodata=nodata)
    elif src.count == 4 and src.colorinterp[3].name != "alpha":
        options.update(src_alpha=4, dst_alpha=4)
    elif src.count == 3:
        options.update(add_alpha=True)  # nodata or the mask of the source become alpha
    return options


@contextmanager
def _create_work(src: Any, vrt: Any, work: Path, kind: Kind) -> Iterator[Any]:
    """The working GeoTIFF: RGB + internal mask, or one float32 band with nodata."""
    profile = dict(_WORK_OPTIONS, width=vrt.width, height=vrt.height, crs=vrt.crs)
    profile.update(transform=vrt.transform)
    if kind == "orthophoto":
        profile.update(count=3, dtype="uint8", photometric="RGB", predictor=2)
    else:
        profile.update(count=1, dtype="float32", nodata=vrt.nodata, predictor=3)
    with rasterio.open(work, "w", **profile) as dst:
        _copy_metadata(src, dst, kind)
        yield dst


def _copy_metadata(src: Any, dst: Any, kind: Kind) -> None:
    """Keep the source's descriptive tags (e.g. a copyright to credit), band names and
    units; ``AREA_OR_POINT`` is dropped because the output grid is cell-corner based."""
    tags = {k: v for k, v in src.tags().items() if k != "AREA_OR_POINT"}
    if tags:
        dst.update_tags(**tags)
    if kind == "dem":
        if src.descriptions[0]:
            dst.set_band_description(1, src.descriptions[0])
        if src.units and src.units[0]:
            dst.set_band_unit(1, src.units[0])


def _write_block(dst: Any, data: Any, window: Any, kind: Kind) -> None:
    """Write one warped block; an orthophoto's alpha becomes the mask (JPEG has no alpha),
    covered where at least half of the pixel was covered."""
    if kind == "orthophoto":
        dst.write(data[:3], window=window)
        dst.write_mask(np.where(data[3] >= 128, 255, 0).astype("uint8"), window=window)
    else:
        dst.write(data, window=window)


def overview_factors(width: int, height: int) -> list[int]:
    """Factors 2, 4, 8 … until the smallest overview is at most ``SMALLEST_OVERVIEW`` px."""
    factors: list[int] = []
    factor = 1
    while math.ceil(max(width, height) / factor) > SMALLEST_OVERVIEW:
        factor *= 2
        factors.append(factor)
    return factors


def _build_overviews(work: Path, factors: list[int], say: Progress) -> None:
    """Averaged overviews (and, for an orthophoto, mask overviews) on the working file."""
    say(f"overviews: {', '.join(map(str, factors)) or 'none needed'}")
    if not factors:
        return
    with rasterio.open(work, "r+") as dst:
        dst.build_overviews(factors, Resampling.average)


def _write_cog(work: Path, cog: Path, kind: Kind, say: Progress) -> None:
    """The COG driver rewrites the working file in COG order, keeping its overviews."""
    options = dict(_COG_OPTIONS[kind])
    say(f"write: COG, {options['COMPRESS']}")
    options.update(
        BLOCKSIZE=BLOCK, OVERVIEWS="FORCE_USE_EXISTING", BIGTIFF="IF_SAFER", NUM_THREADS="ALL_CPUS"
    )
    rasterio.shutil.copy(work, cog, driver="COG", **options)


def _fsync(path: Path) -> None:
    """Flush the finished file to disk before it replaces the target."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _report(target: Path, kind: Kind, findings: Findings) -> RasterReport:
    """Describe the COG as written, read back from the file rather than from intentions."""
    with rasterio.open(target) as out:
        west, south, east, north = out.bounds
        return RasterReport(
            path=target,
            kind=kind,
            size=(out.width, out.height),
            bands=out.count,
            dtype=out.dtypes[0],
            crs=f"EPSG:{out.crs.to_epsg()}",
            bounds=(float(west), float(south), float(east), float(north)),
            resolution=(float(out.res[0]), float(out.res[1])),
            overviews=tuple(out.overviews(1)),
            compression=out.compression.name.upper() if out.compression else "NONE",
            nodata=out.nodata,
            file_bytes=target.stat().st_size,
            findings=findings.as_list(),
        )


def gdal_message(exc: BaseException) -> str:
    """GDAL's own words for a failure: rasterio chains them behind generic messages, and
    the innermost one (e.g. ``got 224457 bytes, expected 234020``) says what went wrong."""
    message = type(exc).__name__
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            break
        text = str(current).strip()
        if text and "See previous exception" not in text:
            message = text
        current = current.__cause__ or current.__context__
    return message


# --- checking a COG -------------------------------------------------------------------------


def is_cog(path: Path) -> bool:
    """Whether ``path`` is a Cloud-Optimised GeoTIFF (see ``cog_problems``)."""
    return not cog_problems(path)


def cog_problems(path: Path) -> list[str]:
    """What keeps ``path`` from being a COG; empty when it is one.

    Checks what a reader relies on: tiles; overviews when the image is bigger than
    ``SMALLEST_OVERVIEW``; GDAL's ``LAYOUT=COG`` mark; and, as GDAL's
    ``validate_cloud_optimized_geotiff.py`` does, every IFD (full resolution first) before
    any tile data, and the tiles of smaller overviews stored before those of larger ones
    and of the full resolution."""
    try:
        with rasterio.Env(GDAL_PAM_ENABLED="NO"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(path, driver="GTiff") as src:
                return _layout_problems(src)
    except RasterioError as exc:
        return [f"not a readable GeoTIFF ({gdal_message(exc)})"]


def _layout_problems(src: Any) -> list[str]:
    """The checks of ``cog_problems`` on an open dataset."""
    problems: list[str] = []
    if not src.profile.get("tiled"):
        problems.append("not tiled (strips)")
    if src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") != "COG":
        problems.append("no LAYOUT=COG in the IMAGE_STRUCTURE metadata")
    levels = len(src.overviews(1))
    if levels == 0 and max(src.width, src.height) > SMALLEST_OVERVIEW:
        problems.append("no overviews")
    offsets = [_offsets(src, ovr) for ovr in [None, *range(levels)]]
    if any(o is None for o in offsets):
        return [*problems, "TIFF offsets unavailable"]
    ifds = [o[0] for o in offsets if o is not None]
    data = [o[1] for o in offsets if o is not None]
    if ifds != sorted(ifds):
        problems.append("IFDs not in order (full resolution, then overviews large to small)")
    if max(ifds) > min(data):
        problems.append("an IFD lies after tile data")
    if data != sorted(data, reverse=True):
        problems.append("tiles not stored smallest overview first, full resolution last")
    return problems


def _offsets(src: Any, ovr: int | None) -> tuple[int, int] | None:
    """(IFD offset, offset of the first tile) of the full resolution or an overview."""
    try:
        ifd = src.get_tag_item("IFD_OFFSET", "TIFF", bidx=1, ovr=ovr)
        block = src.get_tag_item("BLOCK_OFFSET_0_0", "TIFF", bidx=1, ovr=ovr)
    except RasterioError:
        return None
    return (int(ifd), int(block)) if ifd and block else None
