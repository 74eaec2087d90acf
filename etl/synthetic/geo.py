"""Geometry primitives of the synthetic county, all in EPSG:2180 (easting, northing).

Every overlay runs with ``grid_size=GRID`` (1 cm): all vertices lie on the centimetre grid
the GML is written with, so geometries read back equal the generated ones exactly, and
neighbours computed separately share identical boundary vertices (an exact partition).

Irregular boundaries come from a "cell" partition: many small Voronoi cells are assigned
to a few parts, so part boundaries are chains of cell edges — jagged like real
administrative lines, yet exactly shared.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

GRID = 0.01
_TO_2180 = Transformer.from_crs(4326, 2180, always_xy=True)


def lonlat_to_2180(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 to EPSG:2180 (easting, northing)."""
    x, y = _TO_2180.transform(lon, lat)
    return float(x), float(y)


def polygons_of(geom: BaseGeometry | None) -> list[Polygon]:
    """The non-empty polygons of any geometry (explodes multi-parts and collections)."""
    if geom is None or geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom] if geom.area > 0 else []
    if not hasattr(geom, "geoms"):  # points and lines
        return []
    out: list[Polygon] = []
    for part in geom.geoms:
        out.extend(polygons_of(part))
    return out


def polygonal(geom: BaseGeometry | None) -> BaseGeometry:
    """Only the polygonal parts of an overlay result (grid snapping can leave lines)."""
    parts = polygons_of(geom)
    if len(parts) == 1:
        return parts[0]
    return MultiPolygon(parts) if parts else Polygon()


def snap(geom: BaseGeometry) -> BaseGeometry:
    """Put a geometry on the centimetre grid (valid output)."""
    return shapely.set_precision(geom, GRID)


def noisy_ring(
    cx: float,
    cy: float,
    radius: float,
    stretch: float,
    rng: np.random.Generator,
    harmonics: int = 7,
    vertices: int = 480,
    roughness: float = 0.22,
) -> Polygon:
    """A star-shaped irregular polygon (always simple: one radius per direction)."""
    theta = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, harmonics + 2):
        amp = roughness / k**0.9 * rng.uniform(0.4, 1.0)
        r += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    for k in range(harmonics + 2, 40):  # mid-scale bends of a real boundary
        r += 0.012 / k**0.5 * rng.normal() * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r += np.convolve(rng.normal(0, 0.004, theta.size), np.ones(3) / 3, mode="same")
    r = np.clip(r, 0.35, None) * radius
    xs = cx + r * np.cos(theta)
    ys = cy + r * np.sin(theta) * stretch
    return Polygon(np.column_stack([xs, ys]))


def scale_to_area(poly: Polygon, area: float) -> Polygon:
    """Scale a polygon about its centroid to a target area."""
    factor = math.sqrt(area / poly.area)
    c = poly.centroid
    coords = np.asarray(poly.exterior.coords)
    coords = (coords - [c.x, c.y]) * factor + [c.x, c.y]
    return Polygon(coords)


def random_points_in(poly: Polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` uniform random points inside ``poly`` (rejection sampling)."""
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(count * 2 + 16, 2))
        inside = xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]
        found.append(inside)
        total += len(inside)
    return np.concatenate(found)[:count]


def voronoi_cells(poly: Polygon, count: int, rng: np.random.Generator) -> list[Polygon]:
    """Voronoi cells of random points, clipped to ``poly``: an exact partition of it."""
    points = random_points_in(poly, max(count, 2), rng)
    diagram = shapely.voronoi_polygons(MultiPoint(points), extend_to=poly.envelope.buffer(100))
    cells = shapely.intersection(np.asarray(diagram.geoms), poly, grid_size=GRID)
    return [cell for cell in (p for c in cells for p in polygons_of(c)) if cell.area > 1.0]


def partition(
    poly: Polygon,
    seeds: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    cells_per_part: int = 40,
) -> list[Polygon]:
    """Split ``poly`` into len(seeds) contiguous parts with areas near ``targets`` (ratios).

    Cells go to the seed of a power diagram whose weights are tuned so part areas approach
    their targets; a stray island (possible where ``poly`` is concave) joins a neighbour.
    """
    n = len(seeds)
    cells = voronoi_cells(poly, n * cells_per_part, rng)
    centres = np.array([[c.centroid.x, c.centroid.y] for c in cells])
    areas = np.array([c.area for c in cells])
    want = np.asarray(targets, float) / np.sum(targets) * areas.sum()
    # power diagram: its regions are convex, so parts come out contiguous
    d2 = ((centres[:, None, :] - np.asarray(seeds)[None, :, :]) ** 2).sum(axis=2)
    weights = np.zeros(n)
    best, best_err = np.argmin(d2, axis=1), np.inf
    for step in range(200):
        owner = np.argmin(d2 - weights, axis=1)
        got = np.bincount(owner, weights=areas, minlength=n)
        err = float(np.max(np.abs(got - want) / want))
        if err < best_err:
            best, best_err = owner, err
        weights += (0.3 / (1 + step / 50)) * (want - got) / np.pi
    owner = best.copy()
    return _contiguous_parts(cells, owner, n)


def _contiguous_parts(cells: list[Polygon], owner: np.ndarray, n: int) -> list[Polygon]:
    """Union cells per part; cells of detached islands move to the neighbouring part."""
    tree = shapely.STRtree(cells)
    for _ in range(10):
        moved = False
        for k in range(n):
            members = np.flatnonzero(owner == k)
            if members.size == 0:
                continue
            union = shapely.union_all([cells[i] for i in members], grid_size=GRID)
            parts = polygons_of(union)
            if len(parts) <= 1:
                continue
            keep = max(parts, key=lambda p: p.area)
            for i in members:
                if not keep.contains(cells[i].representative_point()):
                    owner[i] = _neighbour_owner(cells, tree, owner, int(i), k)
                    moved = True
        if not moved:
            break
    return [snap(shapely.union_all([cells[i] for i in np.flatnonzero(owner == k)],
                                   grid_size=GRID)) for k in range(n)]  # fmt: skip


def _neighbour_owner(
    cells: list[Polygon], tree: shapely.STRtree, owner: np.ndarray, i: int, own: int
) -> int:
    best, best_len = own, 0.0
    for j in tree.query(cells[i], predicate="touches"):
        if owner[j] != own:
            shared = cells[i].boundary.intersection(cells[j].boundary).length
            if shared > best_len:
                best, best_len = int(owner[j]), shared
    return best


def spread_seeds(poly: Polygon, count: int, rng: np.random.Generator) -> np.ndarray:
    """Well-spread seed points in ``poly`` (farthest-point sampling of random candidates)."""
    candidates = random_points_in(poly, max(40 * count, 200), rng)
    chosen = [candidates[0]]
    dist = np.linalg.norm(candidates - chosen[0], axis=1)
    for _ in range(count - 1):
        idx = int(np.argmax(dist))
        chosen.append(candidates[idx])
        dist = np.minimum(dist, np.linalg.norm(candidates - candidates[idx], axis=1))
    return np.array(chosen)


def absorb_slivers(
    geoms: list[Polygon], keep: np.ndarray, min_area: float, group: list[int] | None = None
) -> list[Polygon | None]:
    """Merge pieces smaller than ``min_area`` into the touching piece with the longest
    shared edge (same ``group`` preferred). Returns the list with absorbed slots None."""
    out: list[Polygon | None] = list(geoms)
    holder = np.arange(len(geoms))
    tree = shapely.STRtree(geoms)
    for i in np.argsort([g.area for g in geoms]):
        g = out[i]
        if g is None or g.area >= min_area or keep[i]:
            continue
        target = _best_neighbour(out, tree, holder, int(i), group)
        if target is None:
            continue
        merged = shapely.union(out[target], g, grid_size=GRID)
        if isinstance(merged, Polygon):
            out[target], out[i] = merged, None
            holder[holder == i] = target
    return out


def _best_neighbour(
    out: list[Polygon | None],
    tree: shapely.STRtree,
    holder: np.ndarray,
    i: int,
    group: list[int] | None,
) -> int | None:
    g = out[i]
    assert g is not None
    best, best_score = None, 0.0
    for j in {int(holder[j]) for j in tree.query(g)} - {i}:
        other = out[j]
        if other is None:
            continue
        shared = shapely.intersection(g.boundary, other.boundary).length
        if shared <= GRID:
            continue
        score = shared * (10.0 if group is not None and group[j] == group[i] else 1.0)
        if score > best_score:
            best, best_score = j, score
    return best


def node(
    geoms: list[Polygon],
    receivers: np.ndarray | None = None,
    sources: np.ndarray | None = None,
    tolerance: float = 0.0075,
) -> list[Polygon]:
    """Make neighbours share vertices: insert into each polygon the vertices of touching
    polygons that lie on its edges. Rounding a new vertex (e.g. where a cut meets a road
    edge) to the centimetre grid bends that edge by a few millimetres; without this the
    neighbour keeps the straight edge and the two overlap by a hair. Shared boundary
    points (EGB_PunktGraniczny) also need the vertex on both sides.

    With masks, a polygon takes the vertices of all neighbours if it is a ``receiver``,
    and otherwise only those of neighbours that are ``sources`` (where new vertices
    appeared); elsewhere neighbours already share every vertex. Without masks: all."""
    if len(geoms) < 2:
        return geoms
    arr = np.asarray(geoms, dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    keep = left != right
    if receivers is not None and sources is not None:
        keep &= np.asarray(receivers, bool)[left] | np.asarray(sources, bool)[right]
    left, right = left[keep], right[keep]
    order = np.argsort(left, kind="stable")
    left, right = left[order], right[order]
    coords, index = shapely.get_coordinates(arr, return_index=True)
    counts = np.bincount(index, minlength=len(arr))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    lens = counts[right]
    gather = np.repeat(first[right] - (np.cumsum(lens) - lens), lens) + np.arange(lens.sum())
    refs = shapely.multipoints(coords[gather], indices=np.repeat(left, lens),
                               out=np.full(len(arr), None, dtype=object))  # fmt: skip
    snapped = shapely.snap(arr, refs, tolerance)
    out = []
    for original, geom in zip(geoms, snapped, strict=True):
        if geom is None or not isinstance(geom, Polygon) or not geom.is_valid:
            geom = original
        out.append(geom)
    return out
