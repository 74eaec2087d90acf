"""Write a ULDK answer: a status line, then one line per object, fields joined by ``|``.

``GetParcelByIdOrNr`` puts the number of objects in the status line (``2``), every other
request ``0``; ``SnapToPoint`` writes the point, then its distance in metres on a line of
its own; nothing found is ``-1 brak wyników``. Lines end with ``\\n``.

>>> from services.uldk.queries import Found
>>> place = Place("1003", "powiat łaski", "łódzkie", "powiat łaski (EGiB)")
>>> found = Found("100302_4.0001.12", "12", "Łask 1", "Łask", "", None,
...               "SRID=2180;POINT(1 2)", [1.0, 2.0, 1.5, 2.25], None)
>>> object_line(("geom_wkt", "teryt", "parcel", "county", "geom_extent"), found, place)
'SRID=2180;POINT(1 2)|100302_4.0001.12|12|powiat łaski|1.0,2.0,1.5,2.25'
"""

from __future__ import annotations

from collections.abc import Callable

from services.uldk.locate import Place
from services.uldk.protocol import NO_RESULTS, Lookup
from services.uldk.queries import Found
from services.uldk.request import UldkRequest

_UNSAFE = str.maketrans({"|": " ", "\n": " ", "\r": " "})  # a value must not break the format

FIELD_VALUES: dict[str, Callable[[Found, Place], str | None]] = {
    "geom_wkb": lambda found, place: found.wkb,
    "geom_wkt": lambda found, place: found.wkt,
    "geom_extent": lambda found, place: (
        ",".join(repr(float(v)) for v in found.extent) if found.extent else ""
    ),
    "teryt": lambda found, place: found.teryt,
    "id": lambda found, place: found.teryt,
    "voivodeship": lambda found, place: place.voivodeship,
    "county": lambda found, place: place.county,
    "commune": lambda found, place: found.commune,
    "region": lambda found, place: found.region,
    "parcel": lambda found, place: found.parcel,
    "datasource": lambda found, place: place.datasource,
    "function": lambda found, place: found.function,
    "status": lambda found, place: "",  # the county's data hold no building status
}


def answer_text(request: UldkRequest, found: list[Found], place: Place) -> str:
    """The whole answer to a request."""
    if not found:
        return NO_RESULTS + "\n"
    lines = [object_line(request.fields, item, place) for item in found]
    if request.operation.lookup is Lookup.SNAP:
        lines.append(repr(float(found[0].distance or 0.0)))
    status = str(len(found)) if request.operation.lookup is Lookup.ID_OR_NUMBER else "0"
    return "\n".join([status, *lines]) + "\n"


def object_line(fields: tuple[str, ...], found: Found, place: Place) -> str:
    """One object: the fields asked for, in that order; a field that does not apply is empty."""
    values = (FIELD_VALUES[name](found, place) or "" for name in fields)
    return "|".join(value.translate(_UNSAFE) for value in values)
