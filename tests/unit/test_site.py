"""The site file: one county's identity, validated in stages with the field named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geoportal.settings import PROJECT_ROOT
from geoportal.site import SiteError, load_site

COMMITTED = PROJECT_ROOT / "site.yaml"


def _variant(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "site.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_the_committed_site_is_the_demo_county():
    site = load_site(COMMITTED)
    assert site.county.teryt == "1003" and site.demo
    assert site.label("pl") == "Powiat łaski (dane demonstracyjne)"
    assert site.label("en") == "Łask County (demo data)"
    west, south, east, north = site.lonlat_extent
    assert 18.8 < west < east < 19.5 and 51.3 < south < north < 51.9
    minx, miny, maxx, maxy = site.extent
    sx0, sy0, sx1, sy1 = site.seed_area
    assert minx <= sx0 < sx1 <= maxx and miny <= sy0 < sy1 <= maxy
    assert site.tiles.seed["dzialki"] == {"PL1992": (8, 10), "GLOBAL_WEBMERCATOR": (14, 15)}


def _set(path: str, value):
    def change(raw):
        keys = path.split(".")
        target = raw
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("county.teryt", "103"), "county.teryt: TERYT code '103' must be four digits"),
        (_set("county.teryt", "0303"), "03 is not a voivodeship code"),
        (_set("extent", [100, 100, 200, 200]), "extent [100.0, 100.0, 200.0, 200.0] is not inside"),
        (_set("extent", [524000, 396000, 494000, 431000]), "min < max"),
        (_set("tiles.seed_area", [400000, 396000, 522800, 430100]), "is not inside the extent"),
        (_set("crs.storage", 2177), "storage CRS must be EPSG:2180"),
        (_set("crs.local_zone", 3857), "EPSG:3857 is not a PL-2000 zone"),
        (_set("contact.email", "nobody"), "contact.email: 'nobody' is not a valid e-mail"),
        (_set("organ.address.postcode", "98100"), "postcode (NN-NNN)"),
        (_set("languages", ["en", "pl"]), "languages must start with pl"),
        (_set("example_parcel", "102001_1.0001.1"), "is not in the county 1003"),
        (_set("example_parcel", "100301_2.0000.1"), "obręb number 0000"),
        (_set("county.motto", "x"), "county.motto: Extra inputs are not permitted"),
        (_set("start", {"center": [100, 100]}), "start.center [100.0, 100.0"),
        (_set("start", {"center": [509000, 413500], "scale": 5}), "start.scale"),
        (_set("tiles.seed", {"dzialki": {"PL1992": [10, 8]}}), "levels [10, 8] must be"),
        (_set("tiles.seed", {"dzialki": {"PL1992": [0, 25]}}), "<= 19"),
    ],
)
def test_a_wrong_field_is_named(tmp_path, change, message):
    with pytest.raises(SiteError) as refused:
        load_site(_variant(tmp_path, change))
    assert message in str(refused.value) and "site.yaml" in str(refused.value)


def test_syntax_and_missing_file_are_clear(tmp_path):
    broken = tmp_path / "site.yaml"
    broken.write_text("county: [unclosed\n", encoding="utf-8")
    with pytest.raises(SiteError, match="not valid YAML"):
        load_site(broken)
    with pytest.raises(SiteError, match="cannot read the site file"):
        load_site(tmp_path / "absent.yaml")
    broken.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(SiteError, match="must be a mapping"):
        load_site(broken)
