"""One MapServer render process: loads the mapfile once, renders what its pipe brings.

Debian's mapscript never releases the GIL, so a render in the web process stops every
other thread of it (four 4096² GetMaps made ``/health`` wait 6.5 s). Renders therefore
run here, in processes of their own started by :mod:`services.mapserver.renderpool`; the
web process only waits on a pipe, which releases the GIL. Inside, the render is the same
in-process mapscript call as before (a clone of the parsed map per request: a map object
reused across requests keeps state from the previous one).

This module is the process's entry point: it imports mapscript, nothing of the web.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection

import mapscript

RENDER_NICENESS = 10  # renders yield the CPU to the requests that must stay fast


@dataclass(frozen=True)
class RendererSetup:
    """What a render process needs: the run-time mapfile, its config, the public URLs
    (of the service, and of the portal as the provider's site)."""

    mapfile: str
    config_file: str
    online_resource: str
    provider_site: str


Job = tuple[dict[str, str], str | None]  # KVP parameters, XML body
Result = tuple[int, str, bytes]  # OWSDispatch status, content type, body


def serve(conn: Connection, setup: RendererSetup) -> None:
    """Answer jobs from ``conn`` until the web process closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `geoportal run`, not us
    os.nice(RENDER_NICENESS)
    map_ = mapscript.mapObj(setup.mapfile, mapscript.configObj(setup.config_file))
    map_.web.metadata.set("ows_onlineresource", setup.online_resource)  # every clone has them
    map_.web.metadata.set("ows_service_onlineresource", setup.provider_site)
    conn.send("ready")
    while True:
        try:
            params, body = conn.recv()
        except (EOFError, OSError):
            return  # the web process is gone or replaced us
        conn.send(render(map_.clone(), params, body))


def render(map_: mapscript.mapObj, params: dict[str, str], body: str | None) -> Result:
    """Dispatch one OWS request with stdout captured (MapServer writes its answer there)."""
    ows = mapscript.OWSRequest()
    for name, value in params.items():
        ows.setParameter(name, value)
    if body is not None:
        ows.type = mapscript.MS_POST_REQUEST
        ows.postrequest = body
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
