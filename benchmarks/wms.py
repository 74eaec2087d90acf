"""An uncached WMS GetMap through the application vs bare mapscript rendering the same.

The application checks the request at its edge, hands it to a render process over a pipe
and classifies the answer; the peer is what those cost nothing over: the same mapfile
loaded in this process and ``OWSDispatch`` on a clone, as the render process does.
"""

from __future__ import annotations

import os

from benchmarks.client import Client
from benchmarks.instance import county_centre
from benchmarks.timing import paired_ms, report
from geoportal.instance import Instance
from services.mapserver.runtime import ALL_LAYERS, endpoints, prepare_runtime


def _getmap(instance: Instance) -> dict[str, str]:
    from pyproj import Transformer

    lon, lat = county_centre(instance.database)
    x, y = Transformer.from_crs(4326, 2180, always_xy=True).transform(lon, lat)
    return {"SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetMap",
            "LAYERS": "dzialki,budynki,numery_dzialek", "STYLES": "", "CRS": "EPSG:2180",
            "BBOX": f"{y - 150},{x - 150},{y + 150},{x + 150}", "WIDTH": "256",
            "HEIGHT": "256", "FORMAT": "image/png"}  # fmt: skip


def bench_uncached_getmap(instance: Instance, repeat: int) -> None:
    """Print medians of a 256² GetMap through our /ows and by bare mapscript, and the ratio."""
    import mapscript

    from services.mapserver.renderer import render

    params = _getmap(instance)
    session = Client()
    url = f"{instance.settings.base_url}/ows"
    first = session.get(url, params=params, timeout=30)
    assert first.status_code == 200 and first.headers["Content-Type"] == "image/png"
    served = endpoints(instance)
    runtime = prepare_runtime(instance.settings, served, instance.database)
    map_ = mapscript.mapObj(
        str(runtime.mapfiles[ALL_LAYERS]), mapscript.configObj(str(runtime.config_file))
    )
    assert os.environ.get("PGSERVICEFILE")
    ours, bare = paired_ms(
        lambda: session.get(url, params=params, timeout=30).content,
        lambda: render(map_.clone(), params, None),
        repeat,
    )
    report("WMS GetMap 256², uncached", ours, bare, "mapscript")
