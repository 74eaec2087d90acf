"""The ``bbox`` a client sent, checked once and handed to the provider as it was meant.

pygeoapi 0.21 transforms ``bbox`` from ``bbox-crs`` to the storage CRS by its two corners
before the provider sees it. A rectangle in CRS84 is not a rectangle in EPSG:2180 (the
meridians converge), so that loses metres at the corners. The guard in front of pygeoapi
therefore parses the client's bbox here and hands it over (``services.providers.scope``);
the provider filters with the exact rectangle of the client's CRS, densified before it
is transformed so its edges keep following meridians and parallels.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from psycopg import sql

from geoportal.crs import STORAGE_EPSG
from services.providers.crs import ServedCrs, served_crs

_NUMBER = re.compile(r"^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][+-]?\d{1,3})?$")
_PROJECTED_LIMIT = 1e8  # metres: beyond any projected CRS we serve
_SEGMENT = {True: 0.002, False: 200.0}  # densify step: degrees / metres (edge error < 1 mm)


class BBoxError(ValueError):
    """A bbox that cannot mean a rectangle; carries the message in Polish and English."""

    def __init__(self, pl: str, en: str):
        super().__init__(en)
        self.pl = pl
        self.en = en


@dataclass(frozen=True)
class Envelope:
    """A rectangle with x = easting/longitude, whatever the axis order of its CRS."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float
    crs: ServedCrs


def parse_bbox(text: str, crs_uri: str) -> Envelope:
    """Parse ``minA,minB,maxA,maxB`` (or 6 numbers with heights) in the CRS's axis order."""
    crs = served_crs(crs_uri)
    if crs is None:
        raise BBoxError("nieobsługiwany układ współrzędnych bbox", "unsupported bbox CRS")
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BBoxError("bbox musi mieć 4 lub 6 liczb", "bbox needs 4 or 6 numbers")
    numbers = [_number(part) for part in parts]
    low, high = (numbers[:2], numbers[2:]) if len(numbers) == 4 else (numbers[:2], numbers[3:5])
    if low[0] >= high[0] or low[1] >= high[1]:
        raise BBoxError("w bbox minimum musi być mniejsze od maksimum",
                        "bbox minimum must be less than maximum")  # fmt: skip
    if crs.northing_first:
        low, high = low[::-1], high[::-1]
    envelope = Envelope(low[0], low[1], high[0], high[1], crs)
    _check_domain(envelope)
    return envelope


def _number(text: str) -> float:
    value = float(text) if _NUMBER.match(text.strip()) else math.nan
    if not math.isfinite(value):
        raise BBoxError("bbox musi składać się ze skończonych liczb",
                        "bbox values must be finite numbers")  # fmt: skip
    return value


def _check_domain(env: Envelope) -> None:
    if env.crs.geographic:
        if env.xmin < -180 or env.xmax > 180 or env.ymin < -90 or env.ymax > 90:
            raise BBoxError("bbox poza zakresem długości/szerokości geograficznej",
                            "bbox outside longitude/latitude range")  # fmt: skip
    elif max(map(abs, (env.xmin, env.ymin, env.xmax, env.ymax))) > _PROJECTED_LIMIT:
        raise BBoxError("bbox poza zakresem układu", "bbox outside the CRS range")


def envelope_sql(env: Envelope) -> tuple[sql.Composable, list[float | int]]:
    """A geometry expression in the storage SRID for the envelope, with its parameters."""
    box = sql.SQL("ST_MakeEnvelope(%s, %s, %s, %s, %s)")
    params: list[float | int] = [env.xmin, env.ymin, env.xmax, env.ymax, env.crs.srid]
    if env.crs.srid == STORAGE_EPSG:
        return box, params
    step = _SEGMENT[env.crs.geographic]
    expr = sql.SQL("ST_Transform(ST_Segmentize({}, %s), %s)").format(box)
    return expr, [*params, step, STORAGE_EPSG]
