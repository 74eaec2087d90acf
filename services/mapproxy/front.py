"""nginx in front of the web process: cached tiles straight from disk, the rest proxied.

The architecture's production set-up. The cache-hit path in the application
(:mod:`services.mapproxy.hits`) costs some 20 µs, but gunicorn's own work around any
request is some 350 µs here; only a server in C reading the file itself makes a hit
cheaper still.
``geoportal front nginx`` writes a self-contained nginx configuration for this instance:

* a WMTS REST (``/wmts/{layer}/{grid}/{level}/{col}/{row}.{ext}``) or XYZ (``/tiles/…``)
  GET or HEAD without a query, for a layer, grid, level and format the application's
  fast path serves, whose file exists, is the file (``try_files``), with the headers the
  application sends: ``Cache-Control: public, no-cache``, CORS and the security headers;
  nginx's own ``ETag``/``Last-Modified`` answer conditional requests with 304;
* everything else, a miss included, goes to gunicorn, which renders, refuses or answers.

What reaches the filesystem is a folder name looked up in a table (``map``) and numbers
of digits only; a level outside a grid is never looked up. Columns and rows are not
bounded here as they are in the application: inside a known level's folder only MapProxy
writes files, and none outside its grid. A tile a load changed is deleted by the refresh
and a new one renamed into place, so nginx (with no open-file cache) never serves it
stale. The web process must then believe the proxy's ``X-Forwarded-For``:
``GEOPORTAL_PROXIES=1``.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from geoportal.settings import Settings
from services.mapproxy.app import local_address
from services.mapproxy.hits import CACHE_CONTROL, CachedTiles

_TILE_LOCATION = (
    r"^/(?<tile_service>wmts|tiles)/(?<tile_layer>[A-Za-z0-9_]{1,64})"
    r"/(?<tile_grid>[A-Za-z0-9_]{1,64})/(?<tile_z>[0-9]{1,2})/(?<tile_x>[0-9]{1,9})"
    r"/(?<tile_y>[0-9]{1,9})\.(?<tile_ext>png|jpeg)$"
)
# MapProxy's ``tc`` layout: a number as three folders of three digits (12345 -> 000/012/345)
_TC_PATTERNS = [
    (r"~^(\d)$", "000/000/00$1"), (r"~^(\d\d)$", "000/000/0$1"), (r"~^(\d{3})$", "000/000/$1"),
    (r"~^(\d)(\d{3})$", "000/00$1/$2"), (r"~^(\d\d)(\d{3})$", "000/0$1/$2"),
    (r"~^(\d{3})(\d{3})$", "000/$1/$2"), (r"~^(\d)(\d{3})(\d{3})$", "00$1/$2/$3"),
    (r"~^(\d\d)(\d{3})(\d{3})$", "0$1/$2/$3"), (r"~^(\d{3})(\d{3})(\d{3})$", "$1/$2/$3"),
]  # fmt: skip
# The application's headers on every answer (web.headers.COMMON, compared by a test): on
# nginx's own answers too (a refused path), and only once on the proxied ones.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
)
_HIT_HEADERS = (("Cache-Control", CACHE_CONTROL), ("Access-Control-Allow-Origin", "*"),
                *SECURITY_HEADERS)  # fmt: skip
_TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
MAX_BODY = "16m"  # web.app.MAX_REQUEST_BYTES: the application answers 413 beyond it anyway


@dataclass(frozen=True)
class ServedFolder:
    """One layer in one grid whose tiles nginx may read, and the cache folder it reads."""

    service: str  # wmts or tiles
    layer: str
    grid: str
    levels: int
    extension: str
    folder: str  # relative to the cache directory

    def keys(self) -> list[str]:
        """The exact map keys this folder answers: method, no query, names and format."""
        return [f"{method}|{self.service}/{self.layer}/{self.grid}.{self.extension}"
                for method in ("GET", "HEAD")]  # fmt: skip


def served_folders(settings: Settings, hits: CachedTiles) -> list[ServedFolder]:
    """The tile sets nginx can serve as the application's fast path does.

    Only sets whose rows count from the north as the request's do (no row to flip), whose
    folder is inside the cache directory: the rest stay with the application.
    """
    cache_dir = os.path.realpath(settings.cache_dir)
    services = ["wmts"] + (["tiles"] if hits.xyz_origin in ("nw", "ul") else [])
    folders = []
    for (layer, grid), tile_set in sorted(hits.sets.items()):
        base = os.path.realpath(tile_set.base)
        if tile_set.grid_origin not in ("nw", "ul") or os.path.dirname(base) != cache_dir:
            continue
        for service in services:
            folders.append(ServedFolder(service, layer, grid, len(tile_set.sizes),
                                        tile_set.extension, os.path.basename(base)))  # fmt: skip
    return folders


def nginx_config(
    settings: Settings, folders: Iterable[ServedFolder], listen: str, front_dir: Path
) -> str:
    """A complete nginx configuration in front of this instance's gunicorn.

    ``front_dir`` holds nginx's pid, logs and temporary files. With no folders, nginx
    only proxies: the same front for a peer without a cache-hit path (the benchmark's).
    """
    folders = list(folders)
    temp = {name: front_dir / "temp" / name for name in _TEMP_FOLDERS}
    lines = [
        "# Generated by `geoportal front nginx`; run: nginx -c <this file>",
        "worker_processes auto;",
        f"pid {front_dir / 'nginx.pid'};",
        f"error_log {front_dir / 'error.log'} warn;",
        "events { worker_connections 1024; }",
        "http {",
        "    types { image/png png; image/jpeg jpeg jpg; }",
        "    default_type application/octet-stream;",
        "    server_tokens off;",
        "    sendfile on;",
        "    tcp_nopush on;",
        "    keepalive_timeout 75s;",
        f"    client_max_body_size {MAX_BODY};",
        "    map_hash_bucket_size 256;  # keys up to two 64-character names and a method",
        f"    access_log {front_dir / 'access.log'} combined buffer=64k flush=1s;",
        *(f"    {name}_temp_path {path};" for name, path in temp.items()),
        "    upstream geoportal {",
        f"        server {local_address(settings)};",
        "        keepalive 32;",
        "    }",
        *(_maps(folders) if folders else []),
        "    server {",
        f"        listen {listen};",
        "        proxy_http_version 1.1;",
        '        proxy_set_header Connection "";',
        "        proxy_set_header Host $http_host;",
        "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "        proxy_set_header X-Forwarded-Proto $scheme;",
        "        proxy_read_timeout 130s;  # gunicorn's worker timeout is 120 s",
        *(f"        proxy_hide_header {name};" for name, _ in SECURITY_HEADERS),
        *(f'        add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS),
        "        location / { proxy_pass http://geoportal; }",
        "        location @geoportal { proxy_pass http://geoportal; }",
        *(_tile_location(settings) if folders else []),
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _maps(folders: list[ServedFolder]) -> list[str]:
    """Exact-key maps (hash lookups, no regular expression per request): the folder of a
    layer and grid, a level inside its grid as the ``tc`` layout writes it, and the
    column and row as its three folders of three digits."""
    lines = ['    map "$request_method$is_args|$tile_service/$tile_layer/$tile_grid.$tile_ext"'
             " $tile_folder {", '        default "";']  # fmt: skip
    lines += [f"        {key} {folder.folder};" for folder in folders for key in folder.keys()]
    lines += ["    }", '    map "$tile_grid/$tile_z" $tile_level {', '        default "";']
    levels = {folder.grid: folder.levels for folder in folders}
    lines += [f"        {grid}/{level} {level:02d};"
              for grid, count in sorted(levels.items()) for level in range(count)]  # fmt: skip
    lines.append("    }")
    for number in ("x", "y"):
        lines.append(f"    map $tile_{number} $tile_{number}_tc {{")
        lines += [f'        "{pattern}" "{value}";' for pattern, value in _TC_PATTERNS]
        lines.append("    }")
    return lines


def _tile_location(settings: Settings) -> list[str]:
    headers = [f'            add_header {name} "{value}" always;' for name, value in _HIT_HEADERS]
    return [
        f'        location ~ "{_TILE_LOCATION}" {{',
        "            error_page 418 = @geoportal;",
        '            if ($tile_folder = "") { return 418; }',
        '            if ($tile_level = "") { return 418; }',
        f"            root {os.path.realpath(settings.cache_dir)};",
        *headers,
        "            try_files /$tile_folder/$tile_level/$tile_x_tc/$tile_y_tc.$tile_ext"
        " @geoportal;",
        "        }",
    ]


def write_nginx_config(
    settings: Settings, listen: str, tiles: bool = True, front_dir: Path | None = None
) -> Path:
    """Write ``nginx.conf`` into ``front_dir`` (default: ``front`` in the run-time folder)
    with the folders nginx needs there. The tile sets are read from this instance's loaded
    MapProxy; without ``tiles`` nginx only proxies."""
    from services.mapproxy.app import make_mapproxy_app

    front_dir = front_dir or settings.runtime_dir / "front"
    for folder in _TEMP_FOLDERS:
        (front_dir / "temp" / folder).mkdir(parents=True, exist_ok=True)
    folders = served_folders(settings, make_mapproxy_app(settings).hits) if tiles else []
    path = front_dir / "nginx.conf"
    path.write_text(nginx_config(settings, folders, listen, front_dir))
    return path


def start_nginx(config: Path) -> subprocess.Popen[bytes]:
    """nginx in the foreground on ``config``; its startup errors go to the front's log."""
    error_log = config.parent / "error.log"
    argv = ["nginx", "-c", str(config), "-e", str(error_log), "-g", "daemon off;"]
    return subprocess.Popen(argv, process_group=0)  # noqa: S603 (our own config)


def stop_nginx(process: subprocess.Popen[bytes]) -> None:
    """Quick stop (SIGTERM: workers close their connections), then SIGKILL."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
