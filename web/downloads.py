"""The download service (``/pobieranie``): files, ATOM feeds, DCAT-AP, a page for people.

Files are served only by the names the manifest lists (never a path from the request),
with their SHA-256 as the ETag; the feeds and the catalogue are rendered from the same
manifest (``services.downloads``). Before the first build every path answers 503 with a
message, not a 404: the files are coming.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_file
from flask.typing import ResponseReturnValue

from services.downloads.build import Manifest, downloads_dir, read_manifest, themes
from services.downloads.feeds import dataset_feed, dcat_catalog, file_url, service_feed
from web.instance import current_instance
from web.language import gettext, page_language

downloads_blueprint = Blueprint("downloads", __name__, url_prefix="/pobieranie")
ATOM = "application/atom+xml; charset=utf-8"
_FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,80}\.gpkg$")
MAX_AGE_S = 3600


def _manifest() -> Manifest:
    manifest = read_manifest(downloads_dir(current_instance()))
    if manifest is None:
        response = Response(gettext("downloads_not_ready"), 503, {"Retry-After": "60"},
                            mimetype="text/plain")  # fmt: skip
        abort(response)
    return manifest


@downloads_blueprint.get("/")
def downloads_page() -> ResponseReturnValue:
    """The themes and their files, for people; before the first build a page saying so."""
    instance = current_instance()
    manifest = read_manifest(downloads_dir(instance))
    language = page_language(request)
    sections = [
        {"title": theme.title.in_language(language),
         "abstract": theme.abstract.in_language(language),
         "feed": f"{instance.settings.base_url}/pobieranie/{theme.key}.atom",
         "files": [(file, file_url(instance, file.name)) for file in manifest.files
                   if file.dataset == theme.key]}
        for theme in themes(instance)
    ] if manifest else []  # fmt: skip
    page = render_template("downloads/index.html", lang=language,
                           other_lang="en" if language == "pl" else "pl",
                           sections=sections,
                           manifest=manifest, base_url=instance.settings.base_url,
                           site_name=instance.site.label(language))  # fmt: skip
    return (page, 200) if manifest else (page, 503, {"Retry-After": "60"})


@downloads_blueprint.get("/atom.xml")
def service_atom() -> ResponseReturnValue:
    """The download service feed (INSPIRE style)."""
    return Response(service_feed(current_instance(), _manifest()), mimetype=ATOM)


@downloads_blueprint.get("/<key>.atom")
def dataset_atom(key: str) -> ResponseReturnValue:
    """One theme's feed."""
    if key not in {theme.key for theme in themes(current_instance())}:
        abort(404)  # before the manifest: an unknown name is unknown, built or not
    feed = dataset_feed(current_instance(), _manifest(), key)
    if feed is None:
        abort(404)
    return Response(feed, mimetype=ATOM)


@downloads_blueprint.get("/dcat.jsonld")
def dcat() -> ResponseReturnValue:
    """The DCAT-AP catalogue for open-data portals."""
    response = jsonify(dcat_catalog(current_instance(), _manifest()))
    response.mimetype = "application/ld+json"
    return response


@downloads_blueprint.get("/pliki/<name>")
def download(name: str) -> ResponseReturnValue:
    """One file, by a name the manifest lists."""
    if not _FILE_NAME.match(name):
        abort(404)  # before the manifest: no such name can ever be listed
    listed = {file.name: file for file in _manifest().files}
    if name not in listed:
        abort(404)
    path = downloads_dir(current_instance()) / name
    response = send_file(path, mimetype="application/geopackage+sqlite3", as_attachment=True,
                         download_name=name, etag=listed[name].sha256, max_age=MAX_AGE_S,
                         conditional=True)  # fmt: skip
    return response
