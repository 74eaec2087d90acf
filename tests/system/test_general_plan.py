"""The general plan's zones (plan ogólny, layer strefy_planistyczne) through every service
that publishes them: WMS in /ows/pog (a map pixel and GetFeatureInfo), WFS 2.0, OGC API
Features, the service list /services, the metadata records and the viewer's layer tree.

Expected zones come from plain SQL on ``data.general_plan_zone`` as the owner.
"""

from __future__ import annotations

import io
import json
import re
import subprocess

import pytest
from PIL import Image

pytestmark = pytest.mark.system

# the SC fill of layers/general_plan_zones/layer.yaml, #6d9eeb, at fill_opacity 55 on white
CEMETERY_ON_WHITE = tuple(round(0.55 * c + 0.45 * 255) for c in (0x6D, 0x9E, 0xEB))


@pytest.fixture(scope="module")
def cemetery(database, demo_loaded) -> tuple[str, float, float]:
    """The SC zone's marking and a point at least 36 m inside it (EPSG:2180, x/y)."""
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT oznaczenie, ST_X(p), ST_Y(p) FROM (SELECT oznaczenie,"
            " ST_PointOnSurface(ST_Buffer(geom, -36)) AS p FROM data.general_plan_zone"
            " WHERE symbol = 'SC' AND version_end IS NULL) z"
        ).fetchone()
    assert row is not None and row[1] is not None, "the demo general plan has no cemetery zone"
    return row[0], row[1], row[2]


def _zones_in(database, bbox: tuple[float, float, float, float]) -> set[str]:
    with database.connect("owner") as conn:
        rows = conn.execute(
            "SELECT oznaczenie FROM data.general_plan_zone WHERE version_end IS NULL"
            " AND object_end IS NULL AND ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s,"
            " 2180))", bbox).fetchall()  # fmt: skip
    return {row[0] for row in rows}


def test_wms_draws_the_cemetery_zone_in_its_legend_colour(live_server, http, cemetery):
    _, x, y = cemetery
    answer = http.get(f"{live_server}/ows/pog", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
        "LAYERS": "strefy_planistyczne", "STYLES": "", "CRS": "EPSG:2180",
        "BBOX": f"{y - 20.5},{x - 20.5},{y + 20.5},{x + 20.5}", "WIDTH": "41", "HEIGHT": "41",
        "FORMAT": "image/png", "TRANSPARENT": "FALSE"}, timeout=60)  # fmt: skip
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content)).convert("RGB")
    pixel = image.getpixel((3, 3))  # a corner: the zone's label sits in the middle
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, CEMETERY_ON_WHITE, strict=True)), pixel


def test_the_legend_names_every_zone_kind(live_server, http):
    answer = http.get(f"{live_server}/ows/pog", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
        "LAYER": "strefy_planistyczne", "FORMAT": "image/png", "SLD_VERSION": "1.1.0"},
        timeout=60)  # fmt: skip
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "image/png"
    legend = Image.open(io.BytesIO(answer.content))
    assert legend.height >= 13 * 15  # one row per zone kind (13 classes)


def test_getfeatureinfo_names_the_zone_kind_and_profile(live_server, http, cemetery):
    marking, x, y = cemetery
    answer = http.get(f"{live_server}/ows/pog", params={
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetFeatureInfo",
        "LAYERS": "strefy_planistyczne", "QUERY_LAYERS": "strefy_planistyczne", "STYLES": "",
        "SRS": "EPSG:2180", "BBOX": f"{x - 10.25},{y - 10.25},{x + 10.25},{y + 10.25}",
        "WIDTH": "41", "HEIGHT": "41", "X": "20", "Y": "20", "INFO_FORMAT": "text/plain",
        "FEATURE_COUNT": "1"}, timeout=60)  # fmt: skip
    assert answer.status_code == 200
    assert marking in answer.text and "strefa cmentarzy" in answer.text
    assert "teren cmentarza" in answer.text and "Plan ogólny gminy Buczek" in answer.text


def test_wfs_gives_the_zones_of_a_bbox_with_their_parameters(live_server, http, database,
                                                             cemetery):  # fmt: skip
    _, x, y = cemetery
    bbox = (x - 800, y - 800, x + 800, y + 800)
    expected = _zones_in(database, bbox)
    assert len(expected) >= 2
    answer = http.get(f"{live_server}/ows/pog", params={
        "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
        "TYPENAMES": "strefy_planistyczne", "OUTPUTFORMAT": "geojson", "SRSNAME": "EPSG:2180",
        "BBOX": f"{bbox[1]},{bbox[0]},{bbox[3]},{bbox[2]},urn:ogc:def:crs:EPSG::2180"},
        timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    features = answer.json()["features"]
    assert {f["properties"]["OZNACZENIE"] for f in features} == expected
    props = next(f["properties"] for f in features if f["properties"]["SYMBOL"] == "SC")
    assert props["NAZWA"] == "strefa cmentarzy" and props["PROFIL_PODSTAWOWY"] == "teren cmentarza"
    assert {"MAKS_INTENSYWNOSC", "MAKS_UDZIAL_ZABUDOWY", "MAKS_WYSOKOSC", "MIN_UDZIAL_PBC",
            "ID_PLANU", "UCHWALA"} <= set(props)  # fmt: skip


def test_ogcapi_items_of_a_bbox_and_one_item(live_server, http, database, cemetery):
    marking, x, y = cemetery
    bbox = (x - 800, y - 800, x + 800, y + 800)
    expected = _zones_in(database, bbox)
    answer = http.get(f"{live_server}/ogc/collections/general_plan_zones/items", params={
        "bbox": f"{bbox[1]},{bbox[0]},{bbox[3]},{bbox[2]}",
        "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2180", "limit": "1000", "f": "json"},
        timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    features = answer.json()["features"]
    assert {f["properties"]["oznaczenie"] for f in features} == expected
    sc = next(f for f in features if f["properties"]["oznaczenie"] == marking)
    one = http.get(f"{live_server}/ogc/collections/general_plan_zones/items/{sc['id']}",
                   params={"f": "json"}, timeout=60)  # fmt: skip
    assert one.status_code == 200
    props = one.json()["properties"]
    assert (props["symbol"], props["zone_name"]) == ("SC", "strefa cmentarzy")
    assert props["plan_title"] == "Plan ogólny gminy Buczek"
    assert float(props["max_height_m"]) == 9.0  # the SC height the demo plan sets


def test_the_service_list_and_the_metadata_name_the_general_plan(live_server, http):
    listing = http.get(f"{live_server}/services", params={"f": "json"}, timeout=30).json()
    pog = [e for e in listing if e["url"].endswith("/ows/pog")]
    assert {e["protocol"] for e in pog} == {"WMS", "WFS"}
    assert all(e["layers"] == ["strefy_planistyczne"] for e in pog)
    features = next(e for e in listing if e["protocol"] == "OGC API – Features")
    assert "general_plan_zones" in features["layers"]
    page = http.get(f"{live_server}/services", timeout=30)
    assert page.status_code == 200 and "/ows/pog" in page.text
    record = http.get(f"{live_server}/ogc/collections/metadane/items/dataset-general_plan_zones",
                      params={"f": "json"}, timeout=30)  # fmt: skip
    assert record.status_code == 200
    assert record.json()["properties"]["title"] == "Plan ogólny gminy – strefy planistyczne"


def test_the_viewer_tree_holds_the_layer_under_planning(live_server, http):
    answer = http.get(f"{live_server}/", timeout=30)
    assert answer.status_code == 200
    config = json.loads(re.search(r'<script type="application/json" id="viewer-config">'
                                  r"(.*?)</script>", answer.text, re.S).group(1))  # fmt: skip
    tree = {theme["id"]: theme["layers"] for theme in config["themes"]}
    # drawn under the local plans: a local plan, where one exists, is what applies
    assert tree["planowanie"] == ["plan_zones", "general_plan_zones"]
    assert "Plan ogólny gminy – strefy planistyczne" in answer.text


HALF_WORLD = 20037508.342789244


def test_a_vector_tile_holds_the_zones_it_touches(live_server, http, database, cemetery,
                                                  tmp_path):  # fmt: skip
    _, x, y = cemetery
    zoom = 14
    width = 2 * HALF_WORLD / 2**zoom
    with database.connect("owner") as conn:
        mx, my = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_Point(%s, %s), 2180), 3857) p",
            (x, y)).fetchone()  # fmt: skip
        column, row = int((mx + HALF_WORLD) // width), int((HALF_WORLD - my) // width)
        west, north = -HALF_WORLD + column * width, HALF_WORLD - row * width
        inside = {r[0] for r in conn.execute(
            "SELECT oznaczenie FROM publish.general_plan_zones WHERE ST_Area(ST_Intersection("
            "ST_Transform(geom, 3857), ST_MakeEnvelope(%s, %s, %s, %s, 3857))) > 1",
            (west, north - width, west + width, north))}  # fmt: skip
    answer = http.get(f"{live_server}/ogc/collections/general_plan_zones/tiles/WebMercatorQuad/"
                      f"{zoom}/{row}/{column}", timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    tile = tmp_path / "tile.pbf"
    tile.write_bytes(answer.content)
    done = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(tile), "-oo", f"Z={zoom}",
         "-oo", f"X={column}", "-oo", f"Y={row}"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    found = {f["properties"]["oznaczenie"] for f in json.loads(done.stdout)["features"]}
    assert inside and inside <= found


def test_a_parcel_card_lists_the_general_plan_zones_covering_it(live_server, http, database):
    with database.connect("owner") as conn:
        parcel_id, covering = conn.execute(
            "SELECT p.parcel_id, array_agg(z.oznaczenie || '|' || round((100 * ST_Area("
            "ST_Intersection(z.geom, p.geom)) / ST_Area(p.geom))::numeric, 1) ORDER BY z.gid)"
            " FROM data.parcel p JOIN data.general_plan_zone z ON ST_Intersects(z.geom, p.geom)"
            " AND z.version_end IS NULL WHERE p.version_end IS NULL AND p.parcel_id LIKE"
            " '100301_2.%%' GROUP BY p.parcel_id HAVING count(*) >= 2"
            " ORDER BY p.parcel_id LIMIT 1"
        ).fetchone()
        outside = conn.execute(
            "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL"
            " AND parcel_id LIKE '100302_4.%' ORDER BY parcel_id LIMIT 1"
        ).fetchone()[0]
    page = http.get(f"{live_server}/dzialka/{parcel_id}", timeout=30).text
    section = page[page.index('id="card-general-plans"') :]
    for entry in covering:
        marking, share = entry.split("|")
        if float(share) >= 0.05:
            assert f"{marking}</th>" in section and share.replace(".", ",") + " %" in section
    assert "Plan ogólny gminy Buczek" in section
    english = http.get(f"{live_server}/dzialka/{parcel_id}", params={"lang": "en"}, timeout=30)
    assert "General plan of the gmina" in english.text
    town = http.get(f"{live_server}/dzialka/{outside}", timeout=30).text
    assert "Działki nie obejmuje plan ogólny w danych geoportalu." in town


def test_gdal_reads_the_zones_with_their_declared_types(live_server, database, tmp_path):
    """``ogr2ogr`` with default options, through WFS 2.0 and through OGC API: every zone,
    markings as text, the parameters as reals, the date as each protocol declares it."""
    with database.connect("owner") as conn:
        expected = {r[0] for r in conn.execute(
            "SELECT oznaczenie FROM data.general_plan_zone WHERE version_end IS NULL")}  # fmt: skip
    for source, layer, marking, height, since, date_type in (
        (f"WFS:{live_server}/ows/pog?VERSION=2.0.0", "strefy_planistyczne", "OZNACZENIE",
         "MAKS_WYSOKOSC", "OBOWIAZUJE_OD", "String"),  # as the parcels' DATA in WFS
        (f"OAPIF:{live_server}/ogc", "general_plan_zones", "oznaczenie", "max_height_m",
         "valid_from", "Date"),
    ):  # fmt: skip
        target = tmp_path / f"{layer}.gpkg"
        subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), source, layer],
                       capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
        info = subprocess.run(["ogrinfo", "-so", "-al", str(target)], capture_output=True,
                              text=True, timeout=60, check=True).stdout  # fmt: skip
        fields = dict(re.findall(r"^(\w+): (\w+) \(", info, re.MULTILINE))
        assert fields[marking] == "String" and fields[height] == "Real", (layer, fields)
        assert fields[since] == date_type, (layer, fields)
        assert f"Feature Count: {len(expected)}" in info, layer
        rows = subprocess.run(["ogrinfo", "-q", "-al", "-geom=NO", str(target)],
                              capture_output=True, text=True, timeout=60,
                              check=True).stdout  # fmt: skip
        found = set(re.findall(rf"^  {marking} \(String\) = (.+)$", rows, re.MULTILINE))
        assert found == expected, layer
