"""pycsw's repository over ``publish.catalogue_records``, read as the public role.

pycsw builds its repository itself from a dotted path (``repository.source``) for every
request, so the composition root binds the database once with :func:`use_database`.
pycsw translates OGC filters and CQL into a SQL condition over its core model's column
names with ``%s`` placeholders (its "django" form, which a custom repository gets): property
names come only from its queryables table, literals only as parameters, which psycopg
binds.

A failure is not pycsw's to report (it would put the database's error text in a
``NoApplicableCode`` answer): the repository notes its kind in :attr:`failed` and the
CSW application answers 503 when the database did not answer, 400 when it refused the
query (a geometry in a filter that PostGIS cannot read).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from geoportal.database import Database, DatabaseUnavailable

LOGGER = logging.getLogger(__name__)
VIEW = sql.Identifier("publish", "catalogue_records")
DBTYPE = "postgresql+postgis+wkt"  # pycsw's spatial SQL for a WKT text column
_COLUMN = re.compile(r"^[a-z_]{1,40}$")
_database: Database | None = None
_county: str | None = None  # the TERYT whose rows this process serves


class RepositoryFailure(RuntimeError):
    """The repository could not be read; the message says nothing more."""


def use_database(database: Database, county: str) -> None:
    """Bind the application's database and county (TERYT); repositories built afterwards
    read that county's rows through it."""
    global _database, _county
    _database, _county = database, county


class CatalogueRepository:
    """The interface pycsw 2.6 asks of a custom repository (read-only part)."""

    def __init__(self, context: Any, repo_filter: str | None = None):
        self.context = context
        self.filter = None  # no repository-wide mask: every record is public
        self.fts = False
        self.dbtype = DBTYPE
        self.failed: str | None = None  # "unavailable" or "query"
        self.queryables = _queryables(context)
        self._mappings = context.md_core_model["mappings"]

    def query_ids(self, ids: list[str]) -> list[SimpleNamespace]:
        """Records by identifier (GetRecordById)."""
        query = _select("SELECT * FROM {view} WHERE county = %s AND identifier = ANY(%s)")
        return self._rows(query, [_county, list(ids)])

    def query_domain(self, domain: str, typenames: Any, domainquerytype: str = "list",
                     count: bool = False) -> list[tuple[Any, ...]]:  # fmt: skip
        """Distinct values (or the range) of one column (GetDomain)."""
        if domainquerytype == "range":
            query = "SELECT min({column}), max({column}) FROM {view} WHERE county = %s"
        elif count:
            query = ("SELECT {column}, count(*) FROM {view} WHERE county = %s"
                     " GROUP BY {column} ORDER BY 1")  # fmt: skip
        else:
            query = "SELECT DISTINCT {column} FROM {view} WHERE county = %s ORDER BY 1"
        rows = self._rows(_select(query, column=_column(domain)), [_county])
        return [tuple(vars(row).values()) for row in rows]

    def query_insert(self, direction: str = "max") -> str | None:
        """The newest (or oldest) insert date: the capabilities' update sequence."""
        function = sql.SQL("min" if direction == "min" else "max")
        query = _select("SELECT {f}(insert_date) AS value FROM {view} WHERE county = %s",
                        f=function)  # fmt: skip
        rows = self._rows(query, [_county])
        return rows[0].value if rows else None

    def query_source(self, source: str) -> list[SimpleNamespace]:
        """Records harvested from a source: none (nothing is harvested here)."""
        return []

    def query(self, constraint: dict[str, Any], sortby: dict[str, Any] | None = None,
              typenames: Any = None, maxrecords: int = 10,
              startposition: int = 0) -> list[Any]:  # fmt: skip
        """``[total, page]`` of the records matching pycsw's translated constraint."""
        where, params = sql.SQL("TRUE"), []
        if "where" in constraint:
            # pycsw's translation, whose only inputs are its column names and placeholders
            where, params = sql.SQL(constraint["where"]), list(constraint["values"])
        order: sql.Composable = sql.Identifier("identifier")
        if sortby is not None:
            direction = sql.SQL("DESC" if sortby.get("order") == "DESC" else "ASC")
            order = sql.SQL("{} {}, identifier").format(_column(sortby["propertyname"]), direction)
        counted = _select("SELECT count(*) AS n FROM {view} WHERE county = %s AND ({where})",
                          where=where)  # fmt: skip
        total = self._rows(counted, [_county, *params])[0].n
        listed = _select("SELECT * FROM {view} WHERE county = %s AND ({where}) ORDER BY {order}"
                         " LIMIT %s OFFSET %s", where=where, order=order)  # fmt: skip
        page = self._rows(listed, [_county, *params, int(maxrecords), int(startposition)])
        return [str(total), page]

    def _rows(self, query: sql.Composed, params: list[Any]) -> list[SimpleNamespace]:
        with self._failures():
            if _database is None or _county is None:
                raise RepositoryFailure("no database bound")
            with _database.pool("public").connection() as conn:
                cursor = conn.cursor(row_factory=dict_row)
                rows = cursor.execute(query, params).fetchall()
        return [SimpleNamespace(**row) for row in rows]

    @contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except (
            psycopg.OperationalError,
            psycopg.errors.QueryCanceled,
            DatabaseUnavailable,
            RepositoryFailure,
        ) as exc:
            self.failed = "unavailable"
            LOGGER.warning("CSW repository unavailable: %s", exc)
            raise RepositoryFailure("repository unavailable") from None
        except psycopg.Error as exc:
            self.failed = "query"
            LOGGER.warning("CSW repository query failed: %s", exc)
            raise RepositoryFailure("repository unavailable") from None


def _column(name: str) -> sql.Identifier:
    """A column name pycsw took from its queryables, checked again and quoted."""
    if not _COLUMN.match(name):
        raise RepositoryFailure("unknown column")
    return sql.Identifier(name)


def _select(template: str, **parts: sql.Composable) -> sql.Composed:
    return sql.SQL(template).format(view=VIEW, **parts)


def _queryables(context: Any) -> dict[str, dict[str, Any]]:
    """pycsw's queryables by type name, and ``_all`` of them (as its own repository does)."""
    queryables: dict[str, dict[str, Any]] = {}
    for typename in context.model["typenames"].values():
        for name, values in typename["queryables"].items():
            queryables[name] = dict(values)
    everything: dict[str, Any] = {}
    for values in queryables.values():
        everything.update(values)
    everything.update(context.md_core_model["mappings"])
    queryables["_all"] = everything
    return queryables
