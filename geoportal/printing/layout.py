"""Where the map goes on the paper and how many pixels it needs for an exact scale.

The map frame on the paper is ``frame_mm`` wide; at 1:``scale`` it shows
``frame_mm × scale / 1000`` metres of ground, so 100 m at 1:1000 measure 10 cm on the
paper. The image is rendered at the print resolution (dots per inch) but placed at the
frame's physical size, so the scale does not depend on the pixel count: when the
renderer's size limit is smaller than the frame at the asked resolution, fewer dots are
used and the scale stays exact.

>>> plan = plan_print(PrintRequest(centre=(509000, 413500), scale=1000, paper="A4",
...                                orientation="portrait", dpi=150))
>>> plan.bbox[2] - plan.bbox[0] == plan.frame_mm[0]   # metres at 1:1000 = millimetres
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from geoportal.text import Text

MM_PER_INCH = 25.4
POINTS_PER_MM = 72 / MM_PER_INCH
SCALES = (500, 1000, 2000, 2500, 5000, 10_000, 25_000, 50_000, 100_000)
PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}  # portrait width, height in mm
ORIENTATIONS = ("portrait", "landscape")
DPI_RANGE = (150, 300)
MAX_PIXELS_DEFAULT = 4096  # the WMS's MAXSIZE
TITLE_MAX = 80
MARGIN_MM = 10.0
HEADER_MM = 14.0  # title and county name above the map
FOOTER_MM = 42.0  # scale bar, legend, source, licence below the map


class PrintError(ValueError):
    """A print request that cannot be honoured, with a message for the person asking."""

    def __init__(self, text: Text, parameter: str):
        super().__init__(text.en)
        self.text = text
        self.parameter = parameter


@dataclass(frozen=True)
class PrintRequest:
    """What to print: centre in EPSG:2180 (easting, northing), scale denominator, paper."""

    centre: tuple[float, float]
    scale: int
    paper: str
    orientation: str
    dpi: int
    layers: tuple[str, ...] = ()  # drawing order: the first at the bottom (WMS LAYERS)
    base_map: str = ""
    title: str = ""
    opacity: tuple[tuple[str, int], ...] = ()  # (layer, percent) of layers not fully opaque


@dataclass(frozen=True)
class PrintPlan:
    """The page and the map frame on it (millimetres from the lower-left corner), the
    ground the frame shows (EPSG:2180) and the image size to render."""

    request: PrintRequest
    page_mm: tuple[float, float]
    frame_origin_mm: tuple[float, float]
    frame_mm: tuple[float, float]
    bbox: tuple[float, float, float, float]
    pixels: tuple[int, int]
    effective_dpi: float = field(default=0.0)

    @property
    def frame_points(self) -> tuple[float, float]:
        """The frame's size in PDF points (1/72 inch)."""
        return (self.frame_mm[0] * POINTS_PER_MM, self.frame_mm[1] * POINTS_PER_MM)


def page_size(paper: str, orientation: str) -> tuple[float, float]:
    """Width and height of the sheet in millimetres."""
    width, height = PAPERS[paper]
    return (height, width) if orientation == "landscape" else (width, height)


def plan_print(request: PrintRequest, max_pixels: int = MAX_PIXELS_DEFAULT) -> PrintPlan:
    """The layout of one validated request; the image never exceeds ``max_pixels``."""
    page = page_size(request.paper, request.orientation)
    frame = (page[0] - 2 * MARGIN_MM, page[1] - 2 * MARGIN_MM - HEADER_MM - FOOTER_MM)
    ground = (frame[0] * request.scale / 1000, frame[1] * request.scale / 1000)
    x, y = request.centre
    bbox = (x - ground[0] / 2, y - ground[1] / 2, x + ground[0] / 2, y + ground[1] / 2)
    dpi = min(float(request.dpi), max_pixels * MM_PER_INCH / max(frame))
    pixels = (
        math.floor(frame[0] / MM_PER_INCH * dpi),
        math.floor(frame[1] / MM_PER_INCH * dpi),
    )
    return PrintPlan(request, page, (MARGIN_MM, MARGIN_MM + FOOTER_MM), frame, bbox, pixels, dpi)


def scale_bar_metres(scale: int, max_mm: float = 60.0) -> float:
    """A round ground length (1, 2 or 5 × 10ⁿ m) whose bar is at most ``max_mm`` long.

    >>> scale_bar_metres(1000)
    50.0
    >>> scale_bar_metres(10_000)
    500.0
    """
    limit = max_mm * scale / 1000
    exponent = math.floor(math.log10(limit))
    for step in (5, 2, 1):
        if step * 10**exponent <= limit:
            return float(step * 10**exponent)
    return float(10 ** (exponent - 1) * 5)


def format_scale(scale: int) -> str:
    """``1:10 000`` — thousands separated by a space, as Polish maps write them.

    >>> format_scale(1000)
    '1:1 000'
    """
    return "1:" + f"{scale:,}".replace(",", " ")
