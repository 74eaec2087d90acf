"""MapProxy over our MapServer, through a real threaded HTTP server on a free port.

MapProxy's tile source is HTTP to the same server (/ows), as in production; the server
runs in a thread of the test process (werkzeug, threaded) with the two WSGI apps mounted
as the composition root mounts them.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from lxml import etree
from owslib.wmts import WebMapTileService
from PIL import Image
from pyproj import Transformer
from shapely.geometry import box
from werkzeug.serving import make_server

from geoportal.instance import Instance
from geoportal.settings import PROJECT_ROOT, Settings
from services.configgen.mapproxy import BASE_LAYER, GRID_BBOX, grid_resolutions
from services.mapproxy.app import make_mapproxy_app
from services.mapproxy.refresh import plan_refresh, refresh
from services.mapproxy.seed import SeedError, SeedPlan, check_source, seed
from services.mapserver.app import make_mapserver_app
from tests.integration.test_mapserver_data import (
    EXTENT,
    X0,
    Y0,
    delete_ows_fixture,
    load_ows_fixture,
)
from web.dispatch import PrefixDispatcher

MAPPROXY_PREFIXES = ("/wms", "/wmts", "/tiles", "/tms")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]


@pytest.fixture(scope="module")
def served(instance: Instance) -> Iterator[Settings]:
    """Settings of a running server (its own port and an empty tile cache)."""
    database = instance.database
    load_ows_fixture(database)
    local = instance.settings.model_copy(update={"port": _free_port()})
    shutil.rmtree(local.cache_dir, ignore_errors=True)
    mapproxy = make_mapproxy_app(local)
    ows = make_mapserver_app(Instance(local))
    app = PrefixDispatcher(
        default=_not_found,
        mounted={"/ows": ows},
        passthrough=dict.fromkeys(MAPPROXY_PREFIXES, mapproxy),
    )
    server = make_server("127.0.0.1", local.port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield local
    server.shutdown()
    thread.join(timeout=5)
    ows.pool.close()
    delete_ows_fixture(database)


def _tile_2180(level: int, x: float, y: float) -> tuple[int, int]:
    """Column and row (from the north-west) of the PL1992 tile holding point x, y."""
    span = 256 * grid_resolutions()[level]
    return math.floor((x - GRID_BBOX[0]) / span), math.floor((GRID_BBOX[3] - y) / span)


def _tile_mercator(zoom: int, x: float, y: float) -> tuple[int, int]:
    lon, lat = Transformer.from_crs(2180, 4326, always_xy=True).transform(x, y)
    return _mercator_lonlat(zoom, lon, lat)


def _mercator_lonlat(zoom: int, lon: float, lat: float) -> tuple[int, int]:
    n = 2**zoom
    row = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return math.floor((lon + 180) / 360 * n), math.floor(row)


def _drawn_pixels(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    return sum(count for count, pixel in image.getcolors(256 * 256) if pixel[3] > 0)


def _cache_path(cache: Path, level: int, x: float, y: float) -> str:
    """The file of the PL1992 tile holding x, y in the ``tc`` directory layout."""
    column, row = _tile_2180(level, x, y)
    return str(cache / f"{level:02d}" / f"{_tc(column)}/{_tc(row)}.png")


def _tc(number: int) -> str:
    """MapProxy's ``tc`` layout: a number as three folders of three digits (000/001/010)."""
    return f"{number // 1_000_000:03d}/{number // 1000 % 1000:03d}/{number % 1000:03d}"


def _cached_files(cache_dir: Path) -> dict[str, float]:
    return {str(path): path.lstat().st_mtime for path in cache_dir.rglob("*.png")}


def test_wmts_capabilities_read_by_owslib(served):
    wmts = WebMapTileService(served.base_url + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")
    assert {"mapa_ewidencyjna", "dzialki", "budynki", "numery_dzialek"} <= set(wmts.contents)
    assert {"PL1992", "GLOBAL_WEBMERCATOR"} <= set(wmts.tilematrixsets)
    assert len(wmts.tilematrixsets["PL1992"].tilematrix) == 16
    kvp = [op for op in wmts.operations if op.name == "GetTile"][0].methods[0]["url"]
    assert kvp.startswith(served.base_url + "/wmts")


def test_wmts_layers_extend_over_the_county_not_poland(served, instance):
    """ "Zoom to layer" in QGIS goes to the WGS84 bounding box: the county's extent."""
    x1, y1, x2, y2 = instance.site.extent
    west, south, east, north = Transformer.from_crs(2180, 4326, always_xy=True).transform_bounds(
        x1, y1, x2, y2
    )
    wmts = WebMapTileService(served.base_url + "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities")
    for name, layer in wmts.contents.items():
        w, s, e, n = layer.boundingBoxWGS84
        assert math.isclose(w, west, abs_tol=0.01) and math.isclose(e, east, abs_tol=0.01), name
        assert math.isclose(s, south, abs_tol=0.01) and math.isclose(n, north, abs_tol=0.01), name


def test_capability_links_ignore_forged_host_headers(served):
    headers = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Script-Name": "/x"}
    for path in ("/wmts/1.0.0/WMTSCapabilities.xml", "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
                 "/wms?SERVICE=WMS&REQUEST=GetCapabilities", "/tms/1.0.0/"):  # fmt: skip
        answer = requests.get(served.base_url + path, headers=headers, timeout=30)
        assert answer.status_code == 200 and "evil.example" not in answer.text
        assert served.base_url in answer.text


def test_tile_is_rendered_once_then_served_from_the_cache(served):
    column, row = _tile_2180(11, X0 + 100, Y0 + 100)
    url = f"{served.base_url}/wmts/dzialki/PL1992/11/{column}/{row}.png"
    before = _cached_files(served.cache_dir)
    first = requests.get(url, timeout=60)
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/png"
    assert _drawn_pixels(first.content) > 300, "the tile over the fixture parcels is blank"
    written = set(_cached_files(served.cache_dir)) - set(before)
    assert any(path.endswith(f"{row % 1000:03d}.png") for path in written)
    cached = _cached_files(served.cache_dir)
    second = requests.get(url, timeout=60)
    assert second.content == first.content
    assert _cached_files(served.cache_dir) == cached  # nothing re-rendered or rewritten


def test_xyz_tiles_and_wmts_kvp_in_web_mercator(served):
    column, row = _tile_mercator(16, X0 + 150, Y0 + 150)
    xyz = requests.get(
        f"{served.base_url}/tiles/mapa_ewidencyjna/GLOBAL_WEBMERCATOR/16/{column}/{row}.png",
        timeout=60,
    )
    assert xyz.status_code == 200 and _drawn_pixels(xyz.content) > 1000
    kvp = requests.get(
        f"{served.base_url}/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=mapa_ewidencyjna"
        f"&STYLE=default&TILEMATRIXSET=GLOBAL_WEBMERCATOR&TILEMATRIX=16&TILEROW={row}"
        f"&TILECOL={column}&FORMAT=image/png",
        timeout=60,
    )
    assert kvp.status_code == 200 and kvp.content == xyz.content


def test_cached_wms_serves_a_map(served):
    x1, y1, x2, y2 = EXTENT
    answer = requests.get(
        f"{served.base_url}/wms?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS=dzialki"
        f"&SRS=EPSG:2180&BBOX={x1},{y1},{x2},{y2}&WIDTH=400&HEIGHT=300&FORMAT=image/png&STYLES=",
        timeout=60,
    )
    assert answer.status_code == 200 and _drawn_pixels(answer.content) > 1500


def test_wmts_without_request_is_a_client_error(served):
    assert requests.get(served.base_url + "/wmts", timeout=30).status_code == 400


def _tiles_over_extent(grid: str, level: int) -> int:
    """Tiles of a grid over EXTENT at a level, counted from its corner tiles."""
    x1, y1, x2, y2 = EXTENT
    if grid == "PL1992":
        (c1, r1), (c2, r2) = _tile_2180(level, x1, y2), _tile_2180(level, x2, y1)
    else:
        west, south, east, north = Transformer.from_crs(
            2180, 4326, always_xy=True
        ).transform_bounds(x1, y1, x2, y2)
        (c1, r1), (c2, r2) = (
            _mercator_lonlat(level, west, north),
            _mercator_lonlat(level, east, south),
        )
    return (c2 - c1 + 1) * (r2 - r1 + 1)


_PROGRESS = re.compile(
    r"^(\S+) (\S+) poziom/level (\d+): ([\d ]+)/([\d ]+) kafli/tiles "
    r".* razem/total ([\d ]+)/([\d ]+) "
)


def _progress_lines(text: str) -> list[tuple[str, str, int, int, int, int, int]]:
    rows = []
    for line in text.splitlines():
        found = _PROGRESS.match(line)
        if found:
            layer, grid, *numbers = found.groups()
            rows.append((layer, grid, *(int(n.replace(" ", "")) for n in numbers)))
    return rows


def test_seeding_is_incremental_and_says_how_far_it_is(served):
    levels = {"PL1992": (9, 12), "GLOBAL_WEBMERCATOR": (14, 17)}
    plan = SeedPlan(bbox=EXTENT, levels={"dzialki": levels})
    out = io.StringIO()
    first = seed(served, plan, concurrency=1, out=out)
    assert first.new_tiles > 0
    rows = _progress_lines(out.getvalue())
    expected = {
        (grid, level): _tiles_over_extent(grid, level)
        for grid, (low, high) in levels.items()
        for level in range(low, high + 1)
    }
    last = {(grid, level): (done, total) for _layer, grid, level, done, total, *_ in rows}
    assert last == {key: (count, count) for key, count in expected.items()}
    assert {row[0] for row in rows} == {"dzialki"}
    assert rows[-1][5:] == (sum(expected.values()), sum(expected.values()))
    assert first.positions == sum(expected.values())
    files = _cached_files(served.cache_dir)
    second = seed(served, plan, concurrency=1, out=io.StringIO())
    assert second.new_tiles == 0
    assert _cached_files(served.cache_dir) == files  # no tile re-rendered
    print(f"seeded {first.new_tiles} tiles in {first.seconds:.1f} s; reseed {second.seconds:.2f} s")


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ({"nieznana": {"PL1992": (0, 2)}}, "nie ma takiej warstwy kafli / no such tile layer"),
        ({"dzialki": {"EPSG4326": (0, 2)}}, "nie ma układu kafli EPSG4326"),
        ({"dzialki": {"PL1992": (14, 16)}}, "PL1992: poziomy 0-15 / levels 0-15, nie/not 16"),
    ],
)
def test_seeding_refuses_what_the_cache_does_not_have(served, levels, message):
    before = _cached_files(served.cache_dir)
    with pytest.raises(SeedError, match=message):
        seed(served, SeedPlan(bbox=EXTENT, levels=levels), concurrency=1, out=io.StringIO())
    assert _cached_files(served.cache_dir) == before


def test_seeding_without_a_running_server_says_so(served):
    with pytest.raises(SeedError, match="make run"):
        check_source(f"http://127.0.0.1:{_free_port()}/ows")


def test_runtime_config_has_no_placeholders(served):
    text = (served.runtime_dir / "mapproxy" / "mapproxy.yaml").read_text()
    assert "CACHE_DIR" not in text and "http://localhost/ows" not in text
    assert f"http://127.0.0.1:{served.port}/ows" in text
    assert str(served.cache_dir) in text
    assert os.path.isdir(served.cache_dir)


# --- what the attack probe found at the MapProxy paths -----------------------------------


def test_tiles_outside_the_site_are_answered_but_never_stored(served, site):
    x = site.extent[2] + 50_000  # 50 km east of the county
    column, row = _tile_2180(12, x, site.extent[1])
    before = set(_cached_files(served.cache_dir))
    for level, (col, rw) in ((12, (column, row)), (12, (column + 1, row)), (12, (column, row + 1))):
        answer = requests.get(f"{served.base_url}/wmts/dzialki/PL1992/{level}/{col}/{rw}.png",
                              timeout=30)  # fmt: skip
        assert answer.status_code == 200 and _drawn_pixels(answer.content) == 0
    assert set(_cached_files(served.cache_dir)) == before


@pytest.mark.parametrize("method", ["PUT", "DELETE", "TRACE", "PATCH", "POST"])
def test_only_get_and_head(served, method):
    for path in ("/tiles/dzialki/PL1992/5/1/1.png", "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
                 "/wms?SERVICE=WMS&REQUEST=GetCapabilities"):  # fmt: skip
        answer = requests.request(method, served.base_url + path, timeout=30)
        assert answer.status_code == 405 and answer.headers["Allow"] == "GET, HEAD"


def _exception(answer, root_name: str, code: str) -> None:
    assert answer.status_code == 400, answer.text[:300]
    root = etree.fromstring(answer.content)
    assert etree.QName(root).localname == root_name
    codes = {e.get("code") or e.get("exceptionCode") for e in root.iter()} - {None}
    assert code in codes and "internal error" not in answer.text


WMS_GETMAP = (
    "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=dzialki&STYLES="
    "&FORMAT=image/png&WIDTH=64&HEIGHT=64&"
)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ("SRS=EPSG:2180&BBOX=inf,1,2,3", "InvalidParameterValue"),
        ("SRS=EPSG:2180&BBOX=nan,1,2,3", "InvalidParameterValue"),
        ("SRS=EPSG:2180&BBOX=1,2,3", "InvalidParameterValue"),
        ("SRS=EPSG:2180&BBOX=500000,400000,500100,400100c", "InvalidParameterValue"),
        ("SRS=EPSG:2180&BBOX=500100,400000,500000,400100", "InvalidParameterValue"),
        ("SRS=EPSG:4326;DROP&BBOX=19,51,19.1,51.1", "InvalidCRS"),
        ("SRS=init=epsg:2180&BBOX=500000,400000,500100,400100", "InvalidCRS"),
    ],
)
def test_cached_wms_refuses_what_mapproxy_mishandles(served, params, code):
    answer = requests.get(served.base_url + WMS_GETMAP + params, timeout=30)
    _exception(answer, "ServiceExceptionReport", code)


@pytest.mark.parametrize(
    "params",
    [
        "REQUEST=GetTile&VERSION=1.0.0&LAYER=dzialki&STYLE=default&TILEMATRIXSET=PL1992&TILEMATRIX=abc&TILEROW=1&TILECOL=1&FORMAT=image/png",
        "REQUEST=GetTile&VERSION=1.0.0&LAYER=dzialki&STYLE=default&TILEMATRIXSET=PL1992&TILEMATRIX=../..&TILEROW=1&TILECOL=1&FORMAT=image/png",
        "REQUEST=GetTile&VERSION=1.0.0&LAYER=dzialki&STYLE=default&TILEMATRIXSET=../x&TILEMATRIX=1&TILEROW=1&TILECOL=1&FORMAT=image/png",
        "REQUEST=GetTile&VERSION=1.0.0&LAYER=dzialki&STYLE=default&TILEMATRIXSET=PL1992&TILEMATRIX=1&TILEROW=-1&TILECOL=1&FORMAT=image/png",
        "REQUEST=GetCapabilities&VERSION=9.9",
    ],
)
def test_wmts_refuses_what_mapproxy_mishandles(served, params):
    answer = requests.get(f"{served.base_url}/wmts?SERVICE=WMTS&{params}", timeout=30)
    _exception(answer, "ExceptionReport", "InvalidParameterValue")


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/../wms",
        "/wmts/dzialki/PL1992/%2e%2e/1/1.png",
        "/tms/1.0.0/dzialki/..%2F..%2Fetc/1/1.png",
    ],
)
def test_traversal_in_tile_paths_is_not_found(served, path):
    answer = requests.get(served.base_url + path, timeout=30)
    assert answer.status_code in (400, 404) and "root:" not in answer.text


def test_a_load_s_changed_area_is_dropped_and_rendered_again(served, instance):
    """Tiles over the changed cells go and come back; tiles elsewhere are not touched."""
    levels = {"PL1992": (8, 10), "GLOBAL_WEBMERCATOR": (13, 15)}
    seeded = {BASE_LAYER: levels, "dzialki": levels}
    seed(served, SeedPlan(bbox=EXTENT, levels=seeded), concurrency=1, out=io.StringIO())
    far = (EXTENT[0] + 20_000, EXTENT[1] + 25_000)  # inside the site, 20 km away
    far_tile = _tile_2180(10, *far)
    answer = requests.get(
        f"http://127.0.0.1:{served.port}/wmts/dzialki/PL1992/{10:02d}/{far_tile[0]}/{far_tile[1]}.png",
        timeout=60,
    )
    assert answer.status_code == 200
    before = _cached_files(served.cache_dir)
    cell = box(X0, Y0, X0 + 300, Y0 + 300)  # where the fixture parcels are

    plan = plan_refresh(instance.catalog, cell.wkt, {"parcel"}, instance.site.extent, seeded)
    assert not plan.whole_levels
    assert set(plan.caches) >= {"mapa_ewidencyjna_cache", "dzialki_cache"}
    assert "uzytki_cache" not in plan.caches  # land use did not change
    report = refresh(served, plan, f"http://127.0.0.1:{served.port}/ows", io.StringIO())

    after = _cached_files(served.cache_dir)
    rewritten = {path for path, mtime in before.items() if after.get(path) != mtime}
    assert report.removed > 0 and report.seeded > 0
    centre = _cache_path(served.cache_dir / "dzialki_cache_EPSG2180", 10, X0 + 150, Y0 + 150)
    assert centre in before and after[centre] > before[centre]  # rendered again
    # other tiles of the metatiles over the cell are dropped, rendered when next asked for
    untouched = [path for path in before if f"/{far_tile[0]}" in path and path in after]
    assert untouched and all(before[path] == after[path] for path in untouched)
    assert len(rewritten) < len(before)
    print(f"refresh: {report.removed} removed, {report.seeded} rendered in {report.seconds:.1f} s")


def test_a_refresh_touches_no_cache_of_an_unchanged_layer(instance):
    plan = plan_refresh(instance.catalog, box(0, 0, 10, 10).wkt, {"terc_name"}, EXTENT,
                        instance.site.tiles.seed)  # fmt: skip
    assert plan.nothing and plan.caches == ()


def test_a_county_wide_change_drops_whole_levels(instance):
    whole = box(*instance.site.extent)
    plan = plan_refresh(instance.catalog, whole.wkt, {"plan_zone"}, instance.site.extent,
                        instance.site.tiles.seed)  # fmt: skip
    assert plan.whole_levels and "mpzp_cache" in plan.caches
    # the base map is seeded ahead, so it is rendered again at the site file's levels
    assert plan.seed_levels == {BASE_LAYER: instance.site.tiles.seed[BASE_LAYER]}


# --- a publish never leaves a stale tile on the served path ---------------------------

NEW_PARCEL = (X0 + 100, Y0 + 310, X0 + 200, Y0 + 360)  # north of the fixture, same tile
NEW_NAMESPACE = "PL.PZGiK.9997.TILES"


def _tile_pixels(png: bytes, level: int, area: tuple[float, float, float, float]) -> int:
    """Drawn pixels of a PL1992 tile inside ``area`` (EPSG:2180), with a 2 px margin."""
    column, row = _tile_2180(level, (area[0] + area[2]) / 2, (area[1] + area[3]) / 2)
    res = grid_resolutions()[level]
    left, top = GRID_BBOX[0] + column * 256 * res, GRID_BBOX[3] - row * 256 * res
    x1, x2 = (area[0] - left) / res - 2, (area[2] - left) / res + 2
    y1, y2 = (top - area[3]) / res - 2, (top - area[1]) / res + 2
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    box_ = (max(0, int(x1)), max(0, int(y1)), min(256, int(x2) + 1), min(256, int(y2) + 1))
    return sum(image.crop(box_).getchannel("A").histogram()[1:])


def test_a_published_parcel_is_on_the_served_tile_right_after_the_load(served, instance, tmp_path):
    """Load (ETL, a file through a profile) → refresh → the same URL shows the new parcel."""
    from etl.pipeline import load_files
    from geoportal.runs import mark_refreshed, pending_refresh
    from services.mapproxy.refresh import refresh_pending
    from tests.unit.test_vector_reader import write_layer

    level = 11
    column, row = _tile_2180(level, X0 + 150, Y0 + 150)
    assert _tile_2180(level, *NEW_PARCEL[:2]) == _tile_2180(level, *NEW_PARCEL[2:]) == (column, row)
    url = f"{served.base_url}/wmts/dzialki/PL1992/{level}/{column}/{row}.png"
    requests.get(url, timeout=60)  # rendered and cached
    before = requests.get(url, timeout=60)
    cached = _cache_path(served.cache_dir / "dzialki_cache_EPSG2180", level, X0 + 150, Y0 + 150)
    assert os.path.exists(cached) and _tile_pixels(before.content, level, NEW_PARCEL) == 0

    database = instance.database
    with database.connect("owner") as conn:  # earlier loads of the session: not this test's
        earlier = pending_refresh(conn)
        if not earlier.nothing:
            mark_refreshed(conn, earlier.run_ids)
    profile = tmp_path / "parcels.yaml"
    text = (PROJECT_ROOT / "etl" / "profiles" / "parcels-kieg.yaml").read_text(encoding="utf-8")
    profile.write_text(text.replace("PL.PZGiK.1003.EGiB", NEW_NAMESPACE), encoding="utf-8")
    data = write_layer(tmp_path / "dzialka.gpkg", [box(*NEW_PARCEL)],
                       {"ID_DZIALKI": ["129901_1.0001.500"], "NUMER_DZIALKI": ["500"],
                        "NUMER_ARKUSZA": ["1"], "POLE_EWIDENCYJNE": [0.5], "KW": [""]})  # fmt: skip
    try:
        result = load_files(database, [data], profile=profile, site=instance.site)
        assert result.changes.counts["parcel"]["added"] == 1
        message = refresh_pending(Instance(served), out=io.StringIO())
        assert "refreshed" in message, message
        # a browser revalidating its copy gets the new tile, not a 304
        after = requests.get(url, headers={"If-None-Match": before.headers["ETag"]}, timeout=60)
        assert after.status_code == 200
        assert _tile_pixels(after.content, level, NEW_PARCEL) > 100  # its outline is drawn
        assert after.content != before.content
        again = requests.get(url, headers={"If-None-Match": before.headers["ETag"]}, timeout=60)
        assert again.status_code == 200 and again.content == after.content  # now a cache hit
    finally:
        with database.connect("owner") as conn:
            conn.execute("DELETE FROM data.parcel WHERE namespace = %s", (NEW_NAMESPACE,))


def test_a_road_change_refreshes_the_topographic_base_map_only(instance):
    cell = box(*instance.site.extent).centroid.buffer(500)
    seed = instance.site.tiles.seed
    plan = plan_refresh(instance.catalog, cell.wkt, {"topo_road"}, instance.site.extent, seed,
                        instance.publications)  # fmt: skip
    assert plan.caches == ("mapa_topograficzna_cache",)
    # seeded like the cadastral map, at the site file's levels
    assert plan.seed_levels == {"mapa_topograficzna": seed["mapa_topograficzna"]}
    # a building is drawn by both: both maps are refreshed
    plan = plan_refresh(instance.catalog, cell.wkt, {"building"}, instance.site.extent, seed,
                        instance.publications)  # fmt: skip
    assert {"mapa_ewidencyjna_cache", "budynki_cache", "mapa_topograficzna_cache"} <= set(
        plan.caches
    )
