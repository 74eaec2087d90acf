"""A planning document's content: for each parcel the zones covering it, with the share
of the parcel's area each covers (PostGIS ``ST_Intersection``), and the act's resolution
and official-journal entry. Planning data are public (art. 30 upzp): no personal data.

Only acts of the document's group are read (``plan_types.yaml``): a wypis z planu quotes
local plans, a wypis ze studium the studium, never one for the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import psycopg

from geoportal.documents.content import PlanningParcel, ZoneShare
from geoportal.documents.errors import DocumentError
from geoportal.documents.kinds import SERVICE_KINDS, kind_of
from geoportal.documents.plan_types import PlanGroup, plan_codes

MIN_PERCENT = Decimal("0.1")  # slivers of digitising below this are not a zone's cover

_ZONES = """
SELECT p.parcel_id, p.number, split_part(p.district_id, '.', 2),
       z.symbol, z.designation, z.plan_text,
       round((100 * ST_Area(ST_Intersection(p.geom, z.geom)) / NULLIF(ST_Area(p.geom), 0))
             ::numeric, 1),
       pl.title, pl.resolution_no, pl.resolution_date, pl.journal_entry
  FROM data.parcel p
  LEFT JOIN (data.plan_zone z
             JOIN data.plan pl
               ON pl.plan_id = z.plan_id AND pl.version_end IS NULL AND pl.object_end IS NULL
              AND pl.plan_type = ANY(%s))
    ON z.geom && p.geom AND ST_Intersects(z.geom, p.geom)
   AND z.version_end IS NULL AND z.object_end IS NULL
 WHERE p.parcel_id = ANY(%s) AND p.version_end IS NULL AND p.object_end IS NULL
 ORDER BY p.parcel_id, 7 DESC NULLS LAST, z.symbol
"""


def planning_parcels(
    conn: psycopg.Connection, parcel_ids: Sequence[str], group: PlanGroup = "local_plan"
) -> tuple[PlanningParcel, ...]:
    """Each requested parcel with the zones of ``group``'s acts covering at least
    :data:`MIN_PERCENT` of it (no zones: no act of the group covers it in our data)."""
    parcels: dict[str, tuple[str, str, list[ZoneShare]]] = {}
    query = conn.execute(_ZONES, (list(plan_codes(group)), list(parcel_ids)))
    for (parcel_id, number, district, symbol, designation, text, percent, title, resolution,
         resolution_date, journal) in query:  # fmt: skip
        entry = parcels.setdefault(parcel_id, (number, district, []))
        if symbol is None or percent is None or percent < MIN_PERCENT:
            continue
        adopted = f" z dnia {resolution_date:%d.%m.%Y}" if resolution_date else ""
        entry[2].append(ZoneShare(symbol, designation, text, percent, title,
                                  f"uchwała nr {resolution}{adopted}", journal))  # fmt: skip
    return tuple(
        PlanningParcel(parcel_id, number, district, tuple(zones))
        for parcel_id, (number, district, zones) in parcels.items()
    )


def document_parcels(
    conn: psycopg.Connection, group: PlanGroup, parcel_ids: Sequence[str]
) -> tuple[PlanningParcel, ...]:
    """:func:`planning_parcels` for a document; a studium extract needs every parcel covered.

    A local plan's absence is a fact a wypis states; a studium's absence from *our data*
    is not a fact about the gmina (the data may lack it), so saying "no studium" would be
    untrue: :class:`DocumentError`, and the office prepares that extract itself.
    """
    found = planning_parcels(conn, parcel_ids, group)
    uncovered = [parcel.parcel_id for parcel in found if not parcel.zones]
    if group == "studium" and uncovered:
        raise DocumentError(f"no studium in the data covers {', '.join(uncovered)}: "
                            "the office prepares this extract itself")  # fmt: skip
    return found


def check_data_for(conn: psycopg.Connection, kind_key: str, parcel_ids: Sequence[str]) -> None:
    """:class:`DocumentError` when the data cannot make this document (asked before a job is
    queued, so staff hear it at once rather than from a job failing in the background)."""
    kind = kind_of(kind_key)
    if kind.planning is not None:
        with conn.transaction():
            document_parcels(conn, kind.planning, parcel_ids)


def listed_zones(conn: psycopg.Connection, service_key: str, parcel_ids: Sequence[str]) -> int:
    """How many zone entries the planning wypis of an e-service lists for the parcels (0
    for a service whose document quotes no plan): what its fee's page count comes from.

    The same reading as the document's (:func:`document_parcels`: the acts of the kind's
    group, slivers left out), so a quote counts what will be printed — a studium extract
    the studium's zones, never a local plan's — and is refused as issuing is
    (:class:`DocumentError`) when no studium in the data covers a parcel: a quote of a
    document the data cannot make would be a number made up.
    """
    kind_key = SERVICE_KINDS.get(service_key)
    group = kind_of(kind_key).planning if kind_key else None
    if group is None or not parcel_ids:
        return 0
    with conn.transaction():
        found = document_parcels(conn, group, parcel_ids)
    return sum(len(parcel.zones) for parcel in found)
