"""Read a print request from text parameters, refusing anything out of bounds.

Every parameter is checked against an allow-list or a range before anything is
rendered: the scale against :data:`~geoportal.printing.layout.SCALES`, the layers and
base map against the names the caller allows, the centre against the county's extent.
``layers`` is the drawing order, bottom first (as the viewer's layer tree stacks them);
``opacity`` gives a percentage for a printed layer that is not fully opaque
(``land_use:50,buildings:80``).

>>> read_print_request({"x": "509000", "y": "413500", "scale": "1000"},
...                    layers=["parcels"], base_maps=["none"],
...                    extent=(494000, 396000, 524000, 431000)).paper
'A4'
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence

from geoportal.printing.layout import (
    DPI_RANGE,
    ORIENTATIONS,
    PAPERS,
    SCALES,
    TITLE_MAX,
    PrintError,
    PrintRequest,
    format_scale,
)
from geoportal.text import Text

_NUMBER = re.compile(r"^[+-]?\d{1,9}(\.\d{1,6})?$")
_INTEGER = re.compile(r"^\d{1,7}$")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_PERCENT = re.compile(r"[0-9]{1,3}")
MAX_LAYERS = 20


def read_print_request(
    params: Mapping[str, str],
    layers: Sequence[str],
    base_maps: Sequence[str],
    extent: tuple[float, float, float, float],
) -> PrintRequest:
    """A :class:`PrintRequest`; :class:`PrintError` names the first bad parameter."""
    centre = (_coordinate(params, "x"), _coordinate(params, "y"))
    minx, miny, maxx, maxy = extent
    if not (minx <= centre[0] <= maxx and miny <= centre[1] <= maxy):
        raise PrintError(
            Text(
                pl="Środek wydruku leży poza powiatem", en="the print centre is outside the county"
            ),
            "x",
        )
    scale = _integer(params, "scale", None)
    if scale not in SCALES:
        allowed = ", ".join(format_scale(s) for s in SCALES)
        raise PrintError(
            Text(
                pl=f"Skala musi być jedną z: {allowed}", en=f"the scale must be one of: {allowed}"
            ),
            "scale",
        )
    paper = params.get("paper", "A4").upper()
    if paper not in PAPERS:
        raise PrintError(Text(pl="Papier: A4 albo A3", en="paper: A4 or A3"), "paper")
    orientation = params.get("orientation", "portrait").lower()
    if orientation not in ORIENTATIONS:
        raise PrintError(
            Text(pl="Orientacja: portrait albo landscape", en="orientation: portrait or landscape"),
            "orientation",
        )
    dpi = _integer(params, "dpi", 150)
    if not DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        low, high = DPI_RANGE
        raise PrintError(
            Text(
                pl=f"Rozdzielczość: od {low} do {high} dpi", en=f"resolution: {low} to {high} dpi"
            ),
            "dpi",
        )
    printed = _layers(params.get("layers", ""), layers)
    return PrintRequest(
        centre=centre,
        scale=scale,
        paper=paper,
        orientation=orientation,
        dpi=dpi,
        layers=printed,
        base_map=_base_map(params.get("base", base_maps[0] if base_maps else ""), base_maps),
        title=_title(params.get("title", "")),
        opacity=_opacity(params.get("opacity", ""), printed),
    )


def _coordinate(params: Mapping[str, str], name: str) -> float:
    value = params.get(name, "").strip()
    if not _NUMBER.match(value) or not math.isfinite(float(value)):
        raise PrintError(
            Text(
                pl=f"{name}: współrzędna w metrach (PUWG 1992), np. 509000",
                en=f"{name}: a coordinate in metres (PUWG 1992), e.g. 509000",
            ),
            name,
        )
    return float(value)


def _integer(params: Mapping[str, str], name: str, default: int | None) -> int:
    value = params.get(name)
    if value is None and default is not None:
        return default
    if value is None or not _INTEGER.match(value.strip()):
        raise PrintError(
            Text(pl=f"{name} musi być liczbą całkowitą", en=f"{name} must be a whole number"), name
        )
    return int(value)


def _layers(value: str, allowed: Sequence[str]) -> tuple[str, ...]:
    names = [name for name in value.split(",") if name]
    if len(names) > MAX_LAYERS:
        raise PrintError(Text(pl="Za dużo warstw", en="too many layers"), "layers")
    unknown = [name for name in names if name not in allowed]
    if unknown:
        shown = _shown(unknown[0])
        raise PrintError(Text(pl=f"Nie ma warstwy {shown}", en=f"no layer {shown}"), "layers")
    return tuple(dict.fromkeys(names))


def _opacity(value: str, printed: Sequence[str]) -> tuple[tuple[str, int], ...]:
    """``layer:percent`` pairs for printed layers; 100 % is left out (the default)."""
    found: dict[str, int] = {}
    for item in (part for part in value.split(",") if part):
        name, _, percent = item.partition(":")
        if name not in printed:
            shown = _shown(name)
            raise PrintError(
                Text(
                    pl=f"Przezroczystość dla warstwy spoza wydruku: {shown}",
                    en=f"opacity for a layer that is not printed: {shown}",
                ),
                "opacity",
            )
        if not _PERCENT.fullmatch(percent) or int(percent) > 100 or name in found:
            raise PrintError(
                Text(
                    pl="Przezroczystość: warstwa:procent (0–100), np. land_use:50",
                    en="opacity: layer:percent (0–100), e.g. land_use:50",
                ),
                "opacity",
            )
        found[name] = int(percent)
    return tuple((name, percent) for name, percent in found.items() if percent < 100)


def _base_map(value: str, allowed: Sequence[str]) -> str:
    if value not in allowed:
        shown = _shown(value)
        raise PrintError(
            Text(pl=f"Nie ma mapy podkładowej {shown}", en=f"no base map {shown}"), "base"
        )
    return value


def _shown(name: str) -> str:
    """A name to repeat in a message: only when it is a plain identifier, never markup."""
    return repr(name) if _NAME.match(name) else "(?)"


def _title(value: str) -> str:
    """The title as plain text: control characters refused, length limited."""
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise PrintError(
            Text(pl="Tytuł zawiera znaki sterujące", en="the title contains control characters"),
            "title",
        )
    if len(value) > TITLE_MAX:
        raise PrintError(
            Text(
                pl=f"Tytuł może mieć najwyżej {TITLE_MAX} znaków",
                en=f"the title may have at most {TITLE_MAX} characters",
            ),
            "title",
        )
    return value.strip()
