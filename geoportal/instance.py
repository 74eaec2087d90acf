"""One geoportal instance as its entry points see it: settings, database, site, layers.

The web application's composition root and the command line each build one
:class:`Instance` and hand its parts to whatever they start. The site file and the layer
catalog are read once, on first use, so a command that needs neither (``db stop``) does
not fail on a site file being edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from geoportal.catalog import Catalog
from geoportal.database import Database
from geoportal.publications import Publication, load_publications
from geoportal.rastercatalog import RasterLayer, load_rasters
from geoportal.settings import Settings
from geoportal.site import Site, load_site
from geoportal.themes import Theme, load_themes


@dataclass
class Instance:
    """Settings plus the objects built from them, each built once."""

    settings: Settings = field(default_factory=Settings)

    @cached_property
    def database(self) -> Database:
        """The one database object of this instance."""
        return Database(self.settings)

    @cached_property
    def site(self) -> Site:
        """The county (``site.yaml``), validated."""
        return load_site(self.settings.site_file)

    @cached_property
    def catalog(self) -> Catalog:
        """The layer catalog (``layers/``), validated."""
        return Catalog.load(self.settings.layers_dir)

    @cached_property
    def publications(self) -> list[Publication]:
        """The thematic endpoints (``layers/publications.yaml``), resolved against the catalog."""
        return load_publications(self.settings.layers_dir, self.catalog, self.rasters)

    @cached_property
    def rasters(self) -> list[RasterLayer]:
        """The raster layers (``layers/rasters.yaml``), validated."""
        return load_rasters(self.settings.layers_dir)

    @cached_property
    def themes(self) -> list[Theme]:
        """The themes of the layer tree (``layers/themes.yaml``), checked against every
        layer and raster."""
        named = [(layer.id, layer.theme) for layer in self.catalog.layers]
        named += [(raster.id, raster.theme) for raster in self.rasters]
        return load_themes(self.settings.layers_dir, named)
