"""What the viewer's tools need to know: coordinate systems, map projections, scales.

The pointer read-out offers PUWG 1992 (the storage system), the county's own PL-2000
zone (``site.yaml`` ``crs.local_zone``, configuration rather than code: domain reference
§9) and WGS 84; the map can be drawn in PUWG 1992 or in Web Mercator, whose tiles come
from MapProxy's GLOBAL_WEBMERCATOR grid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geoportal.crs import (
    PL2000_EPSG,
    STORAGE_EPSG,
    WEB_MERCATOR_EPSG,
    WGS84_EPSG,
    proj4,
    projected_area_of_use,
)
from geoportal.printing.layout import SCALES
from geoportal.site import Site

ZONE_OF_EPSG = {code: zone for zone, code in PL2000_EPSG.items()}


def tools_config(
    site: Site, gettext: Callable[..., str], scale: Callable[[int], str]
) -> dict[str, Any]:
    """The ``tools`` part of the viewer page's configuration in the page's language
    (``gettext``: its texts, :func:`web.language.gettext`; ``scale``: how it writes a
    scale, :func:`web.formats.scale`)."""
    zone_epsg = site.crs.local_zone
    puwg, mercator = f"EPSG:{STORAGE_EPSG}", f"EPSG:{WEB_MERCATOR_EPSG}"
    zone_label = gettext("crs_pl2000", zone=ZONE_OF_EPSG[zone_epsg])
    return {
        "coordinate_systems": [
            {"code": puwg, "label": f"PUWG 1992 ({puwg})"},
            {
                "code": f"EPSG:{zone_epsg}",
                "label": f"{zone_label} (EPSG:{zone_epsg})",
                "proj4": proj4(zone_epsg),
                "extent": list(projected_area_of_use(zone_epsg)),
            },
            {"code": f"EPSG:{WGS84_EPSG}", "label": f"WGS 84 (EPSG:{WGS84_EPSG})"},
        ],
        "projections": [
            {"code": puwg, "label": f"PUWG 1992 ({puwg})"},
            {"code": mercator, "label": f"Web Mercator ({mercator})"},
        ],
        "scales": [{"value": value, "label": scale(value)} for value in SCALES],
    }
