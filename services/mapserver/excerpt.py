"""Map excerpts for issued documents, rendered in this process by our own MapServer.

The same mapfile ``/ows`` serves and the same in-process mapscript call as the render
processes (:func:`services.mapserver.renderer.render`), asked for a WMS 1.1.1 GetMap in
EPSG:2180 (easting first in 1.1.1: no axis-order trap). It runs in the job worker, whose
process serves no requests, so mapscript holding the GIL stops nobody.
"""

from __future__ import annotations

from geoportal.documents.mapsheet import MapRequest
from geoportal.instance import Instance
from services.mapserver.runtime import ALL_LAYERS, endpoints, prepare_runtime


class RenderFailed(RuntimeError):
    """MapServer answered a map request with an error instead of an image."""


class ExcerptRenderer:
    """A :data:`~geoportal.documents.mapsheet.MapRenderer` over ``/ows``'s mapfile."""

    def __init__(self, instance: Instance):
        import mapscript  # Debian's python3-mapscript: only where excerpts are drawn

        served = [ep for ep in endpoints(instance) if ep.key == ALL_LAYERS]
        runtime = prepare_runtime(instance.settings, served, instance.database)
        self._map = mapscript.mapObj(str(runtime.mapfiles[ALL_LAYERS]),
                                     mapscript.configObj(str(runtime.config_file)))  # fmt: skip
        self._map.shapepath = str(instance.settings.raster_dir)

    def __call__(self, request: MapRequest) -> bytes:
        from services.mapserver.renderer import render

        frame = request.frame
        params = {
            "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap",
            "LAYERS": ",".join(request.layers), "STYLES": "", "SRS": "EPSG:2180",
            "BBOX": ",".join(f"{v:.3f}" for v in frame.bbox),
            "WIDTH": str(frame.width_px), "HEIGHT": str(frame.height_px),
            "FORMAT": "image/png", "TRANSPARENT": "FALSE", "BGCOLOR": "0xFFFFFF",
            "MAP_RESOLUTION": str(frame.dpi),
        }  # fmt: skip
        map_ = self._map.clone()
        # At the frame's resolution MapServer computes the true scale (1:1000, not 1:2800
        # as at its default 72 dpi) and sizes labels and lines in points, as on paper.
        map_.resolution = frame.dpi
        status, content_type, body = render(map_, params, None)
        if not content_type.startswith("image/png"):
            raise RenderFailed(f"MapServer answered {content_type}: {body[:300]!r}")
        return body
