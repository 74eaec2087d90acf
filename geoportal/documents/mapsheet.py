"""The geometry of a map excerpt on paper: which ground a frame shows at a scale.

A wyrys must be true to its scale on paper: at 1:1000, 100 m of ground is 10 cm of sheet.
The frame's size in pixels is rounded first, and the ground extent and the size on paper
are both derived from that pixel count, so the image placed at :attr:`Frame.width_mm`
on the page is exactly ``scale`` times smaller than the ground it shows.

>>> frame = frame_for((500_000, 400_000, 500_100, 400_050), scale=1000)
>>> round(frame.ground_width_m / (frame.width_mm / 1000))
1000
>>> frame.width_px, frame.height_px
(1339, 1181)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geoportal.documents.kinds import SCALES

FRAME_MM = (170.0, 150.0)  # width, height of the map frame on an A4 page
DPI = 200  # enough for parcel numbers to read on paper; 300 doubles the render time
MARGIN = 0.15  # of the frame kept around the parcels (their neighbours show)
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Frame:
    """A map frame: its ground extent (EPSG:2180), pixel size, and size on paper."""

    bbox: tuple[float, float, float, float]
    scale: int
    width_px: int
    height_px: int
    dpi: int

    @property
    def width_mm(self) -> float:
        return self.width_px / self.dpi * MM_PER_INCH

    @property
    def height_mm(self) -> float:
        return self.height_px / self.dpi * MM_PER_INCH

    @property
    def ground_width_m(self) -> float:
        return self.bbox[2] - self.bbox[0]


@dataclass(frozen=True)
class MapRequest:
    """What a renderer draws: layers (WMS names, bottom first) over a frame."""

    layers: tuple[str, ...]
    frame: Frame


MapRenderer = Callable[[MapRequest], bytes]
"""Renders a request as PNG bytes of exactly ``frame.width_px`` × ``frame.height_px``."""


def fitting_scale(
    extent: tuple[float, float, float, float], frame_mm: tuple[float, float] = FRAME_MM
) -> int:
    """The most detailed of :data:`SCALES` at which ``extent`` and its margin fit."""
    width, height = extent[2] - extent[0], extent[3] - extent[1]
    usable = 1 - 2 * MARGIN
    for scale in SCALES:
        if (
            width <= frame_mm[0] / 1000 * scale * usable
            and height <= frame_mm[1] / 1000 * scale * usable
        ):
            return scale
    return SCALES[-1]


def frame_for(
    extent: tuple[float, float, float, float],
    scale: int,
    frame_mm: tuple[float, float] = FRAME_MM,
    dpi: int = DPI,
) -> Frame:
    """A frame centred on ``extent`` at ``scale`` (``extent`` may not fit: it is centred)."""
    if scale not in SCALES:
        raise ValueError(f"scale 1:{scale} is not one of 1:{', 1:'.join(map(str, SCALES))}")
    width_px = round(frame_mm[0] / MM_PER_INCH * dpi)
    height_px = round(frame_mm[1] / MM_PER_INCH * dpi)
    ground_w = width_px / dpi * MM_PER_INCH / 1000 * scale
    ground_h = height_px / dpi * MM_PER_INCH / 1000 * scale
    cx, cy = (extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2
    bbox = (cx - ground_w / 2, cy - ground_h / 2, cx + ground_w / 2, cy + ground_h / 2)
    return Frame(bbox, scale, width_px, height_px, dpi)


def scale_bar_m(scale: int) -> int:
    """A round length of ground for the scale bar, 4–10 cm long on paper.

    >>> scale_bar_m(1000), scale_bar_m(500), scale_bar_m(5000)
    (50, 20, 200)
    """
    for length in (10, 20, 50, 100, 200, 500, 1000):
        if length / scale * 1000 >= 40:  # millimetres on paper
            return length
    return 1000
