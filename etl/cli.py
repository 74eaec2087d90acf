"""``geoportal etl run|runs|report`` and ``geoportal demo generate|load|rasters``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.pipeline import LoadError, LoadResult, load_files
from etl.progress import TerminalProgress
from geoportal.instance import Instance
from geoportal.runs import list_runs, run_report

LISTED_PER_CHECK = 5  # objects named per check on the summary screen


def summary_lines(result: LoadResult) -> list[str]:
    """The one-screen summary: counts, changes, then each check with the objects it named."""
    lines = [f"{'table':22} {'read':>9} {'added':>8} {'changed':>8} {'removed':>8}"]
    for table, counts in result.counts.items():
        change = result.changes.counts.get(table, {})
        lines.append(f"{table:22} {counts['read']:>9,} {change.get('added', 0):>8,}"
                     f" {change.get('changed', 0):>8,} {change.get('removed', 0):>8,}")  # fmt: skip
    if result.changes.area_m2:
        lines.append(f"changed area: {result.changes.area_m2 / 1e6:,.0f} km² (1 km cells)")
    for finding in sorted(result.findings, key=lambda f: (f.action != "refuse", f.check)):
        lines.append(f"{finding.action:>10}  {finding.check} ({finding.table}): {finding.count:,}")
        lines += [f"            {label}" for label in finding.labels[:LISTED_PER_CHECK]]
        if finding.count > LISTED_PER_CHECK:
            lines.append(f"            … {finding.count - LISTED_PER_CHECK:,} more in the report")
    lines.append(_outcome(result))
    return lines


def _outcome(result: LoadResult) -> str:
    report = f"report: geoportal etl report {result.run_id} --html report.html"
    if result.dry_run:
        return f"run {result.run_id}: dry run, nothing published; {report}"
    if result.unchanged:
        return f"run {result.run_id}: nothing changed, the data are as published; {report}"
    return f"run {result.run_id}: published in {result.seconds:.1f} s; {report}"


def _run(args: argparse.Namespace, instance: Instance) -> int:
    try:
        result = load_files(
            instance.database,
            [Path(name) for name in args.sources],
            TerminalProgress(),
            allow_mass_end=args.allow_mass_end,
            dry_run=args.dry_run,
            site=instance.site,
            profile=args.profile,
        )
    except LoadError as exc:
        print(f"geoportal: load refused, nothing changed: {exc}", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(result)))
    if not (result.dry_run or result.unchanged or args.no_cache_refresh):
        from services.mapproxy.refresh import refresh_pending

        print(refresh_pending(instance, out=sys.stderr))
    return 0


def _runs(args: argparse.Namespace, instance: Instance) -> int:
    with instance.database.connect("owner") as conn:
        runs = list_runs(conn, args.limit)
    print(f"{'run':>5}  {'started (UTC)':16}  {'outcome':10} {'findings':>9} {'changes':>8}  files")
    for run in runs:
        cache = "" if run.cache_refreshed or run.what != "published" else " (cache pending)"
        print(f"{run.run_id:>5}  {run.started_at:%Y-%m-%d %H:%M}  {run.what:10}"
              f" {run.findings:>9,} {run.changed:>8,}  {run.source}{cache}")  # fmt: skip
    return 0


def _report(args: argparse.Namespace, instance: Instance) -> int:
    import json

    with instance.database.connect("owner") as conn:
        report = run_report(conn, args.run, html=bool(args.html))
    if report is None:
        print(f"geoportal: there is no run {args.run} (see: geoportal etl runs)", file=sys.stderr)
        return 1
    if args.html:
        Path(args.html).write_text(report, encoding="utf-8")
        print(f"wrote {args.html}")
    else:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def _raster(args: argparse.Namespace, instance: Instance) -> int:
    from etl.rasters import derive_hillshade, prepare_raster
    from etl.readers.base import InputError

    source = Path(args.source)
    target = instance.settings.raster_dir / f"{args.name or source.stem}.tif"
    try:
        report = prepare_raster(source, target, kind=args.kind, progress=print)
    except InputError as exc:
        print(f"geoportal: raster refused, nothing written: {exc}", file=sys.stderr)
        return 1
    for finding in report.findings:
        print(f"finding: {finding.code}: {finding.message}")
    print(f"{target}: {report.size[0]:,} × {report.size[1]:,} px, {report.resolution} m,"
          f" overviews {report.overviews}, {report.file_bytes / 1e6:.1f} MB")  # fmt: skip
    if args.kind == "dem":  # the hillshade layer is drawn from the DEM (layers/rasters.yaml)
        derive_hillshade(target, target.with_name("hillshade.tif"), progress=print)
    return 0


def _demo_generate(args: argparse.Namespace, instance: Instance) -> int:
    from etl.synthetic import generate_demo_county

    for path in generate_demo_county(args.out, parcels=args.parcels, seed=args.seed):
        print(path)
    return 0


def _demo_rasters(args: argparse.Namespace, instance: Instance) -> int:
    from etl.demo import ensure_demo_rasters

    for path in ensure_demo_rasters(instance.settings, instance.site.extent, print):
        print(path)
    return 0


def _demo_load(args: argparse.Namespace, instance: Instance) -> int:
    from etl.demo import ensure_demo

    result = ensure_demo(instance.database, lambda line: print(line, file=sys.stderr, flush=True))
    if result is None:
        print("demo county already loaded")
    else:
        print("\n".join(summary_lines(result)))
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ETL commands to the ``geoportal`` parser."""
    etl = commands.add_parser("etl", help="load exchange files").add_subparsers(
        dest="etl_command", required=True
    )
    for name in ("run", "load"):  # "load": the name of earlier versions
        run = etl.add_parser(name, help="check and load exchange files as one snapshot")
        run.add_argument("sources", nargs="+", metavar="SOURCE", help="files (GML, zip, …)")
        run.add_argument("--dry-run", action="store_true", help="check and report only")
        run.add_argument("--profile", help="attribute profile for Shapefile/GeoPackage/"
                         "GeoJSON/FlatGeobuf (a name in etl/profiles/ or a YAML file)")  # fmt: skip
        run.add_argument("--allow-mass-end", action="store_true",
                         help="accept a snapshot ending over a fifth of the objects")  # fmt: skip
        run.add_argument("--no-cache-refresh", action="store_true",
                         help="leave the tile caches (geoportal cache refresh later)")  # fmt: skip
        run.set_defaults(handler=_run)
    raster = etl.add_parser("raster", help="an orthophoto or DEM GeoTIFF as a COG in var/rasters")
    raster.add_argument("source", help="GeoTIFF (any CRS with a georeference)")
    raster.add_argument("--kind", choices=("orthophoto", "dem"), required=True)
    raster.add_argument("--name", help="name of the COG (default: the source's name)")
    raster.set_defaults(handler=_raster)
    runs = etl.add_parser("runs", help="the latest loads")
    runs.add_argument("--limit", type=int, default=20)
    runs.set_defaults(handler=_runs)
    report = etl.add_parser("report", help="a load's quality report (JSON, or --html FILE)")
    report.add_argument("run", type=int)
    report.add_argument("--html", metavar="FILE", help="write the HTML report to FILE")
    report.set_defaults(handler=_report)

    demo = commands.add_parser("demo", help="the demo county").add_subparsers(
        dest="demo_command", required=True
    )
    generate = demo.add_parser("generate", help="write the demo county's exchange files")
    generate.add_argument("--out", type=Path, required=True)
    generate.add_argument("--parcels", type=int, default=10_000)
    generate.add_argument("--seed", type=int, default=1003)
    generate.set_defaults(handler=_demo_generate)
    demo.add_parser("load", help="generate and load the demo county if empty").set_defaults(
        handler=_demo_load
    )
    demo.add_parser(
        "rasters", help="the demo orthophoto, DEM and hillshade in var/rasters if missing"
    ).set_defaults(handler=_demo_rasters)
