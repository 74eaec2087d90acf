"""The map viewer (``/``).

The page is a Jinja2 template with the viewer's configuration embedded as JSON; the
map itself is the OpenLayers bundle built from ``web/frontend`` (no CDN). Every
response carries the strict Content-Security-Policy of ``web/headers.py``: scripts,
styles and images from this origin only (plus ``data:``/``blob:`` images for OpenLayers).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue

from web.display import current_classes
from web.instance import current_instance
from web.language import page_language
from web.viewer.assets import BUILD_COMMAND, BUILD_DIR, load_bundle
from web.viewer.pageconfig import client_config

viewer_blueprint = Blueprint("viewer", __name__)


@viewer_blueprint.context_processor
def _site_name() -> dict[str, str]:
    """Every page names the county (and says when its data are a demonstration)."""
    return {"site_name": current_instance().site.label(page_language(request))}


@viewer_blueprint.get("/")
def viewer_page() -> ResponseReturnValue:
    """The map viewer; says how to build the bundle when it is missing."""
    return _render_viewer(kiosk=False)


@viewer_blueprint.get("/kiosk")
def kiosk_page() -> ResponseReturnValue:
    """The viewer for the office's touch screen: large controls, no way off the map,
    and back to the start after ``viewer.yaml``'s ``kiosk.idle_seconds`` untouched."""
    return _render_viewer(kiosk=True)


def _render_viewer(*, kiosk: bool) -> ResponseReturnValue:
    language = page_language(request)
    build_dir = Path(current_app.config.get("VIEWER_BUILD_DIR", BUILD_DIR))
    bundle = load_bundle(build_dir)
    html = render_template(
        "viewer/index.html",
        lang=language,
        other_lang="en" if language == "pl" else "pl",
        bundle=bundle,
        build_command=BUILD_COMMAND,
        kiosk=kiosk,
        **({"display_classes": " ".join(current_classes(kiosk=True))} if kiosk else {}),
        config=client_config(
            current_instance().catalog,
            current_instance().site,
            language,
            request.script_root,
            current_instance().rasters,
            current_instance().publications,
            kiosk=kiosk,
            themes=current_instance().themes,
        ),
    )
    return html, 200 if bundle else 503
