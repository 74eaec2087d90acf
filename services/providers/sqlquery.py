"""SQL for OGC API item requests against one publish view, composed with psycopg.

Values travel only as parameters; identifiers only through ``sql.Identifier`` and only
after they were found in the view's field list. Each feature is assembled as JSON by
PostgreSQL (``json_build_object`` + ``ST_AsGeoJSON``), which is much faster than building
dicts from rows in Python. Geometries are transformed with integer SRIDs, and the bbox is
matched against the stored EPSG:2180 geometry so the spatial index applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

from services.providers.bbox import Envelope, envelope_sql
from services.providers.crs import STORAGE_EPSG, ServedCrs
from services.providers.fields import FieldValueError, coerce
from services.providers.view import ViewSpec

MAX_TERMS = 5  # words in a free-text ``q``
MAX_TERM = 100
# The data generation (services.providers.generations) as a column of the same snapshot.
GENERATION = sql.SQL("(SELECT n FROM publish.data_generation)")


class QueryError(ValueError):
    """A request the view cannot answer; the message (Polish, English) is for the client."""

    def __init__(self, pl: str, en: str):
        super().__init__(en)
        self.pl = pl
        self.en = en


@dataclass
class Clause:
    """A fragment of SQL with the parameters of its placeholders, in order."""

    sql: sql.SQL | sql.Composed  # what psycopg executes
    params: list[Any] = field(default_factory=list)


def all_of(clauses: list[Clause]) -> Clause:
    """Clauses joined with AND (TRUE when there are none)."""
    if not clauses:
        return Clause(sql.SQL("TRUE"))
    joined = sql.SQL(" AND ").join(sql.SQL("({})").format(c.sql) for c in clauses)
    return Clause(joined, [p for c in clauses for p in c.params])


def column(spec: ViewSpec, name: str) -> sql.Composable:
    """A qualified property column; names outside the view's field list are refused."""
    if name not in spec.fields:
        raise QueryError("nieznana właściwość", f"unknown property {name[:40]!r}")
    return sql.Identifier("t", name)


def property_filters(spec: ViewSpec, properties: list[tuple[str, str]]) -> list[Clause]:
    """``?name=value`` equality filters with values converted to the column type."""
    clauses = []
    for name, value in properties:
        target = column(spec, name)
        try:
            typed = coerce(value, spec.fields[name])
        except FieldValueError as exc:
            raise QueryError(f"{name}: wartość niezgodna z typem", f"{name}: {exc}") from exc
        clauses.append(Clause(sql.SQL("{} = %s").format(target), [typed]))
    return clauses


def bbox_filter(spec: ViewSpec, env: Envelope) -> Clause:
    """Features intersecting the envelope; computed once (InitPlan), index-assisted."""
    expr, params = envelope_sql(env)
    geom = sql.Identifier("t", spec.geom_column)
    return Clause(sql.SQL("ST_Intersects({}, (SELECT {}))").format(geom, expr), params)


def text_search(spec: ViewSpec, q: str) -> Clause:
    """Every word of ``q`` must occur (case-insensitively) in some text property."""
    terms = q.split()
    if not terms or len(terms) > MAX_TERMS or any(len(t) > MAX_TERM for t in terms):
        raise QueryError(
            f"q: od 1 do {MAX_TERMS} słów, każde do {MAX_TERM} znaków",
            f"q: 1 to {MAX_TERMS} words of at most {MAX_TERM} characters",
        )
    names = spec.string_fields()
    if not names:
        raise QueryError(
            "q: kolekcja nie ma właściwości tekstowych", "q: this collection has no text properties"
        )
    clauses = []
    for term in terms:
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        any_field = sql.SQL(" OR ").join(
            sql.SQL("{} ILIKE %s").format(sql.Identifier("t", n)) for n in names
        )
        clauses.append(Clause(any_field, [pattern] * len(names)))
    return all_of(clauses)


def order_by(spec: ViewSpec, sortby: list[dict[str, str]]) -> sql.Composable:
    """Requested sort keys, then the id, so pages never overlap or skip."""
    keys: list[sql.Composable] = []
    for key in sortby:
        direction = sql.SQL("DESC" if key.get("order") == "-" else "ASC")
        keys.append(sql.SQL("{} {}").format(column(spec, key["property"]), direction))
    keys.append(sql.Identifier("t", spec.id_column))
    return sql.SQL(", ").join(keys)


def feature_json(
    spec: ViewSpec, out: ServedCrs, names: list[str] | None, skip_geometry: bool
) -> sql.Composable:
    """``json_build_object`` of one GeoJSON Feature, in the requested CRS and axis order."""
    names = list(spec.fields) if not names else names
    props = sql.SQL(", ").join(
        sql.SQL("{}, {}").format(sql.Literal(n), column(spec, n)) for n in names
    )
    geometry = sql.SQL("NULL") if skip_geometry else _geometry(spec, out)
    return sql.SQL(
        "json_build_object('type', 'Feature', 'id', {}, 'geometry', {},"
        " 'properties', json_build_object({}))::text"
    ).format(sql.Identifier("t", spec.id_column), geometry, props)


def _geometry(spec: ViewSpec, out: ServedCrs) -> sql.Composable:
    expr: sql.Composable = sql.Identifier("t", spec.geom_column)
    if out.srid != STORAGE_EPSG:
        expr = sql.SQL("ST_Transform({}, {})").format(expr, sql.Literal(out.srid))
    if out.northing_first:
        expr = sql.SQL("ST_FlipCoordinates({})").format(expr)
    return sql.SQL("ST_AsGeoJSON({}, {}, 0)::json").format(expr, sql.Literal(out.decimals))


def _view(spec: ViewSpec) -> sql.Composable:
    return sql.SQL("{} AS t").format(sql.Identifier(spec.schema, spec.view))


def page_statement(
    spec: ViewSpec, feature: sql.Composable, where: Clause, order: sql.Composable,
    limit: int, offset: int, after: int | None = None,
) -> Clause:  # fmt: skip
    """One page as rows of (id, feature JSON text, data generation).

    The page's rows are chosen in a subquery of plain columns, so rows skipped by
    ``offset`` are never turned into JSON; ``after`` (a keyset cursor: the last id of the
    previous page, ordered by id) replaces the offset, so a deep page costs a first one.
    The data generation is read from the page's snapshot (:data:`GENERATION`).
    """
    if after is not None:
        keyset = Clause(sql.SQL("{} > %s").format(sql.Identifier("t", spec.id_column)), [after])
        where = all_of([where, keyset])
    statement = sql.SQL(
        "SELECT {}, {}, {} FROM (SELECT * FROM {} WHERE {} ORDER BY {} LIMIT %s OFFSET %s)"
        " AS t ORDER BY {}"
    ).format(sql.Identifier("t", spec.id_column), feature, GENERATION, _view(spec), where.sql,
             order, order)  # fmt: skip
    return Clause(statement, [*where.params, limit, offset])


def count_statement(spec: ViewSpec, where: Clause) -> Clause:
    """How many features match (``numberMatched``), and the data generation counted."""
    statement = sql.SQL("SELECT count(*), {} FROM {} WHERE {}").format(
        GENERATION, _view(spec), where.sql
    )
    return Clause(statement, where.params)


def item_statement(spec: ViewSpec, feature: sql.Composable, gid: int) -> Clause:
    """One feature by its integer id."""
    statement = sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
        feature, _view(spec), sql.Identifier("t", spec.id_column)
    )
    return Clause(statement, [gid])
