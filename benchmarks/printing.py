"""An A4 print at 300 dpi (issue target: 5 s) against the GetMap it is drawn from.

The print (``/drukuj``) renders one WMS GetMap of the sheet's map frame at the plan's
pixel size, fetches the layers' legends and lays out the PDF. Its limit is that GetMap
alone, sent to ``/ows`` with the same layers, box and size: what the sheet costs beyond
it is the legends and the PDF.
"""

from __future__ import annotations

from pyproj import Transformer

from benchmarks.client import Client
from benchmarks.instance import county_centre
from benchmarks.timing import paired_ms, report
from geoportal.instance import Instance
from geoportal.printing.layout import PrintRequest, plan_print
from web.app import create_flask_app
from web.viewer.pageconfig import base_maps

LAYERS = ("land_use", "parcels", "buildings", "districts", "parcel_numbers")
TARGET_S = 5.0


def bench_print(instance: Instance, repeat: int) -> None:
    """Median of an A4 portrait 300 dpi print with five layers over the cadastral base."""
    lon, lat = county_centre(instance.database)
    x, y = Transformer.from_crs(4326, 2180, always_xy=True).transform(lon, lat)
    with create_flask_app(instance).test_request_context():  # base map titles: gettext
        offered = base_maps(instance.rasters, "pl", instance.publications)
    base = next(b for b in offered if b["id"] == "cadastral")
    overlays = {layer.id: layer.wms_name for layer in instance.catalog.layers}
    plan = plan_print(PrintRequest((x, y), 1000, "A4", "portrait", 300))
    session = Client()
    url = f"{instance.settings.base_url}/drukuj"
    params = {"x": f"{x:.1f}", "y": f"{y:.1f}", "scale": "1000", "dpi": "300",
              "paper": "A4", "orientation": "portrait", "base": "cadastral",
              "layers": ",".join(LAYERS)}  # fmt: skip
    first = session.get(url, params=params, timeout=60)
    assert first.status_code == 200, first.text[:300]
    minx, miny, maxx, maxy = plan.bbox
    getmap = {"SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap",
              "LAYERS": ",".join(base["wms_layers"] + [overlays[i] for i in LAYERS]),
              "STYLES": "", "SRS": "EPSG:2180",
              "BBOX": f"{minx:.3f},{miny:.3f},{maxx:.3f},{maxy:.3f}",
              "WIDTH": str(plan.pixels[0]), "HEIGHT": str(plan.pixels[1]), "FORMAT": "image/png",
              "TRANSPARENT": "FALSE", "BGCOLOR": "0xFFFFFF", "MAP_RESOLUTION": "300"}  # fmt: skip
    ows = f"{instance.settings.base_url}/ows"
    assert session.get(ows, params=getmap, timeout=60).headers["Content-Type"] == "image/png"
    ours, peer = paired_ms(
        lambda: session.get(url, params=params, timeout=60).content,
        lambda: session.get(ows, params=getmap, timeout=60).content,
        repeat,
        1,
    )
    report(f"print A4 300 dpi, 5 layers ({plan.pixels[0]}x{plan.pixels[1]})", ours, peer,
           "its GetMap")  # fmt: skip
    met = "met" if ours <= TARGET_S * 1000 else "NOT met"
    print(f"{'':42} target {TARGET_S:.0f} s: {met}")
