"""``geoportal run`` (everything, one command) and ``geoportal serve`` (web process only)."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from types import FrameType

from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from services.catalogue import service_entries
from services.jobs.process import start_worker, stop_worker
from web.server import ServerError, start_gunicorn, stop_gunicorn, wait_ready


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM takes the same clean path as Ctrl-C


def _prepare(instance: Instance) -> bool:
    """Database, demo data and configuration check; True if we started the cluster."""
    from etl.demo import ensure_demo, ensure_demo_rasters
    from services.configgen import check
    from services.configgen.sources import sources_of

    _say("==> database")
    started = ensure_database(instance.database, instance.catalog)
    _say("==> demo county")
    ensure_demo(instance.database, _say)
    ensure_demo_rasters(instance.settings, instance.site.extent, _say)
    drifted = check(sources_of(instance), instance.settings.config_dir)
    if drifted:
        raise ServerError(f"generated configuration out of date: {', '.join(drifted)}; "
                          "run `geoportal config build` and commit the result")  # fmt: skip
    return started


def _run(args: argparse.Namespace, instance: Instance) -> int:
    from services.downloads.build import ensure_downloads
    from services.mapproxy.seed import SeedError, SeedPlan, default_layers, seed

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    started_db = False
    server = worker = None
    settings = instance.settings
    try:
        started_db = _prepare(instance)
        _say(f"==> web server on {settings.base_url}")
        server = start_gunicorn(settings, settings.var_dir / "log")
        wait_ready(settings, server)
        _say("==> job worker (documents, mail)")
        worker = start_worker(settings, settings.var_dir / "log")
        if not args.no_seed:
            _say("==> tile cache (only missing tiles are rendered)")
            plan = SeedPlan(instance.site.seed_area, default_layers(instance.publications))
            report = seed(settings, plan, out=sys.stderr)
            _say(f"    {report.new_tiles} new tiles in {report.seconds:.1f} s, "
                 f"{report.tiles_after} in the cache")  # fmt: skip
        _say("==> download files (rebuilt only when the data changed)")
        ensure_downloads(instance, _say)
        _print_links(instance)
        while server.poll() is None and worker.poll() is None:
            time.sleep(0.5)
        if worker.poll() is not None:
            _say(f"job worker exited with {worker.returncode}; see {settings.var_dir / 'log'}")
        else:
            _say(f"gunicorn exited with {server.returncode}")
        return 1
    except (ServerError, SeedError) as exc:
        _say(f"geoportal: {exc}")
        return 1
    except KeyboardInterrupt:
        _say("\nstopping…")
        return 0
    finally:
        if worker is not None:
            stop_worker(worker)
        if server is not None:
            stop_gunicorn(server)
        if started_db or args.stop_db:
            stop_database(instance.database)


def _print_links(instance: Instance) -> None:
    base = instance.settings.base_url
    print("\nGeoportal is running (Ctrl-C stops it):", flush=True)
    print(f"  {'Przeglądarka mapy':48} {base}/", flush=True)
    print(f"  {'Spis usług':48} {base}/services", flush=True)
    print(f"  {'Dane do pobrania':48} {base}/pobieranie/", flush=True)
    for entry in service_entries(instance):
        print(f"  {entry.title.pl[:48]:48} {entry.capabilities}", flush=True)


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``run`` to the ``geoportal`` parser."""
    run = commands.add_parser("run", help="database, demo data, services, cache: everything")
    run.add_argument("--no-seed", action="store_true", help="do not seed the tile cache")
    run.add_argument(
        "--stop-db",
        action="store_true",
        help="stop the embedded database on exit even if it was already running",
    )
    run.set_defaults(handler=_run)
