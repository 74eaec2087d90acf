"""Rasters prepared as COGs in EPSG:2180: a real GUGiK grid, the demo rasters, and refusals.

The real sample is GUGiK's quasi-geoid PL-geoid-2021 (``tests/fixtures/raster_geoid``,
CC BY 4.0): a float32 grid in EPSG:9701 (3D geographic, pixel-is-point) reaching beyond
Poland, so it exercises reprojection, nodata and the Poland check at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from affine import Affine
from pyproj import Transformer
from rasterio.enums import Resampling

import etl.rasters
from etl.rasters import (
    SMALLEST_OVERVIEW,
    RasterReport,
    cog_problems,
    is_cog,
    overview_factors,
    prepare_raster,
)
from etl.readers.base import InputError
from etl.synthetic.rasters import generate_demo_rasters, write_demo_sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "raster_geoid"
GEOID = FIXTURES / "pl_gugik_geoid2021-PL-EVRF2007-NH.tif"
DEMO_EXTENT = (508_000.0, 412_000.0, 509_500.0, 413_400.0)  # 1.5 km x 1.4 km near Łask
LONLAT_TO_2180 = Transformer.from_crs(4326, 2180, always_xy=True)


def from_origin(west: float, north: float, xsize: float, ysize: float) -> Affine:
    """A north-up geotransform (rasterio's own still multiplies with ``*``, now deprecated)."""
    return Affine(xsize, 0.0, west, 0.0, -ysize, north)


def write_tif(path: Path, data: np.ndarray, crs: str | None, transform, **profile) -> Path:
    """A plain GeoTIFF of ``data`` (bands, rows, cols)."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        count=data.shape[0],
        height=data.shape[1],
        width=data.shape[2],
        dtype=data.dtype,
        crs=crs,
        transform=transform,
        **profile,
    ) as dst:
        dst.write(data)
    return path


def heights(rows: int = 300, cols: int = 400, dtype: str = "float32") -> np.ndarray:
    """A smooth height field in metres (one band)."""
    y, x = np.mgrid[0:rows, 0:cols]
    return (180 + 20 * np.sin(x / 40) * np.cos(y / 55)).astype(dtype)[None]


def smallest_overview(path: Path) -> int:
    with rasterio.open(path) as src:
        factor = src.overviews(1)[-1] if src.overviews(1) else 1
        return max(-(-src.width // factor), -(-src.height // factor))


# --- the real GUGiK grid ------------------------------------------------------------------


@pytest.fixture(scope="module")
def geoid(tmp_path_factory: pytest.TempPathFactory) -> tuple[RasterReport, list[str]]:
    messages: list[str] = []
    target = tmp_path_factory.mktemp("geoid") / "geoid_2180.tif"
    report = prepare_raster(GEOID, target, kind="dem", progress=messages.append)
    return report, messages


def test_geoid_fixture_is_the_documented_file() -> None:
    assert GEOID.stat().st_size == 1_033_566
    assert "CC-BY-4.0" in (FIXTURES / "copyright_and_licenses.pl_gugik.csv").read_text("utf-8")


def test_real_geoid_becomes_a_cog_in_2180(geoid: tuple[RasterReport, list[str]]) -> None:
    report, _ = geoid
    assert is_cog(report.path), cog_problems(report.path)
    assert report.crs == "EPSG:2180"
    assert (report.bands, report.dtype, report.compression) == (1, "float32", "DEFLATE")
    assert report.nodata == -9999.0  # the source has none; cells outside it get one
    assert report.overviews == (2, 4, 8)
    assert smallest_overview(report.path) <= SMALLEST_OVERVIEW
    assert report.resolution == (839.0, 839.0)  # 0.01° tidied to three digits
    west, south, east, north = report.bounds
    assert west < 170_000 and east > 860_000 and south < 140_000 and north > 780_000
    codes = {f.code for f in report.findings}
    assert {"reprojected", "beyond_poland", "nodata_set", "pixel_is_point"} <= codes
    reprojected = next(f for f in report.findings if f.code == "reprojected")
    assert "EPSG:9701" in reprojected.message and "EPSG:2180" in reprojected.message


@pytest.mark.parametrize(
    ("place", "lon", "lat"),
    [
        ("Łask", 19.13, 51.59),
        ("Warszawa", 21.01, 52.23),
        ("Kraków", 19.94, 50.06),
        ("Gdańsk", 18.65, 54.35),
        ("Szczecin", 14.55, 53.43),
        ("Przemyśl", 22.77, 49.78),
        ("between nodes, Suwałki", 22.934, 54.103),
    ],
)
def test_real_geoid_values_match_the_source(
    geoid: tuple[RasterReport, list[str]], place: str, lon: float, lat: float
) -> None:
    report, _ = geoid
    with rasterio.open(GEOID) as src:
        expected = float(next(src.sample([(lon, lat)]))[0])
    with rasterio.open(report.path) as out:
        got = float(next(out.sample([LONLAT_TO_2180.transform(lon, lat)]))[0])
    assert 22 < expected < 48
    assert got == pytest.approx(expected, abs=0.03), place


def test_real_geoid_keeps_its_attribution_and_band_name(
    geoid: tuple[RasterReport, list[str]],
) -> None:
    with rasterio.open(geoid[0].path) as out:
        assert "GUGiK" in out.tags()["TIFFTAG_COPYRIGHT"]
        assert out.tags()["AREA_OR_POINT"] == "Area"
        assert out.descriptions[0] == "geoid_undulation"


def test_progress_names_each_stage_in_order(geoid: tuple[RasterReport, list[str]]) -> None:
    _, messages = geoid
    stages = [m.split(":", 1)[0] for m in messages]
    firsts = [stages.index(s) for s in ("open", "reproject", "overviews", "write", "done")]
    assert firsts == sorted(firsts)
    assert any(m.startswith("reproject: ") and m.endswith("%") for m in messages)


def test_source_folder_is_left_untouched(geoid: tuple[RasterReport, list[str]]) -> None:
    assert sorted(p.name for p in FIXTURES.iterdir()) == [
        "PROVENANCE.txt",
        "copyright_and_licenses.pl_gugik.csv",
        "pl_gugik_README.txt",
        "pl_gugik_geoid2021-PL-EVRF2007-NH.tif",
    ]


# --- the demo rasters -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_demo_rasters(tmp_path_factory.mktemp("demo"), DEMO_EXTENT)


def test_demo_orthophoto_is_a_jpeg_cog_with_a_mask(demo: dict[str, Path]) -> None:
    path = demo["orthophoto"]
    assert is_cog(path), cog_problems(path)
    assert smallest_overview(path) <= SMALLEST_OVERVIEW
    with rasterio.open(path) as src:
        assert (src.count, src.dtypes[0], src.crs.to_epsg()) == (3, "uint8", 2180)
        assert src.compression.name == "jpeg" and src.res == (0.5, 0.5)
        assert src.overviews(1) == [2, 4, 8, 16]
        assert src.mask_flag_enums[0][0].name == "per_dataset"
        west, south, east, north = src.bounds
        pixels = src.read(out_shape=(3, 200, 200))
    assert DEMO_EXTENT[0] <= west and east <= DEMO_EXTENT[2]
    assert DEMO_EXTENT[1] <= south and north <= DEMO_EXTENT[3]
    assert pixels.std() > 10  # fields, forest and roofs, not a flat colour
    assert pixels[1].mean() > pixels[2].mean()  # a green and yellow landscape


def test_demo_dem_is_a_float_cog_of_gentle_relief(demo: dict[str, Path]) -> None:
    path = demo["dem"]
    assert is_cog(path), cog_problems(path)
    with rasterio.open(path) as src:
        assert (src.count, src.dtypes[0], src.res) == (1, "float32", (5.0, 5.0))
        assert src.compression.name == "deflate" and src.nodata == -9999.0
        assert src.overviews(1) == [2]
        assert src.bounds == pytest.approx(DEMO_EXTENT)
        heights = src.read(1, masked=True)
    assert heights.mask.sum() == 0
    assert 150 <= heights.min() and heights.max() <= 250
    assert heights.max() - heights.min() > 5  # relief and a valley, not a plane


def test_demo_sources_are_byte_identical_for_the_same_seed(tmp_path: Path) -> None:
    extent = (508_000.0, 412_000.0, 508_600.0, 412_500.0)
    first = write_demo_sources(tmp_path / "a", extent, seed=7)
    second = write_demo_sources(tmp_path / "b", extent, seed=7)
    other = write_demo_sources(tmp_path / "c", extent, seed=8)
    for kind in ("orthophoto", "dem"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
        assert first[kind].read_bytes() != other[kind].read_bytes(), kind


# --- sources in other shapes ----------------------------------------------------------------


def test_pl2000_orthophoto_is_reprojected_with_a_mask(tmp_path: Path) -> None:
    rgb = np.random.default_rng(3).integers(30, 220, (3, 400, 500), dtype=np.uint8)
    rgb[:, :20, :] = 0  # a nodata edge, as sheets of a delivered orthophoto have
    source = write_tif(
        tmp_path / "ortho_2177.tif",
        rgb,
        "EPSG:2177",
        from_origin(6_560_000, 5_720_000, 0.5, 0.5),
        nodata=0,
        tiled=True,
    )
    report = prepare_raster(source, tmp_path / "out" / "ortho.tif", kind="orthophoto")
    assert is_cog(report.path), cog_problems(report.path)
    assert (report.crs, report.bands, report.compression) == ("EPSG:2180", 3, "JPEG")
    assert report.resolution == (0.5, 0.5)
    assert report.bounds[0] % 0.5 == 0 and report.bounds[3] % 0.5 == 0  # aligned pixels
    assert report.overviews == (2,)
    message = next(f.message for f in report.findings if f.code == "reprojected")
    assert "EPSG:2177 (PL-2000 zone 6)" in message
    with rasterio.open(report.path) as out:
        mask = out.dataset_mask()
    assert mask[0, 0] == 0  # outside the rotated source: transparent
    assert mask[mask.shape[0] // 2, mask.shape[1] // 2] == 255


def test_integer_dem_in_2180_is_copied_exactly_as_float32(tmp_path: Path) -> None:
    data = heights(dtype="int16")
    data[0, :5, :5] = -32768
    source = write_tif(
        tmp_path / "dem_int16.tif",
        data,
        "EPSG:2180",
        from_origin(500_000, 420_000, 1.0, 1.0),
        nodata=-32768,
    )
    report = prepare_raster(source, tmp_path / "dem.tif", kind="dem")
    assert is_cog(report.path), cog_problems(report.path)
    assert (report.dtype, report.nodata) == ("float32", -32768.0)
    assert report.bounds == (500_000.0, 419_700.0, 500_400.0, 420_000.0)
    assert [f.code for f in report.findings] == ["converted_float32"]
    with rasterio.open(report.path) as out:
        np.testing.assert_array_equal(out.read(1), data[0].astype("float32"))


def test_rgba_orthophoto_keeps_its_transparency(tmp_path: Path) -> None:
    rgba = np.full((4, 300, 300), 120, dtype=np.uint8)
    rgba[3] = 255
    rgba[3, :, :100] = 0
    source = write_tif(
        tmp_path / "rgba.tif",
        rgba,
        "EPSG:2180",
        from_origin(500_000, 420_000, 0.25, 0.25),
        photometric="RGB",
        alpha="YES",
    )
    report = prepare_raster(source, tmp_path / "rgba_cog.tif", kind="orthophoto")
    with rasterio.open(report.path) as out:
        mask = out.dataset_mask()
    assert report.bands == 3 and report.findings == []
    assert mask[:, :100].max() == 0 and mask[:, 100:].min() == 255


def test_overview_factors_stop_at_256_px() -> None:
    assert overview_factors(256, 100) == []
    assert overview_factors(257, 10) == [2]
    assert overview_factors(4000, 3000) == [2, 4, 8, 16]


# --- refusals ---------------------------------------------------------------------------


def assert_refused(source: Path, target: Path, kind: str, *phrases: str) -> InputError:
    with pytest.raises(InputError) as caught:
        prepare_raster(source, target, kind=kind)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"{source.name}: "), message
    for phrase in phrases:
        assert phrase in message, message
    assert caught.value.path == source
    assert not target.exists()
    if target.parent.exists():  # no temporary folder left behind
        assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []
    return caught.value


def test_raster_without_crs_is_refused(tmp_path: Path) -> None:
    source = write_tif(tmp_path / "no_crs.tif", heights(), None, from_origin(500_000, 4e5, 1, 1))
    assert_refused(source, tmp_path / "out.tif", "dem", "no coordinate reference system")


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_raster_without_geotransform_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "no_transform.tif"
    with rasterio.open(
        source, "w", driver="GTiff", count=1, width=10, height=10, dtype="float32", crs="EPSG:2180"
    ) as dst:
        dst.write(np.zeros((1, 10, 10), dtype="float32"))
    assert_refused(source, tmp_path / "out.tif", "dem", "not georeferenced")


@pytest.mark.parametrize(
    ("crs", "origin", "size"),
    [
        ("EPSG:4326", (2.0, 48.5), 0.001),  # Paris in degrees
        ("EPSG:2180", (2_000_000.0, 400_000.0), 1.0),  # far east of Poland
        ("EPSG:32633", (500_000.0, 4_000_000.0), 1.0),  # UTM 33N, off Sicily
    ],
)
def test_raster_outside_poland_is_refused(
    tmp_path: Path, crs: str, origin: tuple[float, float], size: float
) -> None:
    source = write_tif(tmp_path / "elsewhere.tif", heights(), crs, from_origin(*origin, size, size))
    assert_refused(source, tmp_path / "out.tif", "dem", "outside Poland", "EPSG:2180")


def test_vrt_renamed_tif_is_refused_unparsed(tmp_path: Path) -> None:
    source = tmp_path / "innocent.tif"
    source.write_text(
        '<VRTDataset rasterXSize="100" rasterYSize="100">'
        "<SRS>EPSG:2180</SRS><GeoTransform>500000, 1, 0, 400000, 0, -1</GeoTransform>"
        '<VRTRasterBand dataType="Byte" band="1"><SimpleSource>'
        '<SourceFilename relativeToVRT="0">/etc/passwd</SourceFilename>'
        "</SimpleSource></VRTRasterBand></VRTDataset>",
        encoding="utf-8",
    )
    assert_refused(source, tmp_path / "out.tif", "orthophoto", "virtual raster (VRT")


def test_other_formats_and_empty_files_are_refused(tmp_path: Path) -> None:
    png = tmp_path / "ortho.png"
    write_tif(tmp_path / "x.tif", heights(dtype="uint8"), "EPSG:2180", from_origin(5e5, 4e5, 1, 1))
    rasterio.shutil.copy(tmp_path / "x.tif", png, driver="PNG")
    assert_refused(png, tmp_path / "out.tif", "orthophoto", "not a GeoTIFF")
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    assert_refused(empty, tmp_path / "out.tif", "orthophoto", "empty")
    assert_refused(tmp_path / "missing.tif", tmp_path / "out.tif", "dem", "does not exist")


@pytest.mark.parametrize(("keep", "phrase"), [(0.6, "cannot be read"), (6, "cannot be opened")])
def test_truncated_tiff_is_refused(tmp_path: Path, keep: float, phrase: str) -> None:
    noise = np.random.default_rng(5).random((1, 600, 600), dtype=np.float32)
    whole = write_tif(
        tmp_path / "whole.tif",
        noise,
        "EPSG:2180",
        from_origin(500_000, 420_000, 1, 1),
        tiled=True,
        compress="DEFLATE",
    )
    raw = whole.read_bytes()
    source = tmp_path / "truncated.tif"
    source.write_bytes(raw[: int(len(raw) * keep) if keep < 1 else int(keep)])
    assert_refused(source, tmp_path / "out" / "dem.tif", "dem", phrase)


@pytest.mark.parametrize(
    ("dtype", "bands", "kind", "phrase"),
    [
        ("uint16", 3, "orthophoto", "must be 8-bit"),
        ("uint8", 2, "orthophoto", "needs RGB or RGBA"),
        ("float32", 3, "dem", "a DEM has exactly one"),
    ],
)
def test_bands_that_do_not_fit_the_kind_are_refused(
    tmp_path: Path, dtype: str, bands: int, kind: str, phrase: str
) -> None:
    data = np.ones((bands, 50, 50), dtype=dtype)
    source = write_tif(tmp_path / "bands.tif", data, "EPSG:2180", from_origin(5e5, 4e5, 1, 1))
    assert_refused(source, tmp_path / "out.tif", kind, phrase)


# --- atomic writing -----------------------------------------------------------------------


def half_written_copy(*args: object, **kwargs: object) -> None:
    """A COG write that dies half way (disk full): some bytes at the destination, then an error."""
    Path(str(args[1])).write_bytes(b"II*\x00" + b"\x00" * 1000)
    raise OSError(28, "No space left on device")


def failing_replace(*args: object) -> None:
    raise PermissionError(13, "Read-only file system")


@pytest.mark.parametrize(
    ("target", "name", "failure"),
    [
        (rasterio.shutil, "copy", half_written_copy),
        (etl.rasters.os, "replace", failing_replace),
    ],
)
def test_a_failed_write_leaves_the_old_target_and_no_debris(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    name: str,
    failure: Callable[..., None],
) -> None:
    source = write_tif(
        tmp_path / "dem_src.tif", heights(), "EPSG:2180", from_origin(5e5, 4e5, 1, 1)
    )
    out = tmp_path / "published"
    out.mkdir()
    (out / "dem.tif").write_bytes(b"the previous, complete raster")
    monkeypatch.setattr(target, name, failure)
    with pytest.raises(OSError):
        prepare_raster(source, out / "dem.tif", kind="dem")
    assert [p.name for p in out.iterdir()] == ["dem.tif"]
    assert (out / "dem.tif").read_bytes() == b"the previous, complete raster"


def test_an_interrupted_run_leaves_nothing(tmp_path: Path) -> None:
    source = write_tif(
        tmp_path / "dem_src.tif", heights(), "EPSG:2180", from_origin(5e5, 4e5, 1, 1)
    )
    out = tmp_path / "published"

    def interrupt(message: str) -> None:
        if message.startswith("overviews"):  # the working file is already written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        prepare_raster(source, out / "dem.tif", kind="dem", progress=interrupt)
    assert list(out.iterdir()) == []


# --- the COG check itself ------------------------------------------------------------------


def test_is_cog_tells_plain_geotiffs_apart(tmp_path: Path) -> None:
    transform = from_origin(500_000, 420_000, 1, 1)
    striped = write_tif(tmp_path / "striped.tif", heights(), "EPSG:2180", transform)
    assert not is_cog(striped)
    assert {"not tiled (strips)", "no overviews"} <= set(cog_problems(striped))
    tiled = write_tif(tmp_path / "tiled.tif", heights(), "EPSG:2180", transform, tiled=True)
    with rasterio.open(tiled, "r+") as dst:
        dst.build_overviews([2], Resampling.average)  # appended after the full resolution
    problems = cog_problems(tiled)
    assert "no LAYOUT=COG in the IMAGE_STRUCTURE metadata" in problems
    assert any("tiles not stored smallest overview first" in p for p in problems)
    assert cog_problems(tmp_path / "nothing.tif")[0].startswith("not a readable GeoTIFF")
