"""nginx in front (``geoportal front nginx``): a cached tile is its file, read by nginx,
with the application's headers; anything else, a miss included, is the application's
answer; a tile the refresh removed is rendered again, never served stale.

The bad-input catalogue runs through the front as well (``test_bad_input.py``).
"""

from __future__ import annotations

import io
from email.utils import formatdate
from pathlib import Path

import pytest
import requests
from shapely.geometry import box

from services.configgen.mapproxy import GRID_BBOX, cache_name, grid_resolutions
from services.mapproxy.front import SECURITY_HEADERS
from services.mapproxy.refresh import RefreshPlan, refresh
from tests.integration.test_mapproxy import _tc, _tile_2180
from web.headers import COMMON

pytestmark = pytest.mark.system

LEVEL = 12
SHARED = ("Content-Type", "Cache-Control", "Access-Control-Allow-Origin", *dict(COMMON))


@pytest.fixture(scope="module")
def tile(front, settings, known_parcel) -> tuple[str, Path]:
    """A PL1992 tile over the known parcel, rendered through the front: path and file."""
    column, row = _tile_2180(LEVEL, known_parcel.x, known_parcel.y)
    path = f"/wmts/dzialki/PL1992/{LEVEL}/{column}/{row}.png"
    assert requests.get(front + path, timeout=60).status_code == 200  # a miss: rendered
    folder = settings.cache_dir / f"{cache_name('dzialki')}_EPSG2180" / f"{LEVEL:02d}"
    return path, folder / _tc(column) / f"{_tc(row)}.png"


def _nginx_etag(path: Path) -> str:
    stat = path.stat()
    return f'"{int(stat.st_mtime):x}-{stat.st_size:x}"'


def test_the_application_s_security_headers_are_the_front_s():
    assert dict(SECURITY_HEADERS) == dict(COMMON)


def test_a_hit_is_the_file_read_by_nginx_with_the_application_s_headers(front, live_server, tile):
    path, file = tile
    hit = requests.get(front + path, timeout=30)
    assert hit.status_code == 200 and hit.content == file.read_bytes()
    assert hit.headers["ETag"] == _nginx_etag(file)  # nginx's validator: nginx read the file
    assert hit.headers["Last-Modified"] == formatdate(file.stat().st_mtime, usegmt=True)
    app = requests.get(live_server + path, timeout=30)
    assert app.content == hit.content
    assert {name: hit.headers.get(name) for name in SHARED} == {
        name: app.headers.get(name) for name in SHARED
    }


def test_conditional_requests_and_head(front, tile):
    path, file = tile
    etag = _nginx_etag(file)
    unchanged = requests.get(front + path, headers={"If-None-Match": etag}, timeout=30)
    assert unchanged.status_code == 304 and not unchanged.content
    assert unchanged.headers["Cache-Control"] == "public, no-cache"
    head = requests.head(front + path, timeout=30)
    assert head.status_code == 200 and not head.content
    assert head.headers["Content-Length"] == str(file.stat().st_size)


def test_the_same_tile_by_xyz_is_the_same_file(front, tile):
    path, file = tile
    answer = requests.get(front + path.replace("/wmts/", "/tiles/"), timeout=30)
    assert answer.content == file.read_bytes() and answer.headers["ETag"] == _nginx_etag(file)


def test_a_query_string_or_another_method_goes_to_the_application(front, live_server, tile):
    path, file = tile
    asked = requests.get(f"{front}{path}?origin=nw", timeout=30)
    assert asked.status_code == 200 and asked.headers["ETag"] != _nginx_etag(file)
    for method in ("POST", "PUT", "DELETE"):
        through, direct = (requests.request(method, base + path, timeout=30)
                           for base in (front, live_server))  # fmt: skip
        assert (through.status_code, through.content) == (direct.status_code, direct.content)
        assert through.status_code == 405


def test_a_proxied_answer_has_each_security_header_once(front):
    answer = requests.get(front + "/services?f=json", timeout=30)
    assert answer.status_code == 200
    raw = answer.raw.headers
    assert all(raw.getlist(name) == [value] for name, value in COMMON)


def test_a_file_planted_beyond_the_grid_s_levels_is_never_read(front, settings, tile):
    planted = (
        settings.cache_dir / f"{cache_name('dzialki')}_EPSG2180" / "16/000/000/000/000/000/000.png"
    )
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"planted, not a tile")
    try:
        answer = requests.get(front + "/wmts/dzialki/PL1992/16/0/0.png", timeout=30)
        assert answer.status_code == 400 and "TileOutOfRange" in answer.text
        assert b"planted" not in answer.content
    finally:
        planted.unlink()


def test_a_tile_the_refresh_removed_is_rendered_again(front, settings, tile):
    path, file = tile
    span = 256 * grid_resolutions()[LEVEL]
    column, row = (int(part) for part in path.rsplit(".", 1)[0].split("/")[-2:])
    west, north = GRID_BBOX[0] + column * span, GRID_BBOX[3] - row * span
    area = box(west + 1, north - span + 1, west + span - 1, north - 1)
    plan = RefreshPlan(area, (cache_name("dzialki"),), {}, None, whole_levels=False)
    assert refresh(settings, plan, None, out=io.StringIO()).removed >= 1
    assert not file.exists()
    answer = requests.get(front + path, timeout=60)
    assert answer.status_code == 200 and file.exists()  # rendered: nginx writes no file
    assert answer.content == file.read_bytes()
