"""Coordinates typed in the search box, in any supported system, found in EPSG:2180.

Supported: EPSG:2180 (PUWG 1992), the PL-2000 zones EPSG:2176–2179 and WGS 84 degrees
(decimal, or degrees-minutes-seconds with N/E letters). The axis order is not guessed
silently (domain reference §9): every order the numbers allow is tried, and only the
readings that land inside the county's extent are kept. For the county's ranges the
orders cannot both land inside: northings and eastings of EPSG:2180 differ there by tens
of kilometres, a PL-2000 easting starts with its zone digit (5–8) and has seven digits
before the point, latitudes (49–55°) and longitudes (14–24°) of Poland do not overlap.

>>> reading = read_coordinates("51.59, 19.13", (494000, 396000, 524000, 431000))
>>> [(c.epsg, c.order) for c in reading.inside]
[(4326, 'lat lon')]
>>> read_coordinates("Łask 13", (494000, 396000, 524000, 431000)) is None
True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from pyproj import Transformer

from geoportal.crs import STORAGE_EPSG

PL2000 = {5: 2176, 6: 2177, 7: 2178, 8: 2179}  # zone (first digit of the easting) → EPSG
SUPPORTED = (STORAGE_EPSG, *PL2000.values(), 4326)

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_NUMBER_COMMA = r"[-+]?\d+(?:,\d+)?"
_EPSG = re.compile(r"\b(?:epsg|crs)\s*[:=]?\s*(\d{4,5})\b", re.IGNORECASE)
_AXIS_NAMES = re.compile(r"\b(?:x|y|e|n|lat|lon|φ|λ)\s*[=:]", re.IGNORECASE)
_PAIR = re.compile(rf"^\s*({_NUMBER})\s*(?:[,;]\s*|\s+)({_NUMBER})\s*$")
_PAIR_COMMA = re.compile(rf"^\s*({_NUMBER_COMMA})\s*(?:;\s*|\s+)({_NUMBER_COMMA})\s*$")
_DMS_BODY = (
    r"(\d+(?:[.,]\d+)?)\s*°\s*(?:(\d+(?:[.,]\d+)?)\s*['′’]\s*)?"
    r"(?:(\d+(?:[.,]\d+)?)\s*(?:[\"″”]|'')\s*)?"
)
_DMS_LEADING = re.compile(r"([NSEW])?\s*" + _DMS_BODY + "()", re.IGNORECASE)  # N 51°35'
_DMS_TRAILING = re.compile("()" + _DMS_BODY + r"([NSEW])?", re.IGNORECASE)  # 51°35'N
_HEMISPHERE_PAIR = re.compile(
    rf"^\s*([NSEW])\s*({_NUMBER})\s*[,;]?\s*([NSEW])\s*({_NUMBER})\s*$"
    rf"|^\s*({_NUMBER})\s*([NSEW])\s*[,;]?\s*({_NUMBER})\s*([NSEW])\s*$",
    re.IGNORECASE,
)


class CoordinateError(ValueError):
    """Coordinates the search refuses; ``code`` names the reason for the message table."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Candidate:
    """One reading of the numbers: source system, axis order, and the point in EPSG:2180."""

    epsg: int
    order: str  # "x y" (easting first), "y x", "lat lon" or "lon lat"
    first: float
    second: float
    x: float  # EPSG:2180 easting
    y: float  # EPSG:2180 northing


@dataclass(frozen=True)
class CoordinateReading:
    """Every reading tried; ``inside`` are those in the county's extent."""

    candidates: tuple[Candidate, ...]
    inside: tuple[Candidate, ...]


def read_coordinates(
    text: str, extent: tuple[float, float, float, float]
) -> CoordinateReading | None:
    """The text read as coordinates, or None when it does not look like coordinates.

    ``extent`` is the county's in EPSG:2180 (minx, miny, maxx, maxy). A reading that looks
    like coordinates but fits no supported system raises CoordinateError.
    """
    stripped, epsg = _named_crs(text)
    degrees = _degrees(stripped)
    if degrees is not None:
        if epsg not in (None, 4326):
            raise CoordinateError("crs_mismatch")
        (lat, lon), ordered = degrees
        candidates = [_candidate(4326, "lat lon", lat, lon, lon, lat)] if ordered else []
        candidates = candidates or _geographic((lat, lon))
    else:
        numbers = _pair(stripped)
        if numbers is None:
            return None
        projected = _projected(numbers, epsg)
        if projected is None:
            return None
        candidates = projected
    if not candidates:
        raise CoordinateError("not_coordinates")
    inside = tuple(c for c in candidates if _within(c, extent))
    return CoordinateReading(tuple(candidates), inside)


def _named_crs(text: str) -> tuple[str, int | None]:
    """The text without an ``EPSG:nnnn`` mention and axis names, and the code named."""
    match = _EPSG.search(text)
    epsg = None
    if match:
        epsg = int(match[1])
        if epsg not in SUPPORTED:
            raise CoordinateError("unsupported_crs")
        text = text[: match.start()] + " " + text[match.end() :]
    text = _AXIS_NAMES.sub(" ", text).replace("(", " ").replace(")", " ")
    return text.strip(), epsg


def _pair(text: str) -> tuple[str, str] | None:
    match = _PAIR.match(text) or _PAIR_COMMA.match(text)
    if not match:
        return None
    return match[1].replace(",", "."), match[2].replace(",", ".")


def _projected(numbers: tuple[str, str], epsg: int | None) -> list[Candidate] | None:
    """Readings in metres: EPSG:2180 both orders, PL-2000 with the zone from the easting."""
    a, b = float(numbers[0]), float(numbers[1])
    if not (math.isfinite(a) and math.isfinite(b)):
        return []
    if max(abs(a), abs(b)) < 1000:  # two small numbers: "0001 13", not metres
        if epsg is None and ("." not in numbers[0] + numbers[1]):
            return None
        if epsg != 4326 and epsg is not None:
            return []
        return _geographic((a, b))  # "51.59 19.13": decimal degrees, order unknown
    if epsg == 4326:
        return []
    found = []
    for first, second, order in ((a, b, "x y"), (b, a, "y x")):
        if epsg in (None, STORAGE_EPSG):
            found.append(_candidate(STORAGE_EPSG, order, first, second, first, second))
        zone = int(first // 1_000_000) if 5_000_000 <= first < 9_000_000 else None
        if zone in PL2000 and epsg in (None, PL2000[zone]):
            found.append(_candidate(PL2000[zone], order, first, second, first, second))
    return found


def _geographic(pair: tuple[float, float]) -> list[Candidate]:
    """Decimal degrees: latitude first (as people write it) and longitude first."""
    a, b = pair
    found = []
    if abs(a) <= 90 and abs(b) <= 180:
        found.append(_candidate(4326, "lat lon", a, b, b, a))
    if abs(b) <= 90 and abs(a) <= 180:
        found.append(_candidate(4326, "lon lat", a, b, a, b))
    return found


def _degrees(text: str) -> tuple[tuple[float, float], bool] | None:
    """Degrees with ° or with N/E letters; True with (latitude, longitude) when letters
    say which is which, False with the two values as written otherwise."""
    match = _HEMISPHERE_PAIR.match(text)
    if match:
        groups = match.groups()
        letters_values = (
            [(groups[0], groups[1]), (groups[2], groups[3])]
            if groups[0]
            else [(groups[5], groups[4]), (groups[7], groups[6])]
        )
        return _by_hemisphere([(letter, float(value)) for letter, value in letters_values]), True
    if "°" not in text:
        return None
    dms = _DMS_LEADING if text[:1].upper() in ("N", "S", "E", "W") else _DMS_TRAILING
    parts = [m for m in dms.finditer(text) if m[2]]
    rest = dms.sub(" ", text).strip(" ,;")
    if len(parts) != 2 or rest:
        raise CoordinateError("not_coordinates")
    values = []
    for part in parts:
        degrees = float(part[2].replace(",", "."))
        minutes = float((part[3] or "0").replace(",", "."))
        seconds = float((part[4] or "0").replace(",", "."))
        if minutes >= 60 or seconds >= 60:
            raise CoordinateError("not_coordinates")
        letter = part[1] or part[5] or None
        values.append((letter, degrees + minutes / 60 + seconds / 3600))
    if all(letter is None for letter, _ in values):
        return (values[0][1], values[1][1]), False
    return _by_hemisphere(values), True


def _by_hemisphere(values: list[tuple[str | None, float]]) -> tuple[float, float]:
    """(latitude, longitude) from values with N/S/E/W letters."""
    lat = lon = None
    for letter, value in values:
        kind = (letter or "").upper()
        if kind in ("N", "S"):
            lat = -value if kind == "S" else value
        elif kind in ("E", "W"):
            lon = -value if kind == "W" else value
    if lat is None or lon is None:
        raise CoordinateError("not_coordinates")
    return lat, lon


def _candidate(
    epsg: int, order: str, first: float, second: float, east: float, north: float
) -> Candidate:
    """``east``/``north`` in the source system (longitude/latitude for degrees)."""
    if epsg == STORAGE_EPSG:
        return Candidate(epsg, order, first, second, east, north)
    x, y = _transformer(epsg).transform(east, north)
    return Candidate(epsg, order, first, second, x, y)


@cache
def _transformer(epsg: int) -> Transformer:
    return Transformer.from_crs(epsg, STORAGE_EPSG, always_xy=True)


def _within(candidate: Candidate, extent: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = extent
    return (
        math.isfinite(candidate.x)
        and math.isfinite(candidate.y)
        and minx <= candidate.x <= maxx
        and miny <= candidate.y <= maxy
    )
