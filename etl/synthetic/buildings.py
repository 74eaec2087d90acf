"""Buildings and property addresses of one obręb.

Buildings stand on the built-up part (B, Br, Ba, Bi) of a parcel: a house facing the road
(sometimes L-shaped), a barn behind it on farmsteads, blocks of flats, shops and offices in
the town centre, halls on industrial land. Each is a rectangle in the road's frame,
shrunk until it fits one metre inside its parcel, so ``dzialkaZabudowana`` is one parcel.
Main buildings get an address: village name and house number along the road in the
countryside, street and odd/even numbers in the town.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, Polygon

from etl.synthetic.landuse import LandUse
from etl.synthetic.names import TOWN_LOCALITY, TOWN_STREETS
from etl.synthetic.parcels import ObrebParcels, Road

# kind -> (width along the road, depth) ranges in metres, floors above, floors below
_SIZES = {
    "m": ((9, 13), (8, 11), (1, 2), (0, 1)),
    "M": ((14, 18), (30, 55), (3, 5), (1, 1)),  # block of flats, written as KST 'm'
    "g": ((8, 12), (12, 22), (1, 1), (0, 0)),
    "h": ((12, 25), (15, 30), (1, 2), (0, 1)),
    "b": ((14, 20), (20, 30), (2, 4), (0, 1)),
    "k": ((20, 35), (30, 50), (2, 3), (0, 1)),
    "p": ((25, 50), (30, 70), (1, 1), (0, 0)),
    "s": ((15, 30), (20, 45), (1, 1), (0, 0)),
}
_TOWN_KINDS = (("m", "M", "h", "b"), (0.62, 0.22, 0.12, 0.04))


@dataclass
class Building:
    building_id: str
    parcel: int
    kst: str
    floors_above: int
    floors_below: int
    geom: Polygon
    address: int | None = None


@dataclass
class Address:
    locality: str
    street: str | None
    number: str
    parcel: int
    point: Point


def place_buildings(
    op: ObrebParcels, lu: LandUse, rng: np.random.Generator
) -> tuple[list[Building], list[Address]]:
    """Buildings on built-up parcels, and an address for each main building."""
    buildings: list[Building] = []
    for pi in sorted(lu.built):
        region = lu.built[pi]
        if region.area < 120.0:
            continue
        ofu = max((p for p in lu.pieces[pi] if p[0] in ("B", "Br", "Ba", "Bi")),
                  key=lambda p: p[3])[0]  # fmt: skip
        kinds = _kinds_for(ofu, op.obreb.town and op.obreb.density >= 10.0, rng)
        parcel = op.pieces[pi].geom
        centre = region.centroid
        if not region.contains(centre):
            centre = region.representative_point()
        placed: list[Polygon] = []
        for k, kind in enumerate(kinds):
            geom = _fit(kind, parcel, centre, op, rng, placed, behind=k > 0)
            if geom is None:
                continue
            placed.append(geom)
            floors = _SIZES[kind]
            buildings.append(Building(
                f"{op.obreb.obreb_id}.{len(buildings) + 1}_BUD", pi, "m" if kind == "M" else kind,
                int(rng.integers(floors[2][0], floors[2][1] + 1)),
                int(rng.integers(floors[3][0], floors[3][1] + 1)), geom))  # fmt: skip
    addresses = _addresses(op, buildings, rng)
    return buildings, addresses


def _kinds_for(ofu: str, centre: bool, rng: np.random.Generator) -> list[str]:
    if ofu == "Br":
        return ["m", "g"] if rng.random() < 0.6 else ["m"]
    if ofu == "Ba":
        return [str(rng.choice(["p", "s"]))]
    if ofu == "Bi":
        return [str(rng.choice(["k", "b", "h"]))]
    if centre:
        return [str(rng.choice(_TOWN_KINDS[0], p=_TOWN_KINDS[1]))]
    return ["m", "g"] if rng.random() < 0.15 else ["m"]


def _fit(
    kind: str,
    parcel: Polygon,
    centre: Point,
    op: ObrebParcels,
    rng: np.random.Generator,
    placed: list[Polygon],
    behind: bool,
) -> Polygon | None:
    (w0, w1), (d0, d1), _, _ = _SIZES[kind]
    width, depth = rng.uniform(w0, w1), rng.uniform(d0, d1)
    cu, cv = op.frame.to_local(np.array(centre.coords[0]))
    if behind and placed:
        road_side = _road_side(op, centre)
        cv -= road_side * (depth / 2 + 8.0 + _extent_v(op, placed[0]) / 2)
    inner = parcel.buffer(-1.0)
    shapely.prepare(inner)
    ell = kind == "m" and rng.random() < 0.2
    for scale in (1.0, 0.8, 0.62, 0.48):
        geom = _rect(op, cu, cv, width * scale, depth * scale, ell)
        if inner.contains(geom) and not any(geom.intersects(p) for p in placed):
            return geom
    return None


def _rect(op: ObrebParcels, cu: float, cv: float, width: float, depth: float, ell: bool) -> Polygon:
    du, dv = width / 2, depth / 2
    if ell:  # an L: the main body plus a wing at one end
        wing = min(depth * 0.9, 8.0)
        local = [
            (cu - du, cv - dv),
            (cu + du, cv - dv),
            (cu + du, cv + dv + wing),
            (cu + du - wing, cv + dv + wing),
            (cu + du - wing, cv + dv),
            (cu - du, cv + dv),
        ]
    else:
        local = [(cu - du, cv - dv), (cu + du, cv - dv), (cu + du, cv + dv), (cu - du, cv + dv)]
    world = np.round(op.frame.to_world(np.array(local)), 2)
    return Polygon(world)


def _extent_v(op: ObrebParcels, geom: Polygon) -> float:
    _, v0, _, v1 = op.frame.bounds(geom)
    return v1 - v0


def _nearest_road(op: ObrebParcels, point: Point) -> Road:
    lines = op.extra.get("road_lines")
    if lines is None:
        lines = op.extra["road_lines"] = np.array([r.line for r in op.roads])
    return op.roads[int(np.argmin(shapely.distance(lines, point)))]


def _road_side(op: ObrebParcels, point: Point) -> float:
    """+1 if the nearest road is on the +v side of the point, else -1."""
    road = _nearest_road(op, point)
    near = road.line.interpolate(road.line.project(point))
    dv = (
        op.frame.to_local(np.array(near.coords[0]))[1]
        - op.frame.to_local(np.array(point.coords[0]))[1]
    )
    return 1.0 if dv >= 0 else -1.0


def _street_names(op: ObrebParcels, rng: np.random.Generator) -> dict[int, str]:
    names = list(rng.permutation(TOWN_STREETS))
    return {id(road): names[i % len(names)] for i, road in enumerate(op.roads)}


def _addresses(
    op: ObrebParcels, buildings: list[Building], rng: np.random.Generator
) -> list[Address]:
    first: dict[int, Building] = {}
    for b in buildings:
        first.setdefault(b.parcel, b)
    main = [b for b in first.values() if b.kst != "g"]
    if op.obreb.town:
        return _town_addresses(op, main, rng)
    return _village_addresses(op, main, rng)


def _village_addresses(
    op: ObrebParcels, main: list[Building], rng: np.random.Generator
) -> list[Address]:
    order = sorted(main, key=lambda b: op.frame.to_local(np.array(b.geom.centroid.coords[0]))[0])
    out: list[Address] = []
    for n, b in enumerate(order, start=1):
        suffix = "A" if rng.random() < 0.03 else ""
        b.address = len(out)
        out.append(Address(op.obreb.name, None, f"{n}{suffix}", b.parcel, _point(b)))
    return out


def _town_addresses(
    op: ObrebParcels, main: list[Building], rng: np.random.Generator
) -> list[Address]:
    names = _street_names(op, rng)
    by_street: dict[str, list[tuple[float, float, Building]]] = {}
    for b in main:
        c = b.geom.centroid
        road = _nearest_road(op, c)
        along = road.line.project(c)
        near = road.line.interpolate(along)
        ahead = road.line.interpolate(min(along + 1.0, road.line.length))
        side = (ahead.x - near.x) * (c.y - near.y) - (ahead.y - near.y) * (c.x - near.x)
        by_street.setdefault(names[id(road)], []).append((along, side, b))
    out: list[Address] = []
    for street in sorted(by_street):
        counters = {True: 1, False: 2}
        for _, side, b in sorted(by_street[street], key=lambda t: t[0]):
            odd = side > 0
            b.address = len(out)
            out.append(Address(TOWN_LOCALITY, street, str(counters[odd]), b.parcel, _point(b)))
            counters[odd] += 2
    return out


def _point(b: Building) -> Point:
    c = b.geom.centroid
    return Point(round(c.x, 2), round(c.y, 2))


def footprint_area(geom: Polygon) -> float:
    """Built-up area in m² as written (powZabudowy)."""
    return round(float(geom.area), 2)
