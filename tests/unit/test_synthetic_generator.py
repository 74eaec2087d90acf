"""The synthetic demo county: deterministic, shaped like powiat łaski, parcels partition obręby."""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest
import shapely

from etl.synthetic import generate_demo_county
from etl.synthetic.content import obreb_content
from etl.synthetic.geo import lonlat_to_2180
from etl.synthetic.ids import kw_number, pesel_valid, regon9
from etl.synthetic.layout import build_layout
from etl.synthetic.owners import build_pool
from etl.synthetic.parcels import layout_parcels
from etl.synthetic.samples import sample_county

STRICT_PARCEL_ID = re.compile(
    r"^(\d{2})(\d{2})(\d{2})_([1-589])\.(\d{4})(?:\.AR_(\d+))?\.(\d+(?:/\d+)?)$"
)
SMALL = 400


@pytest.fixture(scope="module")
def small():
    return sample_county(SMALL)


@pytest.fixture(scope="module")
def layout_10k():
    return build_layout(1003, 10_000)


def test_same_seed_gives_byte_identical_files(small, tmp_path):
    folder, files = small
    again = generate_demo_county(tmp_path, parcels=SMALL, seed=1003)
    assert [p.relative_to(tmp_path) for p in again] == [p.relative_to(folder) for p in files]
    for first, second in zip(files, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_another_seed_gives_another_county():
    a, b = build_layout(1003, 2000), build_layout(7, 2000)
    assert not a.outline.equals(b.outline)
    assert len(a.obreby()) > 6


def test_county_shape_and_location(layout_10k):
    layout = layout_10k
    assert layout.outline.area / 1e6 == pytest.approx(619.0, rel=0.005)
    cx, cy = lonlat_to_2180(19.13, 51.59)
    centroid = layout.outline.centroid
    assert abs(centroid.x - cx) < 5000 and abs(centroid.y - cy) < 5000
    assert layout.outline.convex_hull.area > layout.outline.area * 1.01  # not convex
    units = {u.spec.unit_id: u.geom for u in layout.units}
    union = shapely.union_all(list(units.values()))
    assert union.area == pytest.approx(layout.outline.area, rel=1e-6)
    assert sum(g.area for g in units.values()) == pytest.approx(union.area, rel=1e-6)
    assert units["100302_4"].area / 1e6 == pytest.approx(15.3, rel=0.05)
    lask = shapely.union(units["100302_4"], units["100302_5"])
    assert lask.buffer(1).contains(units["100302_4"])
    y = {k: g.centroid.y for k, g in units.items()}
    x = {k: g.centroid.x for k, g in units.items()}
    assert y["100305_2"] > y["100302_4"] > y["100304_2"]  # Wodzierady N, Widawa S
    assert x["100303_2"] > x["100302_4"] > x["100301_2"]  # Sędziejowice E, Buczek W
    assert units["100304_2"].area == max(units[k].area for k in units if k != "100302_5")


def test_obreby_partition_units_with_real_looking_counts(layout_10k):
    for unit in layout_10k.units:
        obreby = [o.geom for o in unit.obreby]
        assert shapely.union_all(obreby).area == pytest.approx(unit.geom.area, rel=1e-6)
        assert sum(g.area for g in obreby) == pytest.approx(unit.geom.area, rel=1e-6)
        low, high = (3, 6) if unit.spec.unit_id == "100302_4" else (8, 27)
        assert low <= len(unit.obreby) <= high, unit.spec.unit_id
        for obreb in unit.obreby:
            assert re.fullmatch(rf"{unit.spec.unit_id}\.\d{{4}}", obreb.obreb_id)


def _check_partition(obreb, pieces):
    geoms = np.array([p.geom for p in pieces])
    assert all(shapely.is_valid(geoms))
    area = obreb.geom.area
    union = shapely.union_all(geoms, grid_size=0.01).area
    assert union == pytest.approx(area, rel=1e-6, abs=10.0)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pairs]], geoms[right[pairs]])).sum()
    assert overlap < max(5.0, area * 1e-6)  # only centimetre-grid hairlines


def test_parcels_partition_each_obreb_of_the_small_county():
    layout = build_layout(1003, SMALL)
    total, divided = 0, 0
    for obreb in layout.obreby():
        pieces = layout_parcels(obreb, 1003).pieces
        _check_partition(obreb, pieces)
        ids = [f"{obreb.obreb_id}.{p.number}" for p in pieces]
        assert len(set(ids)) == len(ids)
        assert all(STRICT_PARCEL_ID.match(i) for i in ids)
        total += len(pieces)
        divided += sum("/" in p.number for p in pieces)
    assert total == pytest.approx(SMALL, rel=0.15)
    assert divided > 0


def test_default_size_obreby_are_strips_and_lots_with_divisions(layout_10k):
    picks = [o for o in layout_10k.obreby() if o.obreb_id in ("100304_2.0005", "100302_4.0001")]
    for obreb in picks:
        pieces = layout_parcels(obreb, 1003).pieces
        _check_partition(obreb, pieces)
        assert len(pieces) == pytest.approx(obreb.target, rel=0.12)
        fields = [p for p in pieces if p.road is None]
        share = sum("/" in p.number for p in fields) / len(fields)
        assert 0.05 < share < 0.3
        # not a grid: strip widths vary and strips are elongated in the countryside
        rects = shapely.minimum_rotated_rectangle(np.array([p.geom for p in fields]))
        sides = np.array([sorted(np.hypot(*np.diff(np.asarray(r.exterior.coords)[:3], axis=0).T))
                          for r in rects])  # fmt: skip
        assert np.std(sides[:, 0]) / np.mean(sides[:, 0]) > 0.2
        if not obreb.town:
            assert np.median(sides[:, 1] / sides[:, 0]) > 4


def test_legal_areas_land_uses_shares_and_numbers():
    layout = build_layout(1003, SMALL)
    pool = build_pool(1003, SMALL)
    content = obreb_content(layout.units[2].obreby[0], 1003, pool)
    deviations = []
    for p in content.parcels:
        legal = float(p.area_ha)
        deviations.append(legal / (p.geom.area / 1e4) - 1)
        assert sum(round(float(k[3]) * 1e4) for k in p.klasouzytki) == round(legal * 1e4)
        assert p.precision in (1, 2)
        if p.kw:
            court, number, check = p.kw.split("/")
            assert court == "SR1L" and kw_number(court, int(number)) == p.kw
    deviations = np.abs(deviations)
    assert deviations.max() < 0.025 and (deviations > 0.003).any()
    for jrg in content.jrgs:
        for kind in ("ownership", "holding"):
            fractions = [s.fraction for s in jrg.shares if s.kind == kind]
            assert not fractions or sum(fractions, Fraction(0)) == 1
    assert {j.group for j in content.jrgs} & {7}
    assert all(re.fullmatch(r"\d{6}_\d\.\d{4}\.G\d+", j.jrg_id) for j in content.jrgs)


def test_subjects_are_fictional_but_checksum_valid():
    pool = build_pool(1003, SMALL)
    assert all(pesel_valid(p.pesel) and p.pesel[6] == "9" for p in pool.persons)
    regons = [s.regon for s in pool.others if s.kind == "institution"]
    assert regons and all(regon9(int(r[:8])) == r for r in regons)
    marriages = [s for s in pool.others if s.kind == "marriage"]
    assert marriages and all(len(m.members) == 2 for m in marriages)
