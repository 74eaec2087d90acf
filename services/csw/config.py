"""pycsw's configuration, from the site file: the same provider, contact, fees, access
constraints and licence as every other capabilities document (``configgen.metadata``).

Built as a ``ConfigParser`` without interpolation: pycsw's own parser expands ``$VAR``
and ``%`` in values, and a county's texts are not templates.
"""

from __future__ import annotations

import configparser

from geoportal.site import Site
from geoportal.text import Text
from services.configgen.metadata import service_metadata

MOUNT = "/csw"
MAX_RECORDS = 100  # per GetRecords page; a catalogue of a county holds about a hundred
SERVICE = Text(pl="usługa katalogowa CSW (metadane)", en="CSW catalogue service (metadata)")
REPOSITORY = "services.csw.repository.CatalogueRepository"


def pycsw_config(site: Site, base_url: str) -> dict[str, dict[str, str]]:
    """The configuration's sections (read once per process; see :func:`config_parser`)."""
    metadata = service_metadata(site, SERVICE, keywords=("metadane", "katalog", "CSW"))
    contact, address = site.contact, site.organ.address
    sections = {
        "server": {
            "url": base_url + MOUNT,
            "mimetype": "application/xml; charset=UTF-8",
            "encoding": "UTF-8",
            "maxrecords": str(MAX_RECORDS),
            "pretty_print": "false",
            "profiles": "apiso",
        },
        "manager": {"transactions": "false"},
        "metadata:main": {
            "identification_title": metadata.title.pl,
            "identification_abstract": f"{metadata.abstract.pl} / {metadata.abstract.en}",
            "identification_keywords": ",".join(metadata.keywords),
            "identification_keywords_type": "theme",
            "identification_fees": f"{metadata.fees.pl} / {metadata.fees.en}",
            "identification_accessconstraints": (
                f"{metadata.access_constraints.pl} / {metadata.access_constraints.en}"
            ),
            "provider_name": site.organ.office.pl,
            "provider_url": base_url + "/",
            "contact_name": f"{site.organ.office.pl} – {contact.unit.pl}",
            "contact_position": contact.position.pl,
            "contact_address": address.street,
            "contact_city": address.city,
            "contact_stateorprovince": site.county.voivodeship.pl,
            "contact_postalcode": address.postcode,
            "contact_country": address.country.pl,
            "contact_phone": contact.phone or "",
            "contact_fax": "",
            "contact_email": contact.email,
            "contact_url": base_url + "/",
            "contact_hours": contact.hours.pl if contact.hours else "",
            "contact_instructions": "",
            "contact_role": "pointOfContact",
        },
        "repository": {"source": REPOSITORY, "table": "publish.catalogue_records"},
        "metadata:inspire": {"enabled": "false"},
    }
    return sections


def config_parser(sections: dict[str, dict[str, str]]) -> configparser.ConfigParser:
    """A fresh parser for one request: pycsw writes into the one it is given."""
    config = configparser.ConfigParser(interpolation=None)
    config.read_dict(sections)
    return config
