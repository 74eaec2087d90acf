"""The descriptions of the download files: ATOM feeds and a DCAT-AP catalogue.

The ATOM feeds follow the INSPIRE Technical Guidance for download services (a service
feed listing datasets, a dataset feed listing files); the DCAT-AP document (JSON-LD) is
what the national open-data portal (dane.gov.pl) harvests. Both are made from the
manifest of the last build, the publications and the site file, with absolute URLs from
the configured public URL only.
"""

from __future__ import annotations

from typing import Any

from geoportal.crs import lonlat_bounds
from geoportal.instance import Instance
from services.configgen.templating import render
from services.downloads.build import DownloadFile, Manifest, themes

MOUNT = "/pobieranie"
GEOPACKAGE = "application/geopackage+sqlite3"


def service_feed(instance: Instance, manifest: Manifest) -> str:
    """The top-level ATOM feed: one entry per theme."""
    base = _base(instance)
    datasets = []
    for theme in themes(instance):
        whole = _whole(manifest, theme.key)
        datasets.append({
            "key": theme.key, "title": theme.title.pl, "summary": theme.abstract.pl,
            "feed_url": f"{base}/{theme.key}.atom",
            "bbox": _georss(whole.bbox) if whole else None,
        })  # fmt: skip
    return render("atom_service.xml.j2", **_common(instance, manifest),
                  title=f"{instance.site.label('pl')} – usługa pobierania danych",
                  subtitle="Pliki GeoPackage danych ewidencyjnych i planistycznych, bez danych "
                  "osobowych", self_url=f"{base}/atom.xml", datasets=datasets)  # fmt: skip


def dataset_feed(instance: Instance, manifest: Manifest, key: str) -> str | None:
    """The ATOM feed of one theme, or None if there is no such theme."""
    theme = next((pub for pub in themes(instance) if pub.key == key), None)
    if theme is None:
        return None
    base = _base(instance)
    files = [{**_file(base, file), "bbox": _georss(file.bbox)}
             for file in manifest.files if file.dataset == key]  # fmt: skip
    return render("atom_dataset.xml.j2", **_common(instance, manifest), title=theme.title.pl,
                  subtitle=theme.abstract.pl, self_url=f"{base}/{key}.atom",
                  service_url=f"{base}/atom.xml", files=files)  # fmt: skip


def dcat_catalog(instance: Instance, manifest: Manifest) -> dict[str, Any]:
    """DCAT-AP catalogue (JSON-LD): each theme a dataset, each file a distribution."""
    site, base = instance.site, _base(instance)
    licence, email = str(site.data.licence.url), f"mailto:{site.contact.email}"
    datasets = []
    for theme in themes(instance):
        files = [file for file in manifest.files if file.dataset == theme.key]
        datasets.append({
            "@id": f"{base}/{theme.key}.atom#dataset", "@type": "dcat:Dataset",
            "dct:title": [_lang(theme.title.pl, "pl"), _lang(theme.title.en, "en")],
            "dct:description": [_lang(theme.abstract.pl, "pl"), _lang(theme.abstract.en, "en")],
            "dcat:keyword": list(theme.keywords), "dct:modified": manifest.built_at,
            "dct:publisher": {"@type": "foaf:Agent", "foaf:name": site.organ.office.pl},
            "dcat:contactPoint": {"@type": "vcard:Kind", "vcard:hasEmail": email},
            "dct:accessRights": site.data.access_constraints.pl,
            "dcat:distribution": [_distribution(base, file, licence) for file in files],
        })  # fmt: skip
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "vcard": "http://www.w3.org/2006/vcard/ns#",
                     "spdx": "http://spdx.org/rdf/terms#"},
        "@id": f"{base}/dcat.jsonld", "@type": "dcat:Catalog",
        "dct:title": _lang(f"{site.label('pl')} – dane do pobrania", "pl"),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": site.organ.office.pl},
        "dct:license": licence, "dct:modified": manifest.built_at,
        "dcat:dataset": datasets,
    }  # fmt: skip


def file_url(instance: Instance, name: str) -> str:
    """The public URL of one download file."""
    return f"{_base(instance)}/pliki/{name}"


def _distribution(base: str, file: DownloadFile, licence: str) -> dict[str, Any]:
    return {"@type": "dcat:Distribution", "dct:title": file.title,
            "dcat:downloadURL": f"{base}/pliki/{file.name}", "dcat:mediaType": GEOPACKAGE,
            "dcat:byteSize": file.bytes, "dct:license": licence,
            "spdx:checksum": {"spdx:algorithm": "sha256",
                              "spdx:checksumValue": file.sha256}}  # fmt: skip


def _common(instance: Instance, manifest: Manifest) -> dict[str, Any]:
    site = instance.site
    return {"updated": manifest.built_at, "author": site.organ.office.pl,
            "email": site.contact.email, "namespace": f"PL.PZGiK.{site.county.teryt}",
            "rights": f"{site.data.licence.name} ({site.data.licence.url})",
            "dcat_url": f"{_base(instance)}/dcat.jsonld"}  # fmt: skip


def _file(base: str, file: DownloadFile) -> dict[str, Any]:
    return {"title": file.title, "url": f"{base}/pliki/{file.name}", "bytes": file.bytes,
            "layers": file.layers, "sha256": file.sha256}  # fmt: skip


def _whole(manifest: Manifest, key: str) -> DownloadFile | None:
    return next((f for f in manifest.files if f.dataset == key and f.district is None), None)


def _georss(bbox: list[float]) -> list[str] | None:
    """GeoRSS box: south west north east, latitude first, WGS 84."""
    if len(bbox) != 4:
        return None
    west, south, east, north = lonlat_bounds((bbox[0], bbox[1], bbox[2], bbox[3]))
    return [f"{value:.6f}" for value in (south, west, north, east)]


def _lang(text: str, language: str) -> dict[str, str]:
    return {"@value": text, "@language": language}


def _base(instance: Instance) -> str:
    return instance.settings.base_url + MOUNT
