"""Two seeders at once with readers fetching tiles, and a seeder killed mid-run.

Every file left in the cache folder is decoded afterwards (Pillow): a partial or corrupt
tile, or a file that is no tile (a temporary one), fails the test. The seeders are real
processes running our seeding with MapProxy's workers; the readers fetch through HTTP.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from PIL import Image

from services.mapproxy.seed import SeedPlan, count_tiles, seed
from services.mapproxy.tilefiles import staging_dir
from tests.integration.test_mapproxy import _tc, _tile_2180, served  # noqa: F401
from tests.integration.test_mapserver_data import X0, Y0

AREA = (494_000, 396_000, 496_400, 398_400)  # 2.4 km around the fixture, inside the site
TILE = re.compile(r"^\d{2}/\d{3}/\d{3}/\d{3}/\d{3}/\d{3}/\d{3}\.(png|jpeg)$")
SINGLE_COLOUR = re.compile(r"^single_color_tiles/[0-9a-f]{6,8}\.(png|jpeg)$")
SEEDER = """
import json, sys
from geoportal.settings import Settings
from services.mapproxy.seed import SeedPlan, seed
plan = SeedPlan(bbox=tuple(json.loads(sys.argv[1])), levels=json.loads(sys.argv[2]))
seed(Settings(), plan, concurrency=2, out=sys.stdout)
"""


def _start_seeder(settings, levels: dict) -> subprocess.Popen[str]:
    env = os.environ | settings.environment()
    return subprocess.Popen(
        [sys.executable, "-c", SEEDER, json.dumps(AREA), json.dumps(levels)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its MapProxy workers are killed with it
    )  # fmt: skip


def _check_every_file(cache_dir: Path) -> int:
    """Decode every tile of the cache; fail on anything that is not a whole tile."""
    checked = 0
    for path in sorted(cache_dir.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(cache_dir).as_posix()
        tree = relative.split("/", 1)[1] if "/" in relative else relative
        assert TILE.match(tree) or SINGLE_COLOUR.match(tree), f"not a tile: {relative}"
        with Image.open(path) as image:
            image.load()  # reads every byte of the image data: a truncated file raises
            assert image.size == (256, 256), relative
        checked += 1
    return checked


def _reader(base_url: str, urls: list[str], stop: threading.Event, seen: list[str]) -> None:
    session = requests.Session()
    while not stop.is_set():
        for url in urls:
            answer = session.get(base_url + url, timeout=60)
            if answer.status_code == 503 and answer.headers.get("Retry-After"):
                seen.append("503 busy")  # /ows had no free render process: an outage answer
                continue
            try:
                with Image.open(io.BytesIO(answer.content)) as image:
                    image.load()
            except OSError:
                seen.append(f"{answer.status_code} {url} {answer.content[-700:]!r}")
                continue
            seen.append(f"{answer.status_code} {answer.headers['Content-Type']}")


def _reader_urls() -> list[str]:
    urls = []
    for level in (10, 11, 12):
        column, row = _tile_2180(level, X0 + 150, Y0 + 150)
        for layer in ("dzialki", "mapa_ewidencyjna"):
            urls += [f"/wmts/{layer}/PL1992/{level}/{column + dx}/{row}.png" for dx in (0, 1)]
    return urls


def test_two_seeders_and_readers_leave_only_whole_tiles(served):  # noqa: F811
    levels = {
        "mapa_ewidencyjna": {"PL1992": [8, 12], "GLOBAL_WEBMERCATOR": [13, 16]},
        "dzialki": {"PL1992": [8, 12], "GLOBAL_WEBMERCATOR": [13, 16]},
    }
    stop, seen = threading.Event(), []
    readers = [threading.Thread(target=_reader, args=(served.base_url, _reader_urls(), stop, seen))
               for _ in range(3)]  # fmt: skip
    for thread in readers:
        thread.start()
    seeders = [_start_seeder(served, levels) for _ in range(2)]
    try:
        outputs = [seeder.communicate(timeout=600)[0] for seeder in seeders]
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=120)
    assert [seeder.returncode for seeder in seeders] == [0, 0], outputs
    # every answer a whole PNG, or a 503 with Retry-After while renders are all busy
    assert seen.count("200 image/png") > 0 and set(seen) <= {"200 image/png", "503 busy"}, sorted(
        set(seen)
    )
    checked = _check_every_file(served.cache_dir)
    assert checked == count_tiles(served.cache_dir) > 500
    assert not list(staging_dir(served.cache_dir).iterdir())
    print(f"{checked} tiles decoded; read during seeding: {seen.count('200 image/png')} tiles,"
          f" {seen.count('503 busy')} busy answers")  # fmt: skip


def test_a_killed_seeder_leaves_whole_tiles_and_the_next_seed_completes(served):  # noqa: F811
    levels = {"dzialki": {"PL1992": [13, 14]}}
    before = count_tiles(served.cache_dir)
    seeder = _start_seeder(served, levels)
    deadline = time.monotonic() + 120
    while count_tiles(served.cache_dir) < before + 200 and time.monotonic() < deadline:
        assert seeder.poll() is None, "the seeder ended before it could be killed"
        time.sleep(0.05)
    os.killpg(seeder.pid, signal.SIGKILL)
    seeder.communicate(timeout=60)
    time.sleep(0.5)  # forked workers see their parent gone
    _check_every_file(served.cache_dir)

    report = seed(served, SeedPlan(bbox=AREA, levels=levels), concurrency=2, out=io.StringIO())
    assert report.new_tiles > 0
    x1, y1, x2, y2 = AREA
    for level in (13, 14):
        (c1, r1), (c2, r2) = _tile_2180(level, x1, y2), _tile_2180(level, x2, y1)
        cache = served.cache_dir / "dzialki_cache_EPSG2180"
        missing = [
            (column, row)
            for column in range(c1, c2 + 1)
            for row in range(r1, r2 + 1)
            if not (cache / f"{level:02d}" / f"{_tc(column)}/{_tc(row)}.png").exists()
        ]
        assert missing == [], f"level {level}: {len(missing)} tiles missing"
    _check_every_file(served.cache_dir)
    assert not list(staging_dir(served.cache_dir).iterdir())


def _level_files(folder: Path) -> dict[tuple[int, int], Path]:
    """The tiles of one level's folder by column and row (``tc`` layout: 000/004/040/...)."""
    tiles = {}
    for path in folder.rglob("*.png"):
        parts = path.relative_to(folder).with_suffix("").parts
        tiles[int("".join(parts[:3])), int("".join(parts[3:]))] = path
    return tiles


def test_a_metatile_left_half_written_is_completed_by_the_next_seed(served):  # noqa: F811
    """A metatile's 16 tiles are written one by one, so a killed seeder can leave a few of
    them; the next seed renders the rest, also when the one MapProxy's walker asks about
    (the metatile's first) is among those left."""
    levels = {"dzialki": {"PL1992": [13, 13]}}
    seed(served, SeedPlan(bbox=AREA, levels=levels), concurrency=2, out=io.StringIO())
    tiles = _level_files(served.cache_dir / "dzialki_cache_EPSG2180" / "13")
    removed = [key for key in tiles if key[0] % 4 or key[1] % 4]  # all but each metatile's first
    assert len(tiles) > 16 and removed
    for key in removed:
        tiles[key].unlink()
    report = seed(served, SeedPlan(bbox=AREA, levels=levels), concurrency=2, out=io.StringIO())
    assert [key for key in removed if not tiles[key].exists()] == []
    assert report.new_tiles == len(removed)
    _check_every_file(served.cache_dir)
