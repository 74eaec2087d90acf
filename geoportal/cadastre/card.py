"""A parcel's public information in one value: what the text-only parcel page shows.

Read as the public role from ``publish`` views only (``parcels``, ``parcel_land_uses``,
``parcel_buildings``, ``search_addresses``, ``plan_zones``, ``general_plan_zones``):
identifiers, legal area, klasoużytki, buildings, addresses, and the zones of local plans and
of the general plan covering the parcel with their share of its area. Subjects (owners)
are not within the public role's reach (art. 24 PGiK).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import psycopg

_PARCEL = """
SELECT parcel_id, number, sheet, district_number, district_name, commune_name, area_ha,
       land_register_no, registry_group, data_date, ST_Area(geom),
       ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)),
       ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
  FROM publish.parcels WHERE parcel_id = %s
"""
_LAND_USES = """
SELECT ofu, ozu, ozk, area_ha FROM publish.parcel_land_uses
 WHERE parcel_id = %s ORDER BY area_ha DESC, ofu, ozu, ozk
"""
_BUILDINGS = """
SELECT building_id, kst_type, floors_above, floors_below, built_up_area_m2
  FROM publish.parcel_buildings WHERE parcel_ids @> ARRAY[%s]::text[] ORDER BY building_id
"""
_ADDRESSES = """
SELECT locality, street, house_number, postcode FROM publish.search_addresses
 WHERE parcel_id = %s ORDER BY locality, street, number_key
"""
# The share of the parcel's area each plan zone covers (zones touching only along an edge
# cover nothing and are left out).
_PLANS = """
SELECT z.plan_title, z.resolution_no, z.journal_entry, z.symbol, z.designation,
       100 * ST_Area(ST_Intersection(z.geom, p.geom)) / NULLIF(ST_Area(p.geom), 0) AS share
  FROM publish.parcels p
  JOIN publish.plan_zones z ON ST_Intersects(z.geom, p.geom)
 WHERE p.parcel_id = %s
 ORDER BY share DESC, z.symbol
"""
_GENERAL_PLANS = """
SELECT z.plan_title, z.resolution_no, z.oznaczenie, z.zone_name, z.max_height_m,
       100 * ST_Area(ST_Intersection(z.geom, p.geom)) / NULLIF(ST_Area(p.geom), 0) AS share
  FROM publish.parcels p
  JOIN publish.general_plan_zones z ON ST_Intersects(z.geom, p.geom)
 WHERE p.parcel_id = %s
 ORDER BY share DESC, z.oznaczenie
"""
MIN_PLAN_SHARE = 0.05  # % of the parcel: less is a drawing sliver along a boundary


@dataclass(frozen=True)
class LandUse:
    """One klasoużytek: land use (OFU), soil use (OZU), soil class (OZK), legal area."""

    ofu: str
    ozu: str | None
    ozk: str | None
    area_ha: Decimal

    @property
    def label(self) -> str:
        """The symbol as a wypis prints it: ``R IVa``, ``Br-RIVa``, ``B``."""
        if not self.ozk:
            return self.ofu
        if self.ozu and self.ozu != self.ofu:
            return f"{self.ofu}-{self.ozu}{self.ozk}"
        return f"{self.ofu} {self.ozk}"


@dataclass(frozen=True)
class Building:
    """A building standing on the parcel (as the register links it)."""

    building_id: str
    kst_type: str | None
    floors_above: int | None
    floors_below: int | None
    built_up_area_m2: Decimal | None


@dataclass(frozen=True)
class PlanZone:
    """A zone of a local plan covering ``share`` per cent of the parcel."""

    plan_title: str | None
    resolution_no: str | None
    journal_entry: str | None
    symbol: str
    designation: str | None
    share: float


@dataclass(frozen=True)
class GeneralPlanZone:
    """A planning zone of the general plan (plan ogólny) covering ``share`` per cent of the
    parcel."""

    plan_title: str | None
    resolution_no: str | None
    oznaczenie: str
    zone_name: str | None
    max_height_m: Decimal | None
    share: float


@dataclass(frozen=True)
class ParcelCard:
    """Everything public about one parcel, in the register's terms."""

    parcel_id: str
    number: str
    sheet: str | None
    district_number: str
    district_name: str | None
    commune_name: str | None
    area_ha: Decimal
    land_register_no: str | None
    registry_group: int | None
    data_date: object
    geometric_area_m2: float
    point: tuple[float, float]
    bbox: tuple[float, float, float, float]
    land_uses: tuple[LandUse, ...]
    buildings: tuple[Building, ...]
    addresses: tuple[str, ...]
    plans: tuple[PlanZone, ...]
    general_plans: tuple[GeneralPlanZone, ...] = ()


def read_card(conn: psycopg.Connection, parcel_id: str) -> ParcelCard | None:
    """The card of a current parcel, or None when there is no such parcel."""
    row = conn.execute(_PARCEL, (parcel_id,)).fetchone()
    if row is None:
        return None
    land_uses = tuple(LandUse(*r) for r in conn.execute(_LAND_USES, (parcel_id,)).fetchall())
    buildings = tuple(Building(*r) for r in conn.execute(_BUILDINGS, (parcel_id,)).fetchall())
    addresses = tuple(_address_text(*r) for r in conn.execute(_ADDRESSES, (parcel_id,)).fetchall())
    plans = tuple(
        PlanZone(r[0], r[1], r[2], r[3], r[4], float(r[5]))
        for r in conn.execute(_PLANS, (parcel_id,)).fetchall()
        if r[5] is not None and float(r[5]) >= MIN_PLAN_SHARE
    )
    general_plans = tuple(
        GeneralPlanZone(r[0], r[1], r[2], r[3], r[4], float(r[5]))
        for r in conn.execute(_GENERAL_PLANS, (parcel_id,)).fetchall()
        if r[5] is not None and float(r[5]) >= MIN_PLAN_SHARE
    )
    parcel_id_, number, sheet, district_number, district_name, commune, area, kw, group, date = row[
        :10
    ]
    return ParcelCard(
        parcel_id=parcel_id_,
        number=number,
        sheet=sheet,
        district_number=district_number,
        district_name=district_name,
        commune_name=commune,
        area_ha=area,
        land_register_no=kw,
        registry_group=group,
        data_date=date,
        geometric_area_m2=float(row[10]),
        point=(float(row[11]), float(row[12])),
        bbox=(float(row[13]), float(row[14]), float(row[15]), float(row[16])),
        land_uses=land_uses,
        buildings=buildings,
        addresses=addresses,
        plans=plans,
        general_plans=general_plans,
    )


def _address_text(locality: str, street: str | None, number: str, postcode: str | None) -> str:
    place = f"{locality}, {street} {number}" if street else f"{locality} {number}"
    return f"{place}, {postcode}" if postcode else place
