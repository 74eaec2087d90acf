"""Read a ULDK query string into a :class:`UldkRequest`, refusing what is malformed.

A malformed *request* is refused (:class:`~services.edge.failures.Refusal`, a 4xx at the
edge); an identifier that no object can have is not malformed, it simply finds nothing
(the national service answers ``-1 brak wyników`` to a nonsense id), so identifiers are
only checked in :mod:`services.uldk.keys`. Values are never echoed in refusals: they are
the client's own and may be anything.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import cache

from geoportal.crs import POLAND_2180, is_geographic, projected_area_of_use, transformer
from geoportal.text import Text
from services.edge.failures import Failure, Refusal
from services.edge.kvp import parse_query
from services.uldk import protocol as p

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
_SRID = re.compile(r"^\d{1,6}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # no identifier or name holds them (NUL breaks SQL text)
AREA_MARGIN_M = 100_000.0  # PL-2000 zones are used some way beyond their strips


@dataclass(frozen=True)
class Point:
    """A point in EPSG:2180, easting first; ``inside`` is False outside Poland."""

    x: float
    y: float
    inside: bool = True


@dataclass(frozen=True)
class UldkRequest:
    """A request that passed the checks; ``id`` is stripped, ``ids`` split."""

    operation: p.Operation
    fields: tuple[str, ...] = p.DEFAULT_FIELDS
    srid: int = p.STORAGE_SRID
    id: str = ""
    ids: tuple[str, ...] = ()
    point: Point | None = None
    radius: float = p.DEFAULT_RADIUS_M


def read_request(query: str) -> UldkRequest:
    """Parse and check a query string; raise :class:`Refusal` for a malformed request."""
    params = parse_query(query)  # too long, too many or ambiguous parameters: refused
    operation = _operation(params.get("REQUEST"))
    request = UldkRequest(operation, _fields(params.get("RESULT"), operation),
                          _srid(params.get("SRID"), "srid"))  # fmt: skip
    lookup = operation.lookup
    if lookup in (p.Lookup.ID, p.Lookup.ID_OR_NUMBER):
        return replace(request, id=_required(params, "ID", p.MAX_PARAMETER))
    if lookup is p.Lookup.IDS:
        text = _required(params, "ID", p.MAX_AGGREGATE_PARAMETER)
        return replace(request, ids=_split_ids(text))
    point = read_point(_required(params, "XY", p.MAX_PARAMETER))
    if lookup is p.Lookup.SNAP:
        return replace(request, point=point, radius=_radius(params.get("RADIUS")))
    return replace(request, point=point)


def read_point(text: str) -> Point:
    """``x,y`` or ``x,y,srid``, easting (longitude) first, as a point in EPSG:2180."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) not in (2, 3) or not all(_NUMBER.match(part) for part in parts[:2]):
        raise _bad("xy", "oczekiwano x,y lub x,y,srid", "expected x,y or x,y,srid")
    x, y = float(parts[0]), float(parts[1])
    srid = _srid(parts[2], "xy") if len(parts) == 3 else p.STORAGE_SRID
    if not (math.isfinite(x) and math.isfinite(y)) or not _in_domain(srid, x, y):
        raise _bad("xy", "współrzędne poza obszarem układu", "coordinates outside the CRS")
    if srid != p.STORAGE_SRID:
        x, y = transformer(srid, p.STORAGE_SRID).transform(x, y)
        if not (math.isfinite(x) and math.isfinite(y)):
            raise _bad("xy", "współrzędne poza obszarem układu", "coordinates outside the CRS")
    west, south, east, north = POLAND_2180
    return Point(x, y, west <= x <= east and south <= y <= north)


def _operation(name: str | None) -> p.Operation:
    if not name:
        raise _missing("request")
    operation = p.OPERATIONS.get(name.strip().lower())
    if operation is None:
        raise _bad("request", "nieznane zapytanie", "unknown request")
    return operation


def _fields(text: str | None, operation: p.Operation) -> tuple[str, ...]:
    if text is None or not text.strip():
        return p.DEFAULT_FIELDS
    if len(text) > p.MAX_PARAMETER:
        raise _too_long("result")
    names = [name.strip().lower() for name in text.split(",")]
    if len(names) > p.MAX_FIELDS:
        raise _bad("result", "zbyt wiele pól", "too many fields")
    fields = tuple(p.ALIASES.get(name, name) for name in names)
    if any(field not in p.FIELDS for field in fields):
        listed = ", ".join(p.FIELDS)
        raise _bad("result", f"nieznane pole (dozwolone: {listed})",
                   f"unknown field (allowed: {listed})")  # fmt: skip
    if operation.kind in p.GEOMETRY_ONLY and not set(fields) <= set(p.GEOMETRY_FIELDS):
        listed = ", ".join(p.GEOMETRY_FIELDS)
        raise _bad("result", f"to zapytanie zwraca tylko geometrię ({listed})",
                   f"this request returns geometry only ({listed})")  # fmt: skip
    return fields


def _srid(text: str | None, name: str) -> int:
    if text is None or not text.strip():
        return p.STORAGE_SRID
    value = text.strip()
    if _SRID.match(value) and int(value) in p.SRIDS:
        return int(value)
    listed = ", ".join(map(str, p.SRIDS))
    raise Refusal(
        Failure.INVALID_CRS,
        Text(pl=f"niepoprawny parametr {name}: nieobsługiwany układ (obsługiwane: {listed})",
             en=f"invalid parameter {name}: unsupported CRS (supported: {listed})"),
        name,
    )  # fmt: skip


def _required(params: dict[str, str], key: str, limit: int) -> str:
    value = params.get(key, "").strip()
    if not value:
        raise _missing(key.lower())
    if len(value) > limit:
        raise _too_long(key.lower())
    if _CONTROL.search(value):
        raise _bad(key.lower(), "znaki sterujące", "control characters")
    return value


def _split_ids(text: str) -> tuple[str, ...]:
    ids = tuple(part.strip() for part in text.split(","))
    if "" in ids:
        raise _bad("id", "pusty identyfikator na liście", "empty identifier in the list")
    if len(ids) > p.MAX_AGGREGATE_IDS:
        raise _bad("id", f"najwyżej {p.MAX_AGGREGATE_IDS} identyfikatorów",
                   f"at most {p.MAX_AGGREGATE_IDS} identifiers")  # fmt: skip
    return ids


def _radius(text: str | None) -> float:
    if text is None or not text.strip():
        return p.DEFAULT_RADIUS_M
    value = text.strip()
    if not _NUMBER.match(value) or not 0 < float(value) <= p.MAX_RADIUS_M:
        raise _bad("radius", f"promień w metrach, większy od 0, najwyżej {p.MAX_RADIUS_M:g}",
                   f"a radius in metres, above 0, at most {p.MAX_RADIUS_M:g}")  # fmt: skip
    return float(value)


def _in_domain(srid: int, x: float, y: float) -> bool:
    """Whether the point is where the CRS is defined (its area of use, with a margin)."""
    if is_geographic(srid):
        return -180 <= x <= 180 and -90 <= y <= 90
    west, south, east, north = _area(srid)
    return west <= x <= east and south <= y <= north


@cache
def _area(srid: int) -> tuple[float, float, float, float]:
    west, south, east, north = projected_area_of_use(srid)
    margin = AREA_MARGIN_M
    return west - margin, south - margin, east + margin, north + margin


def _bad(name: str, pl: str, en: str) -> Refusal:
    return Refusal(
        Failure.BAD_PARAMETER,
        Text(pl=f"niepoprawny parametr {name}: {pl}", en=f"invalid parameter {name}: {en}"),
        name,
    )


def _missing(name: str) -> Refusal:
    return Refusal(
        Failure.MISSING_PARAMETER,
        Text(pl=f"niepoprawny parametr {name}: brak wartości",
             en=f"invalid parameter {name}: missing value"),
        name,
    )  # fmt: skip


def _too_long(name: str) -> Refusal:
    return _bad(name, "wartość zbyt długa", "value too long")
