"""Key-value requests (OGC KVP): the query string and the numbers engines read leniently.

Engines read ``BBOX=…,640400c`` as 640400, let ``nan``/``inf`` reach the renderer and
pick one of two values of a repeated parameter by accident of implementation. Every
adapter reads its query through here first.
"""

from __future__ import annotations

import math
import re
from urllib.parse import parse_qsl

from geoportal.text import Text
from services.edge.failures import Failure, Refusal

MAX_QUERY = 64 * 1024
MAX_FIELDS = 200
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
_CRS_SUFFIX = re.compile(r"^[A-Za-z][A-Za-z0-9:._/-]{0,99}$")


def parse_query(query: str, repeatable: frozenset[str] = frozenset()) -> dict[str, str]:
    """Parameters by upper-case name; too long, too many or ambiguous is a refusal.

    Names in ``repeatable`` (WCS ``SUBSET``: one per axis) are left out: read them with
    :func:`repeated_values`.
    """
    if len(query) > MAX_QUERY:
        raise Refusal(Failure.URI_TOO_LONG, Text(pl="Zbyt długie zapytanie", en="query too long"))
    try:
        pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise bad("Zbyt wiele parametrów", "too many parameters") from exc
    params: dict[str, str] = {}
    for name, value in pairs:
        key = name.strip().upper()
        if key in repeatable:
            continue
        if key in params and params[key] != value:
            raise twice(key)
        params[key] = value
    return params


def repeated_values(query: str, name: str) -> list[str]:
    """Every value of one (upper-case) parameter name, in order."""
    pairs = parse_qsl(query[:MAX_QUERY], keep_blank_values=True, max_num_fields=MAX_FIELDS)
    return [value for key, value in pairs if key.strip().upper() == name]


def check_bbox(value: str, ordered: bool = False) -> tuple[float, float, float, float]:
    """Four finite numbers, optionally followed by a CRS name (WFS 2.0).

    ``ordered``: also require min < max on both axes (engines that do not check it).
    """
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 5 and _CRS_SUFFIX.match(parts[4]):
        parts = parts[:4]
    if len(parts) != 4 or not all(_NUMBER.match(part) for part in parts):
        raise bad("BBOX to cztery liczby", "BBOX must be four numbers", "bbox")
    x0, y0, x1, y1 = (float(part) for part in parts)
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise bad("BBOX to liczby skończone", "BBOX must be finite numbers", "bbox")
    if ordered and not (x0 < x1 and y0 < y1):
        raise bad("BBOX: minimum mniejsze od maksimum", "BBOX: min must be below max", "bbox")
    return x0, y0, x1, y1


def bad(pl: str, en: str, locator: str | None = None) -> Refusal:
    """A refusal of a bad parameter."""
    return Refusal(Failure.BAD_PARAMETER, Text(pl=pl, en=en), locator)


def invalid_crs(locator: str) -> Refusal:
    """A refusal of a CRS the service does not offer."""
    return Refusal(
        Failure.INVALID_CRS, Text(pl="Nieobsługiwany układ", en="CRS not offered"), locator
    )


def twice(key: str) -> Refusal:
    """A refusal of a parameter given twice with different values."""
    return bad(f"Parametr {key} podano dwukrotnie", f"parameter {key} given twice", key)
