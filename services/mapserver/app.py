"""MapServer as an in-process WSGI application (``/ows``: WMS 1.3.0 and WFS 2.0).

CGI ``mapserv`` costs ~100 ms of process start per request; mapscript renders in-process
in a few ms. The mapfile is parsed once; every request works on a clone, because a map
object reused across requests keeps state (extent, output format, layer status) from the
previous one. The online resource URL comes from the settings, never from the Host
header, so capabilities cannot be poisoned by a forged header.

Thread safety: Debian's build has ``SUPPORTS=THREADS``; error lists and the stdout
buffer of ``msIO_installStdoutToBuffer`` are per thread, and each request has its own
clone. Only the clone itself is taken under a lock (it reads the shared parsed map).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

import mapscript

from geoportal.catalog import Catalog
from geoportal.database import Database
from geoportal.settings import Settings
from geoportal.text import Text
from services.edge.documents import Dialect, status_line
from services.edge.failures import Failure, Refusal, server_error
from services.mapserver.answers import Reply, finish, refusal_reply
from services.mapserver.edge import OwsRequest, dialect_of, read_request
from services.mapserver.policy import OwsPolicy
from services.mapserver.runtime import prepare_runtime

MS_DONE = 2  # OWSDispatch: "not an OWS request, nothing written"
_NOT_OWS = Text(
    pl="To nie jest zapytanie OGC WMS/WFS (SERVICE, REQUEST)",
    en="not an OGC WMS/WFS request (SERVICE, REQUEST)",
)


class MapServerApp:
    """WSGI callable answering OGC KVP and XML POST requests with mapscript."""

    def __init__(self, mapfile: str, config_file: str, online_resource: str, policy: OwsPolicy):
        self._map = mapscript.mapObj(mapfile, mapscript.configObj(config_file))
        self._policy = policy
        self._online_resource = online_resource
        self._clone_lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        dialect = dialect_of(environ)
        try:
            reply = self.dispatch(read_request(environ, self._policy), dialect)
        except Refusal as refusal:
            reply = refusal_reply(refusal, dialect)
        headers = [("Content-Type", reply.content_type),
                   ("Content-Length", str(len(reply.body))), *reply.headers]  # fmt: skip
        start_response(status_line(reply.status), headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [reply.body]

    def dispatch(self, request: OwsRequest, dialect: Dialect) -> Reply:
        """Run one request through a fresh clone of the map and classify the output."""
        with self._clone_lock:
            map_ = self._map.clone()
        map_.web.metadata.set("ows_onlineresource", self._online_resource)
        status, content_type, body = _run(map_, _ows_request(request))
        if status == MS_DONE:
            raise Refusal(Failure.MISSING_PARAMETER, _NOT_OWS, "request")
        if not body:  # failed without writing a report: ours to fix, not the client's
            raise server_error()
        return finish(content_type, body, dialect)


def make_mapserver_app(settings: Settings, catalog: Catalog, database: Database) -> MapServerApp:
    """Prepare the run-time files and load the mapfile once for this process."""
    mapfile, config_file = prepare_runtime(settings, catalog, database)
    policy = OwsPolicy.from_catalog(catalog)
    return MapServerApp(str(mapfile), str(config_file), settings.base_url + "/ows?", policy)


def _ows_request(request: OwsRequest) -> mapscript.OWSRequest:
    ows = mapscript.OWSRequest()
    for name, value in request.params.items():
        ows.setParameter(name, value)
    if request.body is not None:
        ows.type = mapscript.MS_POST_REQUEST
        ows.postrequest = request.body
    return ows


def _run(map_: mapscript.mapObj, ows: mapscript.OWSRequest) -> tuple[int, str, bytes]:
    """Dispatch with stdout captured; MapServer raises after writing an exception report."""
    mapscript.msResetErrorList()
    mapscript.msIO_installStdoutToBuffer()
    try:
        try:
            status = map_.OWSDispatch(ows)
        except mapscript.MapServerError:
            status = 1  # the exception report is in the buffer
        try:
            headers = mapscript.msIO_getAndStripStdoutBufferMimeHeaders()
        except mapscript.MapServerError:  # nothing written (not an OWS request)
            return status, "", b""
        content_type = headers.get("Content-Type") or "application/octet-stream"
        return status, content_type, mapscript.msIO_getStdoutBufferBytes()
    finally:
        mapscript.msIO_resetHandlers()
        mapscript.msResetErrorList()
