"""Find what a ULDK request names: plan the statement, run it as the public role.

:func:`plan` is pure (request in, statement or nothing out) so that what reaches the
database can be tested without one; :class:`Locator` runs the plan on a pooled
connection of the ``public`` role, which may read nothing but the ``publish`` views.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import psycopg

from geoportal.database import Database
from geoportal.site import Site
from geoportal.text import Text
from services.edge.failures import Failure, Refusal, server_error, unavailable
from services.uldk import keys
from services.uldk import queries as q
from services.uldk.protocol import MAX_OBJECTS, Kind, Lookup
from services.uldk.request import UldkRequest

LOGGER = logging.getLogger(__name__)
ROLE = "public"

_KEYS = {
    Kind.BUILDING: keys.building_key, Kind.REGION: keys.region_key,
    Kind.COMMUNE: keys.commune_key, Kind.COUNTY: keys.county_key,
}  # fmt: skip


@dataclass(frozen=True)
class Place:
    """The county the answers come from, and the names its objects carry."""

    teryt: str  # WWPP
    county: str  # "powiat łaski", as the national service writes it
    voivodeship: str  # "łódzkie"
    datasource: str

    @classmethod
    def of(cls, site: Site) -> Place:
        """The place of a site file (``Powiat łaski`` is written ``powiat łaski``)."""
        name = site.county.name.pl
        county = name[:1].lower() + name[1:]
        return cls(site.county.teryt, county, site.county.voivodeship.pl, f"{county} (EGiB)")


def plan(request: UldkRequest, county: str) -> q.Statement | None:
    """The statement answering a request; None when nothing can be found."""
    kind, lookup = request.operation.kind, request.operation.lookup
    params: dict[str, Any] = {"county": county, "srid": request.srid, "limit": MAX_OBJECTS}
    if kind is Kind.VOIVODESHIP:
        return None  # the county does not hold voivodeship boundaries
    if lookup is Lookup.IDS:
        return _aggregate(request, params)
    if lookup in (Lookup.XY, Lookup.SNAP):
        point = request.point
        if point is None or not point.inside:
            return None
        params |= {"x": point.x, "y": point.y, "radius": request.radius}
        if lookup is Lookup.SNAP:
            return q.statement(q.VERTEX, "", request.fields, params)
        return q.statement(q.SOURCES[kind], q.BY_POINT[kind], request.fields, params)
    if kind is Kind.PARCEL:
        return _parcel(request, params)
    key = _KEYS[kind](request.id, county)
    if key is None:
        return None
    return q.statement(q.SOURCES[kind], q.BY_ID[kind], request.fields, params | {"id": key})


def _parcel(request: UldkRequest, params: dict[str, Any]) -> q.Statement | None:
    parcel = keys.parcel_key(request.id, params["county"])
    if parcel is not None:
        params |= {"id": parcel.id, "number": parcel.number, "sheet_prefix": parcel.sheet_prefix}
        return q.statement(q.PARCELS, q.BY_ID[Kind.PARCEL], request.fields, params)
    if request.operation.lookup is not Lookup.ID_OR_NUMBER:
        return None
    named = keys.name_and_number(request.id)
    if named is None:
        return None
    params |= {"name": named.name, "number": named.number}
    return q.statement(q.PARCELS, q.BY_NAME_AND_NUMBER, request.fields, params)


def _aggregate(request: UldkRequest, params: dict[str, Any]) -> q.Statement | None:
    found = keys.aggregate_keys(request.ids, params["county"])
    if found is None:
        return None
    params |= {"parcels": list(found.parcels), "regions": list(found.regions),
               "communes": list(found.communes), "count": found.count}  # fmt: skip
    return q.statement(q.AGGREGATE, "", request.fields, params)


class Locator:
    """Answers requests from the county's publish views."""

    def __init__(self, database: Database, place: Place):
        self.database = database
        self.place = place

    def locate(self, request: UldkRequest) -> list[q.Found]:
        """The objects a request names, at most ``MAX_OBJECTS``; [] when none."""
        statement = plan(request, self.place.teryt)
        if statement is None:
            return []
        return [q.Found(*row) for row in self._run(statement)]

    def _run(self, statement: q.Statement) -> list[tuple[Any, ...]]:
        """Run on a pooled connection; a stale pooled connection gets one retry."""
        for attempt in (1, 2):
            if not self.database.available:
                raise unavailable()  # fail fast: the database does not answer
            try:
                with self.database.pool(ROLE).connection() as conn:
                    return conn.execute(statement.query, statement.params).fetchall()
            except psycopg.errors.QueryCanceled as exc:
                raise unavailable() from exc  # the statement timeout: overloaded
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    LOGGER.error("database unavailable: %s", exc)
                    raise unavailable() from exc
            except psycopg.DataError as exc:
                text = Text(pl="niepoprawna wartość parametru", en="invalid parameter value")
                raise Refusal(Failure.BAD_PARAMETER, text) from exc
            except psycopg.Error as exc:
                LOGGER.exception("ULDK query failed")
                raise server_error() from exc
        raise AssertionError("unreachable")
