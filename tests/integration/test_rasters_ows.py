"""Raster layers through MapServer: the orthophoto, the hillshade and the coloured DEM.

The rasters are the demo ones (``etl.synthetic.rasters``) over the middle of the county,
read back here with rasterio so every expectation comes from the file, not the service.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import pytest
import rasterio
from lxml import etree
from owslib.wms import WebMapService
from PIL import Image
from werkzeug.test import Client

from geoportal.instance import Instance
from services.mapserver.app import make_mapserver_app


@pytest.fixture(scope="module")
def ows(instance: Instance, demo_rasters):
    app = make_mapserver_app(instance)
    try:
        yield Client(app)
    finally:
        app.pool.close()


def _getmap(ows, path: str, layer: str, bbox: tuple[float, float, float, float],
            image_format: str = "image/png", size: int = 256):  # fmt: skip
    x0, y0, x1, y1 = bbox
    query = urlencode({"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
                       "LAYERS": layer, "STYLES": "", "CRS": "EPSG:2180",
                       "BBOX": f"{y0},{x0},{y1},{x1}", "WIDTH": size, "HEIGHT": size,
                       "FORMAT": image_format})  # fmt: skip
    answer = ows.get(f"{path}?{query}")
    assert answer.status_code == 200, answer.data[:300]
    assert answer.content_type == image_format, answer.data[:300]
    return Image.open(io.BytesIO(answer.data)).convert("RGBA")


def _middle(path, half: float = 200.0) -> tuple[float, float, float, float]:
    with rasterio.open(path) as raster:
        b = raster.bounds
    cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
    return cx - half, cy - half, cx + half, cy + half


def test_orthophoto_is_drawn_as_the_file_shows_it(ows, demo_rasters):
    orthophoto = demo_rasters[0]
    bbox = _middle(orthophoto)
    image = _getmap(ows, "/ortofotomapa", "ortofotomapa", bbox, "image/jpeg")
    with rasterio.open(orthophoto) as raster:
        window = raster.window(*bbox)
        rgb = raster.read(window=window, out_shape=(3, 256, 256))
    mean_file = [float(band.mean()) for band in rgb]
    pixels = list(image.get_flattened_data())
    mean_map = [sum(p[i] for p in pixels) / len(pixels) for i in range(3)]
    for file_value, map_value in zip(mean_file, mean_map, strict=True):
        assert abs(file_value - map_value) < 8, (mean_file, mean_map)  # JPEG, resampling
    assert len(set(pixels)) > 500  # a photograph, not a flat colour


def test_hillshade_is_grey_relief(ows, demo_rasters):
    image = _getmap(ows, "/nmt", "cieniowanie", _middle(demo_rasters[2], 1000))
    opaque = [p for p in image.get_flattened_data() if p[3] == 255]
    assert len(opaque) == 256 * 256
    assert all(r == g == b for r, g, b, _ in opaque)
    assert len({p[0] for p in opaque}) > 30  # shading varies with the relief


def test_dem_is_coloured_by_height(ows, demo_rasters):
    image = _getmap(ows, "/nmt", "nmt", _middle(demo_rasters[1], 1000))
    colours = {p[:3] for p in image.get_flattened_data() if p[3] == 255}
    assert len(colours) > 20
    # Lowland heights (150-250 m) take the green-to-sand part of the ramp: green >= blue.
    assert all(g >= b for _r, g, b in colours)


def test_outside_the_rasters_the_map_is_transparent(ows):
    image = _getmap(ows, "/nmt", "nmt", (494_100.0, 396_100.0, 494_500.0, 396_500.0))
    assert {p[3] for p in image.get_flattened_data()} == {0}


def test_raster_endpoints_list_their_layers(ows, settings):
    for key, layers in {"ortofotomapa": {"ortofotomapa"}, "nmt": {"cieniowanie", "nmt"}}.items():
        answer = ows.get(f"/{key}?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0")
        wms = WebMapService(f"{settings.base_url}/ows/{key}", version="1.3.0", xml=answer.data)
        assert set(wms.contents) - {f"geoportal_{key}"} == layers
    full = ows.get("/?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.3.0").data
    assert b"<Name>ortofotomapa</Name>" in full and b"<Name>nmt</Name>" in full


def test_rasters_have_no_feature_info_or_filters(ows, demo_rasters):
    x0, y0, x1, y1 = _middle(demo_rasters[1])
    query = urlencode({"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetFeatureInfo",
                       "LAYERS": "nmt", "QUERY_LAYERS": "nmt", "STYLES": "", "CRS": "EPSG:2180",
                       "BBOX": f"{y0},{x0},{y1},{x1}", "WIDTH": 10, "HEIGHT": 10, "I": 5,
                       "J": 5, "INFO_FORMAT": "text/plain"})  # fmt: skip
    answer = ows.get(f"/nmt?{query}")
    assert answer.status_code in (400, 403) and b"Exception" in answer.data
    assert b"/rasters" not in answer.data and b".tif" not in answer.data


WCS = "/nmt?SERVICE=WCS&VERSION=2.0.1"


def test_wcs_capabilities_and_description_name_the_dem(ows):
    capabilities = ows.get(f"{WCS}&REQUEST=GetCapabilities")
    assert capabilities.status_code == 200, capabilities.data[:300]
    ids = etree.fromstring(capabilities.data).findall(".//{*}CoverageId")
    assert [element.text for element in ids] == ["nmt"]
    description = etree.fromstring(ows.get(f"{WCS}&REQUEST=DescribeCoverage&COVERAGEID=nmt").data)
    envelope = description.find(".//{http://www.opengis.net/gml/3.2}Envelope")
    assert envelope.get("srsName").endswith("/EPSG/0/2180")


def test_wcs_coverage_holds_the_heights_of_the_file(ows, demo_rasters):
    with rasterio.open(demo_rasters[1]) as dem:
        left, top = dem.bounds.left + 500, dem.bounds.top - 500  # on the 5 m grid
        window = dem.window(left, top - 200, left + 300, top)
        expected = dem.read(1, window=window)
    query = (f"{WCS}&REQUEST=GetCoverage&COVERAGEID=nmt&FORMAT=image/tiff"
             f"&SUBSET=x({left},{left + 300})&SUBSET=y({top - 200},{top})")  # fmt: skip
    answer = ows.get(query)
    assert answer.status_code == 200 and answer.content_type == "image/tiff", answer.data[:300]
    with rasterio.MemoryFile(answer.data) as memory, memory.open() as coverage:
        got = coverage.read(1)
        assert coverage.crs.to_epsg() == 2180 and coverage.dtypes[0] == "float32"
    assert got.shape == expected.shape == (40, 60)
    assert float(abs(got - expected).max()) < 1e-3


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("&REQUEST=GetCoverage&COVERAGEID=dzialki", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&FORMAT=image/png", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SUBSET=x(nan,1)", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SUBSET=x(1,2)&SUBSET=x(3,4)", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SUBSET=z(1,2)", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SUBSET=x(5,1)", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SUBSET=x(1;DROP,2)", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&OUTPUTCRS=EPSG:99999", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SCALEFACTOR=50", 400),
        ("&REQUEST=GetCoverage&COVERAGEID=nmt&SCALEFACTOR=1e999", 400),
        ("&REQUEST=DeleteCoverage&COVERAGEID=nmt", 400),
    ],
)
def test_bad_wcs_requests_are_refused_before_mapserver(ows, query, status):
    answer = ows.get(f"{WCS}{query}")
    assert answer.status_code == status, answer.data[:300]
    assert b"http://www.opengis.net/ows/2.0" in answer.data  # an OWS 2.0 exception report


def test_wcs_is_offered_only_where_the_publication_says(ows):
    for path in ("/", "/ortofotomapa", "/ewidencja"):
        answer = ows.get(f"{path}?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCapabilities")
        assert answer.status_code == 400 and b"ows/2.0" in answer.data, path
