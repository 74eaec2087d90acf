"""Demo rasters for the demo county: an orthophoto and a DEM, procedural and deterministic.

The raster services need something to show before a county delivers its own orthophoto
and terrain model, and the tests need rasters of a known shape. Both are drawn with numpy
from smooth value noise and a few random tables, all seeded, so the same seed gives
byte-identical source GeoTIFFs (single-threaded writing, no timestamps).

* orthophoto: 8-bit RGB, 0.5 m pixels, about 2 km x 1.5 km in the middle of the extent
  (less if the extent is smaller): field strips running away from a curving road (the
  Polish *szachownica pól*), balks and field tracks, forest patches, and a street village
  (*ulicówka*) with roofs and gardens along the road. Written JPEG-compressed, as
  orthophotos are delivered.
* DEM: float32 heights, 5 m pixels over the whole extent, gentle relief between 150 and
  250 m a.s.l. like the Łask area, cut by a meandering river valley with a flat floodplain
  and a river falling gently eastwards. Written DEFLATE-compressed with nodata -9999.

Both are written in blocks of rows, so memory stays small for a whole county's DEM, and
then go through ``etl.rasters.prepare_raster`` like any delivered raster.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine

from etl.rasters import Kind, Progress, prepare_raster
from geoportal.crs import STORAGE_EPSG

BBox = tuple[float, float, float, float]
FloatArray = np.ndarray

ORTHO_RESOLUTION = 0.5  # m
ORTHO_SPAN = (2000.0, 1500.0)  # m, east-west x north-south at most
DEM_RESOLUTION = 5.0  # m
DEM_NODATA = -9999.0
BLOCK_ROWS = 256
TILE = 256
_CRS = f"EPSG:{STORAGE_EPSG}"

# Colours (RGB) of what an orthophoto of the Łódź lowland shows in early summer.
_CROPS = np.array(
    [
        (196, 178, 112),  # ripening wheat
        (98, 132, 62),  # green cereal
        (200, 190, 86),  # rapeseed
        (122, 98, 74),  # ploughed soil
        (118, 148, 82),  # meadow
        (172, 158, 118),  # stubble
        (74, 112, 54),  # maize
        (142, 140, 96),  # fallow
    ],
    dtype=np.float32,
)
_CROP_SHARE = (0.2, 0.17, 0.05, 0.14, 0.14, 0.1, 0.12, 0.08)  # rapeseed is rare
_ROOFS = np.array(
    [(158, 72, 52), (122, 54, 42), (108, 86, 68), (102, 102, 106), (62, 62, 68), (140, 96, 70)],
    dtype=np.float32,
)
_BALK = np.array((112, 136, 76), dtype=np.float32)
_TRACK = np.array((152, 138, 112), dtype=np.float32)
_FOREST = np.array((44, 70, 38), dtype=np.float32)
_LAWN = np.array((104, 140, 70), dtype=np.float32)
_TREE = np.array((52, 84, 42), dtype=np.float32)
_ASPHALT = np.array((96, 96, 100), dtype=np.float32)
_VERGE = np.array((132, 150, 92), dtype=np.float32)


def generate_demo_rasters(
    out_dir: Path,
    extent: BBox,
    seed: int = 1003,
    *,
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write the demo orthophoto and DEM and prepare them as COGs.

    Returns the COGs as ``orthophoto`` and ``dem`` (``out_dir/<kind>.tif``) and the plain
    source GeoTIFFs as ``orthophoto_source`` and ``dem_source`` (``out_dir/source/``).
    ``extent`` is (minx, miny, maxx, maxy) in EPSG:2180, e.g. the site file's extent."""
    out = Path(out_dir)
    sources = write_demo_sources(out / "source", extent, seed)
    result: dict[str, Path] = {}
    kinds: tuple[Kind, ...] = ("orthophoto", "dem")
    for kind in kinds:
        report = prepare_raster(sources[kind], out / f"{kind}.tif", kind=kind, progress=progress)
        result[kind] = report.path
        result[f"{kind}_source"] = sources[kind]
    return result


def write_demo_sources(out_dir: Path, extent: BBox, seed: int = 1003) -> dict[str, Path]:
    """Write only the plain source GeoTIFFs (``orthophoto.tif``, ``dem.tif``)."""
    west, south, east, north = extent
    if not (east - west >= 50 and north - south >= 50):
        raise ValueError(f"extent {extent} must be at least 50 m x 50 m (minx, miny, maxx, maxy)")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ortho_grid = _PixelGrid.covering(ortho_window(extent), ORTHO_RESOLUTION)
    dem_grid = _PixelGrid.covering(extent, DEM_RESOLUTION)
    return {
        "orthophoto": _write_orthophoto(out / "orthophoto.tif", ortho_grid, seed),
        "dem": _write_dem(out / "dem.tif", dem_grid, seed),
    }


def ortho_window(extent: BBox) -> BBox:
    """The orthophoto's area: ``ORTHO_SPAN`` (or the whole extent) around its middle."""
    west, south, east, north = extent
    cx, cy = (west + east) / 2, (south + north) / 2
    half_x = min(ORTHO_SPAN[0], east - west) / 2
    half_y = min(ORTHO_SPAN[1], north - south) / 2
    return (cx - half_x, cy - half_y, cx + half_x, cy + half_y)


# --- grids, noise, writing ------------------------------------------------------------------


@dataclass(frozen=True)
class _PixelGrid:
    """A north-up pixel grid in EPSG:2180, snapped outwards to multiples of ``res``."""

    west: float
    north: float
    res: float
    width: int
    height: int

    @classmethod
    def covering(cls, bbox: BBox, res: float) -> _PixelGrid:
        west = math.floor(bbox[0] / res) * res
        north = math.ceil(bbox[3] / res) * res
        width = math.ceil((bbox[2] - west) / res)
        height = math.ceil((north - bbox[1]) / res)
        return cls(west, north, res, width, height)

    @property
    def bbox(self) -> BBox:
        return (
            self.west,
            self.north - self.height * self.res,
            self.west + self.width * self.res,
            self.north,
        )

    @property
    def transform(self) -> Affine:
        return Affine(self.res, 0.0, self.west, 0.0, -self.res, self.north)

    def xs(self) -> FloatArray:
        """Eastings of the pixel centres of a row."""
        return self.west + (np.arange(self.width) + 0.5) * self.res

    def ys(self, row0: int, row1: int) -> FloatArray:
        """Northings of the pixel centres of rows ``row0`` … ``row1 - 1``."""
        return self.north - (np.arange(row0, row1) + 0.5) * self.res


@dataclass(frozen=True, eq=False)
class _Noise:
    """Smooth value noise in [-1, 1]: random values on a lattice of ``cell`` metres,
    interpolated with a smoothstep, so any block of pixels can be evaluated on its own."""

    x0: float
    y0: float
    cell: float
    values: FloatArray

    @classmethod
    def over(cls, bbox: BBox, cell: float, rng: np.random.Generator) -> _Noise:
        nx = math.ceil((bbox[2] - bbox[0]) / cell) + 4
        ny = math.ceil((bbox[3] - bbox[1]) / cell) + 4
        values = rng.random((ny, nx), dtype=np.float32) * 2 - 1
        return cls(bbox[0] - cell, bbox[1] - cell, cell, values)

    def __call__(self, xs: FloatArray, ys: FloatArray) -> FloatArray:
        """The noise on the grid ``ys`` (rows) x ``xs`` (columns), as float32."""
        ix, tx = self._axis(xs, self.x0)
        iy, ty = self._axis(ys, self.y0)
        low = int(iy.min())
        rows = self.values[low : int(iy.max()) + 2]
        along_x = rows[:, ix] * (1 - tx) + rows[:, ix + 1] * tx
        iy = iy - low
        return along_x[iy] * (1 - ty)[:, None] + along_x[iy + 1] * ty[:, None]

    def _axis(self, coords: FloatArray, origin: float) -> tuple[np.ndarray, FloatArray]:
        position = (coords - origin) / self.cell
        index = np.floor(position).astype(np.intp)
        t = (position - index).astype(np.float32)
        return index, t * t * (3 - 2 * t)


def _fractal(
    bbox: BBox, cells: tuple[float, ...], rng: np.random.Generator
) -> list[tuple[_Noise, float]]:
    """Octaves of noise, each half the cell and half the weight of the one before."""
    return [(_Noise.over(bbox, cell, rng), 0.5**i) for i, cell in enumerate(cells)]


def _sum(octaves: list[tuple[_Noise, float]], xs: FloatArray, ys: FloatArray) -> FloatArray:
    """The weighted mean of the octaves, still within [-1, 1]."""
    total = np.zeros((len(ys), len(xs)), dtype=np.float32)
    for noise, weight in octaves:
        total += noise(xs, ys) * weight
    return total / sum(weight for _, weight in octaves)


def _rng(seed: int, stream: int) -> np.random.Generator:
    """An independent random stream per purpose, so streams do not shift each other."""
    return np.random.default_rng([seed, stream])


Render = Callable[[FloatArray, FloatArray, int], np.ndarray]


def _write_blocks(
    path: Path, grid: _PixelGrid, profile: dict, render: Render, describe: str
) -> Path:
    """Write a GeoTIFF ``BLOCK_ROWS`` rows at a time; ``render(xs, ys, block)`` draws one.

    The description is set before any pixel, so the file is written once, front to back."""
    profile = dict(profile, driver="GTiff", width=grid.width, height=grid.height, crs=_CRS)
    profile.update(transform=grid.transform, tiled=True, blockxsize=TILE, blockysize=TILE)
    xs = grid.xs()
    with rasterio.Env(GDAL_NUM_THREADS="1"), rasterio.open(path, "w", **profile) as dst:
        dst.update_tags(TIFFTAG_IMAGEDESCRIPTION=describe)
        if profile["count"] == 1:
            dst.set_band_description(1, "height")
            dst.set_band_unit(1, "metre")
        for block, row0 in enumerate(range(0, grid.height, BLOCK_ROWS)):
            row1 = min(row0 + BLOCK_ROWS, grid.height)
            data = render(xs, grid.ys(row0, row1), block)
            dst.write(data, window=((row0, row1), (0, grid.width)))
    return path


# --- DEM --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Terrain:
    """Rolling lowland cut by a river valley (the valley runs west to east)."""

    bbox: BBox
    relief: list[tuple[_Noise, float]]
    detail: _Noise
    river_y: float
    meanders: FloatArray  # rows of (amplitude, wavelength, phase)

    def river_centre(self, xs: FloatArray) -> FloatArray:
        """The river's northing per easting: a few incommensurate waves, so it wanders."""
        amplitude, wavelength, phase = (self.meanders[:, i, None] for i in range(3))
        waves = amplitude * np.sin(2 * np.pi * xs[None, :] / wavelength + phase)
        return self.river_y + waves.sum(axis=0)

    def river_level(self, xs: FloatArray) -> FloatArray:
        """The water surface: 172 m in the west, falling 8 m across the extent."""
        west, _, east, _ = self.bbox
        return 172.0 - 8.0 * (xs - west) / max(east - west, 1.0)


def _terrain(bbox: BBox, seed: int) -> _Terrain:
    """Draw the relief octaves and the river's course for ``bbox``."""
    rng = _rng(seed, 21)
    height = bbox[3] - bbox[1]
    scale = min(height / 35000.0, 1.0)  # meanders fit a small extent too
    waves = [(900.0, 14000.0), (380.0, 5300.0), (140.0, 1900.0), (45.0, 700.0)]
    meanders = np.array(
        [(a * scale, w * rng.uniform(0.8, 1.25), rng.uniform(0, 2 * np.pi)) for a, w in waves]
    )
    return _Terrain(
        bbox=bbox,
        relief=_fractal(bbox, (6000.0, 3000.0, 1500.0, 700.0), rng),
        detail=_Noise.over(bbox, 120.0, rng),
        river_y=bbox[1] + float(rng.uniform(0.35, 0.55)) * height,
        meanders=meanders,
    )


def _dem_block(terrain: _Terrain, xs: FloatArray, ys: FloatArray) -> np.ndarray:
    """Heights of one block: upland relief, eased down into a flat floodplain."""
    upland = 198.0 + 34.0 * _sum(terrain.relief, xs, ys) + 0.8 * terrain.detail(xs, ys)
    upland += 6.0 * (ys[:, None] - terrain.bbox[1]) / max(terrain.bbox[3] - terrain.bbox[1], 1)
    distance = np.abs(ys[:, None] - terrain.river_centre(xs)[None, :])
    level = terrain.river_level(xs)[None, :]
    floodplain = level + 1.5 + 0.3 * terrain.detail(xs, ys)
    slope = np.clip((distance - 300.0) / 1200.0, 0.0, 1.0)
    slope = slope * slope * (3 - 2 * slope)
    heights = floodplain + np.maximum(upland - floodplain, 3.0) * slope
    heights = np.where(distance < 8.0, level - 1.2, heights)
    return np.round(np.clip(heights, 150.0, 250.0), 2).astype(np.float32)[None]


def _write_dem(path: Path, grid: _PixelGrid, seed: int) -> Path:
    """The DEM as delivered: float32 heights in metres, DEFLATE, nodata -9999."""
    terrain = _terrain(grid.bbox, seed)
    profile = {
        "count": 1,
        "dtype": "float32",
        "nodata": DEM_NODATA,
        "compress": "DEFLATE",
        "predictor": 3,
    }
    return _write_blocks(
        path,
        grid,
        profile,
        lambda xs, ys, _block: _dem_block(terrain, xs, ys),
        "Synthetic DEM of the demo county (not real data)",
    )


# --- orthophoto -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Scene:
    """The random layout of the orthophoto: field strips, road, village, forest."""

    seed: int
    strips: FloatArray  # northings of the boundaries between field strips
    plots: FloatArray  # eastings of the field tracks between blocks of fields
    crops: np.ndarray  # crop per (strip, plot)
    shades: FloatArray  # brightness per (strip, plot)
    forest: list[tuple[_Noise, float]]
    crowns: _Noise
    soil: _Noise
    road: tuple[float, float, float, float]  # easting, amplitude, wavelength, phase
    village: tuple[float, float]  # south and north end along the road
    houses: FloatArray  # (n, 4) west, south, east, north
    roofs: np.ndarray  # roof colour per house

    def road_x(self, ys: FloatArray) -> FloatArray:
        x0, amplitude, wavelength, phase = self.road
        return x0 + amplitude * np.sin(2 * np.pi * ys / wavelength + phase)

    def road_offset(self, xs: FloatArray, ys: FloatArray) -> FloatArray:
        """Distance (east-west) of each pixel from the road's centre line."""
        return np.abs(xs[None, :] - self.road_x(ys)[:, None])

    def near_village(self, ys: FloatArray, margin: float) -> np.ndarray:
        """Rows within ``margin`` metres of the village's stretch of road (a column)."""
        return ((ys >= self.village[0] - margin) & (ys <= self.village[1] + margin))[:, None]


def _boundaries(
    low: float, high: float, widths: tuple[float, float], rng: np.random.Generator
) -> FloatArray:
    """Sorted cut positions from ``low`` to past ``high``, gaps drawn from ``widths``."""
    cuts = [low - rng.uniform(*widths)]
    while cuts[-1] < high:
        cuts.append(cuts[-1] + rng.uniform(*widths))
    return np.array(cuts)


def _scene(bbox: BBox, seed: int) -> _Scene:
    """Draw the layout once, so every block of rows paints from the same plan."""
    rng = _rng(seed, 11)
    west, south, east, north = bbox
    strips = _boundaries(south, north, (12.0, 45.0), rng)
    plots = _boundaries(west, east, (160.0, 480.0), rng)
    shape = (len(strips), len(plots))
    owner_crop = rng.choice(len(_CROPS), shape[0], p=_CROP_SHARE)  # a strip mostly keeps it
    other_crop = rng.choice(len(_CROPS), shape, p=_CROP_SHARE)
    crops = np.where(rng.random(shape) < 0.7, owner_crop[:, None], other_crop)
    road = ((west + east) / 2 + float(rng.uniform(-0.1, 0.1)) * (east - west), 45.0, 1700.0, 0.0)
    village_south = south + (north - south) * float(rng.uniform(0.15, 0.3))
    village = (village_south, village_south + (north - south) * 0.45)
    scene = _Scene(
        seed=seed,
        strips=strips,
        plots=plots,
        crops=crops,
        shades=rng.uniform(0.9, 1.1, shape).astype(np.float32),
        forest=_fractal(bbox, (420.0, 210.0, 90.0), rng),
        crowns=_Noise.over(bbox, 3.5, rng),
        soil=_Noise.over(bbox, 35.0, rng),
        road=road,
        village=village,
        houses=np.empty((0, 4)),
        roofs=np.empty(0, dtype=np.intp),
    )
    houses, roofs = _houses(scene, rng)
    return dataclasses.replace(scene, houses=houses, roofs=roofs)


def _houses(scene: _Scene, rng: np.random.Generator) -> tuple[FloatArray, np.ndarray]:
    """Houses on both sides of the village street, each with a barn behind it."""
    boxes: list[tuple[float, float, float, float]] = []
    for side in (-1.0, 1.0):
        y = scene.village[0] + float(rng.uniform(0, 20))
        while y < scene.village[1]:
            x = float(scene.road_x(np.array([y]))[0]) + side * float(rng.uniform(14, 20))
            w, h = float(rng.uniform(9, 13)), float(rng.uniform(10, 14))
            boxes.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
            barn_x = x + side * float(rng.uniform(32, 45))
            bw, bh = float(rng.uniform(10, 14)), float(rng.uniform(18, 26))
            boxes.append((barn_x - bw / 2, y - bh / 2, barn_x + bw / 2, y + bh / 2))
            y += float(rng.uniform(26, 38))
    roofs = rng.integers(0, len(_ROOFS), len(boxes))
    return np.array(boxes).reshape(-1, 4), roofs


def _fields(scene: _Scene, xs: FloatArray, ys: FloatArray) -> FloatArray:
    """Strips of crops with tractor lines, balks between strips, tracks between plots."""
    strip = np.clip(np.searchsorted(scene.strips, ys) - 1, 0, len(scene.strips) - 2)
    plot = np.clip(np.searchsorted(scene.plots, xs) - 1, 0, len(scene.plots) - 2)
    crop = scene.crops[strip[:, None], plot[None, :]]
    shade = scene.shades[strip[:, None], plot[None, :]]
    shade = shade * (1 + 0.06 * scene.soil(xs, ys))
    shade = shade * (1 + 0.035 * np.sin(2 * np.pi * ys / 2.5))[:, None]  # tractor lines
    rgb = _CROPS[crop] * shade[..., None]
    to_strip_edge = np.minimum(ys - scene.strips[strip], scene.strips[strip + 1] - ys)
    rgb[to_strip_edge < 0.6] = _BALK
    to_track = np.minimum(xs - scene.plots[plot], scene.plots[plot + 1] - xs)
    rgb[:, to_track < 1.6] = _TRACK
    return rgb


def _paint_forest(rgb: FloatArray, scene: _Scene, xs: FloatArray, ys: FloatArray) -> None:
    """Forest where the forest noise is high, with tree crowns and shadows between them;
    the village keeps a clearing of fields around it."""
    clearing = scene.near_village(ys, 150.0) & (scene.road_offset(xs, ys) < 300.0)
    forest = (_sum(scene.forest, xs, ys) > 0.28) & ~clearing
    crowns = scene.crowns(xs, ys)
    colour = _FOREST[None, None, :] * (1 + 0.35 * crowns)[..., None]
    colour = np.where((crowns < -0.45)[..., None], colour * 0.55, colour)
    rgb[forest] = colour[forest]


def _paint_village(rgb: FloatArray, scene: _Scene, xs: FloatArray, ys: FloatArray) -> None:
    """Gardens with fruit trees along the street, then the road, then the roofs."""
    offset = scene.road_offset(xs, ys)
    gardens = scene.near_village(ys, 0.0) & (offset < 70.0)
    trees = gardens & (scene.crowns(xs, ys) > 0.5)
    rgb[gardens] = _LAWN
    rgb[trees] = _TREE
    rgb[offset < 5.5] = _VERGE
    rgb[offset < 3.0] = _ASPHALT
    _paint_roofs(rgb, scene, xs, ys)


def _paint_roofs(rgb: FloatArray, scene: _Scene, xs: FloatArray, ys: FloatArray) -> None:
    """Gabled roofs: the sunny (western or southern) half lighter, the other darker."""
    top, bottom = ys[0], ys[-1]
    for (w, s, e, n), roof in zip(scene.houses, scene.roofs, strict=True):
        if n < bottom or s > top:
            continue
        cols = np.nonzero((xs >= w) & (xs <= e))[0]
        rows = np.nonzero((ys >= s) & (ys <= n))[0]
        if cols.size == 0 or rows.size == 0:
            continue
        block = rgb[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        block[:] = _ROOFS[roof]
        if n - s > e - w:  # ridge runs north-south: the western half faces the sun
            block[:, : block.shape[1] // 2] *= 1.12
            block[:, block.shape[1] // 2 :] *= 0.82
        else:
            block[block.shape[0] // 2 :] *= 1.12  # southern half (lower rows)
            block[: block.shape[0] // 2] *= 0.82


def _ortho_block(scene: _Scene, xs: FloatArray, ys: FloatArray, block: int) -> np.ndarray:
    """One block of rows: fields, then forest, then the village on top, plus sensor grain."""
    rgb = _fields(scene, xs, ys)
    _paint_forest(rgb, scene, xs, ys)
    _paint_village(rgb, scene, xs, ys)
    grain = _rng(scene.seed, 1000 + block).standard_normal(rgb.shape[:2], dtype=np.float32)
    rgb += 2.5 * grain[..., None]
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8).transpose(2, 0, 1)


def _write_orthophoto(path: Path, grid: _PixelGrid, seed: int) -> Path:
    """The orthophoto as delivered: RGB, JPEG (YCbCr) in tiles, no mask (all covered)."""
    scene = _scene(grid.bbox, seed)
    profile = {
        "count": 3,
        "dtype": "uint8",
        "photometric": "YCBCR",
        "compress": "JPEG",
        "jpeg_quality": 90,
    }
    return _write_blocks(
        path,
        grid,
        profile,
        lambda xs, ys, block: _ortho_block(scene, xs, ys, block),
        "Synthetic orthophoto of the demo county (not real data)",
    )
