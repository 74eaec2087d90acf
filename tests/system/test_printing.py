"""Print to PDF through the running application: the PDF is parsed and measured.

The map image's placed width on the page, in points, must equal the ground width of the
printed area at the asked scale: ``bbox width [m] / scale × 1000 mm`` → points. The
centre is inside the demo rasters (the middle of the county), so the orthophoto prints.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from geoportal.printing.layout import POINTS_PER_MM, PrintRequest, plan_print
from geoportal.settings import PROJECT_ROOT

CENTRE = (509_000, 413_500)
ARTEFACTS = PROJECT_ROOT / "var" / "screenshots"
_PLACED = re.compile(rb"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm\s*/(\S+) Do")


def _print(http, live_server, **params):
    query = {"x": str(CENTRE[0]), "y": str(CENTRE[1]), "scale": "1000", "dpi": "150",
             "layers": "parcels,buildings", **params}  # fmt: skip
    return http.get(f"{live_server}/drukuj", params=query, timeout=60)


def _placed_images(pdf: bytes) -> list[tuple[float, float]]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    content = page.get_contents().get_data()
    return [(float(m.group(1)), float(m.group(2))) for m in _PLACED.finditer(content)]


def test_legend_graphic_passes_our_edge(http, live_server):
    answer = http.get(f"{live_server}/ows", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
        "LAYER": "dzialki", "FORMAT": "image/png", "SLD_VERSION": "1.1.0"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.content.startswith(b"\x89PNG")
    unknown = http.get(f"{live_server}/ows", params={
        "SERVICE": "WMS", "VERSION": "1.3.0", "REQUEST": "GetLegendGraphic",
        "LAYER": "../etc", "FORMAT": "image/png", "SLD_VERSION": "1.1.0"}, timeout=30)  # fmt: skip
    assert unknown.status_code == 400  # refused by our edge (names.py), MapServer never sees it
    assert b"LayerNotDefined" in unknown.content and b"no layer" in unknown.content


@pytest.mark.parametrize("paper,orientation", [("A4", "portrait"), ("A3", "landscape")])
def test_print_is_at_the_exact_scale(http, live_server, paper, orientation):
    answer = _print(http, live_server, paper=paper, orientation=orientation,
                    title="Działka przy ulicy Żółkiewskiego — wypis")  # fmt: skip
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["Content-Type"] == "application/pdf"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)  # kept for a person to look at
    (ARTEFACTS / f"print-{paper}-{orientation}-1000.pdf").write_bytes(answer.content)
    plan = plan_print(PrintRequest(CENTRE, 1000, paper, orientation, 150))
    ground_width_m = plan.bbox[2] - plan.bbox[0]
    expected_points = ground_width_m / 1000 * 1000 * POINTS_PER_MM  # metres at 1:1000 → mm
    widths = sorted(_placed_images(answer.content), reverse=True)
    assert widths, "no image placed in the PDF"
    placed_width, placed_height = widths[0]
    assert abs(placed_width - expected_points) / expected_points < 0.005
    expected_height = (plan.bbox[3] - plan.bbox[1]) * POINTS_PER_MM
    assert abs(placed_height - expected_height) / expected_height < 0.005
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert "Działka przy ulicy Żółkiewskiego — wypis" in text
    assert "1:1 000" in text
    assert datetime.now(UTC).date().isoformat() in text or date.today().isoformat() in text
    assert "CC BY 4.0" in text
    assert "Starostwo Powiatowe w Łasku" in text
    assert len(widths) >= 2, "the legend images are on the sheet"


@pytest.mark.parametrize(
    "base,opacity",
    [("orthophoto", ""), ("cadastral", ""), ("orthophoto", "land_use:50,buildings:70")],
)
def test_an_a4_print_at_300_dpi_carries_a_map_of_300_dpi(http, live_server, base, opacity):
    """The 300 dpi sheet with five layers over a base map, also with two faded layers (base,
    three passes and the blending): the map image has the pixels 300 dpi asks for over the
    frame (its time is measured by ``benchmarks/printing.py``)."""
    layers = "land_use,parcels,buildings,districts,parcel_numbers"
    answer = _print(http, live_server, dpi="300", base=base, layers=layers, opacity=opacity)
    assert answer.status_code == 200, answer.text[:300]
    plan = plan_print(PrintRequest(CENTRE, 1000, "A4", "portrait", 300))
    page = PdfReader(io.BytesIO(answer.content)).pages[0]
    sizes = sorted(((image.image.width, image.image.height) for image in page.images), reverse=True)
    assert sizes and sizes[0] == plan.pixels, (sizes[:3], plan.pixels)
    assert plan.pixels[0] == round(plan.frame_mm[0] / 25.4 * 300)


@pytest.mark.parametrize(
    "params,parameter",
    [
        ({"scale": "1234"}, "scale"),
        ({"scale": "100000000"}, "scale"),
        ({"scale": "-1000"}, "scale"),
        ({"dpi": "5000"}, "dpi"),
        ({"dpi": "72"}, "dpi"),
        ({"paper": "A0"}, "paper"),
        ({"orientation": "diagonal"}, "orientation"),
        ({"layers": "parcels,secret_owners"}, "layers"),
        ({"layers": "<script>alert(1)</script>"}, "layers"),
        ({"base": "http://169.254.169.254/"}, "base"),
        ({"x": "abc"}, "x"),
        ({"x": "nan"}, "x"),
        ({"x": "1e308"}, "x"),
        ({"x": "200000"}, "x"),
        ({"title": "x" * 500}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"opacity": "parcels:500"}, "opacity"),
        ({"opacity": "roads:50"}, "opacity"),  # not among the printed layers
        ({"opacity": "<script>alert(1)</script>:5"}, "opacity"),
    ],
)
def test_bad_print_requests_are_400_with_a_message(http, live_server, params, parameter):
    answer = _print(http, live_server, **params)
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert body["parameter"] == parameter
    assert body["error"] and "Traceback" not in body["error"]
    assert "<script>" not in answer.text


def test_map_resolution_sets_mapservers_scale(http, live_server):
    """1000 m on 1000 px is 1:2 835 at 72 dpi (parcel numbers drawn, max 1:10 000) but
    1:11 811 at 300 dpi (not drawn): the print's scale is the one MapServer uses."""
    base = {
        "SERVICE": "WMS", "VERSION": "1.1.1", "REQUEST": "GetMap", "LAYERS": "numery_dzialek",
        "STYLES": "", "SRS": "EPSG:2180", "BBOX": "508500,413000,509500,414000",
        "WIDTH": "1000", "HEIGHT": "1000", "FORMAT": "image/png", "TRANSPARENT": "TRUE",
    }  # fmt: skip
    at_72 = http.get(f"{live_server}/ows", params=base, timeout=30)
    at_300 = http.get(f"{live_server}/ows", params={**base, "MAP_RESOLUTION": "300"}, timeout=30)
    assert at_72.status_code == at_300.status_code == 200
    assert _painted(at_72.content) > 100  # numbers drawn
    assert _painted(at_300.content) == 0  # beyond the layer's 1:10 000
    for bad_value in ("5000", "0", "abc", "-1"):
        refused = http.get(f"{live_server}/ows", params={**base, "MAP_RESOLUTION": bad_value})
        assert refused.status_code == 400


def _painted(png: bytes) -> int:
    from PIL import Image

    alpha = Image.open(io.BytesIO(png)).convert("RGBA").getchannel("A")
    histogram = alpha.histogram()
    return sum(histogram) - histogram[0]
