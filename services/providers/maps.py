"""The ``map`` provider named in ``pygeoapi-config.yml`` for every layer and raster.

It makes pygeoapi describe each collection's map (the ``…/map`` link, the OpenAPI path,
the Maps conformance class); the maps themselves are drawn by
``services.pygeoapi.maps``, which the guard calls before pygeoapi sees the request.
``data`` is the layer's name in the ``/ows`` WMS.
"""

from __future__ import annotations

from typing import Any

from pygeoapi.provider.base import BaseProvider, ProviderQueryError


class MapServerMapProvider(BaseProvider):
    """A collection's map, drawn by our MapServer; configuration only (see module)."""

    def __init__(self, provider_def: dict[str, Any]):
        super().__init__(provider_def)
        self.layer = str(provider_def["data"])

    def query(self, **kwargs: Any) -> bytes:
        """Never called: ``services.pygeoapi.guard`` answers every map request."""
        raise ProviderQueryError(user_msg="mapy rysuje brama / maps are drawn by the guard")
