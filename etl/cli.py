"""``geoportal etl …`` and ``geoportal demo …`` commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.pipeline import LoadError, LoadResult, load_files
from geoportal.instance import Instance


def _print_result(result: LoadResult) -> None:
    for table, counts in result.counts.items():
        print(f"{table:20} read {counts['read']:>8,}  new versions {counts['inserted']:>8,}"
              f"  superseded {counts['closed']:>8,}  ended {counts['ended']:>8,}")  # fmt: skip
    for finding in result.findings:
        examples = ", ".join(finding.examples[:3])
        print(f"finding: {finding.check} in {finding.table}: {finding.count} (e.g. {examples})")


def _load(args: argparse.Namespace, instance: Instance) -> int:
    try:
        result = load_files(
            instance.database,
            [Path(name) for name in args.files],
            allow_mass_end=args.allow_mass_end,
        )
    except LoadError as exc:
        print(f"geoportal: load refused, nothing changed: {exc}", file=sys.stderr)
        return 1
    _print_result(result)
    return 0


def _demo_generate(args: argparse.Namespace, instance: Instance) -> int:
    from etl.synthetic import generate_demo_county

    for path in generate_demo_county(args.out, parcels=args.parcels, seed=args.seed):
        print(path)
    return 0


def _demo_load(args: argparse.Namespace, instance: Instance) -> int:
    from etl.demo import ensure_demo

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result = ensure_demo(instance.database, progress)
    if result is None:
        print("demo county already loaded")
    else:
        _print_result(result)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ETL commands to the ``geoportal`` parser."""
    etl = commands.add_parser("etl", help="load exchange files").add_subparsers(
        dest="etl_command", required=True
    )
    load = etl.add_parser("load", help="load EGiB GML / APP GML files as one snapshot")
    load.add_argument("files", nargs="+")
    load.add_argument(
        "--allow-mass-end",
        action="store_true",
        help="accept a snapshot that ends more than a fifth of the current objects",
    )
    load.set_defaults(handler=_load)

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
