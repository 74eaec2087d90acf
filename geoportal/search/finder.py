"""Look the interpretations of a search text up in the ``publish`` search views.

Reads only ``publish.search_places``, ``search_parcels``, ``search_addresses`` and
``districts``, as the public reader role: no subject column is within reach. Every query
is parameterised, bounded by ``LIMIT`` and served by an index of migration 0005 (prefix
ranges in byte order), so a keystroke costs a few index probes whatever the county's size.

Answers are ranked in tiers: an exact id, or an exact place with an exact number, first;
then an exact number in a place whose name was only begun (or reached through its gmina);
then names; then numbers only begun. Within a tier parcels come before addresses, obręby and gminy.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from geoportal.database import Database, DatabaseUnavailable
from geoportal.search.coordinates import CoordinateError, CoordinateReading, read_coordinates
from geoportal.search.keys import prefix_range
from geoportal.search.parsing import (
    Address,
    IdPrefix,
    Interpretation,
    Name,
    PlaceNumber,
    clean,
    parse,
)

MAX_LIMIT = 50
KIND_ORDER = {"coordinate": 0, "parcel": 1, "address": 2, "obreb": 3, "gmina": 4}
_PLACES_PER_QUERY = 200
_DIGITS = re.compile(r"(\d+)")

_PARCEL_COLUMNS = sql.SQL("""
    p.parcel_id, p.number, p.sheet, p.district_id, p.district_name, p.commune_name,
    ST_XMin(p.geom), ST_YMin(p.geom), ST_XMax(p.geom), ST_YMax(p.geom),
    ST_X(ST_PointOnSurface(p.geom)), ST_Y(ST_PointOnSurface(p.geom))""")
_PLACES_FINGERPRINT = "SELECT count(*), sum(gid) FROM publish.search_places"
_PLACES = """
SELECT kind, id, name, number, commune_name, keys, minx, miny, maxx, maxy
  FROM publish.search_places ORDER BY kind, id LIMIT 100000
"""
_ADDRESS_COLUMNS = sql.SQL("""
    source, gid, locality, street, house_number, postcode, parcel_id,
    ST_X(geom), ST_Y(geom), locality_key, street_key, number_key""")


@dataclass(frozen=True)
class Result:
    """One object found: what it is, how to name it, where it is (EPSG:2180)."""

    kind: str  # parcel, obreb, gmina, address, coordinate
    id: str
    label: str
    context: tuple[tuple[str, str], ...]  # (role, text): ("obreb", "0004 Łask 1 Śródmieście")
    point: tuple[float, float]
    bbox: tuple[float, float, float, float] | None = None
    parcel_id: str | None = None  # the parcel an address or a point lies on
    tier: int = field(default=9, compare=False)

    def rank(self) -> tuple[Any, ...]:
        """Sort key: tier, kind, then the label in natural (number-aware) order."""
        natural = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in _DIGITS.split(self.label)]
        return (self.tier, KIND_ORDER[self.kind], natural)


@dataclass(frozen=True)
class Answer:
    """The results, best first; when there are none, ``message`` names why."""

    results: tuple[Result, ...]
    message: str | None = None


@dataclass(frozen=True)
class Place:
    """An obręb or a jednostka ewidencyjna (gmina) with its search keys."""

    kind: str
    id: str
    name: str
    number: str | None
    commune: str | None
    keys: tuple[str, ...]
    bbox: tuple[float, float, float, float]

    def match(self, key: str) -> int | None:
        """0: a key is ``key``; 1: the name begins so; 2: a later word or the name joined
        with its gmina begins so; None: no key begins so."""
        if key in self.keys:
            return 0
        if self.keys and self.keys[0].startswith(key):
            return 1
        return 2 if any(k.startswith(key) for k in self.keys) else None


class PlaceCache:
    """The county's places, per process, read again only when the publish view changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[tuple[Any, ...], tuple[Place, ...]]] = {}

    def places(self, conn: psycopg.Connection, key: str) -> tuple[Place, ...]:
        """The places of the database ``key`` names, current as of this call."""
        fingerprint = tuple(conn.execute(_PLACES_FINGERPRINT).fetchone() or ())
        entry = self._entries.get(key)
        if entry and entry[0] == fingerprint:
            return entry[1]
        rows = conn.execute(_PLACES).fetchall()
        places = tuple(
            Place(kind, pid, name, number, commune, tuple(keys or ()),
                  (float(minx), float(miny), float(maxx), float(maxy)))
            for kind, pid, name, number, commune, keys, minx, miny, maxx, maxy in rows
        )  # fmt: skip
        with self._lock:
            self._entries[key] = (fingerprint, places)
        return places


PLACES = PlaceCache()


class Finder:
    """The search over one database, within one county's extent (EPSG:2180)."""

    def __init__(self, database: Database, extent: tuple[float, float, float, float]):
        self.database = database
        self.extent = extent

    def search(self, text: str, limit: int = 10) -> Answer:
        """Everything the text may mean, best first, at most ``limit`` results.

        Raises QueryError for text it refuses, DatabaseUnavailable when the database
        does not answer.
        """
        text = clean(text)
        limit = max(1, min(limit, MAX_LIMIT))
        try:
            coordinates = read_coordinates(text, self.extent)
        except CoordinateError as error:
            return Answer((), error.code)
        if coordinates is None:
            reading = parse(text)
            if not reading.interpretations:
                return Answer((), reading.hint)
        with self._connection() as conn:
            if coordinates is not None:
                return self._at_points(conn, coordinates)
            places = PLACES.places(conn, self.database.conninfo("public"))
            found = [r for i in reading.interpretations for r in _lookup(conn, places, i, limit)]
        best: dict[tuple[str, str], Result] = {}
        for result in sorted(found, key=Result.rank):
            best.setdefault((result.kind, result.id), result)
        results = tuple(best.values())[:limit]
        if results:
            return Answer(results)
        whole_id = [i for i in reading.interpretations if isinstance(i, IdPrefix) and i.exact]
        return Answer((), "parcel_not_found" if whole_id else "not_found")

    def _connection(self) -> Any:
        if not self.database.available:
            raise DatabaseUnavailable("the database does not answer")
        return _PoolConnection(self.database)

    def _at_points(self, conn: psycopg.Connection, reading: CoordinateReading) -> Answer:
        """A coordinate result (and the parcel there) for each reading inside the county."""
        results: list[Result] = []
        for candidate in reading.inside:
            point = {"x": candidate.x, "y": candidate.y}
            inside = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM publish.districts"
                " WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 2180)))",
                point,
            ).fetchone()
            if not inside or not inside[0]:
                continue
            row = conn.execute(
                sql.SQL(
                    "SELECT {} FROM publish.search_parcels p"
                    " WHERE ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 2180))"
                    " LIMIT 1"
                ).format(_PARCEL_COLUMNS),
                point,
            ).fetchone()
            parcel = _parcel(row, tier=1) if row else None
            order = "" if candidate.epsg == 2180 and candidate.order == "x y" else candidate.order
            context = [("crs", f"EPSG:{candidate.epsg} {order}".strip())]
            if parcel:
                context.append(("parcel", parcel.id))
            results.append(
                Result(
                    "coordinate",
                    f"{candidate.x:.2f},{candidate.y:.2f}",
                    f"E {candidate.x:.2f} N {candidate.y:.2f}",
                    tuple(context),
                    (candidate.x, candidate.y),
                    parcel_id=parcel.id if parcel else None,
                    tier=0,
                )
            )
            if parcel:
                results.append(parcel)
        if not results:
            return Answer((), "outside_county")
        return Answer(tuple(dict.fromkeys(results)))


class _PoolConnection:
    """A pooled public connection; connection failures become DatabaseUnavailable."""

    def __init__(self, database: Database):
        self._context = database.pool("public").connection()

    def __enter__(self) -> psycopg.Connection:
        try:
            conn: psycopg.Connection = self._context.__enter__()
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable("the database does not answer") from exc
        return conn

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)


def _lookup(
    conn: psycopg.Connection,
    places: tuple[Place, ...],
    interpretation: Interpretation,
    limit: int,
) -> list[Result]:
    if isinstance(interpretation, IdPrefix):
        return _by_id(conn, places, interpretation, limit)
    if isinstance(interpretation, PlaceNumber):
        return _parcels_in_places(conn, places, interpretation, limit)
    if isinstance(interpretation, Address):
        return _addresses(conn, interpretation, limit)
    return _places_by_name(places, interpretation, limit)


def _by_id(
    conn: psycopg.Connection, places: tuple[Place, ...], query: IdPrefix, limit: int
) -> list[Result]:
    """Units and obręby whose id begins so; parcels too once the obręb is whole."""
    found = sorted((p for p in places if p.id.startswith(query.text)), key=lambda p: p.id)
    results = [_place(p, tier=0 if p.id == query.text else 2) for p in found[:limit]]
    if len(query.text) >= len("WWPPGG_R.XXXX"):
        low, high = prefix_range(query.text)
        parcels = conn.execute(
            sql.SQL(
                "SELECT {} FROM publish.search_parcels p"
                " WHERE p.parcel_id >= %s AND p.parcel_id < %s ORDER BY p.parcel_id LIMIT %s"
            ).format(_PARCEL_COLUMNS),
            (low, high, limit),
        ).fetchall()
        results += [_parcel(row, tier=0 if row[0] == query.text else 2) for row in parcels]
    return results


def _parcels_in_places(
    conn: psycopg.Connection, places: tuple[Place, ...], query: PlaceNumber, limit: int
) -> list[Result]:
    """Parcels numbered so (or beginning so) in the obręby the place names."""
    obreby = [p for p in places if p.kind == "obreb"]
    if query.numbered:
        match = {p.id: 0 for p in obreby if p.number == query.place.zfill(4)}
    else:
        matches = ((p.id, p.match(query.place)) for p in obreby)
        match = {pid: m for pid, m in matches if m is not None}
    if not match:
        return []
    low, high = prefix_range(query.number)
    rows = conn.execute(
        sql.SQL("""
        SELECT {}
          FROM unnest(%(districts)s::text[]) AS d(id)
         CROSS JOIN LATERAL (
               SELECT * FROM publish.search_parcels s
                WHERE s.district_id = d.id AND s.number >= %(low)s AND s.number < %(high)s
                ORDER BY s.number LIMIT %(limit)s) p
        """).format(_PARCEL_COLUMNS),
        {"districts": sorted(match, key=match.__getitem__)[:_PLACES_PER_QUERY],
         "low": low, "high": high, "limit": limit},
    ).fetchall()  # fmt: skip
    results = []
    for row in rows:
        exact_number = row[1] == query.number
        results.append(_parcel(row, match[row[3]] if exact_number else 3))
    return results


def _places_by_name(places: tuple[Place, ...], query: Name, limit: int) -> list[Result]:
    """Obręby and gminy one of whose keys begins with the text; own names first."""
    matches = [(m, p.name, p.id, p) for p in places if (m := p.match(query.key)) is not None]
    return [_place(p, tier=1 + m) for m, _name, _id, p in sorted(matches)[: limit * 2]]


def _addresses(conn: psycopg.Connection, query: Address, limit: int) -> list[Result]:
    conditions, params = ["number_key >= %(nlow)s AND number_key < %(nhigh)s"], {}
    params["nlow"], params["nhigh"] = prefix_range(query.number)
    if query.locality is not None:
        conditions.append("locality_key >= %(llow)s AND locality_key < %(lhigh)s")
        params["llow"], params["lhigh"] = prefix_range(query.locality)
    if query.street is None:
        conditions.append("street_key IS NULL")
    else:
        conditions.append("street_key >= %(slow)s AND street_key < %(shigh)s")
        params["slow"], params["shigh"] = prefix_range(query.street)
    rows = conn.execute(
        sql.SQL(
            "SELECT {} FROM publish.search_addresses WHERE {}"
            " ORDER BY number_key, locality_key, street_key LIMIT %(limit)s"
        ).format(_ADDRESS_COLUMNS, sql.SQL(" AND ").join(sql.SQL(c) for c in conditions)),
        {**params, "limit": limit},
    ).fetchall()
    results = []
    for row in rows:
        exact_names = (query.locality in (None, row[9])) and (query.street in (None, row[10]))
        exact_number = row[11] == query.number
        tier = (0 if exact_names else 1) if exact_number else 3
        results.append(_address(row, tier))
    return results


def _parcel(row: tuple[Any, ...], tier: int) -> Result:
    parcel_id, _number, sheet, district_id, district_name, commune = row[:6]
    minx, miny, maxx, maxy, x, y = (float(v) for v in row[6:12])
    obreb = f"{district_id.rsplit('.', 1)[-1]} {district_name or ''}".strip()
    context = [("obreb", obreb), ("gmina", commune or "")]
    if sheet:
        context.append(("sheet", str(sheet)))
    return Result(
        "parcel", parcel_id, parcel_id, tuple(context), (x, y), (minx, miny, maxx, maxy),
        parcel_id=parcel_id, tier=tier,
    )  # fmt: skip


def _place(place: Place, tier: int) -> Result:
    minx, miny, maxx, maxy = place.bbox
    centre = ((minx + maxx) / 2, (miny + maxy) / 2)
    context = [("id", place.id)]
    if place.kind == "obreb" and place.commune:
        context.append(("gmina", place.commune))
    return Result(place.kind, place.id, place.name, tuple(context), centre, place.bbox, tier=tier)


def _address(row: tuple[Any, ...], tier: int) -> Result:
    source, gid, locality, street, number, postcode, parcel_id, x, y = row[:9]
    label = f"{locality}, {street} {number}" if street else f"{locality} {number}"
    context = [("postcode", postcode)] if postcode else []
    if parcel_id:
        context.append(("parcel", parcel_id))
    return Result(
        "address", f"{source}:{gid}", label, tuple(context), (float(x), float(y)),
        parcel_id=parcel_id, tier=tier,
    )  # fmt: skip
