"""The demo county's topographic objects: roads, water and place names (BDOT10k-like).

Built from what the cadastre generator already drew, so the base map agrees with the
parcels: a road runs along the centre line of its road parcels (a road whose strip
became no parcel is not drawn; at a crossing it runs on over the other road's parcel).
The village road and town streets are local roads (klasaDrogi L), cross roads access
roads (D), field roads "other" (I). Ponds are the land-use contours with OFU
``Ws``/``W``/``Wp``, and each obręb names its village (or, in the town, its district)
where its village road passes. Two rivers are drawn across the
county on its real rivers' courses: the Grabia from the south-east past the town to the
north-west, the Widawka across the south. Everything is deterministic from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from etl.synthetic.content import ObrebContent
from etl.synthetic.geo import GRID, polygons_of
from etl.synthetic.ids import rng_for
from etl.synthetic.layout import CountyLayout
from etl.synthetic.names import TOWN_LOCALITY, TOWN_UNIT

WATER_OFU = ("W", "Wp", "Ws")
# Road kind of the parcel layout -> BDOT10k klasaDrogi and surface (materialNawierzchni)
ROAD_CLASSES = {"main": ("L", "bitumiczna"), "street": ("L", "bitumiczna"),
                "cross": ("D", "utwardzona"), "field": ("I", "gruntowa")}  # fmt: skip
# (name, start, end) in km east/north of the county centre; the courses bend on the way.
# The last number is the river's width in metres: its bed is a water surface too.
RIVERS = (("Grabia", (14.0, -6.0), (-14.0, 9.0), 12.0),
          ("Widawka", (12.0, -19.0), (-10.0, -13.0), 16.0))  # fmt: skip


@dataclass
class TopoRoad:
    key: str
    road_class: str
    surface: str
    lines: list[LineString]
    name: str | None = None


@dataclass
class TopoPlace:
    key: str
    name: str
    kind: str  # miasto, wieś, część miasta
    gmina_id: str
    point: Point


@dataclass
class TopoWater:
    key: str
    kind: str
    name: str | None
    geom: Polygon | list[LineString]


@dataclass
class ObrebTopo:
    """What one obręb contributes to the base map (small: collected from workers)."""

    roads: list[TopoRoad] = field(default_factory=list)
    ponds: list[TopoWater] = field(default_factory=list)
    place: TopoPlace | None = None


@dataclass
class CountyTopo:
    roads: list[TopoRoad]
    watercourses: list[TopoWater]
    water_areas: list[TopoWater]
    places: list[TopoPlace]


def obreb_topo(c: ObrebContent) -> ObrebTopo:
    """Roads, ponds and the place name of one obręb, from its generated content."""
    obreb = c.obreb
    out = ObrebTopo()
    pieces = [p for p in c.layout.pieces if p.road is not None]
    road_land = shapely.union_all([p.geom for p in pieces], grid_size=GRID).buffer(0.05)
    for n, road in enumerate(c.layout.roads):
        if not any(p.road is road for p in pieces):
            continue  # its strip was too small to be a parcel: no road on the ground
        lines = _lines(shapely.intersection(road.line, road_land, grid_size=GRID))
        if lines:
            road_class, surface = ROAD_CLASSES[road.kind]
            key = f"{obreb.obreb_id}.R{n + 1}"
            out.roads.append(TopoRoad(key, road_class, surface, lines, road.name))
    for contour in c.land.land_use:
        if contour.ofu in WATER_OFU:
            out.ponds.append(TopoWater(contour.contour_id, "wody stojące", None, contour.geom))
    main = next((r for r in c.layout.roads if r.kind in ("main", "street")), None)
    anchor = _on_road(main.line, obreb.geom) if main is not None else None
    point = anchor or obreb.geom.representative_point()
    town = obreb.unit.unit_id == TOWN_UNIT
    name = obreb.name.split(" ", 2)[-1] if town else obreb.name
    kind = "część miasta" if town else "wieś"
    out.place = TopoPlace(obreb.obreb_id, name, kind, obreb.unit.gmina_id, _grid(point))
    return out


def county_topo(layout: CountyLayout, per_obreb: dict[str, ObrebTopo], seed: int) -> CountyTopo:
    """The county's base map: every obręb's part, the town and the rivers."""
    ordered = [per_obreb[o.obreb_id] for o in layout.obreby() if o.obreb_id in per_obreb]
    places = [part.place for part in ordered if part.place is not None]
    town_unit = next(u for u in layout.units if u.spec.unit_id == TOWN_UNIT)
    places.append(TopoPlace(TOWN_UNIT, TOWN_LOCALITY, "miasto", town_unit.spec.gmina_id,
                            _grid(Point(layout.town_centre))))  # fmt: skip
    rivers = _rivers(layout, seed)
    beds = [_bed(river, layout.outline) for river in rivers]
    return CountyTopo(
        roads=[road for part in ordered for road in part.roads],
        watercourses=rivers,
        water_areas=[bed for bed in beds if bed is not None]
        + [pond for part in ordered for pond in part.ponds],
        places=places,
    )


def _bed(river: TopoWater, outline: Polygon) -> TopoWater | None:
    assert isinstance(river.geom, list)
    width = next(w for name, _, _, w in RIVERS if name == river.name)
    band = shapely.buffer(MultiLineString(river.geom), width / 2, cap_style="flat")
    parts = polygons_of(shapely.intersection(band, outline, grid_size=GRID))
    if not parts:
        return None
    return TopoWater(
        f"{river.key}.koryto", "wody płynące", river.name, max(parts, key=lambda p: p.area)
    )


def _rivers(layout: CountyLayout, seed: int) -> list[TopoWater]:
    rng = rng_for(seed, "rivers")
    cx, cy = layout.outline.centroid.coords[0]
    out = []
    for name, start, end, _width in RIVERS:
        a = np.array([cx + start[0] * 1e3, cy + start[1] * 1e3])
        b = np.array([cx + end[0] * 1e3, cy + end[1] * 1e3])
        t = np.linspace(0.0, 1.0, 120)
        normal = np.array([-(b - a)[1], (b - a)[0]]) / np.linalg.norm(b - a)
        bends = np.zeros_like(t)
        for k in (2, 3, 5, 8):
            bends += rng.uniform(150, 900) / k * np.sin(np.pi * k * t + rng.uniform(0, np.pi))
        xy = a + np.outer(t, b - a) + np.outer(bends * np.sin(np.pi * t), normal)
        lines = _lines(shapely.intersection(LineString(xy), layout.outline, grid_size=GRID))
        if lines:
            out.append(TopoWater(name, "rzeka", name, lines))
    return out


def _on_road(line: LineString, area: Polygon) -> Point | None:
    inside = _lines(shapely.intersection(line, area, grid_size=GRID))
    if not inside:
        return None
    longest = max(inside, key=lambda part: part.length)
    return longest.interpolate(0.5, normalized=True)


def _lines(geom: shapely.Geometry) -> list[LineString]:
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom] if geom.length > 1.0 else []
    if isinstance(geom, MultiLineString) or hasattr(geom, "geoms"):
        return [part for g in geom.geoms for part in _lines(g)]
    return []


def _grid(point: Point) -> Point:
    return Point(round(point.x, 2), round(point.y, 2))
