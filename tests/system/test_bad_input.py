"""Bad input through the whole stack: a clear 4xx, never a 500, no internals in the body."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.system

GETMAP = {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": "dzialki",
          "STYLES": "", "CRS": "EPSG:2180", "BBOX": "410000,507000,411000,508000",
          "WIDTH": "256", "HEIGHT": "256", "FORMAT": "image/png"}  # fmt: skip
LEAKS = ("Traceback", "/work/", "/usr/", "var/run", "MapServer version", "psycopg", "SELECT ")


@pytest.mark.parametrize(
    "change",
    [
        {"LAYERS": "no_such_layer"},
        {"BBOX": "411000,508000,410000,507000"},  # min > max
        {"BBOX": "410000,507000,410000,507000"},  # min = max
        {"CRS": "EPSG:99999"},
        {"WIDTH": "100000"},
        {"SLD_BODY": "<StyledLayerDescriptor/>"},
        {"map": "../../etc/passwd"},
    ],
)
def test_wms_getmap_bad_input(live_server, http, change):
    response = http.get(f"{live_server}/ows", params=GETMAP | change)
    assert response.status_code == 400
    assert "ExceptionReport" in response.text or "ServiceException" in response.text
    assert not any(leak in response.text for leak in LEAKS)


@pytest.mark.parametrize(
    "path, params, status",
    [
        ("/ogc/collections/no_such_layer/items", {}, 404),
        ("/ogc/collections/parcels/items", {"limit": "-1"}, 400),
        ("/ogc/collections/parcels/items", {"bbox": "19.2,51.6,19.1,51.5"}, 400),
        ("/ogc/collections/parcels/items", {"bbox": "19.1,51.5,19.1,51.5"}, 400),
        ("/ogc/collections/parcels/items", {"bbox-crs": "EPSG:99999", "bbox": "1,2,3,4"}, 400),
        ("/ogc/collections/parcels/items", {"crs": "EPSG:4326;DROP"}, 400),
        ("/ogc/collections/parcels/items/1abc", {}, 404),
        ("/ogc/collections/parcels/items/1;DROP TABLE x", {}, 404),
    ],
)
def test_ogcapi_bad_input(live_server, http, path, params, status):
    response = http.get(f"{live_server}{path}", params=params)
    assert response.status_code == status
    assert not any(leak in response.text for leak in LEAKS)


def test_ogcapi_bbox_in_epsg_2180_is_northing_first(live_server, http, database, known_parcel):
    from tests.system.expected import box_around, parcels_in_bbox_2180

    x_min, y_min, x_max, y_max = box_around(known_parcel.x, known_parcel.y, 150)
    response = http.get(f"{live_server}/ogc/collections/parcels/items", params={
        "bbox": f"{y_min},{x_min},{y_max},{x_max}", "limit": "1000", "f": "json",
        "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180"})  # fmt: skip
    assert response.status_code == 200
    found = {feature["properties"]["parcel_id"] for feature in response.json()["features"]}
    assert found == parcels_in_bbox_2180(database, (x_min, y_min, x_max, y_max))


def test_unknown_path_is_a_plain_404(live_server, http):
    response = http.get(f"{live_server}/static/..%2f..%2fetc/passwd")
    assert response.status_code == 404
    assert "root:" not in response.text


@pytest.mark.parametrize(
    "path, status",
    [
        ("/wmts/no_such_layer/GLOBAL_WEBMERCATOR/13/1/1.png", 400),
        ("/wmts/dzialki/GLOBAL_WEBMERCATOR/99/1/1.png", 400),
        ("/wmts?REQUEST=Bogus", 400),
        ("/tiles/no_such_layer/GLOBAL_WEBMERCATOR/1/1/1.png", 404),
        ("/tms/1.0.0/dzialki/PL1992/xx/1/1.png", 404),
        ("/tiles/..%2f..%2fetc/passwd", 404),
        ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=no_such_layer&STYLES="
         "&SRS=EPSG:2180&BBOX=500000,400000,501000,401000&WIDTH=10&HEIGHT=10"
         "&FORMAT=image/png", 400),
        ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=dzialki&STYLES="
         "&SRS=EPSG:2180&BBOX=500000,400000,501000,401000&WIDTH=100000&HEIGHT=10"
         "&FORMAT=image/png", 400),
        ("/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=dzialki"
         "&QUERY_LAYERS=dzialki&SRS=EPSG:2180&BBOX=500000,400000,501000,401000&WIDTH=10"
         "&HEIGHT=10&X=5&Y=5&STYLES=", 400),
    ],
)  # fmt: skip
def test_tile_services_bad_input(live_server, http, path, status):
    response = http.get(f"{live_server}{path}")
    assert response.status_code == status
    assert not any(leak in response.text for leak in LEAKS)
