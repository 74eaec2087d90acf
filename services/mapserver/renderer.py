"""One MapServer render process: loads the mapfiles once, renders what its pipe brings.

Debian's mapscript never releases the GIL, so a render in the web process stops every
other thread of it (four 4096² GetMaps made ``/health`` wait 6.5 s). Renders therefore
run here, in processes of their own started by :mod:`services.mapserver.renderpool`; the
web process only waits on a pipe, which releases the GIL. Each process holds the map of
every endpoint (``/ows`` and the thematic ones), so any renderer can take any request.
Inside, the render is the same in-process mapscript call as before (a clone of the parsed
map per request: a map object reused across requests keeps state from the previous one).

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
    """What a render process needs: the run-time mapfiles by endpoint key with the public
    URL of each, the config file, and the portal's URL as the provider's site."""

    mapfiles: dict[str, str]  # endpoint key ("" for /ows) -> run-time mapfile
    online_resources: dict[str, str]  # endpoint key -> its public URL ending in "?"
    config_file: str
    provider_site: str
    raster_dir: str  # where raster layers' files are (their DATA is a bare file name)


# endpoint key, KVP parameters, XML body, repeated WCS SUBSET values
Job = tuple[str, dict[str, str], str | None, tuple[str, ...]]
Result = tuple[int, str, bytes]  # OWSDispatch status, content type, body


def serve(conn: Connection, setup: RendererSetup) -> None:
    """Answer jobs from ``conn`` until the web process closes it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for `geoportal run`, not us
    os.nice(RENDER_NICENESS)
    config = mapscript.configObj(setup.config_file)
    maps = {key: load_map(path, config, setup) for key, path in setup.mapfiles.items()}
    conn.send("ready")
    while True:
        try:
            key, params, body, subsets = conn.recv()
        except (EOFError, OSError):
            return  # the web process is gone or replaced us
        conn.send(render(maps[key].clone(), params, body, subsets))


def load_map(path: str, config: mapscript.configObj, setup: RendererSetup) -> mapscript.mapObj:
    """Parse a mapfile once, with the machine's settings: the public URLs and the raster
    folder (every clone inherits them)."""
    map_ = mapscript.mapObj(path, config)
    key = next(key for key, mapfile in setup.mapfiles.items() if mapfile == path)
    map_.web.metadata.set("ows_onlineresource", setup.online_resources[key])
    map_.web.metadata.set("ows_service_onlineresource", setup.provider_site)
    map_.shapepath = setup.raster_dir
    return map_


def render(
    map_: mapscript.mapObj, params: dict[str, str], body: str | None, subsets: tuple[str, ...] = ()
) -> Result:
    """Dispatch one OWS request with stdout captured (MapServer writes its answer there)."""
    if "MAP_RESOLUTION" in params:  # checked by the edge: a print's dots per inch
        # MapServer 8 ignores the WMS vendor parameter; set on the clone, it makes the
        # scale (and so each layer's scale range) and the symbol sizes the printed ones.
        map_.resolution = float(params["MAP_RESOLUTION"])
    if "MAP_PNG_COMPRESSION" in params:  # set by the edge for the tile cache's own requests
        map_.getOutputFormatByName("png").setOption("COMPRESSION", params["MAP_PNG_COMPRESSION"])
    ows = mapscript.OWSRequest()
    for name, value in params.items():
        ows.setParameter(name, value)
    for subset in subsets:  # a repeated name: added, not set
        ows.addParameter("SUBSET", subset)
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
