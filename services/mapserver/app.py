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
from http import HTTPStatus
from typing import Any

import mapscript

from geoportal.catalog import Catalog
from geoportal.database import Database
from geoportal.settings import Settings
from services.mapserver.answers import Answer, edge_exception, finish
from services.mapserver.edge import OwsRequest, Rejected, read_request, service_of
from services.mapserver.runtime import prepare_runtime

MS_DONE = 2  # OWSDispatch: "not an OWS request, nothing written"


class MapServerApp:
    """WSGI callable answering OGC KVP and XML POST requests with mapscript."""

    def __init__(self, mapfile: str, config_file: str, online_resource: str):
        self._map = mapscript.mapObj(mapfile, mapscript.configObj(config_file))
        self._online_resource = online_resource
        self._clone_lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        try:
            request = read_request(environ)
            answer = self.dispatch(request)
        except Rejected as refused:
            answer = edge_exception(
                refused.status, refused.code, refused.text, refused.locator, service_of(environ)
            )
        headers = [("Content-Type", answer.content_type),
                   ("Content-Length", str(len(answer.body))), *answer.headers]  # fmt: skip
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [answer.body]

    def dispatch(self, request: OwsRequest) -> Answer:
        """Run one request through a fresh clone of the map and classify the output."""
        with self._clone_lock:
            map_ = self._map.clone()
        map_.web.metadata.set("ows_onlineresource", self._online_resource)
        status, content_type, body = _run(map_, _ows_request(request))
        if status == MS_DONE:
            return edge_exception(
                400, "MissingParameterValue", "not an OGC WMS/WFS request (SERVICE, REQUEST)",
                "request", request.service,
            )  # fmt: skip
        if not body:  # failed without writing a report: ours to fix, not the client's
            return edge_exception(500, "NoApplicableCode", "map rendering failed", None, None)
        version = request.params.get("VERSION") if request.service != "WFS" else None
        return finish(content_type, body, version)


def make_mapserver_app(settings: Settings, catalog: Catalog, database: Database) -> MapServerApp:
    """Prepare the run-time files and load the mapfile once for this process."""
    mapfile, config_file = prepare_runtime(settings, catalog, database)
    return MapServerApp(str(mapfile), str(config_file), settings.base_url + "/ows?")


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
