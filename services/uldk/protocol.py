"""The ULDK vocabulary: request names, ``result`` fields, coordinate systems and limits.

Plain registries, readable on one screen. Names are matched case-insensitively (clients
write ``GetParcelById`` and ``geom_wkt``; nothing is lost by also accepting other cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """What a request locates."""

    PARCEL = "parcel"
    BUILDING = "building"
    REGION = "region"  # obręb ewidencyjny
    COMMUNE = "commune"  # gmina
    COUNTY = "county"  # powiat
    VOIVODESHIP = "voivodeship"  # województwo
    AGGREGATE = "aggregate"  # union of parcels, obręby or gminy
    VERTEX = "vertex"  # a parcel's boundary point (SnapToPoint)


class Lookup(Enum):
    """How a request names what it wants."""

    ID = "id"  # id=identifier
    ID_OR_NUMBER = "id_or_number"  # id=identifier, or "obręb name" and number
    XY = "xy"  # xy=x,y[,srid]: the objects containing the point
    SNAP = "snap"  # xy=x,y[,srid]&radius=m: the nearest boundary point
    IDS = "ids"  # id=id1,id2,…


@dataclass(frozen=True)
class Operation:
    """One ``request`` value."""

    name: str
    kind: Kind
    lookup: Lookup


OPERATIONS: dict[str, Operation] = {
    op.name.lower(): op
    for op in (
        Operation("GetParcelById", Kind.PARCEL, Lookup.ID),
        Operation("GetParcelByIdOrNr", Kind.PARCEL, Lookup.ID_OR_NUMBER),
        Operation("GetParcelByXY", Kind.PARCEL, Lookup.XY),
        Operation("GetBuildingById", Kind.BUILDING, Lookup.ID),
        Operation("GetBuildingByXY", Kind.BUILDING, Lookup.XY),
        Operation("GetRegionById", Kind.REGION, Lookup.ID),
        Operation("GetRegionByXY", Kind.REGION, Lookup.XY),
        Operation("GetCommuneById", Kind.COMMUNE, Lookup.ID),
        Operation("GetCommuneByXY", Kind.COMMUNE, Lookup.XY),
        Operation("GetCountyById", Kind.COUNTY, Lookup.ID),
        Operation("GetCountyByXY", Kind.COUNTY, Lookup.XY),
        Operation("GetVoivodeshipById", Kind.VOIVODESHIP, Lookup.ID),
        Operation("GetVoivodeshipByXY", Kind.VOIVODESHIP, Lookup.XY),
        Operation("GetAggregateArea", Kind.AGGREGATE, Lookup.IDS),
        Operation("SnapToPoint", Kind.VERTEX, Lookup.SNAP),
    )
}

GEOMETRY_FIELDS = ("geom_wkb", "geom_wkt", "geom_extent")
ATTRIBUTE_FIELDS = ("teryt", "id", "voivodeship", "county", "commune", "region", "parcel",
                    "datasource", "function", "status")  # fmt: skip
FIELDS = GEOMETRY_FIELDS + ATTRIBUTE_FIELDS
# Polish names seen in two public clients (``result=wojewodztwo,powiat,gmina,region,numer``).
ALIASES = {"wojewodztwo": "voivodeship", "powiat": "county", "gmina": "commune",
           "obreb": "region", "numer": "parcel"}  # fmt: skip
DEFAULT_FIELDS = ("geom_wkb",)
# Aggregates and snapped points are geometry alone: they have no identifier or names.
GEOMETRY_ONLY = frozenset({Kind.AGGREGATE, Kind.VERTEX})

STORAGE_SRID = 2180
SRIDS = (2180, 2176, 2177, 2178, 2179, 4326, 4258, 3857)  # output and xy, easting first
GEOGRAPHIC_SRIDS = frozenset({4326, 4258})

NO_RESULTS = "-1 brak wyników"

MAX_PARAMETER = 200  # characters of id, xy, result, srid, radius (GetAggregateArea: below)
MAX_AGGREGATE_IDS = 100
MAX_AGGREGATE_PARAMETER = MAX_AGGREGATE_IDS * 40
MAX_FIELDS = 20  # entries in result
MAX_OBJECTS = 100  # lines in one answer
DEFAULT_RADIUS_M = 1.0
MAX_RADIUS_M = 100.0
