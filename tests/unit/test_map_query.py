"""Reading OGC API – Maps parameters (services/pygeoapi/mapquery.py), without a server.

Random combinations of the parameters, valid and absurd, must each end as a map with a
finite area and pixels within the limits, or as a 400/404 refusal: never another
exception (the guard would answer it 500). A centre at the pole did (division by zero).
"""

from __future__ import annotations

import math
import random
from urllib.parse import urlencode

import pytest

from services.edge.failures import Failure, Refusal
from services.providers.bbox import Envelope
from services.providers.crs import served_crs, storage_uri
from services.pygeoapi.mapquery import MAX_SIDE, read_map_query

COUNTY = (490_000.0, 400_000.0, 530_000.0, 440_000.0)  # EPSG:2180, easting first
NUMBERS = ["0", "-1", "1", "19.1", "51.6", "90", "-90", "180", "-180", "1e9", "1e-9", "416000",
           "509000", "nan", "inf", "-inf", "1e308", "", "5e-324", "89.9999999"]  # fmt: skip
CRSS = ["EPSG:2180", "EPSG:3857", "EPSG:4326", "OGC:CRS84", "EPSG:99999", "x"]


def _extent() -> Envelope:
    crs = served_crs(storage_uri())
    assert crs is not None
    return Envelope(*COUNTY, crs)


def _random_query(rnd: random.Random) -> str:
    def num() -> str:
        return rnd.choice(NUMBERS)

    makers = {
        "bbox": lambda: ",".join(num() for _ in range(rnd.choice([3, 4, 4, 6]))),
        "bbox-crs": lambda: rnd.choice(CRSS),
        "crs": lambda: rnd.choice(CRSS),
        "subset": lambda: ",".join(f"{rnd.choice(['Lat', 'Lon', 'E', 'N', 'x'])}({num()}:{num()})"
                                   for _ in range(rnd.choice([1, 2]))),
        "subset-crs": lambda: rnd.choice(CRSS),
        "center": lambda: f"{num()},{num()}",
        "center-crs": lambda: rnd.choice(CRSS),
        "scale-denominator": num,
        "mm-per-pixel": lambda: rnd.choice([*NUMBERS, "0.28", "0.1", "0.085", "0.352"]),
        "width": lambda: rnd.choice(["1", "100", "4096", "4097", "0", "2.5"]),
        "height": lambda: rnd.choice(["1", "100", "4096", "4097"]),
        "f": lambda: rnd.choice(["png", "jpeg", "gif"]),
        "transparent": lambda: rnd.choice(["true", "false"]),
    }  # fmt: skip
    names = rnd.sample(sorted(makers), rnd.randint(1, 5))
    return urlencode({name: makers[name]() for name in names})


@pytest.mark.parametrize("seed", range(3))
def test_any_parameters_give_a_map_or_a_refusal(seed):
    rnd, extent = random.Random(seed), _extent()
    drawn = refused = 0
    for _ in range(2000):
        query = _random_query(rnd)
        try:
            answer = read_map_query(query, extent)
        except Refusal as refusal:
            assert refusal.failure in (Failure.BAD_PARAMETER, Failure.NOT_FOUND), query
            refused += 1
            continue
        west, south, east, north = answer.bbox
        assert all(map(math.isfinite, answer.bbox)) and west < east and south < north, query
        assert 1 <= answer.width <= MAX_SIDE and 1 <= answer.height <= MAX_SIDE, query
        drawn += 1
    assert drawn > 200 and refused > 200  # both kinds were really exercised


@pytest.mark.parametrize("center", ["180,-90", "0,90", "19.1,90"])
def test_a_centre_at_the_pole_is_refused(center):
    with pytest.raises(Refusal) as caught:
        read_map_query(f"crs=OGC:CRS84&center={center}&scale-denominator=1000", _extent())
    assert caught.value.failure is Failure.BAD_PARAMETER


def test_a_scale_sets_pixels_from_the_ground():
    """/req/scaling/scale-denominator-definition C: 1 km of the ground at 1:10 000 is
    1000 / (0.28 mm x 10 000) = 357 pixels, whatever the CRS's units. The kilometre is
    measured here with PROJ's geodesic (pyproj.Geod), not with the code under test."""
    import pyproj

    lon, lat = 19.1, 51.6
    east_lon = pyproj.Geod(ellps="WGS84").fwd(lon, lat, 90, 1000.0)[0]
    query = f"bbox={lon},{lat},{east_lon},{lat + 0.001}&crs=EPSG:3857&scale-denominator=10000"
    answer = read_map_query(query, _extent())
    assert abs(answer.width - 1000 / 2.8) <= 1, answer.width


def test_a_longitude_subset_across_the_antimeridian():
    """/req/spatial-subsetting/subset-definition E (low > high on a wrapping axis): the
    side where the map's CRS is valid is drawn (EPSG:2180 lies between 14° and 24.2° E);
    where both sides are valid (a CRS84 map) no single map holds them: a 400."""
    extent = _extent()
    across = read_map_query("subset=Lon(30:20)", extent)
    assert across.bbox == read_map_query("subset=Lon(-180:20)", extent).bbox
    with pytest.raises(Refusal) as caught:
        read_map_query("subset=Lon(170:-170)", extent)  # neither side is in EPSG:2180
    assert caught.value.failure is Failure.NOT_FOUND
    with pytest.raises(Refusal) as caught:
        read_map_query("subset=Lon(170:-170)&crs=OGC:CRS84", extent)
    assert caught.value.failure is Failure.BAD_PARAMETER


def test_mm_per_pixel_sets_pixels_from_the_ground():
    """/req/display-resolution/map-success A: the same kilometre at 1:10 000 on 0.1 mm
    pixels is 1000 / (0.1 mm x 10 000) = 1000 pixels (357 at the default 0.28 mm)."""
    bbox = "bbox=500000,410000,500100,411000&bbox-crs=EPSG:2180&crs=EPSG:2180"  # N first
    answer = read_map_query(f"{bbox}&scale-denominator=10000&mm-per-pixel=0.1", _extent())
    assert answer.mm_per_pixel == 0.1
    assert abs(answer.width - 1000) <= 2 and abs(answer.height - 100) <= 1, answer  # k 0.9994
    default = read_map_query(f"{bbox}&scale-denominator=10000", _extent())
    assert default.mm_per_pixel == 0.28 and abs(default.width - 1000 / 2.8) <= 1


@pytest.mark.parametrize(
    "value", ["0", "-0.28", "nan", "inf", "-inf", "", "abc", "1e-9", "0.084", "0.353", "1e9",
              "0x1", "0.28 mm"],
)  # fmt: skip
def test_mm_per_pixel_that_is_no_display_is_refused(value):
    """/req/display-resolution/mm-per-pixel-definition C (not a positive number) and the
    pixel sizes the renderer draws (72-300 dpi): a 400 naming the parameter."""
    with pytest.raises(Refusal) as caught:
        read_map_query(f"mm-per-pixel={value}", _extent())
    assert caught.value.failure is Failure.BAD_PARAMETER
    assert "mm-per-pixel" in caught.value.message.en
