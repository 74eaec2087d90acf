"""The map viewer (``/``) and the list of services (``/services``).

The page is a Jinja2 template with the viewer's configuration embedded as JSON; the
map itself is the OpenLayers bundle built from ``web/frontend`` (no CDN). Every
response carries the strict Content-Security-Policy of ``web/headers.py``: scripts,
styles and images from this origin only (plus ``data:``/``blob:`` images for OpenLayers).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from web.instance import current_instance
from web.links import service_links
from web.viewer.assets import BUILD_COMMAND, BUILD_DIR, load_bundle
from web.viewer.pageconfig import client_config
from web.viewer.texts import page_language, strings

viewer_blueprint = Blueprint("viewer", __name__)


@viewer_blueprint.context_processor
def _site_name() -> dict[str, str]:
    """Every page names the county (and says when its data are a demonstration)."""
    return {"site_name": current_instance().site.label(page_language(request))}


@viewer_blueprint.get("/")
def viewer_page() -> ResponseReturnValue:
    """The map viewer; says how to build the bundle when it is missing."""
    language = page_language(request)
    build_dir = Path(current_app.config.get("VIEWER_BUILD_DIR", BUILD_DIR))
    bundle = load_bundle(build_dir)
    html = render_template(
        "viewer/index.html",
        lang=language,
        other_lang="en" if language == "pl" else "pl",
        t=strings(language, current_instance().site),
        bundle=bundle,
        build_command=BUILD_COMMAND,
        config=client_config(
            current_instance().catalog, current_instance().site, language, request.script_root
        ),
    )
    return html, 200 if bundle else 503


@viewer_blueprint.get("/services")
def services_page() -> ResponseReturnValue:
    """Every service URL, absolute, built from the configured base URL only."""
    language = page_language(request)
    instance = current_instance()
    settings = instance.settings
    base_url = settings.base_url
    texts = strings(language, instance.site)
    return render_template(
        "viewer/services.html",
        lang=language,
        other_lang="en" if language == "pl" else "pl",
        t=texts,
        base_url=base_url,
        services=[
            {
                "id": link.key,
                "title": link.title_pl if language == "pl" else link.title_en,
                "description": texts.get(f"service_{link.key}_about"),
                "url": link.url,
            }
            for link in service_links(settings)
        ],
        layers=[
            {
                "title": getattr(layer.title, language),
                "wms_name": layer.wms_name if layer.services.wms or layer.services.tiles else None,
                "services": layer.services,
                "collection_url": (
                    f"{base_url}/ogc/collections/{layer.id}" if layer.services.ogcapi else None
                ),
            }
            for layer in instance.catalog.layers
        ],
    )


@viewer_blueprint.after_request
def _vary(response: Response) -> Response:
    # Security headers are added for every answer of the portal by web/headers.py.
    response.headers["Vary"] = "Accept-Language"
    return response
