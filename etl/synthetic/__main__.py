"""``python -m etl.synthetic --out DIR --parcels N [--seed S] [--workers W]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.synthetic.county import generate_demo_county, stderr_progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl.synthetic", description="Write the synthetic demo county as GML."
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--parcels", type=int, default=10_000, help="about this many parcels")
    parser.add_argument("--seed", type=int, default=1003)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: 2 from 50k parcels, else 1)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)
    paths = generate_demo_county(
        args.out,
        args.parcels,
        args.seed,
        workers=args.workers,
        progress=None if args.quiet else stderr_progress,
    )
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
