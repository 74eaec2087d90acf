"""Composition root: the one WSGI application the web process serves.

Flask answers ``/`` (viewer, health), ``/api/search`` and ``/dzialka`` (text-only parcel
pages); pygeoapi ``/ogc``; pycsw ``/csw``; MapServer ``/ows``;
MapProxy ``/wms``, ``/wmts``, ``/tiles``, ``/tms``; the ULDK-compatible API ``/uldk``.
The instance (settings, database, site, layer catalog) is built here once and handed to
every part.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from geoportal.instance import Instance
from geoportal.settings import Settings
from services.edge.internal import internal_token
from web.asof import asof_api
from web.bip import bip_blueprint
from web.catalogue import catalogue_blueprint
from web.dispatch import PrefixDispatcher, WSGIApp
from web.display import install as install_display
from web.downloads import downloads_blueprint
from web.eservices import eservices_blueprint
from web.eservices.tracking import tracking_blueprint
from web.formats import install as install_formats
from web.forms import configure_sessions
from web.headers import SecurityHeaders
from web.health import health_blueprint
from web.language import install as install_language
from web.panel import panel_blueprint
from web.printing import printing_blueprint
from web.ratelimit import RateLimiter
from web.search.api import search_api
from web.search.pages import parcel_pages
from web.vary import install as install_vary
from web.verification import verification_blueprint
from web.viewer import viewer_blueprint

MAPPROXY_PREFIXES = ("/wms", "/wmts", "/tiles", "/tms")
MAX_REQUEST_BYTES = 16 * 1024 * 1024  # three 5 MB attachments and the form: 413 beyond


def create_flask_app(instance: Instance, engines: list[str] | None = None) -> Flask:
    """The Flask part: viewer, search, text-only parcel pages, downloads, health endpoints,
    e-services with case tracking, and the staff console."""
    app = Flask(__name__)
    app.extensions["geoportal"] = instance
    app.config["GEOPORTAL_ENGINES"] = sorted(engines or [])
    install_vary(app)
    install_language(app)
    install_formats(app)
    app.register_blueprint(health_blueprint)
    app.register_blueprint(viewer_blueprint)
    app.register_blueprint(catalogue_blueprint)
    install_display(app)
    app.register_blueprint(bip_blueprint)
    app.register_blueprint(downloads_blueprint)
    app.register_blueprint(search_api)
    app.register_blueprint(asof_api)
    app.register_blueprint(parcel_pages)
    settings = instance.settings
    configure_sessions(app, settings.runtime_dir, settings.base_url)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.register_blueprint(eservices_blueprint)
    app.register_blueprint(tracking_blueprint)
    app.register_blueprint(panel_blueprint)
    app.register_blueprint(verification_blueprint)
    app.register_blueprint(printing_blueprint)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
    return app


def create_app(settings: Settings | None = None) -> WSGIApp:
    """Build the whole application: Flask plus the mounted OGC engines."""
    from services.csw.app import make_csw_app
    from services.mapproxy.app import make_mapproxy_app
    from services.mapserver.app import make_mapserver_app
    from services.pygeoapi.app import make_pygeoapi_app
    from services.uldk.app import make_uldk_app

    instance = Instance(settings or Settings())
    settings, database = instance.settings, instance.database
    database.watch()  # requests fail fast while the database does not answer
    mapproxy = make_mapproxy_app(settings)
    ows = make_mapserver_app(instance)
    engines: dict[str, WSGIApp] = {
        "/ogc": make_pygeoapi_app(instance, ows),  # maps are drawn by /ows, in-process
        "/csw": make_csw_app(instance),  # after /ogc: that writes the records /csw reads
        "/ows": ows,
        "/uldk": make_uldk_app(instance),
    }
    flask_app = create_flask_app(instance, [*engines, *MAPPROXY_PREFIXES])
    flask_app.config["OWS_APP"] = engines["/ows"]  # prints render through our own WMS
    dispatcher = PrefixDispatcher(
        default=flask_app.wsgi_app,
        mounted=engines,
        passthrough=dict.fromkeys(MAPPROXY_PREFIXES, mapproxy),
    )
    limited = RateLimiter(dispatcher, internal_token(settings.runtime_dir))
    return behind_proxies(SecurityHeaders(limited), settings.proxies)


def behind_proxies(app: WSGIApp, proxies: int) -> WSGIApp:
    """The client's address and scheme as the trusted proxies in front saw them.

    Rate limits, the e-services' flood guard and the audit trail key on ``REMOTE_ADDR``;
    behind nginx that would be nginx for every client. Only the last ``proxies`` entries
    of ``X-Forwarded-For`` are believed: a client's own entries come before them.
    """
    if not proxies:
        return app
    return ProxyFix(app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)
