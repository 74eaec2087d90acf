"""The county skeleton: outline, gminy, jednostki ewidencyjne and obręby.

Shaped on powiat łaski: ≈620 km² around 51.59 N 19.13 E, Wodzierady in the north, Łask in
the centre with the town (≈15 km²) as a blob inside it, Buczek south-west, Sędziejowice
east/south-east and Widawa (the largest) in the south. Gminy partition the noisy,
non-convex outline exactly; obręby partition each unit exactly.

The number of obręby scales with the requested parcel count (about 110 parcels per
obręb, capped by the village lists), so a small test county stays quick while the default
and benchmark sizes get the real-looking 100-odd obręby.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Point, Polygon
from shapely.ops import nearest_points

from etl.synthetic import geo
from etl.synthetic.ids import rng_for
from etl.synthetic.names import TOWN_UNIT, UNITS, UnitSpec

CENTRE_LONLAT = (19.13, 51.59)
COUNTY_AREA_KM2 = sum(u.area_km2 for u in UNITS)
PARCELS_PER_OBREB = 110
TOWN_DENSITY = (10.0, 4.0)  # parcel density vs rural: town centre obręb, other town obręby
# gmina seeds, km east/north of the centre
_GMINA_SEEDS = {"100301_2": (-7.5, -5.5), "100302_3": (0.0, 1.0), "100303_2": (8.5, -3.5),
                "100304_2": (-2.0, -12.5), "100305_2": (0.5, 11.5)}  # fmt: skip


@dataclass
class Obreb:
    """One obręb: id, name, polygon and its share of the parcels."""

    obreb_id: str
    name: str
    unit: UnitSpec
    geom: Polygon
    town: bool
    density: float
    target: int = 0

    @property
    def number(self) -> int:
        return int(self.obreb_id.rsplit(".", 1)[1])


@dataclass
class Unit:
    """One jednostka ewidencyjna and its obręby."""

    spec: UnitSpec
    geom: Polygon
    obreby: list[Obreb] = field(default_factory=list)


@dataclass
class CountyLayout:
    """The skeleton every later step hangs on."""

    seed: int
    parcels: int
    outline: Polygon
    units: list[Unit]
    town_centre: tuple[float, float]

    def obreby(self) -> list[Obreb]:
        return [o for u in self.units for o in u.obreby]


def build_layout(seed: int, parcels: int) -> CountyLayout:
    """Deterministically build outline, gminy, units and obręby."""
    cx, cy = geo.lonlat_to_2180(*CENTRE_LONLAT)
    rng = rng_for(seed, "outline")
    radius = math.sqrt(COUNTY_AREA_KM2 * 1e6 / math.pi / 1.35)
    outline = geo.noisy_ring(cx, cy, radius, 1.35, rng, roughness=0.2)
    outline = geo.snap(geo.scale_to_area(outline, COUNTY_AREA_KM2 * 1e6))
    gminy = _gminy(outline, cx, cy, rng)
    town_seed = _inside(gminy["100302_3"], cx, cy + 500.0, 3000.0)
    town, rural_lask = _town(gminy["100302_3"], town_seed, rng)
    geoms = {"100301_2": gminy["100301_2"], "100302_4": town, "100302_5": rural_lask,
             "100303_2": gminy["100303_2"], "100304_2": gminy["100304_2"],
             "100305_2": gminy["100305_2"]}  # fmt: skip
    units = [Unit(spec, geoms[spec.unit_id]) for spec in UNITS]
    for unit in units:
        unit.obreby = _obreby(unit, parcels, seed, town_seed)
    _assign_targets(units, parcels)
    return CountyLayout(seed, parcels, outline, units, (town_seed.x, town_seed.y))


def _inside(poly: Polygon, x: float, y: float, margin: float) -> Point:
    """The point (x, y), moved inside ``poly`` (at least ``margin`` from its edge) if needed."""
    core = poly.buffer(-margin)
    point = Point(x, y)
    if core.is_empty or core.contains(point):
        return point
    return nearest_points(core, point)[0]


def _gminy(outline: Polygon, cx: float, cy: float, rng: np.random.Generator) -> dict:
    ids = list(_GMINA_SEEDS)
    seeds = np.array([(_inside(outline, cx + dx * 1e3, cy + dy * 1e3, 2000.0).coords[0])
                      for dx, dy in _GMINA_SEEDS.values()])  # fmt: skip
    areas = {u.gmina_id: 0.0 for u in UNITS}
    for unit in UNITS:
        areas[unit.gmina_id] += unit.area_km2
    parts = geo.partition(outline, seeds, np.array([areas[g] for g in ids]), rng, 45)
    return dict(zip(ids, parts, strict=True))


def _town(gmina: Polygon, centre: Point, rng: np.random.Generator) -> tuple[Polygon, Polygon]:
    """Carve the town (a noisy ≈15 km² blob) out of gmina Łask."""
    area = next(u.area_km2 for u in UNITS if u.unit_id == TOWN_UNIT) * 1e6
    blob = geo.noisy_ring(centre.x, centre.y, math.sqrt(area / math.pi), 1.1, rng,
                          harmonics=5, vertices=240, roughness=0.15)  # fmt: skip
    blob = geo.scale_to_area(blob, area)
    town = shapely.intersection(blob, gmina, grid_size=geo.GRID)
    town = max(geo.polygons_of(town), key=lambda p: p.area)
    rural = shapely.difference(gmina, town, grid_size=geo.GRID)
    return town, max(geo.polygons_of(rural), key=lambda p: p.area)


def _unit_weight(spec: UnitSpec) -> float:
    return spec.area_km2 * (6.0 if spec.unit_id == TOWN_UNIT else 1.0)


def _obreby(unit: Unit, parcels: int, seed: int, town_seed: Point) -> list[Obreb]:
    spec = unit.spec
    share = _unit_weight(spec) / sum(_unit_weight(u) for u in UNITS)
    count = int(np.clip(round(parcels * share / PARCELS_PER_OBREB), 1, len(spec.villages)))
    rng = rng_for(seed, "obreby", spec.unit_id)
    if count == 1:
        polys = [unit.geom]
    else:
        seeds = geo.spread_seeds(unit.geom, count, rng)
        polys = geo.partition(unit.geom, seeds, rng.uniform(0.6, 1.4, count), rng, 25)
    # number north to south in 3 km bands, west to east within a band
    polys.sort(key=lambda p: (-round(p.centroid.y / 3000.0), p.centroid.x))
    seat = _seat_index(polys, unit, town_seed)
    names = _names_in_order(spec, len(polys), seat)
    town = spec.unit_id == TOWN_UNIT
    out = []
    for i, poly in enumerate(polys):
        density = 1.0
        if town:
            density = TOWN_DENSITY[0] if i == seat else TOWN_DENSITY[1]
        out.append(Obreb(f"{spec.unit_id}.{i + 1:04d}", names[i], spec, poly, town, density))
    return out


def _seat_index(polys: list[Polygon], unit: Unit, town_seed: Point) -> int:
    """The obręb holding the unit's seat village (the town centre for the town)."""
    anchor = town_seed if unit.spec.unit_id == TOWN_UNIT else unit.geom.representative_point()
    return int(np.argmin([p.distance(anchor) for p in polys]))


def _names_in_order(spec: UnitSpec, count: int, seat: int) -> list[str]:
    rest = iter(spec.villages[1:])
    return [spec.villages[0] if i == seat else next(rest) for i in range(count)]


def _assign_targets(units: list[Unit], parcels: int) -> None:
    obreby = [o for u in units for o in u.obreby]
    weights = np.array([o.geom.area * o.density for o in obreby])
    shares = weights / weights.sum() * parcels
    for obreb, share in zip(obreby, shares, strict=True):
        obreb.target = max(3, int(round(share)))
