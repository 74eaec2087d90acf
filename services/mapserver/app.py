"""MapServer as a WSGI application (``/ows``: WMS 1.3.0/1.1.1 and WFS 2.0).

CGI ``mapserv`` costs ~100 ms of process start per request; mapscript renders in a few
ms. But Debian's mapscript holds the GIL for a whole render, so the renders run in
processes of their own (``renderpool``), a few per web process; this module keeps the
cheap part in the web process: the edge checks every name against the catalog, then the
request goes to a renderer, and MapServer's answer is classified on the way back. The
online resource URL comes from the settings, never from the Host header, so
capabilities cannot be poisoned by a forged header.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.settings import Settings
from geoportal.text import Text
from services.edge.documents import Dialect, status_line
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.edge.internal import internal_token, is_internal
from services.mapserver.answers import Reply, finish, refusal_reply
from services.mapserver.edge import OwsRequest, as_tile_source, dialect_of, read_request
from services.mapserver.policy import OwsPolicy
from services.mapserver.renderer import RendererSetup
from services.mapserver.renderpool import RenderPool
from services.mapserver.runtime import endpoints, prepare_runtime

MS_DONE = 2  # OWSDispatch: "not an OWS request, nothing written"
_NOT_OWS = Text(
    pl="To nie jest zapytanie OGC WMS/WFS (SERVICE, REQUEST)",
    en="not an OGC WMS/WFS request (SERVICE, REQUEST)",
)
_NO_ENDPOINT = Text(
    pl="Nie ma takiej usługi WMS/WFS; spis usług: /services",
    en="no such WMS/WFS service; the list of services: /services",
)
_WITHOUT_DATABASE = frozenset({"getcapabilities"})


class MapServerApp:
    """WSGI callable answering OGC KVP and XML POST requests with MapServer renderers.

    ``/ows`` serves every layer; ``/ows/<key>`` a publication (:mod:`geoportal.publications`).
    Each endpoint has its own policy: a layer or property another endpoint publishes is
    unknown here.
    """

    def __init__(
        self,
        pool: RenderPool,
        policies: dict[str, OwsPolicy],
        database: Database | None = None,
        internal: str | None = None,
    ):
        self.pool = pool
        self._policies = policies
        self._database = database
        self._internal = internal  # the token of the portal's own requests (its tile cache)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        dialect = dialect_of(environ)
        try:
            key = self._endpoint(environ.get("PATH_INFO", ""))
            request = read_request(environ, self._policies[key])
            if self._internal is not None and is_internal(environ, self._internal):
                as_tile_source(request)
            reply = self.dispatch(key, request, dialect)
        except Refusal as refusal:
            reply = refusal_reply(refusal, dialect)
        headers = [("Content-Type", reply.content_type),
                   ("Content-Length", str(len(reply.body))), *reply.headers]  # fmt: skip
        start_response(status_line(reply.status), headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [reply.body]

    def _endpoint(self, path: str) -> str:
        key = path.strip("/")
        if key not in self._policies:
            raise Refusal(Failure.NOT_FOUND, _NO_ENDPOINT, "path")
        return key

    def dispatch(self, key: str, request: OwsRequest, dialect: Dialect) -> Reply:
        """Render one request of endpoint ``key`` in a renderer and classify the output."""
        needs_data = request.params.get("REQUEST", "").lower() not in _WITHOUT_DATABASE
        if needs_data and self._database is not None and not self._database.available:
            raise unavailable()  # fail fast: the database stopped answering
        status, content_type, body = self.pool.render(
            (key, request.params, request.body, tuple(request.subsets))
        )
        if status == MS_DONE:
            raise Refusal(Failure.MISSING_PARAMETER, _NOT_OWS, "request")
        if not body:  # failed without writing a report: ours to fix, not the client's
            raise server_error()
        return finish(content_type, body, dialect)


def make_mapserver_app(instance: Instance) -> MapServerApp:
    """Prepare the run-time files and start this web process's renderers: ``/ows`` and
    one endpoint per publication of the instance."""
    settings, database = instance.settings, instance.database
    served = endpoints(instance)
    runtime = prepare_runtime(settings, served, database)
    setup = RendererSetup(
        mapfiles={key: str(path) for key, path in runtime.mapfiles.items()},
        online_resources={ep.key: endpoint_url(settings, ep.key) + "?" for ep in served},
        config_file=str(runtime.config_file),
        provider_site=settings.base_url + "/",
        raster_dir=str(settings.raster_dir),
    )
    pool = RenderPool(
        setup, settings.render_processes, settings.render_queue_s, settings.render_deadline_s
    )
    database.on_unavailable(pool.interrupt)
    policies = {
        ep.key: OwsPolicy.from_catalog(ep.catalog, ep.rasters, ep.protocols) for ep in served
    }
    return MapServerApp(pool, policies, database, internal_token(settings.runtime_dir))


def endpoint_url(settings: Settings, key: str) -> str:
    """The public URL of ``/ows`` (key "") or of a publication's ``/ows/<key>``."""
    return f"{settings.base_url}/ows" + (f"/{key}" if key else "")
