"""Discovery metadata: one record per dataset and per service, served as OGC API Records.

The records are made from the same sources as everything else — the layer catalog, the
rasters, the site file and the service list (``services.catalogue``) — so a catalogue
harvesting them reads the same title, contact, licence and access constraints as every
capabilities document. They are written at start-up (``records.json`` in the run-time
folder) and served by our record provider at ``/ogc/collections/metadane``; the same
records, as ISO 19139, replace the CSW catalogue's repository (``services.csw.store``)
at the same moment, so ``/csw`` and OGC API Records never disagree.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geoportal.files import write_atomic
from geoportal.instance import Instance
from geoportal.text import Text
from services.catalogue import ServiceEntry, service_entries
from services.csw.store import store_records
from services.pygeoapi.runtime import RECORDS_FILE

COLLECTION = "metadane"
LANGUAGE = "pol"


def records_path(instance: Instance) -> Path:
    """Where the run-time records file is written."""
    return instance.settings.runtime_dir / RECORDS_FILE


def metadata_records(instance: Instance, loaded: str | None = None) -> list[dict[str, Any]]:
    """Every dataset (vector layer, raster) and every service as an OGC API record.

    ``loaded`` is when the vector data were last published (:func:`last_published`); the
    records of rasters and services, and of vector data never loaded, carry the time the
    records are made.
    """
    updated = datetime.now(UTC).isoformat(timespec="seconds")
    datasets = [
        _record(instance, f"dataset-{layer.id}", "dataset", layer.title, layer.abstract,
                layer.keywords, loaded or updated, _lineage_vector(layer.view))
        for layer in instance.catalog.layers
    ]  # fmt: skip
    datasets += [
        _record(instance, f"dataset-{raster.id}", "dataset", raster.title, raster.abstract,
                raster.keywords, updated, _lineage_raster(raster.kind))
        for raster in instance.rasters
    ]  # fmt: skip
    services = [_service_record(instance, entry, updated) for entry in service_entries(instance)]
    return datasets + services


def last_published(instance: Instance) -> str | None:
    """When a load last published data (``ops.etl_run``), ISO 8601 in UTC; None if never."""
    with instance.database.connect("app") as conn:
        row = conn.execute(
            "SELECT max(finished_at) FROM ops.etl_run WHERE status = 'done' AND NOT dry_run"
        ).fetchone()
    when = row[0] if row else None
    return when.astimezone(UTC).isoformat(timespec="seconds") if when else None


def write_records(instance: Instance) -> Path:
    """The records file the record provider reads (``services.providers.records``), and
    the CSW repository in the database (``services.csw.store``), from one set of records."""
    records = metadata_records(instance, last_published(instance))
    store_records(instance.database, instance.site.county.teryt, records)
    text = json.dumps({"records": records}, ensure_ascii=False)
    return write_atomic(records_path(instance), text)


def _service_record(instance: Instance, entry: ServiceEntry, updated: str) -> dict[str, Any]:
    names, protocol = ", ".join(entry.layers), f"{entry.protocol} {entry.version}"
    abstract = Text(pl=f"{protocol}: {entry.title.pl}. Warstwy: {names}.",
                    en=f"{protocol}: {entry.title.en}. Layers: {names}.")  # fmt: skip
    record = _record(instance, f"service-{entry.key}", "service", entry.title, abstract,
                     [entry.protocol, entry.theme], updated, None)  # fmt: skip
    record["properties"]["crs"] = list(entry.crs)
    record["properties"]["service_version"] = entry.version
    link = {"href": entry.capabilities, "rel": "service", "title": entry.protocol,
            "type": _link_type(entry.protocol)}  # fmt: skip
    record["links"].insert(0, link)
    return record


def _record(instance: Instance, record_id: str, kind: str, title: Text, abstract: Text,
            keywords: list[str], updated: str, lineage: str | None) -> dict[str, Any]:  # fmt: skip
    site = instance.site
    west, south, east, north = site.lonlat_extent
    properties: dict[str, Any] = {
        "type": kind,
        "title": title.pl,
        "description": abstract.pl,
        "title_en": title.en,
        "description_en": abstract.en,
        "keywords": [*keywords, site.county.name.pl, f"TERYT {site.county.teryt}"],
        "language": LANGUAGE,
        "updated": updated,
        "rights": site.data.access_constraints.pl,
        "license": site.data.licence.name,
        "contacts": [_contact(instance)],
        "crs": ["EPSG:2180"],
    }
    if lineage:
        properties["lineage"] = lineage
    return {
        "id": record_id,
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[west, south], [east, south], [east, north], [west, north], [west, south]]
            ],
        },  # fmt: skip
        "properties": properties,
        "links": [
            {
                "href": str(site.data.licence.url),
                "rel": "license",
                "type": "text/html",
                "title": site.data.licence.name,
            }
        ],  # fmt: skip
    }


def _contact(instance: Instance) -> dict[str, Any]:
    site = instance.site
    address = site.organ.address
    return {
        "organization": site.organ.office.pl,
        "position": site.contact.position.pl,
        "emails": [{"value": site.contact.email}],
        "addresses": [
            {
                "deliveryPoint": [address.street],
                "city": address.city,
                "postalCode": address.postcode,
                "country": address.country.pl,
            }
        ],  # fmt: skip
        "roles": ["pointOfContact"],
    }


def _lineage_vector(view: str) -> str:
    return (
        f"Widok publish.{view}: bieżące wersje obiektów z bazy EGiB/MPZP powiatu, "
        "wczytanej z plików GML po kontrolach jakości (raport z każdego wczytania)."
    )


def _lineage_raster(kind: str) -> str:
    return f"Cloud-Optimised GeoTIFF w EPSG:2180 przygotowany z dostarczonego pliku ({kind})."


def _link_type(protocol: str) -> str:
    if protocol.startswith("OGC API") or protocol == "DCAT-AP":
        return "application/json"
    if protocol == "ATOM":
        return "application/atom+xml"
    return "application/xml"
