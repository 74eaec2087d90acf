"""The map image of a print in drawing passes, for layers the viewer shows faded.

A WMS GetMap draws its ``LAYERS`` in order, bottom first, but every one fully opaque.
When the person set a layer's opacity in the viewer's tree, the print draws it in a pass
of its own and lays it over what is below at that opacity; the fully opaque layers
between stay together in one pass. Pure image work (Pillow): the caller renders each pass.

>>> [(p.layers, p.opacity) for p in draw_passes(("a", "b", "c", "d"), {"c": 50})]
[(('a', 'b'), 1.0), (('c',), 0.5), (('d',), 1.0)]
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class DrawPass:
    """Overlay layers drawn together (bottom first) and the opacity of the result."""

    layers: tuple[str, ...]
    opacity: float


def draw_passes(layers: Sequence[str], opacity: Mapping[str, int]) -> list[DrawPass]:
    """Passes in drawing order; a layer at 0 % is not drawn at all."""
    passes: list[DrawPass] = []
    for layer in layers:
        percent = opacity.get(layer, 100)
        if percent <= 0:
            continue
        if percent >= 100 and passes and passes[-1].opacity == 1.0:
            passes[-1] = DrawPass((*passes[-1].layers, layer), 1.0)
        else:
            passes.append(DrawPass((layer,), percent / 100))
    return passes


def compose(
    size: tuple[int, int], base: bytes | None, overlays: Sequence[tuple[bytes, float]], jpeg: bool
) -> bytes:
    """The base image (white when None) with each transparent overlay laid over it at its
    opacity, encoded as JPEG (photographic bases) or PNG."""
    canvas = Image.new("RGBA", size, (255, 255, 255, 255))
    if base is not None:
        canvas.alpha_composite(_rgba(base, size))
    for image, opacity in overlays:
        layer = _rgba(image, size)
        if opacity < 1.0:
            scaled = [round(value * opacity) for value in range(256)]
            layer.putalpha(layer.getchannel("A").point(scaled))
        canvas.alpha_composite(layer)
    out = io.BytesIO()
    if jpeg:
        canvas.convert("RGB").save(out, "JPEG", quality=90)
    else:
        canvas.convert("RGB").save(out, "PNG")
    return out.getvalue()


def _rgba(data: bytes, size: tuple[int, int]) -> Image.Image:
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    if image.size != size:
        raise ValueError(f"a pass came back {image.size}, not {size}")
    return image
