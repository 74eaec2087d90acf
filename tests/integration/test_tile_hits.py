"""Cached tiles answered from their files: the bytes on disk, validators, 304, and no
tile outside MapProxy's grids, levels and names (a planted file is never served)."""

from __future__ import annotations

import os
from email.utils import formatdate
from pathlib import Path

import pytest
import requests

from tests.integration.test_mapproxy import _tc, _tile_2180, served  # noqa: F401
from tests.integration.test_mapserver_data import X0, Y0

LEVEL = 12


def _file(cache_dir: Path, layer: str, level: int, column: int, row: int) -> Path:
    return cache_dir / f"{layer}_cache_EPSG2180" / f"{level:02d}" / f"{_tc(column)}/{_tc(row)}.png"


@pytest.fixture(scope="module")
def cached(served):  # noqa: F811
    """A PL1992 tile over the fixture parcels, rendered once: its URL and its file."""
    column, row = _tile_2180(LEVEL, X0 + 150, Y0 + 150)
    url = f"{served.base_url}/wmts/dzialki/PL1992/{LEVEL}/{column}/{row}.png"
    miss = requests.get(url, timeout=60)  # MapProxy renders
    assert miss.status_code == 200 and miss.headers["Cache-Control"] == "public, no-cache"
    path = _file(served.cache_dir, "dzialki", LEVEL, column, row)
    assert path.is_file()
    return url, path


def _validators(path: Path) -> tuple[str, str]:
    stat = os.stat(path)
    etag = f'"{stat.st_ino:x}-{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    return etag, formatdate(stat.st_mtime, usegmt=True)


def test_a_hit_is_the_file_with_its_validators(cached):
    url, path = cached
    answer = requests.get(url, timeout=30)
    etag, modified = _validators(path)
    assert answer.status_code == 200 and answer.content == path.read_bytes()
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["Content-Length"] == str(path.stat().st_size)
    assert answer.headers["ETag"] == etag and answer.headers["Last-Modified"] == modified
    assert answer.headers["Cache-Control"] == "public, no-cache"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_the_same_tile_by_xyz_is_the_same_file(cached, served):  # noqa: F811
    url, path = cached
    xyz = url.replace("/wmts/", "/tiles/")
    answer = requests.get(xyz, timeout=30)
    assert answer.content == path.read_bytes()
    assert answer.headers["ETag"] == _validators(path)[0]


def test_conditional_requests(cached):
    url, path = cached
    etag, modified = _validators(path)
    for headers in ({"If-None-Match": etag}, {"If-None-Match": f'"other", W/{etag}'},
                    {"If-None-Match": "*"}, {"If-Modified-Since": modified}):  # fmt: skip
        answer = requests.get(url, headers=headers, timeout=30)
        assert answer.status_code == 304 and answer.content == b"", headers
        assert answer.headers["ETag"] == etag
    earlier = formatdate(path.stat().st_mtime - 3600, usegmt=True)
    for headers in ({"If-None-Match": '"other"'}, {"If-Modified-Since": earlier},
                    {"If-None-Match": '"other"', "If-Modified-Since": modified}):  # fmt: skip
        answer = requests.get(url, headers=headers, timeout=30)
        assert answer.status_code == 200 and answer.content == path.read_bytes(), headers


def test_head_has_the_headers_and_no_body(cached):
    url, path = cached
    answer = requests.head(url, timeout=30)
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["Content-Length"] == str(path.stat().st_size)
    assert answer.headers["ETag"] == _validators(path)[0]


@pytest.mark.parametrize(
    ("level", "column", "row"),
    [(0, 1, 0), (0, 0, 1), (16, 0, 0), (3, 8, 0)],  # beyond the grid's columns, rows, levels
)
def test_a_file_planted_outside_the_grid_is_never_served(served, level, column, row):  # noqa: F811
    planted = _file(served.cache_dir, "dzialki", level, column, row)
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"planted, not a tile")
    try:
        answer = requests.get(
            f"{served.base_url}/wmts/dzialki/PL1992/{level}/{column}/{row}.png", timeout=30
        )
        assert answer.status_code == 400 and b"planted" not in answer.content
        assert "TileOutOfRange" in answer.text and "Kafel leży poza układem kafli" in answer.text
    finally:
        planted.unlink()


@pytest.mark.parametrize(
    "path",
    [
        "/wmts/dzialki/PL1992/12/..%2F..%2F..%2Fetc/1.png",
        "/wmts/dzialki/../../../../etc/passwd",
        "/tiles/dzialki/PL1992/12/%2e%2e/1.png",
        "/wmts/nieznana/PL1992/12/1/1.png",
        "/wmts/dzialki/EPSG4326/12/1/1.png",
        "/wmts/dzialki/PL1992/12/1/1.jpeg",
        "/wmts/dzialki/PL1992/-1/1/1.png",
    ],
)
def test_names_and_paths_outside_mapproxy_s_are_refused(served, path):  # noqa: F811
    answer = requests.get(served.base_url + path, timeout=30)
    assert answer.status_code in (400, 404), (path, answer.status_code)
    assert not answer.headers.get("Content-Type", "").startswith("image/")
    assert "root:" not in answer.text


def test_a_query_string_goes_to_mapproxy(cached, served):  # noqa: F811
    """``?origin=sw`` counts rows from the south: MapProxy answers, not the file."""
    _url, path = cached
    column, row = _tile_2180(LEVEL, X0 + 150, Y0 + 150)
    south = 2**LEVEL - 1 - row  # PL1992 level n is 2^n tiles high
    south_url = f"{served.base_url}/tiles/dzialki/PL1992/{LEVEL}/{column}/{south}.png?origin=sw"
    answer = requests.get(south_url, timeout=30)
    assert answer.status_code == 200 and answer.content == path.read_bytes()
    assert answer.headers["ETag"] != _validators(path)[0]  # MapProxy's own answer


def test_every_location_is_the_file_mapproxy_reads(served):  # noqa: F811
    """Our locations against MapProxy's own request → internal coordinate → file path."""
    import random
    from types import SimpleNamespace

    from mapproxy.cache.tile import Tile
    from mapproxy.exception import RequestError
    from mapproxy.wsgiapp import make_wsgi_app

    from services.mapproxy.hits import CachedTiles

    app = make_wsgi_app(str(served.runtime_dir / "mapproxy" / "mapproxy.yaml"))
    hits = CachedTiles(app)
    layers = app.handlers["tiles"].layers
    assert set(hits.sets) == set(layers)  # every layer and grid has the fast path
    pick = random.Random(7)
    for key, layer in layers.items():
        grid = layer.grid.grid
        for _ in range(200):
            level = pick.randrange(grid.levels + 1)  # one level beyond the grid too
            size = 2 ** min(level, 20) + 2
            column, row = pick.randrange(size), pick.randrange(size)
            origin = pick.choice(["nw", "sw", None])
            request = SimpleNamespace(tile=(column, row, level), origin=origin)
            try:
                coord = layer._internal_tile_coord(request, use_profiles=False)
                theirs = layer.tile_manager.cache.tile_location(Tile(coord))
            except RequestError:
                theirs = None
            assert hits.sets[key].location(column, row, level, origin) == theirs, (key, request)


def test_a_kvp_gettile_hit_is_the_file_too(cached, served):  # noqa: F811
    """QGIS asks by KVP: the same file; an extra parameter leaves it to MapProxy."""
    _url, path = cached
    column, row = _tile_2180(LEVEL, X0 + 150, Y0 + 150)
    kvp = (f"{served.base_url}/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=dzialki"
           f"&STYLE=default&TILEMATRIXSET=PL1992&TILEMATRIX={LEVEL:02d}&TILEROW={row}"
           f"&TILECOL={column}&FORMAT=image/png")  # fmt: skip
    answer = requests.get(kvp, timeout=30)
    assert answer.status_code == 200 and answer.content == path.read_bytes()
    assert answer.headers["ETag"] == _validators(path)[0]
    other = requests.get(kvp + "&EXCEPTIONS=xml", timeout=30)  # MapProxy's answer
    assert other.status_code == 200 and other.content == path.read_bytes()
    assert other.headers["ETag"] != _validators(path)[0]
    assert other.headers["Cache-Control"] == "public, no-cache"
    beyond = kvp.replace(f"TILEMATRIX={LEVEL:02d}", "TILEMATRIX=16")
    assert requests.get(beyond, timeout=30).status_code == 400
