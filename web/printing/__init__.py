"""``GET /drukuj``: a map sheet as PDF at an exact scale.

The parameters are checked by :mod:`geoportal.printing.params`; the map image and the
legends come from our own WMS (``/ows``), called in-process through its WSGI
application (no HTTP, no URL from the client): the same edge checks every name, so a
print can show nothing the WMS would not. Errors map to 400 with a message in the
page's language. The layers are drawn in the order asked (the viewer's tree, bottom
first); a faded layer is drawn in a pass of its own (:mod:`geoportal.printing.passes`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from geoportal.printing.document import LegendEntry, PrintTexts, print_pdf
from geoportal.printing.layout import PrintError, PrintPlan, format_scale, plan_print
from geoportal.printing.params import read_print_request
from geoportal.printing.passes import compose, draw_passes
from services.mapserver.inprocess import call_ows
from web.instance import current_instance
from web.language import gettext, page_language
from web.viewer.pageconfig import base_maps

printing_blueprint = Blueprint("printing", __name__)
MAX_PIXELS = 4096  # the WMS's MAXSIZE
PHOTOGRAPHIC = frozenset({"orthophoto", "hillshade", "dem"})  # base maps printed as JPEG


class RenderFailed(RuntimeError):
    """Our WMS did not return an image."""


@printing_blueprint.get("/drukuj")
def print_map() -> Any:
    """The PDF, or 400 naming the bad parameter."""
    language = page_language(request)
    instance = current_instance()
    overlays = {layer.id: layer.wms_name for layer in instance.catalog.layers if layer.services.wms}
    offered = base_maps(instance.rasters, language, instance.publications)
    bases = {base["id"]: base for base in offered}
    try:
        print_request = read_print_request(
            request.args, list(overlays), list(bases), instance.site.extent
        )
    except PrintError as error:
        return _refuse(error.text.in_language(language), error.parameter, 400)
    plan = plan_print(print_request, MAX_PIXELS)
    base = bases[print_request.base_map]
    names = base["wms_layers"] + [overlays[i] for i in print_request.layers]
    if not names:
        return _refuse(gettext("print_no_layers"), "layers", 400)
    try:
        image = _map_image(plan, base["wms_layers"], overlays, photo=base["kind"] in PHOTOGRAPHIC)
        legend = _legend(print_request.layers, overlays, instance.catalog, language)
    except RenderFailed:
        return _refuse(gettext("print_wms_unavailable"), "", 503)
    site = instance.site
    texts = PrintTexts(
        heading=site.label(language),
        source=site.data.attribution.in_language(language),
        licence=f"{site.data.licence.name} ({site.data.licence.url})",
        language=language,
    )
    pdf = print_pdf(plan, image, legend, texts)
    name = f"mapa-{format_scale(print_request.scale).replace(' ', '').replace(':', '-')}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _refuse(message: str, parameter: str, status: int) -> Any:
    response = jsonify({"error": message, "parameter": parameter})
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "10"
    return response


def _ows(params: dict[str, str]) -> tuple[str, bytes]:
    """Call ``/ows`` in-process; the content type and body of its answer."""
    ows_app = current_app.config.get("OWS_APP")
    if ows_app is None:
        raise RenderFailed("no WMS in this application")
    answer = call_ows(ows_app, params)
    if answer.status != 200 or not answer.content_type.startswith("image/"):
        raise RenderFailed(f"{answer.status} {answer.content_type}")
    return answer.content_type, answer.body


def _map_image(
    plan: PrintPlan, base_names: list[str], overlays: dict[str, str], photo: bool
) -> bytes:
    """One GetMap when every layer is opaque; else the base and one transparent pass per
    run of layers at the same opacity, laid over each other here."""
    wanted = plan.request
    if not wanted.opacity:
        return _render_map(plan, base_names + [overlays[i] for i in wanted.layers], photo)
    base = _render_map(plan, base_names, photo) if base_names else None
    passes = [
        (_render_map(plan, [overlays[i] for i in one.layers], photo=False, transparent=True),
         one.opacity)
        for one in draw_passes(wanted.layers, dict(wanted.opacity))
    ]  # fmt: skip
    return compose(plan.pixels, base, passes, jpeg=photo)


def _render_map(
    plan: PrintPlan, names: list[str], photo: bool, *, transparent: bool = False
) -> bytes:
    """GetMap at the plan's pixel size; MAP_RESOLUTION keeps MapServer's scale (and so
    each layer's scale range) the printed one rather than 72 dpi's."""
    minx, miny, maxx, maxy = plan.bbox
    background = {"TRANSPARENT": "TRUE"} if transparent else {
        "TRANSPARENT": "FALSE", "BGCOLOR": "0xFFFFFF"}  # fmt: skip
    _, body = _ows({
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap",
        "LAYERS": ",".join(names), "STYLES": "", "SRS": "EPSG:2180",
        "BBOX": f"{minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}",
        "WIDTH": str(plan.pixels[0]), "HEIGHT": str(plan.pixels[1]),
        "FORMAT": "image/jpeg" if photo else "image/png", **background,
        "MAP_RESOLUTION": f"{plan.effective_dpi:.0f}",
    })  # fmt: skip
    return body


def _legend(
    layer_ids: tuple[str, ...], overlays: dict[str, str], catalog: Any, language: str
) -> list[LegendEntry]:
    entries = []
    for layer_id in layer_ids:
        try:
            _, image = _ows(legend_params(overlays[layer_id], language))
        except RenderFailed:
            continue  # a layer without a legend is printed without one
        title = getattr(catalog.by_id[layer_id].title, language)
        entries.append(LegendEntry(title, image))
    return entries


def legend_params(wms_name: str, language: str) -> dict[str, str]:
    """The GetLegendGraphic request of one layer (as the viewer asks it too)."""
    return {
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
        "LAYER": wms_name, "FORMAT": "image/png", "SLD_VERSION": "1.1.0",
    }  # fmt: skip
