"""Print layout and parameter checks, without a server: the scale arithmetic is exact."""

from __future__ import annotations

import doctest
import io

import pytest
from PIL import Image

import geoportal.printing.layout as layout_module
import geoportal.printing.params as params_module
import geoportal.printing.passes as passes_module
from geoportal.printing.layout import (
    MAX_PIXELS_DEFAULT,
    POINTS_PER_MM,
    SCALES,
    PrintError,
    PrintRequest,
    format_scale,
    page_size,
    plan_print,
    scale_bar_metres,
)
from geoportal.printing.params import read_print_request
from geoportal.printing.passes import compose

EXTENT = (494_000.0, 396_000.0, 524_000.0, 431_000.0)
GOOD = {"x": "509000", "y": "413500", "scale": "1000", "layers": "parcels"}


def _read(**changes: str) -> PrintRequest:
    return read_print_request({**GOOD, **changes}, ["parcels", "buildings"],
                              ["cadastral", "orthophoto", "none"], EXTENT)  # fmt: skip


def test_doctests() -> None:
    for module in (layout_module, params_module, passes_module):
        assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_ground_width_is_paper_width_times_scale(scale: int, paper: str, orientation: str) -> None:
    plan = plan_print(PrintRequest((509_000, 413_500), scale, paper, orientation, 300))
    width_m = plan.bbox[2] - plan.bbox[0]
    height_m = plan.bbox[3] - plan.bbox[1]
    assert width_m == pytest.approx(plan.frame_mm[0] * scale / 1000)
    assert height_m == pytest.approx(plan.frame_mm[1] * scale / 1000)
    assert plan.frame_points[0] == pytest.approx(width_m * 1000 / scale * POINTS_PER_MM)
    assert max(plan.pixels) <= MAX_PIXELS_DEFAULT
    # the pixels keep the frame's proportions, so the image is not distorted on the paper
    assert plan.pixels[0] / plan.pixels[1] == pytest.approx(width_m / height_m, rel=0.002)
    assert plan.frame_origin_mm[0] + plan.frame_mm[0] <= page_size(paper, orientation)[0]


def test_hundred_metres_at_1_1000_are_ten_centimetres() -> None:
    plan = plan_print(PrintRequest((509_000, 413_500), 1000, "A4", "portrait", 150))
    mm_per_metre = plan.frame_mm[0] / (plan.bbox[2] - plan.bbox[0]) * 1000 / 1000
    assert 100 * mm_per_metre == pytest.approx(100.0)  # 100 m → 100 mm = 10 cm


def test_a4_at_300_dpi_uses_full_resolution_and_a3_is_capped() -> None:
    a4 = plan_print(PrintRequest((509_000, 413_500), 1000, "A4", "portrait", 300))
    assert a4.effective_dpi == 300
    a3 = plan_print(PrintRequest((509_000, 413_500), 1000, "A3", "landscape", 300))
    assert a3.effective_dpi < 300 and max(a3.pixels) <= MAX_PIXELS_DEFAULT


def test_scale_text_and_bar() -> None:
    assert format_scale(1000) == "1:1 000"
    assert format_scale(100_000) == "1:100 000"
    for scale in SCALES:
        metres = scale_bar_metres(scale)
        assert metres * 1000 / scale <= 60
        assert str(int(metres)).strip("0") in {"1", "2", "5"}


def test_a_good_request() -> None:
    request = _read(paper="a3", orientation="LANDSCAPE", dpi="300", base="orthophoto",
                    title="  Działka 13/4 – Łask  ")  # fmt: skip
    assert request.paper == "A3" and request.orientation == "landscape"
    assert request.base_map == "orthophoto" and request.dpi == 300
    assert request.title == "Działka 13/4 – Łask"
    assert request.layers == ("parcels",)


@pytest.mark.parametrize(
    "changes,parameter",
    [
        ({"scale": "999"}, "scale"),
        ({"scale": "1e3"}, "scale"),
        ({"scale": ""}, "scale"),
        ({"dpi": "301"}, "dpi"),
        ({"dpi": "149"}, "dpi"),
        ({"paper": "letter"}, "paper"),
        ({"orientation": "x"}, "orientation"),
        ({"layers": "parcels,owners"}, "layers"),
        ({"layers": ",".join(["parcels"] * 21)}, "layers"),
        ({"base": "../../etc/passwd"}, "base"),
        ({"x": "inf"}, "x"),
        ({"y": "413500; DROP"}, "y"),
        ({"x": "0"}, "x"),
        ({"y": "500000"}, "x"),
        ({"title": "t" * 81}, "title"),
        ({"title": "line\nbreak"}, "title"),
        ({"opacity": "parcels:101"}, "opacity"),
        ({"opacity": "parcels:-5"}, "opacity"),
        ({"opacity": "parcels:5.5"}, "opacity"),
        ({"opacity": "parcels"}, "opacity"),
        ({"opacity": "parcels:50\n"}, "opacity"),
        ({"opacity": "parcels:50,parcels:60"}, "opacity"),
        ({"opacity": "buildings:50"}, "opacity"),  # a layer the print does not draw
        ({"opacity": "<script>:50"}, "opacity"),
    ],
)
def test_bad_requests_name_the_parameter(changes: dict[str, str], parameter: str) -> None:
    with pytest.raises(PrintError) as caught:
        _read(**changes)
    assert caught.value.parameter == parameter
    assert caught.value.text.pl and caught.value.text.en
    assert "<" not in caught.value.text.en


def test_layer_order_and_opacity_are_read_as_given() -> None:
    request = _read(layers="buildings,parcels", opacity="parcels:40,buildings:100")
    assert request.layers == ("buildings", "parcels")  # drawing order, bottom first
    assert request.opacity == (("parcels", 40),)  # 100 % is the default, left out


def test_faded_layers_are_laid_over_at_their_opacity() -> None:
    size = (4, 2)
    red = _png(size, (255, 0, 0, 255))
    half_transparent_blue = _png(size, (0, 0, 255, 128))
    out = compose(size, None, [(red, 1.0), (half_transparent_blue, 0.5)], jpeg=False)
    pixel = Image.open(io.BytesIO(out)).getpixel((0, 0))
    # blue at 128/255 × 0.5 ≈ 0.25 over red
    assert pixel == (191, 0, 64)
    with pytest.raises(ValueError):
        compose((5, 5), None, [(red, 1.0)], jpeg=False)


def _png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def test_unknown_names_are_not_echoed_when_they_are_not_identifiers() -> None:
    with pytest.raises(PrintError) as caught:
        _read(layers="<img src=x onerror=alert(1)>")
    assert "<img" not in caught.value.text.pl
