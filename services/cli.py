"""``geoportal config build|check`` and ``geoportal cache seed``.

Registered through the ``geoportal.commands`` entry-point group, so the core command line
imports nothing of the services. The engines are imported only by the handlers: listing
the commands stays fast.
"""

from __future__ import annotations

import argparse
import sys

from geoportal.catalog import Catalog
from geoportal.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``config`` and ``cache`` command groups to the ``geoportal`` parser."""
    config = commands.add_parser("config", help="engine configurations generated from layers/")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    config_commands.add_parser(
        "build", help="write config/geoportal.map, mapproxy.yaml, pygeoapi-config.yml"
    ).set_defaults(handler=config_build)
    config_commands.add_parser(
        "check", help="exit 1 if a committed configuration differs from the catalog"
    ).set_defaults(handler=config_check)

    cache = commands.add_parser("cache", help="MapProxy tile cache")
    cache_commands = cache.add_subparsers(dest="cache_command", required=True)
    seed = cache_commands.add_parser(
        "seed", help="seed the loaded area (the web server must be running: make run)"
    )
    seed.add_argument(
        "--layers", help="comma-separated MapProxy layers (default: base map, dzialki)"
    )
    seed.add_argument("--concurrency", type=int, default=2, help="seeding processes")
    seed.set_defaults(handler=cache_seed)


def config_build(args: argparse.Namespace, settings: Settings) -> int:
    """Render every generated configuration into ``settings.config_dir``."""
    from services.configgen import write_all

    for path in write_all(Catalog.load(settings.layers_dir), settings):
        print(f"wrote {path.name}")
    return 0


def config_check(args: argparse.Namespace, settings: Settings) -> int:
    """List drifted files; exit status 1 if there is any."""
    from services.configgen import check

    drifted = check(Catalog.load(settings.layers_dir), settings)
    for name in drifted:
        print(f"drifted: {settings.config_dir.name}/{name} (run `geoportal config build`)")
    if not drifted:
        print("configurations match the layer catalog")
    return 1 if drifted else 0


def cache_seed(args: argparse.Namespace, settings: Settings) -> int:
    """Seed the tile caches over the loaded area and report time and tile counts."""
    from geoportal.db import write_service_file
    from services.mapproxy.seed import DEFAULT_LAYERS, SeedError, SeedPlan, demo_area, seed

    write_service_file(settings)
    layers = tuple(args.layers.split(",")) if args.layers else DEFAULT_LAYERS
    try:
        plan = SeedPlan(bbox=demo_area(settings), layers=layers)
        report = seed(settings, plan, concurrency=args.concurrency)
    except SeedError as exc:
        print(f"geoportal: {exc}", file=sys.stderr)
        return 2
    print(
        f"seeded {report.new_tiles} new tiles in {report.seconds:.1f} s "
        f"({report.tiles_after} in the cache)"
    )
    return 0
