"""A discovery record (``services.records``) as an ISO 19139 document and a repository row.

The CSW serves the very records OGC API Records serves: each is rendered here as
``gmd:MD_Metadata`` (``services/templates/iso19139_record.xml.j2``) and described by the
columns pycsw queries (title, abstract, keywords, extent…), all taken from the record.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from services.configgen.templating import render

GMD = "http://www.isotc211.org/2005/gmd"
TEMPLATE = "iso19139_record.xml.j2"
TOPIC = "planningCadastre"
# INSPIRE spatial data service types (Regulation 976/2009) by the protocol of a service.
SERVICE_TYPES = {"WMS": "view", "WMTS": "view", "TMS": "view", "XYZ": "view",
                 "OGC API – Tiles": "view", "OGC API – Maps": "view", "WFS": "download",
                 "WCS": "download", "ATOM": "download", "OGC API – Features": "download",
                 "DCAT-AP": "discovery", "OGC API – Records": "discovery", "CSW": "discovery",
                 "OGC API – Processes": "transformation"}  # fmt: skip


def iso_document(record: dict[str, Any]) -> str:
    """The record as an ISO 19139 ``gmd:MD_Metadata`` document (UTF-8 text)."""
    return render(TEMPLATE, **_context(record)).lstrip()


def _context(record: dict[str, Any]) -> dict[str, Any]:
    values = record["properties"]
    contact = values["contacts"][0]
    address = contact["addresses"][0]
    licence = next(link for link in record["links"] if link["rel"] == "license")
    service = next((link for link in record["links"] if link["rel"] == "service"), None)
    protocol = service["title"] if service else ""
    return {
        "id": record["id"],
        "kind": values["type"],
        "language": values["language"],
        "updated": values["updated"],
        "title": values["title"],
        "title_en": values["title_en"],
        "abstract": values["description"],
        "keywords": values["keywords"],
        "access_constraints": values["rights"],
        "licence_text": f"{licence['title']}: {licence['href']}",
        "lineage": values.get("lineage"),
        "crs_list": values["crs"],
        "bbox": extent(record),
        "topic": TOPIC,
        "resource_uri": record["id"],
        "service_type": SERVICE_TYPES.get(protocol, "other"),
        "service_version": values.get("service_version", ""),
        "service_url": service["href"] if service else "",
        "contact": {
            "organization": contact["organization"],
            "position": contact["position"],
            "email": contact["emails"][0]["value"],
            "street": address["deliveryPoint"][0],
            "city": address["city"],
            "postcode": address["postalCode"],
            "country": address["country"],
        },
        "links": [_link(link) for link in record["links"]],
    }


def _link(link: dict[str, Any]) -> dict[str, str]:
    protocol = "WWW:LINK" if link["rel"] == "license" else f"OGC:{link['title']}"
    return {"href": link["href"], "title": link["title"], "protocol": protocol}


def extent(record: dict[str, Any]) -> tuple[float, float, float, float]:
    """West, south, east, north of the record's footprint (CRS84)."""
    ring = record["geometry"]["coordinates"][0]
    xs, ys = [point[0] for point in ring], [point[1] for point in ring]
    return min(xs), min(ys), max(xs), max(ys)


def repository_row(record: dict[str, Any], document: str) -> dict[str, Any]:
    """The columns pycsw reads and filters on (its core model's names), for one record."""
    values = record["properties"]
    west, south, east, north = extent(record)
    organization = values["contacts"][0]["organization"]
    root = etree.fromstring(document.encode())
    text = " ".join(root.itertext())
    service = next((link for link in record["links"] if link["rel"] == "service"), None)
    links = [f"{link['title']},,{_link(link)['protocol']},{link['href']}"
             for link in record["links"]]  # fmt: skip
    return {
        "identifier": record["id"],
        "typename": "gmd:MD_Metadata",
        "schema": GMD,
        "mdsource": "local",
        "insert_date": values["updated"],
        # without the declaration: pycsw parses the column as a Python string
        "xml": etree.tostring(root, encoding="unicode"),
        "anytext": " ".join(text.split()),
        "language": values["language"],
        "type": values["type"],
        "title": values["title"],
        "title_alternate": values["title_en"],
        "abstract": values["description"],
        "keywords": ",".join(values["keywords"]),
        "keywordstype": "theme",
        "topicategory": TOPIC if values["type"] == "dataset" else None,
        "resourcelanguage": values["language"],
        "creator": organization,
        "publisher": organization,
        "organization": organization,
        "accessconstraints": "otherRestrictions",
        "otherconstraints": values["rights"],
        "conditionapplyingtoaccessanduse": values["license"],
        "date": values["updated"],
        "date_modified": values["updated"],
        "date_revision": values["updated"],
        "crs": ",".join(values["crs"]),
        "lineage": values.get("lineage"),
        "responsiblepartyrole": "pointOfContact",
        "servicetype": SERVICE_TYPES.get(service["title"], "other") if service else None,
        "servicetypeversion": values.get("service_version"),
        "couplingtype": "tight" if service else None,
        "links": "^".join(links),
        "wkt_geometry": f"POLYGON(({west} {south},{west} {north},{east} {north},"
        f"{east} {south},{west} {south}))",
    }
