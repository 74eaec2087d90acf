"""The ETL on a large synthetic county, against the peers a county GIS person would use.

``python -m benchmarks.etl [PARCELS]`` (``make bench-etl``; default 300 000 parcels).
Everything runs in one go on a cluster of its own (``var/bench-etl``), durable like
production, and prints one ratio line per comparison:

1. End-to-end load (``geoportal etl run``: read, COPY to staging, 32 checks, versioned
   publish, report) against ``ogr2ogr`` with ``PG_USE_COPY=YES`` loading the same GML
   files into PostGIS with GDAL's defaults. The ratio is ogr2ogr's time over ours: at
   or above 0.70 our rate is at least 70 % of ogr2ogr's.
2. Validation and repair (the ``invalid_geometry`` check with repair) against the plain
   ``ST_IsValid`` count plus ``ST_MakeValid`` on the invalid ones, on the loaded parcels
   with 1 % made invalid (a bow-tie), both in a transaction rolled back afterwards.
3. Overlap detection (the ``parcel_overlap`` check) against the ``&&`` + ``ST_Overlaps``
   self-join, on the same parcels with 1 % shifted 3 m onto their neighbours.
4. Peak memory (``ru_maxrss`` of the loading process and its reading processes: the
   largest of them) for 10 000 parcels and for the large county: flat when the readers
   stream and staging spools to disk.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from benchmarks.instance import free_port
from benchmarks.timing import median_ms
from etl.checks import CHECKS, CheckContext
from etl.demo import demo_files
from etl.staging import create_staging
from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from geoportal.settings import PROJECT_ROOT, Settings
from geoportal.tables import TABLES, columns_of

BENCH_VAR = PROJECT_ROOT / "var" / "bench-etl"
GEOPORTAL = str(Path(sys.executable).with_name("geoportal"))
SMALL = 10_000


def main(parcels: int, checks_only: bool = False) -> int:
    """Generate, load, compare; print the ratios (``checks_only``: on the loaded data)."""
    settings = Settings(var_dir=BENCH_VAR, pg_port=5436, port=free_port(), demo_parcels=parcels)
    instance = Instance(settings)
    database = instance.database
    ensure_database(database, instance.catalog)
    try:
        if not checks_only:
            _bench_loads(settings, database, parcels)
        for name, ours, peer, peer_name in _check_benchmarks(instance):
            print(f"{name:42} ours {ours:8.1f} ms   {peer_name} {peer:8.1f} ms   "
                  f"ratio {ours / peer:6.2f}x")  # fmt: skip
    finally:
        stop_database(database)
    return 0


def _bench_loads(settings: Settings, database: Database, parcels: int) -> None:
    small = _files(settings.model_copy(update={"demo_parcels": SMALL}))
    large = _files(settings)
    _empty(database)
    small_run = _load(settings, small)
    _empty(database)
    large_run = _load(settings, large)
    print(f"{'peak memory of the load':42} {SMALL:,} parcels {small_run['peak_mb']:6.0f} MB"
          f"   {parcels:,} parcels {large_run['peak_mb']:6.0f} MB   ratio"
          f" {large_run['peak_mb'] / small_run['peak_mb']:5.2f}x", flush=True)  # fmt: skip
    ogr_seconds, ogr_features, skipped = _ogr2ogr(database, large)
    # GDAL counts features its own way (nested classes become layers of their own), so
    # the rate compares the time for the same files
    print(f"{f'load {parcels:,} parcels, same files':42} ours {large_run['seconds']:8.1f} s"
          f"    ogr2ogr {ogr_seconds:8.1f} s    ratio {ogr_seconds / large_run['seconds']:6.2f}"
          " (rate, ours/ogr2ogr)")  # fmt: skip
    left_out = ", ".join(sorted(skipped)) or "none"
    print(f"#   ours {large_run['features']:,} objects, ogr2ogr {ogr_features:,} features"
          f" (left out, GDAL cannot load them: {left_out})", flush=True)  # fmt: skip


def _files(settings: Settings) -> list[Path]:
    started = time.monotonic()
    paths = demo_files(settings, lambda line: print(line, file=sys.stderr))
    print(f"# {settings.demo_parcels:,} parcels: files ready in {time.monotonic() - started:.0f} s"
          f" ({sum(p.stat().st_size for p in paths) / 1e6:,.0f} MB)", file=sys.stderr)  # fmt: skip
    return paths


def _empty(database: Database) -> None:
    with database.connect("owner") as conn:
        tables = ", ".join(f"data.{table}" for table in TABLES)
        conn.execute(f"TRUNCATE {tables}, ops.etl_quarantine")  # noqa: S608 - our names
    with psycopg.connect(database.conninfo("owner"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _load(settings: Settings, paths: list[Path]) -> dict[str, float]:
    """``geoportal etl run`` in a child process: its time, objects and peak memory."""
    env = os.environ | settings.environment()
    log = settings.var_dir / "load.log"
    started = time.monotonic()
    with log.open("w") as out:
        child = subprocess.Popen(
            [GEOPORTAL, "etl", "run", "--no-cache-refresh", "--allow-mass-end", *map(str, paths)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    output = log.read_text()
    if status != 0:
        raise SystemExit(f"the load failed:\n{output}")
    database = Instance(settings).database
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT counts FROM ops.etl_run WHERE status = 'done' ORDER BY run_id DESC LIMIT 1"
        ).fetchone()
    counts = row[0] if row else {}
    features = sum(table["read"] for table in counts.values())
    print(output.splitlines()[-1] if output else "", file=sys.stderr)
    return {"seconds": seconds, "features": features, "peak_mb": usage.ru_maxrss / 1024}


def _ogr2ogr(database: Database, paths: list[Path]) -> tuple[float, int, set[str]]:
    """The same files into a schema of their own with GDAL's defaults and PG_USE_COPY.

    GDAL's GML driver flattens nested properties into column names that PostgreSQL cuts
    at 63 characters, and some collide (EGiB shares): ogr2ogr then stops the file. Those
    layers are left out, named in the output, and only the successful runs are timed.
    """
    target = f"PG:{database.conninfo('owner')} active_schema=ogr"
    env = os.environ | {"PG_USE_COPY": "YES", "PGOPTIONS": "-c statement_timeout=0"}
    seconds, skipped = 0.0, set()
    with database.connect("owner") as conn:
        conn.execute("DROP SCHEMA IF EXISTS ogr CASCADE")
        conn.execute("CREATE SCHEMA ogr")
    for path in paths:
        layers = _layers(path) - skipped
        while True:
            path.with_suffix(".gfs").unlink(missing_ok=True)  # no schema from an earlier run
            started = time.monotonic()
            command = ["ogr2ogr", "-f", "PostgreSQL", target, str(path), "-append",
                       "-nlt", "PROMOTE_TO_MULTI", *sorted(layers)]  # fmt: skip
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            failed = re.search(r"from layer (\w+)", done.stderr)
            if done.returncode == 0 or not failed:
                seconds += time.monotonic() - started
                break
            skipped.add(failed.group(1))
            layers.discard(failed.group(1))
            _drop_layer(database, failed.group(1))
        path.with_suffix(".gfs").unlink(missing_ok=True)
    with database.connect("owner") as conn:
        tables = conn.execute(
            "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables"
            " WHERE schemaname = 'ogr'"
        ).fetchall()
        features = sum(
            conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # noqa: S608
            for (name,) in tables
        )
        conn.execute("DROP SCHEMA ogr CASCADE")
    return seconds, features, skipped


def _layers(path: Path) -> set[str]:
    listing = subprocess.run(["ogrinfo", "-ro", "-q", str(path)], capture_output=True,
                             text=True, check=True).stdout  # fmt: skip
    path.with_suffix(".gfs").unlink(missing_ok=True)
    return set(re.findall(r"^\d+: (\w+)", listing, re.MULTILINE))


def _drop_layer(database: Database, layer: str) -> None:
    with database.connect("owner") as conn:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS ogr.{}").format(sql.Identifier(layer.lower())))


BOW_TIE = (
    "ST_Multi(ST_MakePolygon(ST_SetPoint(ST_SetPoint(r, 1, ST_PointN(r, 3)), 2, ST_PointN(r, 2))))"
)


def _check_benchmarks(instance: Instance) -> list[tuple[str, float, float, str]]:
    """Validation/repair and overlap detection, ours against the plain SQL, on staging."""
    database = instance.database
    with psycopg.connect(database.conninfo("owner")) as conn:
        conn.execute("SET statement_timeout = 0")
        create_staging(conn, ["parcel"])
        columns = ", ".join(columns_of("parcel"))
        conn.execute(f"INSERT INTO staging.parcel ({columns}) SELECT {columns} FROM data.parcel"  # noqa: S608
                     " WHERE version_end IS NULL")  # fmt: skip
        conn.execute(
            f"UPDATE staging.parcel SET geom = (SELECT {BOW_TIE} FROM (SELECT"  # noqa: S608
            " ST_ExteriorRing(ST_GeometryN(geom, 1)) r) x) WHERE hashtext(local_id) % 100 = 0"
            " AND ST_NPoints(geom) >= 5"
        )
        conn.execute("UPDATE staging.parcel SET geom = ST_Translate(geom, 3, 0)"
                     " WHERE hashtext(local_id) % 100 = 1")  # fmt: skip
        conn.execute("CREATE INDEX ON staging.parcel USING gist (geom)")
        conn.execute("CREATE INDEX ON staging.parcel (local_id)")
        conn.execute("ANALYZE staging.parcel")
        conn.commit()
        ctx = CheckContext(conn, instance.site, repair=True)
        validation = ("validate + repair (1 % invalid)",
                      _rolled_back(conn, lambda: CHECKS["invalid_geometry"].run(ctx, "parcel")),
                      _rolled_back(conn, lambda: _plain_validation(conn)),
                      "ST_IsValid+MakeValid")  # fmt: skip
        CHECKS["invalid_geometry"].run(ctx, "parcel")  # as in a load: repaired before overlaps
        conn.commit()
        overlaps = ("overlap detection (1 % shifted 3 m)",
                    _rolled_back(conn, lambda: CHECKS["parcel_overlap"].run(ctx, "parcel")),
                    _rolled_back(conn, lambda: _plain_overlaps(conn)),
                    "&& + ST_Overlaps")  # fmt: skip
        results = [validation, overlaps]
        conn.execute("DROP TABLE staging.parcel")
        conn.commit()
    return results


def _rolled_back(conn: psycopg.Connection, action: Callable[[], object]) -> float:
    """Median of 3 runs of ``action`` (ms), each rolled back so each starts alike."""

    def once() -> None:
        action()
        conn.rollback()

    return median_ms(once, repeat=3, warmup=1)


def _plain_validation(conn: psycopg.Connection) -> None:
    """The limit: find the invalid ones, make them valid (as MultiPolygons: the column's type)."""
    conn.execute("SELECT count(*) FROM staging.parcel WHERE NOT ST_IsValid(geom)").fetchone()
    conn.execute("UPDATE staging.parcel SET geom = ST_Multi(ST_CollectionExtract("
                 "ST_MakeValid(geom), 3)) WHERE NOT ST_IsValid(geom)")  # fmt: skip


def _plain_overlaps(conn: psycopg.Connection) -> None:
    conn.execute(
        "SELECT a.local_id, b.local_id FROM staging.parcel a JOIN staging.parcel b"
        " ON a.geom && b.geom AND a.local_id < b.local_id WHERE ST_Overlaps(a.geom, b.geom)"
    ).fetchall()


if __name__ == "__main__":
    if "--clean" in sys.argv:
        shutil.rmtree(BENCH_VAR, ignore_errors=True)
    numbers = [int(arg) for arg in sys.argv[1:] if arg.isdigit()]
    sys.exit(main(numbers[0] if numbers else 300_000, checks_only="--checks-only" in sys.argv))
