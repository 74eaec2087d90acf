"""A fast pygeoapi feature provider for the views in ``publish`` (EPSG:2180, ``gid``).

Why not pygeoapi's ``PostgreSQL`` provider: it reflects the table with SQLAlchemy, builds
features in Python, transforms coordinates with pyproj (resolving the CRS from WKT on
every request) and, with ``storage_crs`` EPSG:2180, confuses the axis order of bboxes
and output. Here one SQL statement returns finished GeoJSON features, coordinates are
transformed by PostGIS with integer SRIDs, and the axis order of every CRS is explicit
(``services.providers.crs``).

Enabled by dotted path in the pygeoapi configuration::

    providers:
      - type: feature
        name: services.providers.postgis.PublishViewProvider
        data: {role: public, schema: publish, view: parcels, fields: {...}}
        id_field: gid

pygeoapi builds providers itself, from the dotted path, so it cannot hand them the
application's :class:`~geoportal.database.Database`: the composition root binds it once
with :func:`use_database`, and every provider takes its pooled connections from there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, TypeVar

import orjson
import psycopg
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderConnectionError,
    ProviderGenericError,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
    ProviderQueryError,
)

from geoportal.database import Database
from services.edge.failures import ANSWERS, Failure
from services.providers import sqlquery as sq
from services.providers.bbox import BBoxError, Envelope, parse_bbox
from services.providers.cql import cql_clause
from services.providers.crs import CRS84, ServedCrs, served_crs
from services.providers.fields import json_schema
from services.providers.generations import GenerationMemory
from services.providers.scope import NextPage, current_scope
from services.providers.view import ViewConfigError, view_spec

LOGGER = logging.getLogger(__name__)
MAX_OFFSET = 2**31 - 1
_ITEM_ID = re.compile(r"^[1-9][0-9]{0,17}$")  # gid: no sign, no spaces, no "1abc"
COUNTS: GenerationMemory[int] = GenerationMemory(4096, lambda _: 1)  # per process, by query
T = TypeVar("T")


_database: Database | None = None


def use_database(database: Database) -> None:
    """Bind the application's database; providers built afterwards connect through it."""
    global _database
    _database = database


def _bound_database() -> Database:
    if _database is None:
        raise ProviderConnectionError("no database bound: build the app with use_database()")
    return _database


class DatabaseUnavailableError(ProviderConnectionError):
    """The database cannot be reached or is overloaded; the client may retry."""

    http_status_code = HTTPStatus(ANSWERS[Failure.DATABASE_UNAVAILABLE].status)
    ogc_exception_code = "ServiceUnavailable"
    default_msg = "Baza danych chwilowo niedostępna / database temporarily unavailable"


class PublishViewProvider(BaseProvider):
    """Features of one ``publish`` view, as GeoJSON built by PostgreSQL."""

    def __init__(self, provider_def: dict[str, Any]):
        super().__init__(provider_def)
        try:
            self.spec = view_spec(provider_def)
        except ViewConfigError as exc:
            raise ProviderGenericError(str(exc)) from exc
        self.id_field = self.spec.id_column
        self._fields = {name: json_schema(kind) for name, kind in self.spec.fields.items()}

    def get_fields(self) -> dict[str, dict[str, str]]:
        """Properties and their JSON Schema types, from the catalog (no database trip)."""
        return self._fields

    def query(
        self,
        offset=0,
        limit=10,
        resulttype="results",
        bbox=None,
        datetime_=None,
        properties=None,
        sortby=None,
        select_properties=None,
        skip_geometry=False,
        q=None,
        filterq=None,
        crs_transform_spec=None,
        **kwargs,
    ) -> dict[str, Any]:
        """One page of features and ``numberMatched``, in the requested CRS."""
        # datetime (checked by the guard) selects nothing out: the views have no temporal
        # geometry, and features without one belong to every result (fc-time-response).
        if not 0 <= int(offset) <= MAX_OFFSET:
            raise _invalid("offset poza zakresem", "offset out of range")
        out = self._output_crs(crs_transform_spec)
        try:
            where = sq.all_of(self._filters(bbox or [], properties or [], q, filterq))
            feature = sq.feature_json(self.spec, out, select_properties or None, skip_geometry)
            order = sq.order_by(self.spec, sortby or [])
        except sq.QueryError as exc:
            raise _invalid(exc.pl, exc.en) from exc
        scope = current_scope()
        after = scope.after if scope else None
        # With a cursor, pygeoapi's offset is the position the cursor carries: it counts
        # (numberMatched, prev links) but selects nothing, the id after the cursor does.
        page = sq.page_statement(self.spec, feature, where, order, int(limit),
                                 0 if after is not None else int(offset), after)  # fmt: skip
        count = sq.count_statement(self.spec, where)
        paging = _Paging(int(limit), int(offset), scope.next_page if scope else None)
        return self._run(lambda conn: _collection(conn, page, count, resulttype, paging))

    def get(self, identifier, crs_transform_spec=None, **kwargs) -> dict[str, Any]:
        """One feature by ``gid``; anything but a plain positive integer is not found."""
        text = str(identifier)
        if not _ITEM_ID.match(text) or int(text) > 2**63 - 1:
            raise _not_found()
        feature = sq.feature_json(self.spec, self._output_crs(crs_transform_spec), None, False)
        statement = sq.item_statement(self.spec, feature, int(text))
        row = self._run(lambda conn: conn.execute(statement.sql, statement.params).fetchone())
        if row is None:
            raise _not_found()
        return orjson.loads(row[0])

    def _output_crs(self, crs_transform_spec: Any) -> ServedCrs:
        # pygeoapi passes no spec when the requested CRS is the configured storage CRS.
        uri = crs_transform_spec.target_crs_uri if crs_transform_spec else self.spec.storage_crs
        served = served_crs(uri)
        if served is None:
            raise _invalid("nieobsługiwany układ współrzędnych", "unsupported crs")
        return served

    def _filters(self, bbox: list[float], properties: list[tuple[str, str]],
                 text: str | None, filterq: Any) -> list[sq.Clause]:  # fmt: skip
        scope = current_scope()
        clauses = sq.property_filters(self.spec, properties)
        envelope = scope.bbox if scope and scope.bbox else self._fallback_bbox(bbox)
        if envelope is not None:
            clauses.append(sq.bbox_filter(self.spec, envelope))
        if text:
            clauses.append(sq.text_search(self.spec, text))
        if filterq is not None:
            clauses.append(cql_clause(self.spec, filterq, scope.filter_crs if scope else CRS84))
        return clauses

    def _fallback_bbox(self, bbox: list[float]) -> Envelope | None:
        """Without the guard: pygeoapi's bbox, already in the storage CRS's axis order."""
        if not bbox:
            return None
        try:
            return parse_bbox(",".join(repr(float(v)) for v in bbox), self.spec.storage_crs)
        except BBoxError as exc:
            raise _invalid(exc.pl, exc.en) from exc

    def _run(self, work: Callable[[psycopg.Connection], T]) -> T:
        return run_on_pool(self.spec.role, self.spec.view, work)


def run_on_pool(role: str, label: str, work: Callable[[psycopg.Connection], T]) -> T:
    """Run ``work`` on a pooled connection of ``role``; a stale pooled connection gets one
    retry. Database failures become the provider errors pygeoapi maps (``label`` names
    the view or process in the log)."""
    database = _bound_database()
    for attempt in (1, 2):
        if not database.available:
            raise DatabaseUnavailableError()  # fail fast: the database does not answer
        try:
            with database.pool(role).connection() as conn:
                return work(conn)
        except psycopg.errors.QueryCanceled as exc:
            raise DatabaseUnavailableError() from exc
        except psycopg.OperationalError as exc:
            if attempt == 2:
                LOGGER.error("database unavailable: %s", exc)
                raise DatabaseUnavailableError() from exc
        except psycopg.DataError as exc:
            raise _invalid("nieprawidłowa wartość", "invalid value") from exc
        except psycopg.Error as exc:
            LOGGER.exception("query failed on %s", label)
            raise ProviderQueryError() from exc
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Paging:
    limit: int
    offset: int  # features before this page
    next_page: NextPage | None  # None: pygeoapi links by offset (sortby, hits)

    def links(self, returned: int, last_id: int | None) -> list[dict[str, str]]:
        """After a full page: ``next`` by keyset and, past the first page, ``prev`` by
        offset. After a short page none: pygeoapi then adds its own ``prev``."""
        if self.next_page is None or returned < self.limit or last_id is None:
            return []
        cursor = f"{self.offset + returned}_{last_id}"
        links = [_link("next", "Items (next)", self.next_page.href([("cursor", cursor)]))]
        if self.offset > 0:
            start = str(max(0, self.offset - self.limit))
            href = self.next_page.href([("offset", start)], self.limit)
            links.append(_link("prev", "Items (prev)", href))
        return links


def _link(rel: str, title: str, href: str) -> dict[str, str]:
    return {"type": "application/geo+json", "rel": rel, "title": title, "href": href}


def _collection(conn: psycopg.Connection, page: sq.Clause, count: sq.Clause,
                resulttype: str, paging: _Paging) -> dict[str, Any]:  # fmt: skip
    """Fetch a page; count separately only when the page does not tell the total."""
    rows = [] if resulttype == "hits" else conn.execute(page.sql, page.params).fetchall()
    scope = current_scope()
    if scope is not None and scope.features_as_text:
        # Parsing 100 parcels' JSON only to write it again took 4 ms of 14 on the 300k
        # county; a Fragment is written by orjson as it is.
        features: list[Any] = [orjson.Fragment(row[1]) for row in rows]
    else:
        features = orjson.loads("[" + ",".join(row[1] for row in rows) + "]")  # 3x json's
    returned = len(features)
    if resulttype != "hits" and returned < paging.limit and (returned or not paging.offset):
        matched = paging.offset + returned  # a short page is the last one
    else:
        matched = _matched(conn, count, int(rows[0][2]) if rows else None)
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features,
                                  "numberMatched": matched, "numberReturned": returned}  # fmt: skip
    if resulttype != "hits" and paging.next_page is not None:
        collection["links"] = paging.links(returned, int(rows[-1][0]) if rows else None)
    return collection


def _matched(conn: psycopg.Connection, count: sq.Clause, generation: int | None) -> int:
    """``numberMatched``: counted once per query and data generation.

    A client paging through a query (GDAL, QGIS: the same filter, page after page) would
    otherwise count every matching row again for each page: 260 ms a page of the whole
    layer on the 300k county, where the page itself takes 19 ms. ``generation`` is the
    page's; a count is kept under the generation its own statement read.
    """
    key = (count.sql.as_string(conn), repr(count.params))
    if generation is not None:
        kept = COUNTS.get(key, generation)
        if kept is not None:
            return kept
    row = conn.execute(count.sql, count.params).fetchone()
    if row is None:
        return 0
    matched, counted_under = int(row[0]), int(row[1])
    COUNTS.put(key, counted_under, matched)
    return matched


def _invalid(pl: str, en: str) -> ProviderInvalidQueryError:
    message = pl if pl == en else f"{pl} / {en}"
    return ProviderInvalidQueryError(user_msg=message)


def _not_found() -> ProviderItemNotFoundError:
    return ProviderItemNotFoundError(user_msg="Nie znaleziono obiektu / item not found")
