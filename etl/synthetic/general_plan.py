"""The general plan (plan ogólny gminy) of one demo gmina: its planning zones.

Under the 2023 reform (art. 13a-13e upzp) a gmina's plan ogólny divides its whole area into
planning zones of 13 kinds (domain reference §8). Here the zones follow what EGiB shows:
villages (houses and farmsteads drawn together into settlement areas) become SJ or SZ, a
works SP, the centre of the biggest village SU, the main road's corridor SK, a cemetery at the seat
village SC, and the fields, meadows, forests and waters between them the open zone SO.
Zone parameters and profiles are typical of adopted plans (values like the APP plugin's
test plan); the resolution and journal entry are fictional but well-formed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon, box

from etl.synthetic.geo import GRID, absorb_slivers, polygonal, polygons_of
from etl.synthetic.ids import rng_for, roman
from etl.synthetic.layout import CountyLayout
from etl.synthetic.plans import Plan, PlanSpec

GMINA_UNIT = "100301_2"  # gmina Buczek: one jednostka ewidencyjna, mostly rural
CLOSING_M = 40.0  # houses closer than twice this form one settlement area
ROAD_HALF_WIDTH_M = 12.5  # the main road's corridor (SK) is 25 m wide
CENTRE_RADIUS_M = 150.0  # the seat village's centre (church, school, shops) is SU
MIN_ZONE_M2 = 5_000.0  # smaller pieces join their neighbour (a plan ogólny is coarse)
# APP RodzajStrefyPlanistycznejKod code and name of each zone kind (art. 13c ust. 2 upzp)
KINDS = {
    "SW": ("strefaWielofunkcyjnaZZabudowaMieszkaniowaWielorodzinna",
           "strefa wielofunkcyjna z zabudową mieszkaniową wielorodzinną"),
    "SJ": ("strefaWielofunkcyjnaZZabudowaMieszkaniowaJednorodzinna",
           "strefa wielofunkcyjna z zabudową mieszkaniową jednorodzinną"),
    "SZ": ("strefaWielofunkcyjnaZZabudowaZagrodowa", "strefa wielofunkcyjna z zabudową zagrodową"),
    "SU": ("strefaUslugowa", "strefa usługowa"),
    "SP": ("strefaGospodarcza", "strefa gospodarcza"),
    "SC": ("strefaCmentarzy", "strefa cmentarzy"),
    "SK": ("strefaKomunikacyjna", "strefa komunikacyjna"),
    "SO": ("strefaOtwarta", "strefa otwarta"),
}  # fmt: skip
# profiles: KPT class code -> title (as in the APP plugin's test plan); main, extra
_KPT = {"MN": "teren zabudowy mieszkaniowej jednorodzinnej", "U": "teren usług",
        "K": "teren komunikacji", "ZP": "teren zieleni urządzonej",
        "RZM": "teren zabudowy zagrodowej", "P": "teren produkcji",
        "I": "teren infrastruktury technicznej", "C": "teren cmentarza",
        "KDG": "teren drogi głównej", "RN": "teren rolnictwa z zakazem zabudowy",
        "L": "teren lasu", "W": "teren wód", "ZN": "teren zieleni naturalnej",
        "PEF": "teren elektrowni słonecznej"}  # fmt: skip
PROFILES = {"SJ": (("MN", "U", "K", "ZP"), ("I",)), "SZ": (("RZM", "MN", "K"), ("U", "I")),
            "SU": (("U", "K", "ZP"), ("MN", "I")), "SP": (("P", "U", "K", "I"), ("PEF",)),
            "SC": (("C",), ("ZP",)), "SK": (("KDG", "K"), ("I",)),
            "SO": (("RN", "L", "W", "ZN"), ("I", "PEF"))}  # fmt: skip
# symbol -> (max intensity, max built-up share %, max height m, min bio share %)
PARAMETERS = {"SJ": (0.8, 40.0, 12.0, 40.0), "SZ": (0.6, 40.0, 12.0, 45.0),
              "SU": (1.2, 60.0, 15.0, 20.0), "SP": (1.5, 70.0, 20.0, 10.0),
              "SC": (0.1, 10.0, 9.0, 60.0), "SO": (0.1, 5.0, 9.0, 90.0)}  # fmt: skip
_OFU = {"B": "SJ", "Br": "SZ", "Bi": "SU", "Ba": "SP"}  # built-up land use -> zone kind


@dataclass
class GeneralZone:
    oznaczenie: str
    symbol: str
    geom: Polygon

    @property
    def kind(self) -> tuple[str, str]:
        return KINDS[self.symbol]

    def profiles(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(code, title) of the main and extra profile classes."""
        main, extra = PROFILES[self.symbol]
        return [(c, _KPT[c]) for c in main], [(c, _KPT[c]) for c in extra]

    def parameters(self) -> tuple[float, float, float, float] | None:
        return PARAMETERS.get(self.symbol)


def general_plan_obreby(layout: CountyLayout) -> set[str]:
    """The obręby of the gmina given a general plan (their land use is its input)."""
    unit = next(u for u in layout.units if u.spec.unit_id == GMINA_UNIT)
    return {o.obreb_id for o in unit.obreby}


def build_general_plan(
    layout: CountyLayout, inputs: dict[str, dict], seed: int
) -> tuple[Plan, list[GeneralZone]]:
    """The plan ogólny of gmina Buczek and its zones, covering the whole gmina."""
    rng = rng_for(seed, "general-plan")
    unit = next(u for u in layout.units if u.spec.unit_id == GMINA_UNIT)
    obreby = [o for o in unit.obreby if o.obreb_id in inputs]
    area = unit.geom
    pieces = _pieces(area, [inputs[o.obreb_id] for o in obreby], rng)
    zones = _number(pieces)
    spec = PlanSpec(0, unit.spec.unit_id, unit.spec.gmina_id, unit.spec.gmina_name, "gmina",
                    [o.obreb_id for o in obreby], [o.name for o in obreby])  # fmt: skip
    plan = _plan(spec, rng)
    plan.geom = polygons_of(shapely.union_all([z.geom for z in zones], grid_size=GRID))
    return plan, zones


def _pieces(
    area: Polygon, inputs: list[dict], rng: np.random.Generator
) -> list[tuple[str, Polygon]]:
    """Zone kind and polygon of every piece, the kinds carved in priority order."""
    built: dict[str, list[Polygon]] = {symbol: [] for symbol in set(_OFU.values())}
    for obreb in inputs:
        for ofu, geom in obreb["zones"]:
            if ofu in _OFU:
                built[_OFU[ofu]].append(geom)
    roads = shapely.union_all([o["main_road"].buffer(ROAD_HALF_WIDTH_M, 2) for o in inputs])
    settled = _closed(built["SJ"] + built["SZ"] + built["SU"])
    layers = [("SK", shapely.set_precision(roads, GRID)), ("SP", _closed(built["SP"])),
              ("SU", shapely.union(_closed(built["SU"]), _centre(settled), grid_size=GRID)),
              ("SC", _cemetery(settled, rng))]  # fmt: skip
    taken = shapely.Polygon()
    out: list[tuple[str, Polygon]] = []
    for symbol, geom in layers:
        piece = shapely.difference(shapely.intersection(geom, area, grid_size=GRID), taken,
                                   grid_size=GRID)  # fmt: skip
        out += [(symbol, p) for p in polygons_of(piece)]
        taken = shapely.union(taken, polygonal(piece), grid_size=GRID)
    for settlement in polygons_of(shapely.difference(shapely.intersection(settled, area,
                                  grid_size=GRID), taken, grid_size=GRID)):  # fmt: skip
        out.append((_housing_kind(settlement, built), settlement))
    taken = shapely.union_all([taken, settled], grid_size=GRID)
    rest = shapely.difference(area, taken, grid_size=GRID)
    out += [("SO", p) for p in polygons_of(rest)]
    return out


def _closed(geoms: list[Polygon]) -> shapely.Geometry:
    """Morphological closing: nearby built-up contours become one area."""
    if not geoms:
        return shapely.Polygon()
    merged = shapely.union_all([g.buffer(CLOSING_M, 4) for g in geoms])
    return shapely.set_precision(merged.buffer(-CLOSING_M, 4), GRID)


def _housing_kind(settlement: Polygon, built: dict[str, list[Polygon]]) -> str:
    """SZ where farmsteads outweigh houses in the settlement, else SJ."""

    def inside(symbol: str) -> float:
        return sum(shapely.intersection(settlement, g).area for g in built[symbol]
                   if g.intersects(settlement))  # fmt: skip

    return "SZ" if inside("SZ") > inside("SJ") else "SJ"


def _centre(settled: shapely.Geometry) -> shapely.Geometry:
    """The centre of the biggest settlement: services around the village square."""
    parts = polygons_of(settled)
    if not parts:
        return shapely.Polygon()
    village = max(parts, key=lambda p: p.area)
    centre = village.point_on_surface().buffer(CENTRE_RADIUS_M, 8)
    return shapely.intersection(village, centre, grid_size=GRID)


def _cemetery(settled: shapely.Geometry, rng: np.random.Generator) -> Polygon:
    """About a hectare just outside the biggest settlement (the parish cemetery)."""
    parts = polygons_of(settled)
    if not parts:
        return shapely.Polygon()
    village = max(parts, key=lambda p: p.area)
    minx, miny, maxx, maxy = village.bounds
    side = float(rng.uniform(90.0, 120.0))
    return box(
        maxx - 5.0, (miny + maxy) / 2 - side / 2, maxx - 5.0 + side, (miny + maxy) / 2 + side / 2
    )


def _number(pieces: list[tuple[str, Polygon]]) -> list[GeneralZone]:
    """Small pieces join a neighbour; the rest are numbered per kind, north to south."""
    geoms = absorb_slivers([g for _, g in pieces], np.zeros(len(pieces), bool), MIN_ZONE_M2,
                           [list(KINDS).index(s) for s, _ in pieces])  # fmt: skip
    kept = [(s, g) for (s, _), g in zip(pieces, geoms, strict=True) if g is not None]
    kept.sort(key=lambda sg: (list(KINDS).index(sg[0]), -round(sg[1].centroid.y),
                              round(sg[1].centroid.x)))  # fmt: skip
    counters: dict[str, int] = {}
    zones = []
    for symbol, geom in kept:
        counters[symbol] = counters.get(symbol, 0) + 1
        zones.append(GeneralZone(f"{counters[symbol]}{symbol}", symbol, geom))
    return zones


def _plan(spec: PlanSpec, rng: np.random.Generator) -> Plan:
    adopted = dt.date(2025, 1, 1) + dt.timedelta(days=int(rng.integers(60, 300)))
    published = adopted + dt.timedelta(days=int(rng.integers(20, 45)))
    number = f"{roman(int(rng.integers(10, 40)))}/{int(rng.integers(100, 400))}/{adopted.year}"
    journal = f"Dz. Urz. Woj. Łódzkiego z {published.year} r. poz. {int(rng.integers(100, 6500))}"
    return Plan(spec, f"Plan ogólny gminy {spec.gmina_name}", number, adopted, published,
                published + dt.timedelta(days=14), journal, f"Rady Gminy {spec.gmina_name}",
                [])  # fmt: skip
