"""``geoportal config build|check``, ``cache seed|refresh``, ``front nginx`` and
``downloads build``.

Registered through the ``geoportal.commands`` entry-point group, so the core command line
imports nothing of the services. The engines are imported only by the handlers: listing
the commands stays fast.
"""

from __future__ import annotations

import argparse
import sys

from geoportal.instance import Instance


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``config``, ``cache``, ``front`` and ``downloads`` groups to ``geoportal``."""
    config = commands.add_parser(
        "config", help="engine configurations generated from layers/ and site.yaml"
    )
    config_commands = config.add_subparsers(dest="config_command", required=True)
    config_commands.add_parser(
        "build", help="write geoportal.map, mapproxy.yaml, pygeoapi-config.yml"
    ).set_defaults(handler=config_build)
    config_commands.add_parser(
        "check", help="exit 1 if a committed configuration differs from layers/ and site.yaml"
    ).set_defaults(handler=config_check)

    cache = commands.add_parser("cache", help="MapProxy tile cache")
    cache_commands = cache.add_subparsers(dest="cache_command", required=True)
    seed = cache_commands.add_parser(
        "seed", help="seed the site's seeding area (the web server must be running: make run)"
    )
    seed.add_argument(
        "--layers", help="comma-separated MapProxy layers (default: the site's tiles.seed)"
    )
    seed.add_argument("--concurrency", type=int, default=2, help="seeding processes")
    seed.set_defaults(handler=cache_seed)
    cache_commands.add_parser(
        "refresh", help="drop and render again the tiles of the areas loads have changed"
    ).set_defaults(handler=cache_refresh)

    front = commands.add_parser("front", help="a server in front of the web process")
    front_commands = front.add_subparsers(dest="front_command", required=True)
    nginx = front_commands.add_parser(
        "nginx", help="write an nginx configuration: cached tiles from disk, the rest proxied"
    )
    nginx.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address:port")
    nginx.set_defaults(handler=front_nginx)

    downloads = commands.add_parser("downloads", help="GeoPackage files, ATOM feeds, DCAT-AP")
    downloads_commands = downloads.add_subparsers(dest="downloads_command", required=True)
    build = downloads_commands.add_parser(
        "build", help="write the download files if the data changed since the last build"
    )
    build.add_argument("--force", action="store_true", help="build even if nothing changed")
    build.set_defaults(handler=downloads_build)


def config_build(args: argparse.Namespace, instance: Instance) -> int:
    """Render every generated configuration into ``settings.config_dir``."""
    from services.configgen import write_all
    from services.configgen.sources import sources_of

    folder = instance.settings.config_dir
    for path in write_all(sources_of(instance), folder):
        print(f"wrote {path.relative_to(folder)}")
    return 0


def config_check(args: argparse.Namespace, instance: Instance) -> int:
    """List drifted files; exit status 1 if there is any."""
    from services.configgen import check
    from services.configgen.sources import sources_of

    drifted = check(sources_of(instance), instance.settings.config_dir)
    for name in drifted:
        print(f"drifted: {name} (run `geoportal config build`)")
    if not drifted:
        print("configurations match layers/ and site.yaml")
    return 1 if drifted else 0


def cache_seed(args: argparse.Namespace, instance: Instance) -> int:
    """Seed the tile caches over the site's seeding area; report time and tile counts."""
    from services.mapproxy.seed import SeedError, SeedPlan, seed

    layers = args.layers.split(",") if args.layers else None
    try:
        plan = SeedPlan.of_site(instance.site, layers)
        report = seed(instance.settings, plan, concurrency=args.concurrency)
    except SeedError as exc:
        print(f"geoportal: {exc}", file=sys.stderr)
        return 2
    print(
        f"nowych kafli / new tiles: {report.new_tiles} w/in {report.seconds:.1f} s "
        f"({report.tiles_after} w pamięci podręcznej / in the cache)"
    )
    return 0


def cache_refresh(args: argparse.Namespace, instance: Instance) -> int:
    """Truncate and reseed the areas changed by loads the caches have not caught up with."""
    from services.mapproxy.refresh import refresh_pending

    print(refresh_pending(instance))
    return 0


def front_nginx(args: argparse.Namespace, instance: Instance) -> int:
    """Write the nginx configuration for this instance and say how to use it."""
    from services.mapproxy.front import write_nginx_config

    path = write_nginx_config(instance.settings, args.listen)
    print(f"wrote {path}")
    print(f"  nginx -c {path} -e {path.parent / 'error.log'}")
    print("  and run the web process with GEOPORTAL_PROXIES=1 (one proxy in front)")
    return 0


def downloads_build(args: argparse.Namespace, instance: Instance) -> int:
    """Build the download files if the data changed since the last build (or --force)."""
    from services.downloads.build import build_downloads, data_version, ensure_downloads

    if args.force:
        build_downloads(instance, data_version(instance), print)
    else:
        ensure_downloads(instance, print)
    return 0
