"""Generate the demo county: EGiB GML per unit, a subject file, APP GML and zones per gmina.

Output layout (under ``out_dir``)::

    egib/EGIB_1003_podmioty.gml     all subjects (persons, marriages, institutions, groups)
    egib/EGIB_<unit>.gml            one file per jednostka ewidencyjna (6 files)
    app/APP_MPZP_<gmina>.gml        APP 2.0: plans + adopting resolutions of a gmina
    app/MPZP_TERENY_<gmina>.gml     zones of those plans (project namespace)
    app/APP_POG_<gmina>.gml         APP 2.0: the plan ogólny of one gmina and its zones
    topo/BDOT10k_1003.gml           roads, water and place names of the base map
    prg/PRG_jednostki_1003.geojson  the county and its gminy as a PRG export

Units are independent (each has its own random streams), so they are generated in
parallel worker processes for big counties, and the bytes do not depend on the number of
workers. Memory stays bounded: a unit is written obręb by obręb.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from etl.synthetic.app_writer import (
    dataset_namespace,
    general_plan_namespace,
    write_general_plan,
    write_plans,
    write_zones,
)
from etl.synthetic.egib_subjects import write_subjects
from etl.synthetic.egib_units import UnitResult, write_unit
from etl.synthetic.general_plan import build_general_plan, general_plan_obreby
from etl.synthetic.layout import CountyLayout, build_layout
from etl.synthetic.owners import SubjectPool, build_pool
from etl.synthetic.plans import build_plan, select_plans
from etl.synthetic.prg_writer import write_prg_units
from etl.synthetic.topo import county_topo
from etl.synthetic.topo_writer import write_topo

Progress = Callable[[str], None]
SUBJECT_FILE = "EGIB_1003_podmioty.gml"  # the first file: a load of the demo county names it
_STATE: dict = {}  # inherited by forked workers: layout, pool, seed, plan obręby, progress


def generate_demo_county(
    out_dir: Path | str,
    parcels: int = 10_000,
    seed: int = 1003,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the demo county's exchange files (GML, and the PRG units as GeoJSON); return
    their paths."""
    if parcels < 50:
        raise ValueError("parcels must be at least 50")
    out = Path(out_dir)
    (out / "egib").mkdir(parents=True, exist_ok=True)
    (out / "app").mkdir(parents=True, exist_ok=True)
    (out / "topo").mkdir(parents=True, exist_ok=True)
    (out / "prg").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    say = _timed(progress, started)
    layout = build_layout(seed, parcels)
    pool = build_pool(seed, parcels)
    specs = select_plans(layout)
    plan_obreby = {o for spec in specs for o in spec.obreby} | general_plan_obreby(layout)
    say(f"layout: {len(layout.obreby())} obręby, {len(pool.persons):,} persons")
    paths = [out / "egib" / SUBJECT_FILE]
    write_subjects(pool, seed, paths[0])
    results = _units(layout, pool, seed, plan_obreby, out, workers, say)
    paths += [r.path for r in results]
    inputs = {k: v for r in results for k, v in r.plan_inputs.items()}
    plans = [build_plan(spec, inputs, seed) for spec in specs]
    gminy = sorted({p.spec.gmina_id for p in plans})
    for index, gmina in enumerate(gminy, start=1):
        own = [p for p in plans if p.spec.gmina_id == gmina]
        namespace = dataset_namespace(gmina, index)
        plan_path = out / "app" / f"APP_MPZP_{gmina}.gml"
        zone_path = out / "app" / f"MPZP_TERENY_{gmina}.gml"
        write_plans(own, namespace, plan_path)
        write_zones(own, namespace, zone_path)
        paths += [plan_path, zone_path]
    general, zones = build_general_plan(layout, inputs, seed)
    general_path = out / "app" / f"APP_POG_{general.spec.gmina_id}.gml"
    write_general_plan(general, zones, general_plan_namespace(general.spec.gmina_id), general_path)
    paths.append(general_path)
    topo_path = out / "topo" / "BDOT10k_1003.gml"
    per_obreb = {k: v for r in results for k, v in r.topo.items()}
    write_topo(county_topo(layout, per_obreb, seed), seed, topo_path)
    paths.append(topo_path)
    prg_path = out / "prg" / "PRG_jednostki_1003.geojson"
    write_prg_units(layout, seed, prg_path)
    paths.append(prg_path)
    parcels_written = sum(r.counts.get("parcel", 0) for r in results)
    say(
        f"done: {parcels_written:,} parcels, {len(plans)} local plans and a general plan"
        f" ({len(zones)} zones), {len(paths)} files"
    )
    return paths


def _timed(progress: Progress | None, started: float) -> Progress:
    def say(message: str) -> None:
        if progress:
            progress(f"[{time.monotonic() - started:6.1f} s] {message}")

    return say


def _units(
    layout: CountyLayout,
    pool: SubjectPool,
    seed: int,
    plan_obreby: set[str],
    out: Path,
    workers: int | None,
    say: Progress,
) -> list[UnitResult]:
    jobs = sorted(range(len(layout.units)),
                  key=lambda i: -sum(o.target for o in layout.units[i].obreby))  # fmt: skip
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if layout.parcels >= 50_000 else 1
    _STATE.update(layout=layout, pool=pool, seed=seed, plan_obreby=plan_obreby, out=out, say=say)
    if workers <= 1:
        results = {i: _unit_job(i) for i in jobs}
    else:
        context = multiprocessing.get_context("fork")  # workers inherit _STATE
        with ProcessPoolExecutor(workers, mp_context=context) as executor:
            results = dict(zip(jobs, executor.map(_unit_job, jobs), strict=True))
    return [results[i] for i in range(len(layout.units))]


def _unit_job(index: int) -> UnitResult:
    layout: CountyLayout = _STATE["layout"]
    unit = layout.units[index]
    path = _STATE["out"] / "egib" / f"EGIB_{unit.spec.unit_id}.gml"
    return write_unit(
        unit, _STATE["seed"], _STATE["pool"], path, _STATE["plan_obreby"], _STATE["say"]
    )


def stderr_progress(message: str) -> None:
    """Progress lines on stderr (for the command line)."""
    print(message, file=sys.stderr, flush=True)
