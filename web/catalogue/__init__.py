"""The list of services (``/services``): HTML for people, ``?f=json`` for programs.

Both show :func:`services.catalogue.service_entries`; every URL is absolute, built
from the configured base URL only (a forged Host header cannot change it).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from services.catalogue import (
    ALL_THEMES,
    DOWNLOADS_THEME,
    TILES_THEME,
    VECTOR_TILES_THEME,
    ServiceEntry,
    service_entries,
)
from web.instance import current_instance
from web.language import gettext, page_language

catalogue_blueprint = Blueprint("catalogue", __name__)
FORMATS = ("html", "json")


@catalogue_blueprint.get("/services")
def services_page() -> ResponseReturnValue:
    """Every service: a table by theme, or a JSON list of objects."""
    language = page_language(request)
    instance = current_instance()
    entries = service_entries(instance)
    chosen = _format()
    if chosen is None:
        message = gettext("services_bad_format")
        return jsonify({"code": "InvalidParameterValue", "description": message}), 400
    licence = instance.site.data.licence
    if chosen == "json":
        listing = [entry.as_json(language, {"name": licence.name, "url": str(licence.url)})
                   for entry in entries]  # fmt: skip
        response = jsonify(listing)
        response.headers["Vary"] = "Accept, Accept-Language"
        return response
    return render_template(
        "viewer/services.html",
        lang=language,
        other_lang="en" if language == "pl" else "pl",
        site_name=instance.site.label(language),
        themes=_by_theme(entries, language),
        licence=licence,
        layers=_layer_rows(language),
    )


def _format() -> str | None:
    """``f`` when given (html or json), else what the Accept header prefers."""
    asked = request.args.get("f")
    if asked is not None:
        return asked if asked in FORMATS else None
    best = request.accept_mimetypes.best_match(["text/html", "application/json"], "text/html")
    return "json" if best == "application/json" else "html"


def _by_theme(entries: list[ServiceEntry], language: str) -> list[tuple[str, list[ServiceEntry]]]:
    """Entries grouped by theme, each group headed by the theme's name."""
    instance = current_instance()
    names = {ALL_THEMES: gettext("theme_all"), TILES_THEME: gettext("theme_tiles"),
             VECTOR_TILES_THEME: gettext("theme_vector_tiles"),
             DOWNLOADS_THEME: gettext("downloads_title")}  # fmt: skip
    names |= {pub.key: getattr(pub.title, language) for pub in instance.publications}
    themes: dict[str, list[ServiceEntry]] = {}
    for entry in entries:
        themes.setdefault(entry.theme, []).append(entry)
    return [(names.get(theme, theme), members) for theme, members in themes.items()]


def _layer_rows(language: str) -> list[dict[str, object]]:
    instance = current_instance()
    base_url = instance.settings.base_url
    return [
        {
            "title": getattr(layer.title, language),
            "wms_name": layer.wms_name if layer.services.wms or layer.services.tiles else None,
            "services": layer.services,
            "collection_url": (
                f"{base_url}/ogc/collections/{layer.id}" if layer.services.ogcapi else None
            ),
        }
        for layer in instance.catalog.layers
    ]
