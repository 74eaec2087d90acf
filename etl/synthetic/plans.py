"""Local plans (MPZP) of the demo county: boundaries, zones, resolutions.

Nine plans in five gminy, each covering one to three whole obręby or the built-up core
of a village along its road. Zones follow the land use drawn in EGiB (so MN lands on
houses and ZL on forest) and the road parcels (KDL/KDD/KDW); zones with the same symbol
merge, then take numbers (1MN, 2MN, …). Resolution numbers, dates and official-journal
entries are fictional but well-formed (``XXIV/123/2019``, ``Dz. Urz. Woj. Łódzkiego z 2019
r. poz. 4567``). APP dataset numbers (PL.ZIPPZP.99xx) are fictional too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.ops import substring

from etl.synthetic.geo import GRID, absorb_slivers, polygonal, polygons_of
from etl.synthetic.ids import rng_for, roman
from etl.synthetic.layout import CountyLayout

# (unit, mode, obręby, which obręb: 0 = the seat village / town centre, 1 = another one)
_SPECS = (("100302_4", "obreby", 1, 0), ("100302_4", "village", 1, 1),
          ("100305_2", "obreby", 2, 1), ("100303_2", "village", 1, 0),
          ("100303_2", "obreby", 1, 1), ("100304_2", "village", 1, 0),
          ("100304_2", "obreby", 3, 1), ("100301_2", "village", 1, 0),
          ("100302_5", "obreby", 2, 1))  # fmt: skip
_OFU_SYMBOL = {"B": "MN", "Br": "RM", "Ba": "P", "Bi": "U", "Bz": "US", "R": "R", "Ł": "RZ",
               "Ps": "RZ", "S": "RO", "Ls": "ZL", "Lz": "ZL", "N": "ZN", "Ws": "WS"}  # fmt: skip
_ROAD_SYMBOL = {"main": "KDL", "street": "KDL", "cross": "KDD", "field": "KDW"}
DESIGNATION = {
    "MN": "teren zabudowy mieszkaniowej jednorodzinnej",
    "MW": "teren zabudowy mieszkaniowej wielorodzinnej",
    "RM": "teren zabudowy zagrodowej w gospodarstwach rolnych",
    "U": "teren zabudowy usługowej",
    "P": "teren obiektów produkcyjnych, składów i magazynów",
    "US": "teren sportu i rekreacji",
    "R": "teren rolniczy",
    "RZ": "teren łąk i pastwisk",
    "RO": "teren upraw sadowniczych",
    "ZL": "teren lasu",
    "ZN": "teren zieleni nieurządzonej",
    "WS": "teren wód powierzchniowych śródlądowych",
    "KDL": "teren drogi publicznej klasy lokalnej",
    "KDD": "teren drogi publicznej klasy dojazdowej",
    "KDW": "teren drogi wewnętrznej",
}
# symbol -> (max height m, max intensity, min biologically active share %) ranges
_PARAMS = {"MN": ((9, 12), (0.2, 0.8), (40, 60)), "MW": ((15, 20), (0.8, 1.6), (25, 35)),
           "RM": ((10, 12), (0.1, 0.5), (50, 70)), "U": ((10, 14), (0.4, 1.2), (20, 30)),
           "P": ((12, 20), (0.3, 1.5), (10, 20)),
           "US": ((8, 12), (0.05, 0.3), (60, 80))}  # fmt: skip


@dataclass
class PlanSpec:
    number: int
    unit_id: str
    gmina_id: str
    gmina_name: str
    mode: str
    obreby: list[str]
    names: list[str]


@dataclass
class Zone:
    oznaczenie: str
    symbol: str
    designation: str
    text: str
    max_height: float | None
    max_intensity: float | None
    min_bio: float | None
    geom: Polygon


@dataclass
class Plan:
    spec: PlanSpec
    title: str
    resolution_no: str
    resolution_date: dt.date
    publication: dt.date
    valid_from: dt.date
    journal: str
    council: str
    geom: list[Polygon]
    zones: list[Zone] = field(default_factory=list)

    @property
    def local_id(self) -> str:
        return self.resolution_no.replace("/", ".") + "_P1"


def select_plans(layout: CountyLayout) -> list[PlanSpec]:
    """Which obręby the plans cover (from the skeleton only, before any parcel exists)."""
    used: set[str] = set()
    specs: list[PlanSpec] = []
    for unit_id, mode, count, which in _SPECS:
        unit = next(u for u in layout.units if u.spec.unit_id == unit_id)
        free = [o for o in unit.obreby if o.obreb_id not in used]
        if not free:
            continue
        seat = unit.spec.villages[0]
        free.sort(key=lambda o: (o.name != seat) if which == 0 else (o.name == seat))
        first = free[0]
        chosen = [first] + sorted((o for o in free[1:] if o.geom.touches(first.geom)),
                                  key=lambda o: o.obreb_id)[: count - 1]  # fmt: skip
        used.update(o.obreb_id for o in chosen)
        specs.append(
            PlanSpec(
                len(specs) + 1,
                unit_id,
                unit.spec.gmina_id,
                unit.spec.gmina_name,
                mode,
                [o.obreb_id for o in chosen],
                [o.name for o in chosen],
            )
        )
    return specs


def build_plan(spec: PlanSpec, inputs: dict[str, dict], seed: int) -> Plan:
    """Zones and documents of one plan, from the EGiB content of its obręby."""
    rng = rng_for(seed, "plan", spec.number)
    area = _plan_area(spec, inputs, rng)
    parts: list[tuple[str, Polygon]] = []
    for obreb_id in spec.obreby:
        for kind, geom in inputs[obreb_id]["roads"]:
            parts += [(_ROAD_SYMBOL[kind], p) for p in _clip(geom, area)]
        for ofu, geom in inputs[obreb_id]["zones"]:
            if ofu != "dr":
                symbol = _OFU_SYMBOL.get(ofu, "R")
                if symbol == "MN" and spec.unit_id == "100302_4" and rng.random() < 0.3:
                    symbol = "MW"
                parts += [(symbol, p) for p in _clip(geom, area)]
    zones = _number_zones(parts, rng)
    plan = _documents(spec, rng)
    plan.zones = zones
    plan.geom = polygons_of(shapely.union_all([z.geom for z in zones], grid_size=GRID))
    return plan


def _clip(geom: Polygon, area: Polygon) -> list[Polygon]:
    return polygons_of(shapely.intersection(geom, area, grid_size=GRID))


def _plan_area(spec: PlanSpec, inputs: dict[str, dict], rng: np.random.Generator) -> Polygon:
    obreby = polygonal(shapely.union_all(
        [shapely.union_all([g for _, g in inputs[o]["zones"]], grid_size=GRID)
         for o in spec.obreby], grid_size=GRID))  # fmt: skip
    if spec.mode == "obreby":
        return obreby
    road = inputs[spec.obreby[0]]["main_road"]
    length = road.length
    start = length * rng.uniform(0.15, 0.4)
    core = substring(road, start, start + length * rng.uniform(0.3, 0.5))
    return polygonal(shapely.intersection(core.buffer(rng.uniform(200, 350)), obreby,
                                          grid_size=GRID))  # fmt: skip


def _number_zones(parts: list[tuple[str, Polygon]], rng: np.random.Generator) -> list[Zone]:
    by_symbol: dict[str, list[Polygon]] = {}
    for symbol, geom in parts:
        by_symbol.setdefault(symbol, []).append(geom)
    pieces: list[tuple[str, Polygon]] = []
    for symbol in sorted(by_symbol):
        merged = shapely.union_all(by_symbol[symbol], grid_size=GRID)
        pieces += [(symbol, p) for p in polygons_of(merged)]
    geoms = absorb_slivers([p for _, p in pieces], np.zeros(len(pieces), bool), 60.0)
    kept = [(s, g) for (s, _), g in zip(pieces, geoms, strict=True) if g is not None]
    kept.sort(key=lambda sg: (sg[0], -round(sg[1].centroid.y), round(sg[1].centroid.x)))
    zones: list[Zone] = []
    counters: dict[str, int] = {}
    for symbol, geom in kept:
        counters[symbol] = counters.get(symbol, 0) + 1
        zones.append(_zone(f"{counters[symbol]}{symbol}", symbol, geom, len(zones) + 5, rng))
    return zones


def _zone(
    oznaczenie: str, symbol: str, geom: Polygon, paragraph: int, rng: np.random.Generator
) -> Zone:
    designation = DESIGNATION[symbol]
    height = intensity = bio = None
    lines = [
        f"§ {paragraph}. 1. Wyznacza się teren oznaczony symbolem {oznaczenie} o "
        f"przeznaczeniu: {designation}."
    ]
    if symbol in _PARAMS:
        (h0, h1), (i0, i1), (b0, b1) = _PARAMS[symbol]
        height = round(float(rng.uniform(h0, h1)) * 2) / 2
        intensity = round(float(rng.uniform(i0, i1)), 1)
        bio = float(int(rng.uniform(b0, b1) / 5) * 5)
        lines.append(
            f"2. Dla terenu {oznaczenie} ustala się: 1) maksymalną wysokość zabudowy: "
            f"{_pl(height)} m; 2) maksymalną nadziemną intensywność zabudowy: "
            f"{_pl(intensity)}; 3) minimalny udział powierzchni biologicznie czynnej: "
            f"{_pl(bio)}% powierzchni działki budowlanej; 4) minimalną powierzchnię nowo "
            f"wydzielanej działki budowlanej: {int(rng.choice([800, 1000, 1200]))} m²."
        )
    elif symbol.startswith("KD"):
        lines.append(
            f"2. Szerokość terenu {oznaczenie} w liniach rozgraniczających zgodnie z "
            "rysunkiem planu, nie mniejsza niż 8 m."
        )
    else:
        lines.append(
            f"2. Na terenie {oznaczenie} ustala się zakaz zabudowy, z wyjątkiem "
            "sieci i urządzeń infrastruktury technicznej."
        )
    return Zone(oznaczenie, symbol, designation, " ".join(lines), height, intensity, bio, geom)


def _pl(value: float) -> str:
    """A number as Polish text writes it (decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _documents(spec: PlanSpec, rng: np.random.Generator) -> Plan:
    year = int(rng.integers(2005, 2024))
    adopted = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(10, 330)))
    published = adopted + dt.timedelta(days=int(rng.integers(20, 60)))
    number = f"{roman(int(rng.integers(3, 70)))}/{int(rng.integers(10, 450))}/{year}"
    journal = f"Dz. Urz. Woj. Łódzkiego z {published.year} r. poz. {int(rng.integers(100, 6500))}"
    council = (
        "Rady Miejskiej w Łasku" if spec.gmina_id == "100302_3" else f"Rady Gminy {spec.gmina_name}"
    )
    where = (
        ("obrębu " + spec.names[0])
        if len(spec.names) == 1
        else ("obrębów " + ", ".join(spec.names[:-1]) + " i " + spec.names[-1])
    )
    if spec.mode == "village":
        where = f"części obrębu {spec.names[0]} (centrum miejscowości)"
    title = f"Miejscowy plan zagospodarowania przestrzennego {where} w gminie {spec.gmina_name}"
    return Plan(
        spec,
        title,
        number,
        adopted,
        published,
        published + dt.timedelta(days=14),
        journal,
        council,
        [],
    )
