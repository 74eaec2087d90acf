"""Land use (OFU), soil classification (OZU/OZK) and the klasoużytki of each parcel.

Land-use contours are drawn per obręb independently of parcel lines, as in EGiB: roads
(dr), a built-up strip along the village road (Br farmsteads / B houses), orchards,
meadows along a stream, forest patches, the odd pasture, wasteland or pond, and arable
land (R) elsewhere; in the town whole blocks get B, Bi, Ba, Bz or R. Soil contours split
the classified land by a grid of "soil cells" of varying quality, so classes change every
few hectares. A parcel's klasoużytki are its intersections with these contours; their
areas are scaled to the parcel's legal area (poleEwidencyjne), as in real registers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.ops import substring

from etl.synthetic.geo import GRID, noisy_ring, polygonal, polygons_of, voronoi_cells
from etl.synthetic.parcels import ObrebParcels

CLASSIFIED = {"R": "R", "Br": "R", "S": "R", "Ł": "Ł", "Ps": "Ps", "Ls": "Ls", "Lz": "Lz",
              "N": "N"}  # OFU -> OZU  # fmt: skip
BUILT = ("B", "Br", "Ba", "Bi")
_CLASSES = {
    "R": (("IIIa", "IIIb", "IVa", "IVb", "V", "VI"), (0.04, 0.12, 0.3, 0.28, 0.19, 0.07)),
    "Ł": (("III", "IV", "V", "VI"), (0.15, 0.45, 0.3, 0.1)),
    "Ps": (("III", "IV", "V", "VI"), (0.1, 0.45, 0.35, 0.1)),
    "Ls": (("IV", "V", "VI"), (0.3, 0.45, 0.25)),
    "Lz": (("IV", "V", "VI"), (0.3, 0.45, 0.25)),
}
_TOWN_BLOCKS = {  # share of blocks per OFU: centre obręb, other town obręby
    True: (("B", "Bi", "Bz", "Ba"), (0.75, 0.12, 0.05, 0.08)),
    False: (("B", "Ba", "R", "Ł", "Bz", "Bi"), (0.5, 0.12, 0.22, 0.06, 0.05, 0.05)),
}


@dataclass
class Contour:
    contour_id: str
    ofu: str
    ozu: str | None
    ozk: str | None
    geom: Polygon


@dataclass
class LandUse:
    """Contours of an obręb and the klasoużytki of its parcels."""

    land_use: list[Contour]
    soil: list[Contour]
    # per parcel index: [(ofu, ozu, ozk, geometric area m²)]
    pieces: dict[int, list[tuple[str, str | None, str | None, float]]] = field(default_factory=dict)
    built: dict[int, Polygon] = field(default_factory=dict)  # parcel -> its built-up part


def land_use(op: ObrebParcels, rng: np.random.Generator) -> LandUse:
    """Contours and klasoużytki of one obręb."""
    zones = _town_zones(op, rng) if op.obreb.town else _rural_zones(op, rng)
    prefix = op.obreb.obreb_id
    uses = [Contour(f"{prefix}.U{i + 1}", ofu, None, None, g)
            for i, (ofu, g) in enumerate(zones)]  # fmt: skip
    soils = _soil_contours(op, uses, rng)
    result = LandUse(uses, soils)
    _klasouzytki(op, uses, soils, result)
    return result


def _roads(op: ObrebParcels) -> list[tuple[str, Polygon]]:
    """Road land use: one contour per road parcel (they partition the road area)."""
    return [("dr", p.geom) for p in op.pieces if p.road is not None]


def _blob(x: float, y: float, area: float, rng: np.random.Generator) -> Polygon:
    r = math.sqrt(area / math.pi)
    return noisy_ring(x, y, r, rng.uniform(0.6, 1.4), rng, harmonics=4, vertices=40,
                      roughness=0.25)  # fmt: skip


def _rural_zones(op: ObrebParcels, rng: np.random.Generator) -> list[tuple[str, Polygon]]:
    poly = op.obreb.geom
    layers: list[tuple[str, Polygon]] = []
    main = next(r for r in op.roads if r.kind == "main")
    depth = min(70.0, 0.45 * op.block_size[1])
    length = main.line.length
    start = length * rng.uniform(0.05, 0.45)
    village = substring(main.line, start, start + length * rng.uniform(0.3, 0.55))
    corridor = shapely.buffer(village, depth + main.width / 2, cap_style="flat")
    for k, segment in enumerate(_segments(village, rng)):
        band = shapely.intersection(corridor, shapely.buffer(segment, depth * 3, cap_style="flat"))
        layers.append(("Br" if k % 2 == 0 else "B", band))
    area = poly.area
    centre = village.interpolate(0.5, normalized=True)
    if rng.random() < 0.5:
        layers.append(("S", _blob(centre.x + rng.normal(0, 150), centre.y + rng.normal(0, 150),
                                  rng.uniform(0.5e4, 2.5e4), rng)))  # fmt: skip
    if rng.random() < 0.6:
        stream = _stream(op, rng)
        layers.append(("Ł", shapely.buffer(stream, rng.uniform(50, 140))))
    pts = _far_points(op, poly, 4, rng)
    for i, (ofu, share, chance) in enumerate(
        (("Ls", 0.10, 0.8), ("Ls", 0.06, 0.5), ("Ps", 0.02, 0.4), ("Lz", 0.01, 0.3))
    ):
        if rng.random() < chance:
            x, y = pts[i]
            layers.append((ofu, _blob(x, y, area * share * rng.uniform(0.5, 1.5), rng)))
    if rng.random() < 0.25:
        x, y = pts[-1]
        layers.append(("N", _blob(x, y, rng.uniform(3e3, 2e4), rng)))
    if rng.random() < 0.15:
        x, y = pts[0] * 0.5 + np.array(centre.coords[0]) * 0.5
        layers.append(("Ws", _blob(x, y, rng.uniform(800, 4000), rng)))
    roads = _roads(op)
    # The rest of the obręb is what the road *parcels* leave: the road corridors drawn
    # before the parcels were cut are not the same area, and the difference was land no
    # contour covered (35,000 m² in one obręb), which the land-use check rightly found.
    road_area = shapely.union_all([geom for _, geom in roads], grid_size=GRID)
    land = polygonal(shapely.difference(poly, road_area, grid_size=GRID))
    return roads + _stack(land, layers, "R")


def _segments(line: shapely.LineString, rng: np.random.Generator) -> list[shapely.LineString]:
    cuts = [0.0]
    while cuts[-1] < line.length:
        cuts.append(cuts[-1] + rng.uniform(120, 450))
    spans = zip(cuts[:-1], cuts[1:], strict=True)
    return [substring(line, a, min(b, line.length)) for a, b in spans]


def _stream(op: ObrebParcels, rng: np.random.Generator) -> shapely.LineString:
    u0, v0, u1, v1 = op.frame.bounds(op.obreb.geom)
    v = np.linspace(v0 - 50, v1 + 50, 30)
    u = rng.uniform(u0, u1) + np.cumsum(rng.normal(0, (u1 - u0) * 0.02, v.size))
    return shapely.LineString(op.frame.to_world(np.column_stack([u, v])))


def _far_points(
    op: ObrebParcels, poly: Polygon, count: int, rng: np.random.Generator
) -> np.ndarray:
    """Random points in the obręb, preferring those far from the village road."""
    main = next(r for r in op.roads if r.kind == "main").line
    minx, miny, maxx, maxy = poly.bounds
    cand = rng.uniform([minx, miny], [maxx, maxy], size=(300, 2))
    cand = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
    if len(cand) < count * 3:
        return np.repeat([poly.representative_point().coords[0]], count, axis=0)
    dist = shapely.distance(shapely.points(cand), main)
    return cand[np.argsort(-dist)[: count * 3 : 3]]


def _stack(
    poly: Polygon, layers: list[tuple[str, Polygon]], rest: str
) -> list[tuple[str, Polygon]]:
    """Overlay layers by priority (earlier wins); what is left gets ``rest``."""
    remaining = poly
    out = []
    for ofu, geom in layers:
        piece = polygonal(shapely.intersection(geom, remaining, grid_size=GRID))
        if piece.is_empty:
            continue
        remaining = polygonal(shapely.difference(remaining, piece, grid_size=GRID))
        out += [(ofu, p) for p in polygons_of(piece) if p.area > 1.0]
    out += [(rest, p) for p in polygons_of(remaining) if p.area > 1.0]
    return out


def _town_zones(op: ObrebParcels, rng: np.random.Generator) -> list[tuple[str, Polygon]]:
    """Whole blocks get one land use; blocks and road parcels are disjoint already."""
    codes, weights = _TOWN_BLOCKS[op.obreb.density >= 10.0]
    zones = _roads(op)
    blocks = op.extra.get("blocks", [])
    zones += [(str(rng.choice(codes, p=weights)), block) for block in blocks]
    zones = [(ofu, geom) for ofu, geom in zones if geom.area > 1.0]  # crumbs of block cutting
    covered = shapely.union_all([g for _, g in zones], grid_size=GRID)
    rest = shapely.difference(op.obreb.geom, covered, grid_size=GRID)
    return zones + [("B", p) for p in polygons_of(rest) if p.area > 1.0]


def _soil_contours(
    op: ObrebParcels, uses: list[Contour], rng: np.random.Generator
) -> list[Contour]:
    """Classified land cut by soil cells of random quality; same class merges."""
    classified = [c for c in uses if c.ofu in CLASSIFIED]
    if not classified:
        return []
    cells = voronoi_cells(op.obreb.geom, int(np.clip(op.obreb.geom.area / 1.2e5, 4, 80)), rng)
    quality = rng.random(len(cells))
    zone_geoms = np.array([c.geom for c in classified])
    z_idx, c_idx = shapely.STRtree(np.array(cells)).query(zone_geoms, predicate="intersects")
    parts = shapely.intersection(zone_geoms[z_idx], np.array(cells)[c_idx], grid_size=GRID)
    groups: dict[tuple[int, str | None], list] = {}
    for zi, ci, part in zip(z_idx, c_idx, parts, strict=True):
        ozu = CLASSIFIED[classified[zi].ofu]
        groups.setdefault((int(zi), _soil_class(ozu, quality[ci])), []).append(part)
    pieces: list[tuple[int, str | None, Polygon]] = []
    for (zi, ozk), geoms in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        merged = shapely.union_all(geoms, grid_size=GRID)
        pieces += [(zi, ozk, poly) for poly in polygons_of(merged) if poly.area > 1.0]
    out = [Contour("", classified[zi].ofu, CLASSIFIED[classified[zi].ofu], ozk, poly)
           for zi, ozk, poly in _absorb_slivers(pieces)]  # fmt: skip
    for i, contour in enumerate(out):
        contour.contour_id = f"{op.obreb.obreb_id}.K{i + 1}"
    return out


def _is_sliver(poly: Polygon) -> bool:
    """Small and needle-thin: what the quality report calls a sliver (etl/checks)."""
    return poly.area < 100.0 and 4 * math.pi * poly.area / max(poly.length, 1e-9) ** 2 < 0.02


def _absorb_slivers(
    pieces: list[tuple[int, str | None, Polygon]],
) -> list[tuple[int, str | None, Polygon]]:
    """Merge each sliver of a zone into the neighbour of that zone it shares most with.

    Cutting zones by soil cells leaves needles along cell edges; a surveyor would not
    draw them, and the generated county is meant to be clean.
    """
    kept = [list(piece) for piece in pieces if not _is_sliver(piece[2])]
    for zi, _ozk, sliver in (piece for piece in pieces if _is_sliver(piece[2])):
        neighbours = [k for k in kept if k[0] == zi and k[2].intersects(sliver)]
        if not neighbours:
            kept.append([zi, _ozk, sliver])
            continue
        best = max(neighbours, key=lambda k: k[2].intersection(sliver).length)
        best[2] = polygonal(shapely.union(best[2], sliver, grid_size=GRID))
    return [(int(k[0]), k[1], poly) for k in kept for poly in polygons_of(k[2])]


def _soil_class(ozu: str, quality: float) -> str | None:
    if ozu not in _CLASSES:
        return None
    classes, weights = _CLASSES[ozu]
    return classes[int(np.searchsorted(np.cumsum(weights), quality * 0.9999))]


def _klasouzytki(
    op: ObrebParcels, uses: list[Contour], soils: list[Contour], result: LandUse
) -> None:
    """Intersect parcels with soil contours and with the unclassified land use."""
    surfaces = soils + [c for c in uses if c.ofu not in CLASSIFIED]
    parcels = np.array([p.geom for p in op.pieces])
    geoms = np.array([s.geom for s in surfaces])
    p_idx, s_idx = shapely.STRtree(geoms).query(parcels, predicate="intersects")
    inside = shapely.covered_by(parcels[p_idx], geoms[s_idx])
    parts = parcels[p_idx].copy()  # a parcel inside a contour is its own klasoużytek
    parts[~inside] = shapely.intersection(parcels[p_idx][~inside], geoms[s_idx][~inside],
                                          grid_size=GRID)  # fmt: skip
    areas = shapely.area(parts)
    built: dict[int, list] = {}
    for pi, si, part, area in zip(p_idx, s_idx, parts, areas, strict=True):
        if area < 0.5:
            continue
        s = surfaces[si]
        result.pieces.setdefault(int(pi), []).append((s.ofu, s.ozu, s.ozk, float(area)))
        if s.ofu in BUILT:
            built.setdefault(int(pi), []).append(part)
    for pi, geoms_b in built.items():
        region = max(polygons_of(shapely.union_all(geoms_b)), key=lambda g: g.area, default=None)
        if region is not None:
            result.built[pi] = region
