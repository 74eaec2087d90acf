"""The county's topographic base map: drawn by /ows/baza, cached by MapProxy, offered by
the viewer.

Where to look is read from the database with plain SQL (a point on a local road away
from everything else, a point of a river bed away from its centre line); what must be
there is the colour written by hand below, as ``layers/roads/layer.yaml`` and
``layers/water_areas/layer.yaml`` choose it. The tile grid is computed here from its
definition (PL-1992, origin 100 km / 900 km, 3125 m per pixel at level 0, halved per
level), not by the code that serves it.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from owslib.wmts import WebMapTileService
from PIL import Image
from pypdf import PdfReader

pytestmark = pytest.mark.system

LOCAL_ROAD = (0xF2, 0xB2, 0x33)  # klasaDrogi L
WATER = (0xA8, 0xD0, 0xF0)  # water surface fill
BAZA = "wody,cieki,drogi,budynki,nazwy_miejscowosci"  # layers/publications.yaml, in order
GRID_ORIGIN = (100_000.0, 900_000.0)  # PL1992 grid: top-left corner, EPSG:2180
LEVEL_0_RES = 800_000 / 256  # one 256 px tile over the 800 km square

# Clear of every other drawn thing by 30 m, and of place names (labels) by 300 m.
ROAD_POINT = """
WITH parts AS (
    SELECT r.road_id, (ST_Dump(r.geom)).geom AS line
      FROM publish.topo_roads r WHERE r.road_class = 'L'
), points AS (
    SELECT p.road_id, ST_LineInterpolatePoint(p.line, f) AS pt
      FROM parts p, generate_series(0.1, 0.9, 0.1) AS f
     WHERE ST_Length(p.line) > 200
)
SELECT ST_X(pt), ST_Y(pt) FROM points p
 WHERE NOT EXISTS (SELECT 1 FROM publish.buildings b WHERE ST_DWithin(b.geom, p.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.topo_roads o
                    WHERE o.road_id <> p.road_id AND ST_DWithin(o.geom, p.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.topo_water_areas w WHERE ST_DWithin(w.geom, p.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.topo_watercourses w WHERE ST_DWithin(w.geom, p.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.topo_place_names n WHERE ST_DWithin(n.geom, p.pt, 300))
 ORDER BY p.road_id, ST_X(pt) LIMIT 1
"""
# Inside a river bed, 3 m off the river's centre line, away from roads, buildings, names.
WATER_POINT = """
WITH beds AS (
    SELECT ST_PointOnSurface(ST_Difference(a.geom, ST_Buffer(c.geom, 3))) AS pt
      FROM publish.topo_water_areas a
      JOIN publish.topo_watercourses c ON c.name = a.name
     WHERE a.kind = 'wody płynące'
)
SELECT ST_X(pt), ST_Y(pt) FROM beds b
 WHERE NOT EXISTS (SELECT 1 FROM publish.topo_roads r WHERE ST_DWithin(r.geom, b.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.buildings u WHERE ST_DWithin(u.geom, b.pt, 30))
   AND NOT EXISTS (SELECT 1 FROM publish.topo_place_names n WHERE ST_DWithin(n.geom, b.pt, 300))
 ORDER BY ST_X(pt) LIMIT 1
"""


@pytest.fixture(scope="module")
def road_point(database, demo_loaded) -> tuple[float, float]:
    with database.connect("public") as conn:
        row = conn.execute(ROAD_POINT).fetchone()
    assert row is not None, "the demo county has no local road clear of other objects"
    return float(row[0]), float(row[1])


@pytest.fixture(scope="module")
def water_point(database, demo_loaded) -> tuple[float, float]:
    with database.connect("public") as conn:
        row = conn.execute(WATER_POINT).fetchone()
    assert row is not None, "the demo county has no river bed clear of other objects"
    return float(row[0]), float(row[1])


def _centre_colour(live_server, http, point: tuple[float, float]) -> tuple[int, int, int]:
    """GetMap of /ows/baza: 81 px at 0.5 m around the point; the middle pixel's colour."""
    x, y = point
    half = 40.5 * 0.5
    response = http.get(f"{live_server}/ows/baza", params={
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": BAZA,
        "STYLES": "", "SRS": "EPSG:2180",
        "BBOX": f"{x - half},{y - half},{x + half},{y + half}",
        "WIDTH": "81", "HEIGHT": "81", "FORMAT": "image/png", "TRANSPARENT": "FALSE",
    }, timeout=60)  # fmt: skip
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    return image.getpixel((40, 40))


def test_wms_draws_a_local_road_in_its_colour(live_server, http, road_point):
    assert _centre_colour(live_server, http, road_point) == LOCAL_ROAD


def test_wms_draws_a_river_bed_as_water(live_server, http, water_point):
    assert _centre_colour(live_server, http, water_point) == WATER


def test_wms_capabilities_offer_the_base_map_layers(live_server, http):
    params = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetCapabilities"}
    response = http.get(f"{live_server}/ows/baza", params=params, timeout=30)
    names = set(re.findall(r"<Name>([a-z_]+)</Name>", response.text))
    assert set(BAZA.split(",")) <= names
    assert "dzialki" not in names  # a layer of another endpoint is unknown here


def test_the_base_map_tile_comes_from_the_cache(live_server, settings, road_point):
    wmts = WebMapTileService(f"{live_server}/wmts/1.0.0/WMTSCapabilities.xml")
    assert "mapa_topograficzna" in wmts.contents
    level = 13
    matrix = wmts.tilematrixsets["PL1992"].tilematrix
    identifier = sorted(matrix)[level]
    assert matrix[identifier].topleftcorner in ((GRID_ORIGIN[1], GRID_ORIGIN[0]), GRID_ORIGIN)
    res = LEVEL_0_RES / 2**level
    x, y = road_point
    column, px = divmod((x - GRID_ORIGIN[0]) / res, 256)
    row, py = divmod((GRID_ORIGIN[1] - y) / res, 256)
    request = {"layer": "mapa_topograficzna", "tilematrixset": "PL1992",
               "tilematrix": identifier, "row": int(row), "column": int(column),
               "format": "image/png"}  # fmt: skip
    body = wmts.gettile(**request).read()
    tile = Image.open(io.BytesIO(body)).convert("RGBA").convert("RGB")
    # MapProxy stores PNG tiles with a 256-colour palette: a colour may move by a unit or two
    drawn = tile.getpixel((int(px), int(py)))
    assert max(abs(a - b) for a, b in zip(drawn, LOCAL_ROAD, strict=True)) <= 3, drawn
    cached = [path for folder in settings.cache_dir.glob("mapa_topograficzna_cache_*")
              for path in folder.rglob("*.png") if path.read_bytes() == body]  # fmt: skip
    assert cached, "the tile served is not in the base map's file cache"
    written = cached[0].stat().st_mtime_ns
    assert wmts.gettile(**request).read() == body
    assert cached[0].stat().st_mtime_ns == written, "a cached tile was rendered again"


def test_the_viewer_offers_the_topographic_base_map(live_server, http):
    page = http.get(f"{live_server}/", timeout=30).text
    found = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert found is not None
    bases = {base["id"]: base for base in json.loads(found.group(1))["base_maps"]}
    assert bases["baza"]["wms_name"] == "mapa_topograficzna"
    assert bases["baza"]["title"] == "Mapa topograficzna"
    assert bases["baza"]["wms_layers"] == BAZA.split(",")


def test_a_print_on_the_topographic_base_map_shows_the_road(live_server, http, road_point):
    """The print draws the base map from /ows with the publication's layers (no tile
    cache involved): the middle of the printed map is the road, in its colour."""
    x, y = road_point
    answer = http.get(f"{live_server}/drukuj", params={
        "x": f"{x:.2f}", "y": f"{y:.2f}", "scale": "1000", "dpi": "150", "base": "baza",
        "layers": "parcels"}, timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    images = PdfReader(io.BytesIO(answer.content)).pages[0].images
    picture = max((image.image for image in images), key=lambda im: im.width * im.height)
    picture = picture.convert("RGB")
    cx, cy = picture.width // 2, picture.height // 2
    around = [picture.getpixel((cx + dx, cy + dy)) for dx in range(-2, 3) for dy in range(-2, 3)]
    assert LOCAL_ROAD in around, around
