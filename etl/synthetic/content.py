"""Everything one obręb holds, computed deterministically from (seed, obręb).

Writers serialise an ``ObrebContent``; tests rebuild it to compare what a reader returns
with what the generator intended. Legal areas (poleEwidencyjne) differ from the geometric
area like real registers do: most by under 0.1 %, some by up to 1–2 %; klasoużytki are
scaled to the legal area and rounded so that they sum to it exactly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry import Polygon

from etl.synthetic.buildings import Address, Building, place_buildings
from etl.synthetic.egib_writer import Meta
from etl.synthetic.ids import kw_number, local_id, random_datetime, rng_for
from etl.synthetic.landuse import LandUse, land_use
from etl.synthetic.layout import Obreb
from etl.synthetic.names import COURT
from etl.synthetic.owners import RegistrationUnit, SubjectPool, registration_units
from etl.synthetic.parcels import ObrebParcels, layout_parcels

EPOCH = dt.datetime(2003, 1, 1)
SNAPSHOT = dt.datetime(2024, 3, 1, 12, 0, 0)


@dataclass
class ParcelRecord:
    index: int
    parcel_id: str
    number: str
    geom: Polygon
    area_ha: str  # poleEwidencyjne, 4 decimals
    precision: int  # dokladnoscReprezentacjiPola
    klasouzytki: list[tuple[str, str | None, str | None, str]]
    meta: Meta
    kw: str | None = None
    jrg: int = -1
    addresses: list[int] = field(default_factory=list)


@dataclass
class ObrebContent:
    obreb: Obreb
    layout: ObrebParcels
    land: LandUse
    parcels: list[ParcelRecord]
    jrgs: list[RegistrationUnit]
    buildings: list[Building]
    addresses: list[Address]
    metas: dict[str, Meta]  # other objects' metadata, by key


def make_meta(
    seed: int, kind: str, key: object, rng: np.random.Generator, earliest: dt.datetime = EPOCH
) -> Meta:
    """Life-cycle dates: created between ``earliest`` and 2023, versioned up to 5 years later."""
    start = random_datetime(rng, earliest, dt.datetime(2023, 6, 30))
    version = min(start + dt.timedelta(days=int(rng.integers(0, 5 * 365))), SNAPSHOT)
    if rng.random() < 0.35:
        version = start
    return Meta(local_id(seed, kind, key), start, version)


def obreb_content(obreb: Obreb, seed: int, pool: SubjectPool) -> ObrebContent:
    """Parcels, land use, buildings, addresses and registration units of one obręb."""
    op = layout_parcels(obreb, seed)
    rng = rng_for(seed, "content", obreb.obreb_id)
    land = land_use(op, rng_for(seed, "landuse", obreb.obreb_id))
    buildings, addresses = place_buildings(op, land, rng_for(seed, "buildings", obreb.obreb_id))
    parcels = [_parcel(seed, obreb, i, piece.number, piece.geom, land, rng)
               for i, piece in enumerate(op.pieces)]  # fmt: skip
    for n, address in enumerate(addresses):
        parcels[address.parcel].addresses.append(n)
    roads = [i for i, p in enumerate(op.pieces) if p.road is not None]
    fields = [(i, _main_ofu(parcels[i])) for i in _in_number_order(parcels, roads)]
    jrgs = registration_units(pool, obreb.obreb_id, obreb.unit.gmina_name, roads, fields,
                              obreb.town, rng)  # fmt: skip
    metas: dict[str, Meta] = {}
    for j, unit in enumerate(jrgs):
        metas[f"jrg:{j}"] = make_meta(seed, "jrg", unit.jrg_id, rng)
        kw = kw_number(COURT, int(rng.integers(1, 60000))) if rng.random() < 0.75 else None
        for pi in unit.parcels:
            parcels[pi].jrg, parcels[pi].kw = j, kw
    for i, building in enumerate(buildings):
        metas[f"budynek:{i}"] = make_meta(seed, "budynek", building.building_id, rng)
    for i in range(len(addresses)):
        metas[f"adres:{i}"] = make_meta(seed, "adres", f"{obreb.obreb_id}:{i}", rng)
    return ObrebContent(obreb, op, land, parcels, jrgs, buildings, addresses, metas)


def _in_number_order(parcels: list[ParcelRecord], roads: list[int]) -> list[int]:
    skip = set(roads)

    def key(i: int) -> tuple[int, int]:
        head, _, tail = parcels[i].number.partition("/")
        return int(head), int(tail or 0)

    return sorted((i for i in range(len(parcels)) if i not in skip), key=key)


def _main_ofu(parcel: ParcelRecord) -> str:
    return max(parcel.klasouzytki, key=lambda k: float(k[3]))[0]


def _parcel(
    seed: int,
    obreb: Obreb,
    index: int,
    number: str,
    geom: Polygon,
    land: LandUse,
    rng: np.random.Generator,
) -> ParcelRecord:
    parcel_id = f"{obreb.obreb_id}.{number}"
    geometric = geom.area / 1e4
    roll = rng.random()
    deviation = (
        rng.normal(0, 0.0004)
        if roll < 0.85
        else (rng.uniform(-0.01, 0.01) if roll < 0.97 else rng.uniform(-0.02, 0.02))
    )
    precision = 2 if geometric >= 0.1 and rng.random() < 0.35 else 1
    legal = round(geometric * (1 + deviation), 2 if precision == 2 else 4)
    legal = max(legal, 0.0001)
    earliest = dt.datetime(2008, 1, 1) if "/" in number else EPOCH
    meta = make_meta(seed, "dzialka", parcel_id, rng, earliest)
    klas = _klasouzytki(land.pieces.get(index, []), legal)
    return ParcelRecord(index, parcel_id, number, geom, f"{legal:.4f}", precision, klas, meta)


def _klasouzytki(
    pieces: list[tuple[str, str | None, str | None, float]], legal_ha: float
) -> list[tuple[str, str | None, str | None, str]]:
    """Merge equal klasoużytki, drop slivers, scale to the legal area (exact sum)."""
    totals: dict[tuple[str, str | None, str | None], float] = {}
    for ofu, ozu, ozk, m2 in pieces:
        totals[(ofu, ozu, ozk)] = totals.get((ofu, ozu, ozk), 0.0) + m2
    if not totals:
        totals = {("R", "R", "IVb"): 1.0}
    whole = sum(totals.values())
    kept = {k: v for k, v in totals.items() if v >= max(2.0, 0.002 * whole)} or totals
    keys = sorted(kept, key=lambda k: -kept[k])
    units = int(round(legal_ha * 1e4))  # in m² (1e-4 ha)
    raw = np.array([kept[k] for k in keys]) / sum(kept.values()) * units
    floor = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - floor))[: units - int(floor.sum())]:
        floor[i] += 1
    pairs = zip(keys, floor, strict=True)
    return [(k[0], k[1], k[2], f"{v / 1e4:.4f}") for k, v in pairs if v > 0]
