"""The CSW 2.0.2 catalogue at ``/csw``, read by OWSLib from the running portal.

Expected values are read here from ``site.yaml`` and ``layers/parcels/layer.yaml`` with
plain YAML and transformed with pyproj, never through the code that builds the records.
"""

from __future__ import annotations

from pathlib import Path

import pyproj
import pytest
import yaml
from lxml import etree
from owslib.csw import CatalogueServiceWeb
from owslib.fes import PropertyIsLike
from owslib.iso import MD_Metadata

ROOT = Path(__file__).resolve().parents[2]
GMD = "http://www.isotc211.org/2005/gmd"
OWS = "{http://www.opengis.net/ows}"
CSW_NS = "http://www.opengis.net/cat/csw/2.0.2"


@pytest.fixture(scope="module")
def site_file() -> dict:
    return yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parcels_file() -> dict:
    return yaml.safe_load((ROOT / "layers/parcels/layer.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def csw(live_server) -> CatalogueServiceWeb:
    return CatalogueServiceWeb(f"{live_server}/csw", version="2.0.2", timeout=30)


def _exception(response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:400]
    root = etree.fromstring(response.content)
    assert root.tag == f"{OWS}ExceptionReport", response.text[:300]
    exception = root.find(f"{OWS}Exception")
    assert exception.get("exceptionCode") == code, response.text[:400]
    return root.findtext(f".//{OWS}ExceptionText")


def test_capabilities_carry_the_site_metadata(csw, site_file):
    assert csw.identification.type == "CSW" and "2.0.2" in csw.identification.version
    assert site_file["county"]["name"]["pl"] in csw.identification.title
    assert csw.provider.name == site_file["organ"]["office"]["pl"]
    assert csw.provider.contact.email == site_file["contact"]["email"]
    constraints = " ".join(csw.identification.accessconstraints.split())
    assert " ".join(site_file["data"]["access_constraints"]["pl"].split()) in constraints
    assert site_file["data"]["licence"]["name"] in constraints
    assert site_file["data"]["fees"]["pl"] in csw.identification.fees
    operations = {operation.name for operation in csw.operations}
    assert {"GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById"} <= operations
    assert not operations & {"Transaction", "Harvest"}
    assert "pycsw" not in csw.response.decode()


def test_describe_record_names_the_record_schema(http, live_server):
    answer = http.get(f"{live_server}/csw", timeout=30, params={
        "service": "CSW", "version": "2.0.2", "request": "DescribeRecord",
        "typename": "csw:Record"})  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert etree.fromstring(answer.content).tag == f"{{{CSW_NS}}}DescribeRecordResponse"


def test_a_full_text_search_finds_the_parcels(csw, parcels_file):
    word = parcels_file["title"]["pl"].split()[0]  # "Działki"
    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", f"%{word}%")], esn="full",
                    maxrecords=100)  # fmt: skip
    assert "dataset-parcels" in csw.records
    assert csw.records["dataset-parcels"].title == parcels_file["title"]["pl"]
    csw.getrecords2(constraints=[PropertyIsLike("csw:AnyText", "%no-such-word-anywhere%")])
    assert csw.results["matches"] == 0


def test_cql_by_get_and_the_iso_output_schema(http, live_server, parcels_file):
    answer = http.get(f"{live_server}/csw", timeout=30, params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecords",
        "typenames": "gmd:MD_Metadata", "resulttype": "results", "elementsetname": "full",
        "outputschema": GMD, "constraintlanguage": "CQL_TEXT",
        "constraint_language_version": "1.1.0",
        "constraint": f"apiso:Title = '{parcels_file['title']['pl']}'"})  # fmt: skip
    assert answer.status_code == 200, answer.text[:400]
    records = etree.fromstring(answer.content).findall(f".//{{{GMD}}}MD_Metadata")
    assert [MD_Metadata(record).identifier for record in records] == ["dataset-parcels"]


def test_get_record_by_id_in_iso_matches_the_site_and_layer_files(csw, site_file, parcels_file):
    csw.getrecordbyid(id=["dataset-parcels"], outputschema=GMD)
    record = csw.records["dataset-parcels"]
    assert isinstance(record, MD_Metadata)
    identification = record.identification[0]
    assert identification.title == parcels_file["title"]["pl"]
    assert " ".join(identification.abstract.split()) == parcels_file["abstract"]["pl"]
    assert set(parcels_file["keywords"]) <= {
        keyword.name for group in identification.keywords for keyword in group.keywords
    }
    contact = record.contact[0]
    assert contact.organization == site_file["organ"]["office"]["pl"]
    assert contact.email == site_file["contact"]["email"]
    assert contact.city == site_file["organ"]["address"]["city"]
    assert contact.address == site_file["organ"]["address"]["street"]
    other = " ".join(" ".join(identification.otherconstraints).split())
    assert " ".join(site_file["data"]["access_constraints"]["pl"].split()) in other
    assert site_file["data"]["licence"]["url"] in other
    assert identification.accessconstraints == ["otherRestrictions"]
    assert record.referencesystem.code == f"EPSG:{site_file['crs']['storage']}"
    assert record.dataquality.lineage  # how the data were made
    west, south, east, north = _lonlat(site_file["extent"])
    box = identification.bbox
    assert float(box.minx) <= west < float(box.minx) + 0.01
    assert float(box.miny) <= south < float(box.miny) + 0.01
    assert float(box.maxx) - 0.01 < east <= float(box.maxx)
    assert float(box.maxy) - 0.01 < north <= float(box.maxy)


def _lonlat(extent: list[float]) -> tuple[float, float, float, float]:
    """The EPSG:2180 extent's bounds in degrees (densified edges: the sides curve)."""
    transformer = pyproj.Transformer.from_crs(2180, 4326, always_xy=True)
    return transformer.transform_bounds(*extent, densify_pts=100)


def test_every_dataset_and_service_of_the_records_api_is_in_the_catalogue(http, live_server):
    records = http.get(f"{live_server}/ogc/collections/metadane/items",
                       params={"f": "json", "limit": "500"}, timeout=30).json()  # fmt: skip
    expected = {record["id"] for record in records["features"]}
    answer = http.get(f"{live_server}/csw", timeout=30, params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecords",
        "typenames": "csw:Record", "resulttype": "results", "elementsetname": "brief",
        "maxrecords": "100"})  # fmt: skip
    root = etree.fromstring(answer.content)
    found = {e.text for e in root.iter("{http://purl.org/dc/elements/1.1/}identifier")}
    assert found == expected and len(expected) < 100


# Bad input ----------------------------------------------------------------------------

GET_RECORDS = (
    '<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
    'version="2.0.2" resultType="results"><csw:Query typeNames="csw:Record">'
    "<csw:ElementSetName>brief</csw:ElementSetName>{}</csw:Query></csw:GetRecords>"
)


def test_a_post_get_records_with_an_ogc_filter(http, live_server):
    constraint = (
        '<csw:Constraint version="1.1.0"><ogc:Filter xmlns:ogc="http://www.opengis.net/ogc">'
        "<ogc:PropertyIsEqualTo><ogc:PropertyName>dc:identifier</ogc:PropertyName>"
        "<ogc:Literal>dataset-parcels</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>"
        "</csw:Constraint>"
    )
    answer = http.post(f"{live_server}/csw", data=GET_RECORDS.format(constraint).encode(),
                       headers={"Content-Type": "application/xml"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text[:400]
    results = etree.fromstring(answer.content).find(f"{{{CSW_NS}}}SearchResults")
    assert results.get("numberOfRecordsMatched") == "1"


def test_external_entities_in_a_post_are_refused(http, live_server):
    body = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + GET_RECORDS.format("<csw:Constraint>&x;</csw:Constraint>")
    )
    answer = http.post(f"{live_server}/csw", data=body.encode(),
                       headers={"Content-Type": "application/xml"}, timeout=30)  # fmt: skip
    _exception(answer, 400, "InvalidParameterValue")
    assert "root:" not in answer.text


def test_an_oversized_post_is_refused(http, live_server):
    body = GET_RECORDS.format("<!--" + "x" * 70_000 + "-->").encode()
    answer = http.post(f"{live_server}/csw", data=body,
                       headers={"Content-Type": "application/xml"}, timeout=30)  # fmt: skip
    _exception(answer, 413, "InvalidParameterValue")


def test_transactions_are_not_offered(http, live_server):
    body = ('<csw:Transaction xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" service="CSW" '
            'version="2.0.2"><csw:Delete/></csw:Transaction>')  # fmt: skip
    answer = http.post(f"{live_server}/csw", data=body.encode(),
                       headers={"Content-Type": "application/xml"}, timeout=30)  # fmt: skip
    _exception(answer, 501, "OperationNotSupported")
    answer = http.get(f"{live_server}/csw", params={"service": "CSW", "version": "2.0.2",
                                                    "request": "Harvest"}, timeout=30)  # fmt: skip
    _exception(answer, 501, "OperationNotSupported")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"request": "GetCapabilities", "service": "CSW", "bogus": "1"}, "InvalidParameterValue"),
        ({"request": "GetRecords", "service": "CSW", "version": "2.0.2",
          "typenames": "csw:Record", "elementsetname": "brief", "constraintlanguage": "CQL_TEXT",
          "constraint_language_version": "1.1.0", "constraint": "dc:title like"},
         "InvalidParameterValue"),
        ({"request": "GetRecords", "service": "CSW", "version": "2.0.2",
          "typenames": "csw:Record", "elementsetname": "brief", "constraintlanguage": "CQL_TEXT",
          "constraint_language_version": "1.1.0", "constraint": "nosuch = 'x'"},
         "InvalidParameterValue"),
        ({"request": "GetRecords", "service": "CSW", "version": "2.0.2",
          "typenames": "csw:Record", "elementsetname": "brief", "maxrecords": "-5"},
         "InvalidParameterValue"),
        ({"request": "GetRecords", "service": "CSW", "version": "3.0.0",
          "typenames": "csw:Record"}, "InvalidParameterValue"),
        ({"request": "NoSuchThing", "service": "CSW", "version": "2.0.2"},
         "InvalidParameterValue"),
        ({"service": "CSW", "version": "2.0.2"}, "MissingParameterValue"),
    ],
)  # fmt: skip
def test_bad_requests_get_an_exception_report_and_400(http, live_server, params, code):
    text = _exception(http.get(f"{live_server}/csw", params=params, timeout=30), 400, code)
    assert " / " in text  # Polish, then English


@pytest.mark.parametrize(
    "constraint",
    [
        "dc:title like '%'' OR 1=1 --%'",
        "dc:title = 'x''); DROP TABLE catalogue.record; --'",
        "dc:title = 'x'' AND pg_sleep(3) IS NULL AND ''a''=''a'",
    ],
)
def test_sql_in_constraints_is_only_a_value(http, live_server, database, constraint):
    answer = http.get(f"{live_server}/csw", timeout=30, params={
        "service": "CSW", "version": "2.0.2", "request": "GetRecords",
        "typenames": "csw:Record", "resulttype": "results", "elementsetname": "brief",
        "constraintlanguage": "CQL_TEXT",
        "constraint_language_version": "1.1.0", "constraint": constraint})  # fmt: skip
    if answer.status_code == 200:
        results = etree.fromstring(answer.content).find(f"{{{CSW_NS}}}SearchResults")
        assert results.get("numberOfRecordsMatched") == "0", answer.text[:300]
    else:
        _exception(answer, 400, "InvalidParameterValue")
    with database.connect("owner") as conn:
        count = conn.execute("SELECT count(*) FROM catalogue.record").fetchone()[0]
    assert count > 0
