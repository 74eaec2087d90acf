"""Discovery records as ISO 19139: schema-valid, and read back by OWSLib as written.

The schema is ISO 19139 (2007-04-17) as bundled with pycsw, built offline with the same
URL map the GML validation uses; the expected values come from the site file.
"""

from __future__ import annotations

import functools

import pytest
import xmlschema
from lxml import etree
from owslib.iso import MD_Metadata

from etl.gml.schemas import map_uri, pycsw_dir
from geoportal.instance import Instance
from geoportal.settings import Settings
from services.csw.iso import iso_document, repository_row
from services.records import metadata_records

INSTANCE = Instance(Settings(public_url="https://geoportal.example"))
RECORDS = metadata_records(INSTANCE)
GMD_XSD = "plugins/profiles/apiso/schemas/ogc/iso/19139/20070417/gmd/gmd.xsd"


@functools.cache
def _gmd_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(pycsw_dir() / GMD_XSD), uri_mapper=map_uri, allow="local",
                               defuse="always")  # fmt: skip


@pytest.mark.parametrize(
    "record", [r for r in RECORDS if r["properties"]["type"] == "dataset"], ids=lambda r: r["id"]
)
def test_every_dataset_record_is_valid_iso_19139(record):
    errors = list(_gmd_schema().iter_errors(iso_document(record)))
    assert not errors, errors[0]


def test_the_schema_check_finds_a_misplaced_element():
    document = etree.fromstring(iso_document(RECORDS[0]).encode())
    file_id = document[0]
    document.remove(file_id)
    document.append(file_id)  # fileIdentifier last: out of the schema's order
    assert list(_gmd_schema().iter_errors(etree.tostring(document).decode()))


def test_a_service_record_reads_back_as_a_service():
    record = next(r for r in RECORDS if r["id"] == "service-wms-kieg")
    metadata = MD_Metadata(etree.fromstring(iso_document(record).encode()))
    service = metadata.identification[0]
    assert metadata.hierarchy == "service" and service.type == "view"
    assert service.version == "1.3.0"
    assert service.operations[0]["connectpoint"][0].url.startswith(
        "https://geoportal.example/ows/kieg?"
    )
    assert metadata.contact[0].email == INSTANCE.site.contact.email


def test_special_characters_are_escaped_not_interpreted():
    record = {**RECORDS[0], "properties": {**RECORDS[0]["properties"],
                                           "title": "<b>&amp; \"x\" ' ]]>"}}  # fmt: skip
    metadata = MD_Metadata(etree.fromstring(iso_document(record).encode()))
    assert metadata.identification[0].title == '<b>&amp; "x" \' ]]>'


def test_a_repository_row_holds_the_document_without_declaration():
    document = iso_document(RECORDS[0])
    row = repository_row(RECORDS[0], document)
    assert document.startswith("<?xml") and row["xml"].startswith("<gmd:MD_Metadata")
    assert row["identifier"] == RECORDS[0]["id"]
    assert RECORDS[0]["properties"]["title"] in row["anytext"]
    west, south, east, north = INSTANCE.site.lonlat_extent
    assert row["wkt_geometry"].startswith(f"POLYGON(({west} {south},")


def test_loading_pycsw_keeps_its_schemas_findable():
    """The CSW registers pycsw without running its __init__; the GML validation of the
    ETL must still find pycsw's schema files in the same process."""
    from services.csw.engine import pycsw_server

    pycsw_server()
    assert (pycsw_dir() / GMD_XSD).is_file()
