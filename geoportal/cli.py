"""``geoportal`` command line.

Core commands (database, catalog, site; ``cases`` and ``staff`` from their core packages)
live here; ``etl``, ``services`` and ``web`` add their own through the
``geoportal.commands`` entry-point group, so the core imports none of them. Every
handler receives the parsed arguments and the one :class:`Instance`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

from geoportal.auth import cli as staff_cli
from geoportal.cases import cli as cases_cli
from geoportal.catalog import CatalogError
from geoportal.cluster import ClusterError
from geoportal.database import DatabaseUnavailable
from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from geoportal.site import SiteError

Handler = Callable[[argparse.Namespace, Instance], int]


def _db_up(args: argparse.Namespace, instance: Instance) -> int:
    ensure_database(instance.database, instance.catalog)
    print(f"database ready ({'embedded' if instance.settings.embedded else 'external'})")
    return 0


def _db_stop(args: argparse.Namespace, instance: Instance) -> int:
    stop_database(instance.database)
    return 0


def _catalog_check(args: argparse.Namespace, instance: Instance) -> int:
    for layer in instance.catalog.layers:
        print(f"{layer.id:16} {layer.wms_name:16} {layer.qualified_view}")
    return 0


def _site_check(args: argparse.Namespace, instance: Instance) -> int:
    site = instance.site
    print(f"{site.label()} (TERYT {site.county.teryt}), {site.organ.office.pl}")
    print(f"extent EPSG:2180 {list(site.extent)}, CRS84 {list(site.lonlat_extent)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The full parser: core commands plus those contributed by installed packages."""
    parser = argparse.ArgumentParser(prog="geoportal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    db = commands.add_parser("db", help="database: start, migrate, stop").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("up", help="start the embedded cluster if needed and migrate").set_defaults(
        handler=_db_up
    )
    db.add_parser("stop", help="stop the embedded cluster").set_defaults(handler=_db_stop)
    commands.add_parser("catalog", help="validate and list the layer catalog").set_defaults(
        handler=_catalog_check
    )
    commands.add_parser("site", help="validate and show the site file").set_defaults(
        handler=_site_check
    )
    cases_cli.register(commands)
    staff_cli.register(commands)
    for plugin in entry_points(group="geoportal.commands"):
        plugin.load()(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``geoportal`` command."""
    args = build_parser().parse_args(argv)
    instance = Instance()
    try:
        return int(args.handler(args, instance))
    except (CatalogError, ClusterError, SiteError, DatabaseUnavailable) as exc:
        print(f"geoportal: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
