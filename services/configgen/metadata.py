"""What every capabilities document says about the service: from the site file, once.

WMS, WFS, WMTS and OGC API each describe the provider, the contact, the fees, the access
constraints and the licence. They are built here from the site file for every generator,
so the documents cannot disagree and none of them names a county of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from geoportal.site import Site
from geoportal.text import Text

THEME_KEYWORDS = ("EGiB", "KIEG", "MPZP", "działki", "budynki")
_ABSTRACT = Text(
    pl="Dane ewidencji gruntów i budynków oraz planów miejscowych – {name}, w układzie "
    "PL-1992 (EPSG:2180). Bez danych osobowych.",
    en="Land and building register and local spatial plans – {name}, in the PL-1992 "
    "system (EPSG:2180). No personal data.",
)


@dataclass(frozen=True)
class ServiceMetadata:
    """Title, abstract and keywords of one service, and the site's common metadata."""

    title: Text
    abstract: Text
    keywords: tuple[str, ...]
    site: Site

    @property
    def fees(self) -> Text:
        """Fees for using the service."""
        return self.site.data.fees

    @property
    def access_constraints(self) -> Text:
        """Access constraints, the licence named at the end."""
        licence = self.site.data.licence
        policy = self.site.data.access_constraints
        return Text(
            pl=f"{policy.pl} Licencja: {licence.name} ({licence.url}).",
            en=f"{policy.en} Licence: {licence.name} ({licence.url}).",
        )


def service_metadata(
    site: Site,
    service: Text,
    abstract: Text | None = None,
    keywords: tuple[str, ...] = THEME_KEYWORDS,
) -> ServiceMetadata:
    """Metadata of one service; ``service`` names it (``usługi WMS/WFS (EGiB, MPZP)``).

    ``abstract`` defaults to the portal's own; ``{name}`` in it becomes the county.
    """
    title = Text(pl=f"{site.label('pl')} – {service.pl}", en=f"{site.label('en')} – {service.en}")
    text = abstract or _ABSTRACT
    described = Text(
        pl=text.pl.format(name=site.label("pl")), en=text.en.format(name=site.label("en"))
    )
    keywords = (*keywords, site.county.name.pl, f"TERYT {site.county.teryt}")
    return ServiceMetadata(title, described, keywords, site)
