"""No subject (owner) data is reachable anonymously through any public path.

The names and PESEL numbers of the loaded subjects are read straight from the database as
the owner role, then every anonymous path is asked for everything it will give; none of
those strings may appear in any answer.
"""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.system


CSW = {"service": "CSW", "version": "2.0.2", "request": "GetCapabilities"}
ULDK_FIELDS = (
    "geom_wkt,teryt,id,voivodeship,county,commune,region,parcel,datasource,function,status"
)


def _assert_clean(body: str, secrets: list[str], where: str) -> None:
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{where} leaked personal data: {leaked[:3]}"


def _endpoints(instance, service: str) -> list[tuple[str, list]]:
    """``/ows`` and every thematic endpoint, with the layers each serves by ``service``."""
    served = [("/ows", instance.catalog.layers)]
    served += [(f"/ows/{pub.key}", pub.layers) for pub in instance.publications]
    chosen = [(path, [layer for layer in layers if getattr(layer.services, service)])
              for path, layers in served]  # fmt: skip
    return [(path, layers) for path, layers in chosen if layers]  # raster-only: no features


def test_wfs_features_carry_no_personal_data(live_server, http, instance, secrets):
    for path, layers in _endpoints(instance, "wfs"):
        for layer in layers:
            response = http.get(f"{live_server}{path}", params={
                "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature",
                "TYPENAMES": layer.wms_name, "COUNT": "100000"})  # fmt: skip
            assert response.status_code == 200, (path, layer.wms_name)
            _assert_clean(response.text, secrets, f"WFS {path} {layer.wms_name}")


def test_ogcapi_items_carry_no_personal_data(live_server, http, catalog, secrets):
    for layer in catalog.for_service("ogcapi"):
        response = http.get(f"{live_server}/ogc/collections/{layer.id}/items",
                            params={"f": "json", "limit": "10000"})  # fmt: skip
        assert response.status_code == 200, layer.id
        _assert_clean(response.text, secrets, f"OGC API {layer.id}")


def test_vector_tiles_carry_no_personal_data(live_server, http, catalog, known_parcel, secrets):
    """MVT stores property values as plain UTF-8 strings: a leak would be in the bytes."""
    zoom, n = 16, 2**16
    column = int((known_parcel.lon + 180) / 360 * n)
    lat = math.radians(known_parcel.lat)
    row = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)
    tiled = [layer for layer in catalog.for_service("ogcapi") if layer.services.tiles]
    assert tiled
    for layer in tiled:
        url = (
            f"{live_server}/ogc/collections/{layer.id}/tiles/WebMercatorQuad/{zoom}/{row}/{column}"
        )
        response = http.get(url, timeout=30)
        assert response.status_code in (200, 204), (layer.id, response.status_code)
        _assert_clean(response.content.decode("utf-8", "replace"), secrets, f"MVT {layer.id}")


def test_getfeatureinfo_carries_no_personal_data(
    live_server, http, instance, known_parcel, secrets
):
    x, y = known_parcel.x, known_parcel.y
    for path, served in _endpoints(instance, "wms"):
        layers = ",".join(layer.wms_name for layer in served)
        for info_format in ("text/plain", "application/vnd.ogc.gml"):
            response = http.get(f"{live_server}{path}", params={
                "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetFeatureInfo",
                "LAYERS": layers, "QUERY_LAYERS": layers, "STYLES": "", "CRS": "EPSG:2180",
                "BBOX": f"{y - 500},{x - 500},{y + 500},{x + 500}", "WIDTH": "101",
                "HEIGHT": "101", "I": "50", "J": "50", "INFO_FORMAT": info_format,
                "FEATURE_COUNT": "50"})  # fmt: skip
            assert response.status_code == 200, path
            _assert_clean(response.text, secrets, f"GetFeatureInfo {path} {info_format}")


@pytest.mark.parametrize(
    "name", ["subject", "subjects", "data.subject", "share", "publish.subject"]
)
def test_subject_tables_are_not_services(live_server, http, name):
    wfs = http.get(
        f"{live_server}/ows",
        params={"SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "GetFeature", "TYPENAMES": name},
    )
    assert wfs.status_code == 400
    wms = http.get(f"{live_server}/ows", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap", "LAYERS": name, "STYLES": "",
        "CRS": "EPSG:2180", "BBOX": "400000,500000,401000,501000", "WIDTH": "10", "HEIGHT": "10",
        "FORMAT": "image/png"})  # fmt: skip
    assert wms.status_code == 400
    assert http.get(f"{live_server}/ogc/collections/{name}/items").status_code == 404
    assert http.get(f"{live_server}/ogc/collections/{name}/map").status_code == 404


def test_metadata_and_tile_services_carry_no_personal_data(
    live_server, http, known_parcel, secrets
):
    x, y = known_parcel.x, known_parcel.y
    mapproxy_info = {"SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetFeatureInfo",
                     "LAYERS": "dzialki", "QUERY_LAYERS": "dzialki", "SRS": "EPSG:2180",
                     "BBOX": f"{x - 50},{y - 50},{x + 50},{y + 50}", "WIDTH": "101",
                     "HEIGHT": "101", "X": "50", "Y": "50", "STYLES": ""}  # fmt: skip
    answers = {
        "WFS DescribeFeatureType": http.get(f"{live_server}/ows", params={
            "SERVICE": "WFS", "VERSION": "2.0.0", "REQUEST": "DescribeFeatureType"}),
        "WMS capabilities": http.get(f"{live_server}/ows", params={
            "SERVICE": "WMS", "REQUEST": "GetCapabilities"}),
        "OGC API collections": http.get(f"{live_server}/ogc/collections", params={"f": "json"}),
        "OGC API landing page": http.get(f"{live_server}/ogc", params={"f": "json"}),
        "OGC API queryables": http.get(f"{live_server}/ogc/collections/parcels/queryables",
                                       params={"f": "json"}),
        "OGC API OpenAPI": http.get(f"{live_server}/ogc/openapi", params={"f": "json"}),
        "WMTS capabilities": http.get(f"{live_server}/wmts/1.0.0/WMTSCapabilities.xml"),
        "MapProxy WMS GetFeatureInfo": http.get(f"{live_server}/wms", params=mapproxy_info),
        "TMS": http.get(f"{live_server}/tms/1.0.0/"),
        "OGC API Records": http.get(f"{live_server}/ogc/collections/metadane/items",
                                    params={"f": "json", "limit": "500"}),
        "services list": http.get(f"{live_server}/services", params={"f": "json"}),
        "CSW capabilities": http.get(f"{live_server}/csw", params=CSW),
        "CSW records": http.get(f"{live_server}/csw", params=CSW | {
            "request": "GetRecords", "typenames": "csw:Record", "elementsetname": "full",
            "resulttype": "results", "maxrecords": "100"}),
        "CSW ISO records": http.get(f"{live_server}/csw", params=CSW | {
            "request": "GetRecords", "typenames": "gmd:MD_Metadata", "elementsetname": "full",
            "resulttype": "results", "maxrecords": "100",
            "outputschema": "http://www.isotc211.org/2005/gmd"}),
        "OGC API map description": http.get(f"{live_server}/ogc/collections/parcels",
                                            params={"f": "json"}),
        "parcel report": http.post(
            f"{live_server}/ogc/processes/raport-dzialki/execution",
            json={"inputs": {"parcel_ids": [known_parcel.parcel_id]}}),
        "plan coverage": http.post(
            f"{live_server}/ogc/processes/pokrycie-planem/execution",
            json={"inputs": {"parcel_ids": [known_parcel.parcel_id]}}),
        "ULDK parcel by point": http.get(f"{live_server}/uldk", params={
            "request": "GetParcelByXY", "xy": f"{x},{y}", "result": ULDK_FIELDS}),
        "ULDK building by point": http.get(f"{live_server}/uldk", params={
            "request": "GetBuildingByXY", "xy": f"{x},{y}", "result": ULDK_FIELDS}),
        "ULDK region": http.get(f"{live_server}/uldk", params={
            "request": "GetRegionByXY", "xy": f"{x},{y}", "result": ULDK_FIELDS}),
        "ULDK county": http.get(f"{live_server}/uldk", params={
            "request": "GetCountyById", "id": "1003", "result": ULDK_FIELDS}),
        "report form with its map": http.get(f"{live_server}/e-uslugi/map_incident",
                                             params={"x": f"{x:.2f}", "y": f"{y:.2f}"}),
    }  # fmt: skip
    for where, response in answers.items():
        assert response.status_code < 500, where
        _assert_clean(response.text, secrets, where)
        for column in ("pesel", "surname", "first_name", "subject_local_id", "regon"):
            assert column not in response.text.lower(), f"{where} names {column}"


def test_uldk_answers_carry_no_personal_data(live_server, http, database, secrets):
    """Parcels and buildings of the owners whose names are in ``secrets``, by id, every field."""
    with database.connect("owner") as conn:
        parcels = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT p.parcel_id FROM data.parcel p JOIN data.share s"
                " ON s.registration_unit_id = p.registration_unit_id WHERE p.version_end IS NULL"
                " ORDER BY 1 LIMIT 60"
            ).fetchall()
        ]
        buildings = [row[0] for row in conn.execute(
            "SELECT building_id FROM data.building WHERE version_end IS NULL"
            " ORDER BY 1 LIMIT 20").fetchall()]  # fmt: skip
    assert len(parcels) >= 20 and buildings
    requests = [("GetParcelById", parcel) for parcel in parcels]
    requests += [("GetParcelByIdOrNr", parcel) for parcel in parcels[:10]]
    requests += [("GetBuildingById", building) for building in buildings]
    for name, ident in requests:
        response = http.get(f"{live_server}/uldk", params={
            "request": name, "id": ident, "result": ULDK_FIELDS})  # fmt: skip
        assert response.status_code == 200 and ident in response.text, (name, ident)
        _assert_clean(response.text, secrets, f"ULDK {name} {ident}")


def test_parcels_as_of_a_date_carry_no_personal_data(live_server, http, database, secrets):
    """The time slider's parcel versions, over the whole county on its first and last day."""
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e),"
            " (SELECT min(version_start) AT TIME ZONE 'Europe/Warsaw' FROM data.parcel)::date"
            " FROM (SELECT ST_Extent(geom) AS e FROM data.parcel) box"
        ).fetchone()
    assert row is not None
    xmin, ymin, xmax, ymax, first = row
    days = [first.isoformat(), http.get(f"{live_server}/api/historia").json()["last"]]
    side = 9_000.0
    features = 0
    for day in days:
        x = xmin
        while x < xmax:
            y = ymin
            while y < ymax:
                response = http.get(f"{live_server}/api/historia/dzialki", params={
                    "date": day, "bbox": f"{x},{y},{x + side},{y + side}"})  # fmt: skip
                assert response.status_code == 200, (day, x, y, response.text[:200])
                features += len(response.json()["features"])
                _assert_clean(response.text, secrets, f"/api/historia/dzialki {day} {x},{y}")
                for column in ("pesel", "surname", "first_name", "registration_unit"):
                    assert column not in response.text.lower(), column
                y += side
            x += side
    assert features > 0
