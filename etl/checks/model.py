"""What a check is, what it finds, and what a load does with it.

A check runs in SQL on one ``staging`` table and answers with the objects it found (their
local ids, for quarantine and recall, and their ids as written in the source with a
detail, for people). What happens then is the source's *policy* (``etl/policy.yaml``),
not the check's: report it, repair it (only checks that can), quarantine the objects, or
refuse the whole load.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import psycopg
import yaml
from psycopg import sql

from geoportal.site import Site

Action = Literal["report", "repair", "quarantine", "refuse"]
Kind = Literal["normalisation", "geometry", "topology", "identity", "attributes", "planning"]
MAX_LISTED = 100_000  # objects named per finding in the JSON report
Query = sql.SQL | sql.Composed
Params = Sequence[object] | Mapping[str, object]
CODELISTS = Path(__file__).resolve().parent.parent / "codelists.yaml"


@dataclass
class Found:
    """Objects a check found: local ids (machines), labels with details (people)."""

    local_ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # "100302_4.0001.12: area 0.1 m²"
    repaired: int = 0

    @property
    def count(self) -> int:
        """How many objects (or pairs, or obręby) were found."""
        return len(self.labels)


@dataclass
class CheckContext:
    """What every check may use: the connection, the site, the code lists, repair or not."""

    conn: psycopg.Connection
    site: Site
    repair: bool = False
    invalid: dict[str, list[str]] = field(default_factory=dict)  # left unrepaired, by table

    @cached_property
    def codelists(self) -> dict[str, list[str]]:
        """The code lists of ``etl/codelists.yaml`` by name."""
        raw = yaml.safe_load(CODELISTS.read_text(encoding="utf-8"))
        return {name: [str(value) for value in entry["values"]] for name, entry in raw.items()}

    @cached_property
    def parcel_cover(self) -> sql.Identifier:
        """A temporary table of each obręb's parcels as one geometry (``district_id``,
        ``geom``), made on first use: the gap and land-use checks both need it, and the
        union of 20k parcels takes 0.9 s. Invalid geometries are left out (see ``valid``)."""
        self.conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE parcel_cover ON COMMIT DROP AS SELECT district_id,"
                " ST_Union(geom) AS geom FROM staging.parcel p WHERE geom IS NOT NULL AND {v}"
                " GROUP BY district_id"
            ).format(v=self.valid("p", "parcel"))
        )
        return sql.Identifier("parcel_cover")

    def valid(self, alias: str, table: str) -> sql.Composable:
        """SQL: the row ``alias`` of ``table`` is not one of the invalid geometries left in
        staging (when the policy only reports them). Overlay functions (intersection,
        difference, union) throw on those; the invalid-geometry check names them. A list
        kept by that check, not ``ST_IsValid`` per row: in a self-join that ran once per
        candidate pair, minutes on 300k parcels."""
        ids = self.invalid.get(table)
        if not ids:
            return sql.SQL("TRUE")
        return sql.SQL("{}.local_id <> ALL({})").format(sql.Identifier(alias), sql.Literal(ids))

    def rows(self, query: Query, params: Params = ()) -> list[tuple[Any, ...]]:
        """Rows of a query."""
        return self.conn.execute(query, params).fetchall()

    def found(self, query: Query, params: Params = ()) -> Found:
        """Rows ``(local_id, label)`` of a query as a :class:`Found`."""
        rows = self.rows(query, params)
        return Found([str(r[0]) for r in rows], [str(r[1]) for r in rows])

    def loaded(self, table: str) -> bool:
        """Whether this load brought ``table`` (its staging table exists)."""
        row = self.rows(sql.SQL("SELECT to_regclass({})").format(sql.Literal(f"staging.{table}")))
        return bool(row and row[0][0])


CheckFunction = Callable[[CheckContext, str], Found]


@dataclass(frozen=True)
class Check:
    """One check: where it applies, what kind it is, what it does by default."""

    run: CheckFunction
    tables: frozenset[str]
    kind: Kind
    default: Action = "report"
    repairs: bool = False  # it can put things right in place (policy "repair")
    title: str = ""


@dataclass
class Finding:
    """One check's result in one table, and what the load did about it."""

    check: str
    table: str
    count: int
    action: Action = "report"
    kind: str = "reader"
    repaired: int = 0
    local_ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    @property
    def fatal(self) -> bool:
        """Whether the load is refused for it."""
        return self.action == "refuse"

    @property
    def examples(self) -> list[str]:
        """A few labels, for one-line summaries."""
        return self.labels[:5]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for ``ops.etl_run.report``."""
        return {
            "check": self.check, "table": self.table, "count": self.count,
            "action": self.action, "kind": self.kind, "repaired": self.repaired,
            "fatal": self.fatal, "objects": self.labels[:MAX_LISTED],
        }  # fmt: skip
