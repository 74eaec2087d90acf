"""Parcels of one obręb: roads, blocks, and the parcels cut from them.

Rural obręby get a wavy village road, field roads roughly parallel to it and a few cross
roads; the blocks between roads are cut into long strips perpendicular to the road, of
varying width and slight, varying skew (the pattern of Polish strip fields). Town obręby
get a street grid of wavy lines; each block is cut into two rows of lots. Strip width and
block depth follow the parcel density the obręb must reach, and the layout is rebuilt
with corrected sizes if the count misses the target by more than 10 %.

About 15 % of the parcels come from divisions (``q/p`` numbers): a strip or lot is cut
across into 2–3 parts, now and then into a row of building plots. Every overlay runs on
the centimetre grid, so parcels partition the obręb exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from etl.synthetic.geo import GRID, absorb_slivers, node, polygonal, polygons_of
from etl.synthetic.ids import rng_for
from etl.synthetic.layout import Obreb

DIVISION_RATE = 0.12  # share of parcels later divided; gives ≈15 % q/p numbers
RURAL_ASPECT, LOT_ASPECT = 10.0, 2.5


@dataclass
class Frame:
    """Local frame: u along the main road, v across it."""

    ox: float
    oy: float
    angle: float

    def to_world(self, uv: np.ndarray) -> np.ndarray:
        c, s = math.cos(self.angle), math.sin(self.angle)
        u, v = uv[..., 0], uv[..., 1]
        return np.stack([self.ox + c * u - s * v, self.oy + s * u + c * v], axis=-1)

    def to_local(self, xy: np.ndarray) -> np.ndarray:
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = xy[..., 0] - self.ox, xy[..., 1] - self.oy
        return np.stack([c * x + s * y, -s * x + c * y], axis=-1)

    def bounds(self, geom: Polygon) -> tuple[float, float, float, float]:
        uv = self.to_local(np.asarray(geom.exterior.coords))
        return uv[:, 0].min(), uv[:, 1].min(), uv[:, 0].max(), uv[:, 1].max()


@dataclass
class Road:
    kind: str  # main, field, cross, street
    line: LineString
    width: float
    name: str | None = None


@dataclass
class Piece:
    """One parcel in the making."""

    geom: Polygon
    road: Road | None = None
    order: tuple = ()
    number: str = ""
    merged: bool = False  # absorbed a sliver: may carry vertices its neighbours lack


@dataclass
class ObrebParcels:
    """The parcels of an obręb and the layout they were cut from."""

    obreb: Obreb
    frame: Frame
    roads: list[Road]
    pieces: list[Piece]
    block_size: tuple[float, float]  # (strip/lot width, depth) used
    extra: dict = field(default_factory=dict)


def layout_parcels(obreb: Obreb, seed: int) -> ObrebParcels:
    """Cut the obręb into about ``obreb.target`` parcels (deterministic per obręb)."""
    mean_area = obreb.geom.area / obreb.target
    result = None
    for attempt in range(3):
        rng = rng_for(seed, "parcels", obreb.obreb_id, attempt)
        result = _attempt(obreb, mean_area, rng)
        ratio = len(result.pieces) / obreb.target
        if abs(ratio - 1.0) <= 0.1:
            break
        mean_area *= ratio**1.1
    assert result is not None
    # vertices new to a shared edge come from cuts meeting roads and from divisions
    roads = np.array([p.road is not None for p in result.pieces])
    divided = np.array(["/" in p.number or p.merged for p in result.pieces])
    noded = node([p.geom for p in result.pieces], roads, divided)
    for piece, geom in zip(result.pieces, noded, strict=True):
        piece.geom = geom
    return result


def _attempt(obreb: Obreb, mean_area: float, rng: np.random.Generator) -> ObrebParcels:
    poly = obreb.geom
    hull = poly.minimum_rotated_rectangle.exterior.coords
    edge = max(((hull[i], hull[i + 1]) for i in range(4)),
               key=lambda e: math.dist(e[0], e[1]))  # fmt: skip
    angle = math.atan2(edge[1][1] - edge[0][1], edge[1][0] - edge[0][0]) + rng.normal(0, 0.25)
    c = poly.centroid
    frame = Frame(c.x, c.y, angle)
    aspect = LOT_ASPECT if obreb.town else RURAL_ASPECT
    width = math.sqrt(mean_area / aspect)
    depth = float(np.clip(aspect * width, 25.0, 1400.0))
    roads = (_town_streets if obreb.town else _rural_roads)(poly, frame, width, depth, rng)
    road_pieces, road_union = _road_pieces(poly, roads)
    blocks = polygons_of(shapely.difference(poly, road_union, grid_size=GRID))
    pieces = list(road_pieces)
    for b, block in enumerate(blocks):
        rows = 2 if obreb.town and _depth_of(frame, block) > 1.3 * depth else 1
        pieces += _cut_block(block, frame, width, rows, rng, b)
    pieces = _absorb(pieces, mean_area)
    pieces = _divide(pieces, frame, mean_area, rng)
    _number(pieces, frame, depth, rng)
    return ObrebParcels(
        obreb, frame, roads, pieces, (width, depth), {"blocks": blocks, "roads": road_union}
    )


def _depth_of(frame: Frame, block: Polygon) -> float:
    _, v0, _, v1 = frame.bounds(block)
    return v1 - v0


def _wavy(
    frame: Frame,
    u0: float,
    u1: float,
    v: float,
    amp: float,
    wave: float,
    rng: np.random.Generator,
    step: float = 80.0,
    across: bool = False,
) -> LineString:
    """A gently wavy line in the local frame (along u, or along v if ``across``)."""
    t = np.arange(u0, u1 + step, step)
    phase = rng.uniform(0, 2 * math.pi)
    walk = np.cumsum(rng.normal(0, amp * 0.05, t.size))
    walk -= np.linspace(walk[0], walk[-1], t.size)
    off = v + amp * np.sin(2 * math.pi * t / wave + phase) + walk
    uv = np.column_stack([off, t]) if across else np.column_stack([t, off])
    return LineString(frame.to_world(uv))


def _rural_roads(
    poly: Polygon, frame: Frame, width: float, depth: float, rng: np.random.Generator
) -> list[Road]:
    u0, v0, u1, v1 = frame.bounds(poly)
    span_u, span_v = u1 - u0, v1 - v0
    v_main = v0 + span_v * rng.uniform(0.35, 0.65)
    amp = min(span_v * 0.04, 120.0)
    roads = [Road("main", _wavy(frame, u0 - 60, u1 + 60, v_main, amp, span_u * 0.8, rng),
                  float(rng.uniform(7.0, 10.0)))]  # fmt: skip
    band = depth * rng.uniform(0.9, 1.1)
    for side in (-1, 1):
        k = 1
        while (v_main + side * k * band - v0) * (v1 - v_main - side * k * band) > 0:
            v = v_main + side * k * band * rng.uniform(0.97, 1.03)
            line = _wavy(frame, u0 - 60, u1 + 60, v, amp * 0.6, span_u * 0.8, rng)
            roads.append(Road("field", line, float(rng.uniform(3.5, 5.0))))
            k += 1
    spacing = float(np.clip(25.0 * width, 300.0, 2500.0)) * rng.uniform(0.8, 1.2)
    u = u0 + spacing * rng.uniform(0.5, 1.0)
    while u < u1 - spacing * 0.4:
        line = _wavy(frame, v0 - 60, v1 + 60, u, amp * 0.3, span_v, rng, across=True)
        roads.append(Road("cross", line, float(rng.uniform(4.0, 6.0))))
        u += spacing * rng.uniform(0.8, 1.2)
    return roads


def _town_streets(
    poly: Polygon, frame: Frame, width: float, depth: float, rng: np.random.Generator
) -> list[Road]:
    u0, v0, u1, v1 = frame.bounds(poly)
    amp = min(depth * 0.15, 25.0)
    roads = []
    v = v0 + rng.uniform(0.3, 1.0) * 2 * depth
    while v < v1:
        line = _wavy(frame, u0 - 60, u1 + 60, v, amp, (u1 - u0) * 0.7, rng, step=25.0)
        roads.append(Road("street", line, float(rng.uniform(9.0, 13.0))))
        v += 2 * depth * rng.uniform(0.9, 1.15) + 10.0
    length = float(np.clip(8 * width, 60.0, 450.0))
    u = u0 + rng.uniform(0.3, 1.0) * length
    while u < u1:
        line = _wavy(frame, v0 - 60, v1 + 60, u, amp * 0.5, (v1 - v0) * 0.7, rng,
                     step=25.0, across=True)  # fmt: skip
        roads.append(Road("cross", line, float(rng.uniform(7.0, 9.0))))
        u += length * rng.uniform(0.8, 1.25)
    return roads


def _road_pieces(poly: Polygon, roads: list[Road]) -> tuple[list[Piece], Polygon]:
    """Road parcels: earlier roads win their crossings (main > field > cross)."""
    taken = Polygon()
    pieces = []
    for road in roads:
        band = shapely.buffer(road.line, road.width / 2, cap_style="flat")
        own = polygonal(
            shapely.difference(
                polygonal(shapely.intersection(band, poly, grid_size=GRID)), taken, grid_size=GRID
            )
        )
        taken = polygonal(shapely.union(taken, own, grid_size=GRID))
        pieces += [Piece(p, road) for p in polygons_of(own)]
    return pieces, taken


def _cut_positions(
    start: float, end: float, width: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Cut positions at the near (a) and far (b) side of a row; both increase, so
    neighbouring cuts never cross while strips vary in width and skew."""
    a = [start - width * rng.uniform(0.2, 1.0)]
    b = [start - width * rng.uniform(0.2, 1.0)]
    while min(a[-1], b[-1]) < end:
        w = width * float(np.clip(rng.lognormal(0, 0.4), 0.35, 3.0))
        if rng.random() < 0.04:
            w *= 3.0  # a consolidated holding
        a.append(a[-1] + w)
        b.append(b[-1] + w * float(np.clip(1 + rng.normal(0, 0.15), 0.5, 1.5)))
    return np.array(a), np.array(b)


def _cut_block(
    block: Polygon, frame: Frame, width: float, rows: int, rng: np.random.Generator, block_no: int
) -> list[Piece]:
    """Cut a block into strips/lots: node the block outline, the row split and all cut
    lines on the centimetre grid once, then polygonize. Lots therefore share their
    vertices exactly (also across the row split, where the rows' cuts differ)."""
    u0, v0, u1, v1 = frame.bounds(block)
    edges = [v0 - 1.0, v1 + 1.0]
    if rows == 2:
        edges.insert(1, (v0 + v1) / 2 + rng.normal(0, (v1 - v0) * 0.05))
    lines = [block.boundary]
    if rows == 2:
        lines.append(LineString(frame.to_world(np.array([(u0 - 5, edges[1]), (u1 + 5, edges[1])]))))
    for va, vb in zip(edges[:-1], edges[1:], strict=True):
        a, b = _cut_positions(u0, u1, width, rng)
        ends = np.stack(
            [np.column_stack([a, np.full(a.size, va)]), np.column_stack([b, np.full(a.size, vb)])],
            axis=1,
        )
        lines += list(shapely.linestrings(frame.to_world(ends)))
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = (
        shapely.contains_xy(block, *shapely.get_coordinates(shapely.point_on_surface(faces)).T)
        if len(faces)
        else np.array([], bool)
    )
    pieces = []
    for face in faces[inside]:
        u, v = frame.to_local(np.array(face.centroid.coords[0]))
        row = 1 if rows == 2 and v > edges[1] else 0
        pieces.append(Piece(face, order=(block_no, row, float(u))))
    return pieces


def _absorb(pieces: list[Piece], mean_area: float) -> list[Piece]:
    geoms = [p.geom for p in pieces]
    group = [0 if p.road is None else 1 for p in pieces]
    merged = absorb_slivers(geoms, np.zeros(len(geoms), bool), max(0.12 * mean_area, 25.0), group)
    out = []
    for piece, geom in zip(pieces, merged, strict=True):
        if geom is not None:
            piece.merged = geom is not piece.geom
            piece.geom = geom
            out.append(piece)
    return out


def _divide(
    pieces: list[Piece], frame: Frame, mean_area: float, rng: np.random.Generator
) -> list[Piece]:
    """Divide some parcels across their length into 2–3 parts (rarely a row of plots).

    An obręb gets at least one division, so even a tiny test county has ``q/p`` numbers."""
    out: list[Piece] = []
    for piece in pieces:
        if (
            piece.road is None
            and piece.geom.area >= 0.5 * mean_area
            and rng.random() < DIVISION_RATE
        ):
            parts = int(rng.choice([2, 3, 5, 8], p=[0.62, 0.25, 0.08, 0.05]))
            if _divide_one(piece, frame, parts, mean_area, rng, out):
                continue
        out.append(piece)
    if not any("/" in p.number for p in out):
        fields = sorted((p for p in out if p.road is None), key=lambda p: -p.geom.area)
        for piece in fields[:5]:
            rest: list[Piece] = []
            if _divide_one(piece, frame, 2, mean_area, rng, rest):
                out[out.index(piece) : out.index(piece) + 1] = rest
                break
    return out


def _divide_one(
    piece: Piece,
    frame: Frame,
    parts: int,
    mean_area: float,
    rng: np.random.Generator,
    out: list[Piece],
) -> bool:
    split = _split(piece.geom, frame, parts, rng)
    if len(split) < 2 or min(g.area for g in split) < 0.1 * mean_area:
        return False
    first = 1 if rng.random() < 0.85 else int(rng.integers(2, 6))
    for k, geom in enumerate(split):
        out.append(Piece(geom, None, piece.order + (k,), f"/{first + k}", piece.merged))
    return True


def _split(geom: Polygon, frame: Frame, parts: int, rng: np.random.Generator) -> list[Polygon]:
    u0, v0, u1, v1 = frame.bounds(geom)
    along_u = (u1 - u0) > (v1 - v0)  # cut across the longer side
    lo, hi = (u0, u1) if along_u else (v0, v1)
    cuts = lo + (hi - lo) * np.sort(
        np.clip((np.arange(1, parts) + rng.normal(0, 0.12, parts - 1)) / parts, 0.05, 0.95)
    )
    edges = np.concatenate([[lo - 1.0], cuts, [hi + 1.0]])
    boxes = []
    for e0, e1 in zip(edges[:-1], edges[1:], strict=True):
        if along_u:
            box = [(e0, v0 - 1), (e1, v0 - 1), (e1, v1 + 1), (e0, v1 + 1)]
        else:
            box = [(u0 - 1, e0), (u1 + 1, e0), (u1 + 1, e1), (u0 - 1, e1)]
        boxes.append(frame.to_world(np.array(box)))
    cut = shapely.intersection(shapely.polygons(np.array(boxes)), geom, grid_size=GRID)
    out = []
    for g in cut:
        polys = polygons_of(g)
        if len(polys) != 1:
            return []
        out.append(polys[0])
    return out


def _number(pieces: list[Piece], frame: Frame, depth: float, rng: np.random.Generator) -> None:
    """Natural numbers along the blocks (with the odd gap); divided parts get ``n/k``;
    roads are numbered last."""
    fields = [p for p in pieces if p.road is None]
    fields.sort(key=lambda p: p.order)
    n = 0
    last_parent = None
    for piece in fields:
        parent = piece.order[:3]
        if not piece.number or parent != last_parent:
            n += 1 + (int(rng.integers(1, 4)) if rng.random() < 0.03 else 0)
        last_parent = parent
        piece.number = f"{n}{piece.number}" if piece.number else str(n)
    roads = [p for p in pieces if p.road is not None]
    roads.sort(key=lambda p: tuple(frame.to_local(np.array(p.geom.centroid.coords[0]))))
    for piece in roads:
        n += 1
        piece.number = str(n)
