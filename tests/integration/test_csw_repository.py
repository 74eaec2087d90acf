"""The CSW's repository in PostgreSQL: one source with OGC API Records, rewritten whole,
read as the public role, and a database outage answered 503.

pycsw answers through ``services.csw.app`` mounted on a werkzeug test client; expected
ids are read from the records file ``services/records.py`` wrote for OGC API Records.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree
from werkzeug.test import Client

from geoportal.database import Database
from services.csw import repository
from services.csw.app import make_csw_app
from services.records import records_path, write_records

CSW = {"service": "CSW", "version": "2.0.2"}
DC_ID = "{http://purl.org/dc/elements/1.1/}identifier"


@pytest.fixture(scope="module")
def csw(instance) -> Client:
    write_records(instance)
    return Client(make_csw_app(instance))


def _ids(answer) -> set[str]:
    assert answer.status_code == 200, answer.data[:300]
    return {element.text for element in etree.fromstring(answer.data).iter(DC_ID)}


def test_the_repository_holds_exactly_the_records_file(csw, instance, database):
    records = json.loads(records_path(instance).read_text(encoding="utf-8"))["records"]
    answer = csw.get("/", query_string=CSW | {
        "request": "GetRecords", "typenames": "csw:Record", "elementsetname": "brief",
        "resulttype": "results", "maxrecords": "100"})  # fmt: skip
    assert _ids(answer) == {record["id"] for record in records}
    with database.connect("public") as conn:
        count = conn.execute("SELECT count(*) FROM publish.catalogue_records").fetchone()[0]
    assert count == len(records)


@pytest.mark.parametrize("role", ["public", "staff"])
def test_only_the_application_writes_the_repository(database, role):
    with database.connect(role) as conn, pytest.raises(Exception, match="permission"):
        conn.execute("DELETE FROM catalogue.record")


def test_regenerating_the_records_replaces_the_rows(csw, instance, database, site):
    with database.connect("owner") as conn:
        conn.execute(
            "INSERT INTO catalogue.record (county, identifier, typename, schema, mdsource,"
            " insert_date, xml, anytext) VALUES (%s, 'stale', 't', 's', 'm', 'd', 'x', 'a'),"
            " ('9999', 'other', 't', 's', 'm', 'd', 'x', 'a')",
            (site.county.teryt,),
        )
    brief = {"request": "GetRecordById", "elementsetname": "brief"}
    assert "stale" in _ids(csw.get("/", query_string=CSW | brief | {"id": "stale"}))
    assert _ids(csw.get("/", query_string=CSW | brief | {"id": "other"})) == set()
    write_records(instance)
    assert _ids(csw.get("/", query_string=CSW | brief | {"id": "stale"})) == set()
    with database.connect("owner") as conn:  # another county's rows are left alone
        assert conn.execute("DELETE FROM catalogue.record WHERE county = '9999'").rowcount == 1


BBOX_QUERY = (
    '<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" '
    'xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" '
    'service="CSW" version="2.0.2" resultType="results" maxRecords="100">'
    '<csw:Query typeNames="csw:Record"><csw:ElementSetName>brief</csw:ElementSetName>'
    '<csw:Constraint version="1.1.0"><ogc:Filter><ogc:BBOX>'
    "<ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>"
    '<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326">'  # latitude first
    "<gml:lowerCorner>{south} {west}</gml:lowerCorner>"
    "<gml:upperCorner>{north} {east}</gml:upperCorner>"
    "</gml:Envelope></ogc:BBOX></ogc:Filter></csw:Constraint></csw:Query></csw:GetRecords>"
)


def test_a_spatial_filter_runs_in_postgis(csw, site):
    west, south, _, _ = site.lonlat_extent
    inside = {"west": west + 0.01, "south": south + 0.01, "east": west + 0.02,
              "north": south + 0.02}  # fmt: skip
    outside = {"west": 14.0, "south": 49.0, "east": 14.1, "north": 49.1}
    found = [
        _ids(csw.post("/", data=BBOX_QUERY.format(**box), content_type="application/xml"))
        for box in (inside, outside)
    ]
    assert "dataset-parcels" in found[0] and found[1] == set()


def test_a_database_outage_is_503_with_retry_after(csw, settings, tmp_path, database, site):
    nowhere = Database(settings.model_copy(update={"var_dir": tmp_path, "pg_port": 1}))
    repository.use_database(nowhere, site.county.teryt)
    try:
        records = {"request": "GetRecords", "typenames": "csw:Record", "elementsetname": "brief"}
        answer = csw.get("/", query_string=CSW | records)
    finally:
        repository.use_database(database, site.county.teryt)
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    text = answer.data.decode()
    assert "ServiceUnavailable" in text and "psycopg" not in text and "PGSQL" not in text


def test_a_body_the_schema_refuses_is_400_and_no_server_error(csw):
    body = ('<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
            'version="2.0.2"><csw:NoSuchElement/></csw:GetRecords>')  # fmt: skip
    answer = csw.post("/", data=body, content_type="application/xml")
    assert answer.status_code == 400, answer.data[:300]
    assert b"not valid" in answer.data


def test_a_vector_dataset_is_dated_by_its_last_published_load(csw, instance, database,
                                                              demo_loaded):  # fmt: skip
    write_records(instance)  # after the demo load
    with database.connect("owner") as conn:
        loaded = conn.execute("SELECT to_char(max(finished_at) AT TIME ZONE 'UTC',"
                              " 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM ops.etl_run"
                              " WHERE status = 'done' AND NOT dry_run").fetchone()[0]  # fmt: skip
    record = {"request": "GetRecordById", "id": "dataset-parcels", "elementsetname": "full"}
    answer = csw.get("/", query_string=CSW | record)
    modified = etree.fromstring(answer.data).findtext(".//{http://purl.org/dc/terms/}modified")
    assert loaded and modified.startswith(loaded), (modified, loaded)
