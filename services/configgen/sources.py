"""What every generated engine configuration is made from."""

from __future__ import annotations

from dataclasses import dataclass

from geoportal.catalog import Catalog
from geoportal.instance import Instance
from geoportal.publications import Publication
from geoportal.rastercatalog import RasterLayer
from geoportal.site import Site


@dataclass(frozen=True)
class Sources:
    """The layer catalog and its publications, the site file, the role MapServer uses.

    Nothing else may reach a generated file: it is committed and compared byte for byte
    (``geoportal config check``), so it must not depend on the machine.
    """

    catalog: Catalog
    site: Site
    public_service: str  # libpq service name of the public reader role
    publications: tuple[Publication, ...] = ()  # the thematic endpoints besides /ows
    rasters: tuple[RasterLayer, ...] = ()  # drawn beneath the layers of /ows


def sources_of(instance: Instance) -> Sources:
    """The sources of one instance's configurations."""
    return Sources(
        instance.catalog,
        instance.site,
        instance.database.service_name("public"),
        tuple(instance.publications),
        tuple(instance.rasters),
    )
