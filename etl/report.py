"""The quality report of a load: JSON for machines, HTML for a person, kept with the run.

The HTML page says, in Polish first: what was read, what changes, each check with its
count and action, a chart of the defects by check, a histogram of the differences between
legal and geometric parcel areas, a small map of where the defects are, and the worst 50
objects by their ids as written in the source. Charts and map are SVG drawn here: the
page is one self-contained file, readable offline and safe to keep.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import psycopg
from jinja2 import Environment, FileSystemLoader, select_autoescape
from psycopg import sql

from etl.checks.model import Action, Finding
from geoportal.tables import SPATIAL

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAP_POINTS = 2000
WORST = 50
SEVERITY = {"refuse": 0, "quarantine": 1, "repair": 2, "report": 3}
HISTOGRAM_EDGES = (-50.0, -10.0, -5.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 5.0, 10.0, 50.0)  # %


@dataclass
class Report:
    """Everything the report shows."""

    run_id: int
    files: list[str]
    dry_run: bool
    counts: dict[str, dict[str, int]]
    changes: dict[str, dict[str, int]]
    findings: list[Finding]
    seconds: float = 0.0
    refused: str | None = None
    histogram: list[tuple[str, int]] = field(default_factory=list)
    check_seconds: dict[str, float] = field(default_factory=dict)
    points: list[tuple[float, float, str]] = field(default_factory=list)
    outlines: list[str] = field(default_factory=list)  # SVG paths of obręby
    extent: tuple[float, float, float, float] | None = None

    def as_json(self) -> dict[str, Any]:
        """The machine-readable report."""
        return {"run_id": self.run_id, "files": self.files, "dry_run": self.dry_run,
                "seconds": round(self.seconds, 1), "refused": self.refused,
                "counts": self.counts, "changes": self.changes,
                "findings": [finding.as_dict() for finding in self.findings],
                "area_difference_histogram": self.histogram,
                "check_seconds": self.check_seconds}  # fmt: skip

    def slowest_checks(self, count: int = 5) -> list[tuple[str, float]]:
        """The checks that took longest, slowest first."""
        return sorted(self.check_seconds.items(), key=lambda item: -item[1])[:count]

    def worst(self) -> list[tuple[str, Action, str]]:
        """The worst objects: (check, action, label), the strictest actions first."""
        ordered = sorted(self.findings, key=lambda f: (SEVERITY[f.action], -f.count))
        rows = [(f.check, f.action, label) for f in ordered for label in f.labels[:WORST]]
        return rows[:WORST]


def collect_map(conn: psycopg.Connection, report: Report) -> None:
    """Defect locations and obręb outlines from staging (and quarantine) for the map."""
    for finding in report.findings:
        if finding.table not in SPATIAL or not finding.local_ids:
            continue
        rows = conn.execute(
            sql.SQL(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM staging.{t}"
                " WHERE local_id = ANY(%s) AND geom IS NOT NULL UNION ALL SELECT"
                " ST_PointOnSurface(geom) FROM ops.etl_quarantine WHERE run_id = %s"
                " AND table_name = %s AND local_id = ANY(%s) AND geom IS NOT NULL) q LIMIT %s"
            ).format(t=sql.Identifier(finding.table)),
            (finding.local_ids, report.run_id, finding.table, finding.local_ids, MAP_POINTS),
        ).fetchall()
        report.points += [(float(x), float(y), finding.check) for x, y in rows]
    if _exists(conn, "cadastral_district"):
        rows = conn.execute(
            "SELECT ST_AsSVG(ST_SimplifyPreserveTopology(geom, 20), 0, 0)"
            " FROM staging.cadastral_district"
        ).fetchall()
        report.outlines = [str(r[0]) for r in rows if r[0]]
    report.extent = _extent(conn, report)


def area_histogram(conn: psycopg.Connection) -> list[tuple[str, int]]:
    """Parcels by (geometric − legal) / legal area, in per-cent bins."""
    if not _exists(conn, "parcel"):
        return []
    edges = list(HISTOGRAM_EDGES)
    rows = conn.execute(
        "SELECT width_bucket(100 * (ST_Area(geom) / 10000 - area_ha) / area_ha, %s::float8[]),"
        " count(*) FROM staging.parcel WHERE area_ha > 0 GROUP BY 1 ORDER BY 1",
        (edges,),
    ).fetchall()
    names = [f"< {edges[0]}"] + [f"{a} … {b}" for a, b in zip(edges, edges[1:], strict=False)]
    names.append(f"> {edges[-1]}")
    counts = {int(bucket): int(count) for bucket, count in rows}
    return [(name, counts.get(index, 0)) for index, name in enumerate(names)]


def render_html(report: Report) -> str:
    """The page a person reads (Polish first, English after)."""
    by_check: dict[str, int] = {}
    for finding in report.findings:
        by_check[finding.check] = by_check.get(finding.check, 0) + finding.count
    return _environment().get_template("report.html.j2").render(
        report=report, worst=report.worst(), defects=_bars(by_check),
        histogram=_bars(dict(report.histogram)), map=_map(report),
    )  # fmt: skip


def _bars(values: dict[str, int]) -> list[tuple[str, int, float]]:
    """(label, value, width in %) on a square-root scale: a few and a thousand both show."""
    top = max(values.values(), default=0)
    return [(k, v, 100 * math.sqrt(v) / math.sqrt(top) if top else 0) for k, v in values.items()]


def _map(report: Report) -> dict[str, Any] | None:
    if report.extent is None:
        return None
    x0, y0, x1, y1 = report.extent
    size = max(x1 - x0, y1 - y0) or 1.0
    return {"view": f"{x0} {-y1} {size} {size}", "stroke": size / 400, "dot": size / 150,
            "outlines": report.outlines, "points": report.points}  # fmt: skip


def _extent(conn: psycopg.Connection, report: Report) -> tuple[float, float, float, float] | None:
    if not report.points and not report.outlines:
        return None
    xs = [p[0] for p in report.points]
    ys = [p[1] for p in report.points]
    if _exists(conn, "cadastral_district"):
        row = conn.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM"
            " (SELECT ST_Extent(geom) e FROM staging.cadastral_district) x"
        ).fetchone()
        if row and row[0] is not None:
            xs += [float(row[0]), float(row[2])]
            ys += [float(row[1]), float(row[3])]
    margin = 0.02 * max(max(xs) - min(xs), max(ys) - min(ys), 100.0)
    return (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)


def _exists(conn: psycopg.Connection, table: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s)", (f"staging.{table}",)).fetchone()
    return bool(row and row[0])


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"])
    )
