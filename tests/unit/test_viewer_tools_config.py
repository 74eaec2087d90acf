"""The tools part of the viewer's configuration: the county's PL-2000 zone from the site
file, the two map projections and the scales of the picker."""

from __future__ import annotations

import pyproj
import pytest

from geoportal.instance import Instance
from geoportal.printing.layout import format_scale
from tests.texts import gettext_in
from web.viewer.toolsconfig import tools_config

SITE = Instance().site


@pytest.mark.parametrize(
    ("epsg", "zone", "meridian"), [(2176, 5, 15), (2177, 6, 18), (2178, 7, 21)]
)
def test_the_zone_is_the_sites_own(epsg: int, zone: int, meridian: int) -> None:
    site = SITE.model_copy(update={"crs": SITE.crs.model_copy(update={"local_zone": epsg})})
    systems = tools_config(site, gettext_in("pl", site), format_scale)["coordinate_systems"]
    assert [system["code"] for system in systems] == ["EPSG:2180", f"EPSG:{epsg}", "EPSG:4326"]
    assert systems[1]["label"] == f"PL-2000 strefa {zone} (EPSG:{epsg})"
    # the PROJ string handed to proj4js is the zone's: central meridian and false easting
    parts = dict(
        part.lstrip("+").split("=", 1) for part in systems[1]["proj4"].split() if "=" in part
    )
    assert float(parts["lon_0"]) == meridian and float(parts["x_0"]) == zone * 1_000_000 + 500_000
    english = tools_config(site, gettext_in("en", site), format_scale)["coordinate_systems"][1][
        "label"
    ]
    assert english == f"PL-2000 zone {zone} (EPSG:{epsg})"


def test_demo_county_uses_zone_6_which_holds_its_extent() -> None:
    systems = tools_config(SITE, gettext_in("pl", SITE), format_scale)["coordinate_systems"]
    x0, y0, x1, y1 = systems[1]["extent"]
    assert SITE.start is not None
    lon, lat = pyproj.Transformer.from_crs(2180, 4326, always_xy=True).transform(*SITE.start.center)
    east, north = pyproj.Transformer.from_crs(4326, 2177, always_xy=True).transform(lon, lat)
    assert x0 < east < x1 and y0 < north < y1


def test_projections_and_scales() -> None:
    config = tools_config(SITE, gettext_in("en", SITE), format_scale)
    assert [p["code"] for p in config["projections"]] == ["EPSG:2180", "EPSG:3857"]
    values = [scale["value"] for scale in config["scales"]]
    assert values[0] == 500 and values[-1] == 100_000 and values == sorted(values)
    assert config["scales"][-1]["label"] == "1:100 000"
