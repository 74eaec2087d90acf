"""CRS facts and the database object's connection parameters (no server needed)."""

from __future__ import annotations

import pytest

from geoportal.crs import (
    CRS84_URI,
    epsg_uri,
    lonlat_bounds,
    northing_first,
    parse_crs_name,
    proj4,
    projected_area_of_use,
)
from geoportal.database import ROLE_KEYS, Database
from geoportal.settings import Settings


@pytest.mark.parametrize(
    ("text", "epsg", "form", "northing"),
    [
        ("urn:ogc:def:crs:EPSG::2180", 2180, "authority", True),
        ("urn:x-ogc:def:crs:EPSG:6.9:2177", 2177, "authority", True),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, "authority", True),
        ("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, "authority", False),
        ("EPSG:2180", 2180, "legacy", False),
        ("[EPSG:2178]", 2178, "legacy", False),
        ("http://www.opengis.net/gml/srs/epsg.xml#2180", 2180, "legacy", False),
        (CRS84_URI, 4326, "crs84", False),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326, "crs84", False),
        ("EPSG:4326;DROP", None, "unknown", False),
        ("", None, "unknown", False),
        (None, None, "unknown", False),
    ],
)
def test_crs_names_in_every_form(text, epsg, form, northing):
    name = parse_crs_name(text)
    assert (name.epsg, name.form, name.northing_first) == (epsg, form, northing)


def test_axis_order_and_helpers():
    assert all(northing_first(code) for code in (2176, 2177, 2178, 2179, 2180, 4326))
    assert not northing_first(3857)
    assert epsg_uri(2180) == "http://www.opengis.net/def/crs/EPSG/0/2180"
    assert "+lon_0=19 +k=0.9993" in proj4(2180) and "+type=crs" not in proj4(2180)
    x0, y0, x1, y1 = projected_area_of_use(2180)
    assert x0 < 200_000 < 800_000 < x1 and y0 < 200_000 < 800_000 < y1
    west, south, east, north = lonlat_bounds((494000, 396000, 524000, 431000))
    assert 18.9 < west < 19.0 and 19.3 < east < 19.4 and 51.4 < south < north < 51.8


def test_embedded_roles_connect_over_the_private_socket(tmp_path):
    database = Database(Settings(var_dir=tmp_path, pg_port=5999, statement_timeout_ms=1234))
    params = database.params("public")
    assert params["user"] == "geoportal_public" and params["port"] == "5999"
    assert params["host"] == str(database.cluster.socket_dir)
    assert "statement_timeout=1234" in params["options"] and params["connect_timeout"] == "3"
    text = database.service_file_text()
    for key in ROLE_KEYS:
        assert f"[{database.role(key)}]" in text
    assert not list(tmp_path.iterdir())  # describing connections creates nothing


def test_only_the_owner_takes_the_password_of_an_external_url():
    url = "postgresql://geoportal_owner:s%40cret@db.example:6432/county"
    database = Database(Settings(database_url=url))
    owner, public = database.params("owner"), database.params("public")
    assert (owner["host"], owner["port"], owner["dbname"]) == ("db.example", "6432", "county")
    assert owner["password"] == "s@cret" and "password" not in public
    with pytest.raises(ValueError, match="unknown role"):
        database.params("superuser")
