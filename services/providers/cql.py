"""CQL filters (parsed by pygeofilter in pygeoapi) translated to parameterised SQL.

Only what a county geoportal needs: AND/OR/NOT, comparisons, BETWEEN, LIKE, IN, IS NULL
on the view's properties, and spatial predicates against a literal geometry or BBOX.
Property names must be the view's fields, literals are converted to the column type and
bound as parameters, geometries travel as GeoJSON parameters. Anything else (functions,
arithmetic, temporal operators) is refused, and so is a tree deeper or larger than a
person would write, which bounds the work a hostile filter can cause.
"""

from __future__ import annotations

import json
from typing import Any

from psycopg import sql
from pygeofilter import ast, values

from geoportal.crs import STORAGE_EPSG
from services.providers.crs import CRS84, normalize_crs, served_crs
from services.providers.fields import FieldValueError, coerce
from services.providers.sqlquery import Clause, QueryError, column
from services.providers.view import ViewSpec

MAX_DEPTH = 20
MAX_NODES = 200

_COMPARISON = {
    ast.Equal: "=", ast.NotEqual: "<>", ast.LessThan: "<",
    ast.LessEqual: "<=", ast.GreaterThan: ">", ast.GreaterEqual: ">=",
}  # fmt: skip
_SPATIAL = {
    ast.GeometryIntersects: "ST_Intersects", ast.GeometryDisjoint: "ST_Disjoint",
    ast.GeometryContains: "ST_Contains", ast.GeometryWithin: "ST_Within",
    ast.GeometryTouches: "ST_Touches", ast.GeometryCrosses: "ST_Crosses",
    ast.GeometryOverlaps: "ST_Overlaps", ast.GeometryEquals: "ST_Equals",
}  # fmt: skip


class _Budget:
    """Counts nodes so a 100,000-sibling filter stops early."""

    def __init__(self, filter_crs: str) -> None:
        self.nodes = 0
        self.filter_crs = filter_crs

    def spend(self, depth: int) -> None:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise QueryError(
                "filtr zbyt głęboki lub zbyt duży", "filter: too deeply nested or too large"
            )


def cql_clause(spec: ViewSpec, node: Any, filter_crs: str = CRS84) -> Clause:
    """SQL for a pygeofilter tree; QueryError for anything we do not translate.

    ``filter_crs`` applies to BBOX() coordinates, which pygeoapi leaves untransformed;
    geometry literals arrive already moved to the storage CRS and say so themselves.
    """
    return _translate(spec, node, 0, _Budget(filter_crs))


def _translate(spec: ViewSpec, node: Any, depth: int, budget: _Budget) -> Clause:
    budget.spend(depth)
    if isinstance(node, ast.And | ast.Or):
        parts = [_translate(spec, n, depth + 1, budget) for n in (node.lhs, node.rhs)]
        glue = " AND " if isinstance(node, ast.And) else " OR "
        joined = sql.SQL(glue).join(sql.SQL("({})").format(p.sql) for p in parts)
        return Clause(joined, parts[0].params + parts[1].params)
    if isinstance(node, ast.Not):
        inner = _translate(spec, node.sub_node, depth + 1, budget)
        return Clause(sql.SQL("NOT ({})").format(inner.sql), inner.params)
    if isinstance(node, ast.BBox):
        return _bbox(spec, node, budget.filter_crs)
    if isinstance(node, tuple(_SPATIAL)):
        return _spatial(spec, node, budget.filter_crs)
    for kinds, handler in _HANDLERS:
        if isinstance(node, kinds):
            return handler(spec, node)
    raise QueryError(
        "filtr: nieobsługiwane wyrażenie", f"filter: unsupported expression {type(node).__name__}"
    )


def _attribute(spec: ViewSpec, node: Any) -> tuple[sql.Composable, str]:
    if not isinstance(node, ast.Attribute):
        raise QueryError(
            "filtr: po lewej stronie musi być nazwa właściwości",
            "filter: the left side must be a property name",
        )
    return column(spec, node.name), spec.fields[node.name]


def _literal(value: Any, kind: str) -> Any:
    if isinstance(value, ast.Node | values.Geometry | values.Envelope | list):
        raise QueryError(
            "filtr: dozwolone są tylko stałe wartości", "filter: only literal values are supported"
        )
    try:
        return coerce(value, kind)
    except FieldValueError as exc:
        raise QueryError("filtr: wartość niezgodna z typem właściwości", f"filter: {exc}") from exc


def _comparison(spec: ViewSpec, node: Any) -> Clause:
    target, kind = _attribute(spec, node.lhs)
    op = sql.SQL(_COMPARISON[type(node)])
    return Clause(sql.SQL("{} {} %s").format(target, op), [_literal(node.rhs, kind)])


def _between(spec: ViewSpec, node: ast.Between) -> Clause:
    target, kind = _attribute(spec, node.lhs)
    text = "{} NOT BETWEEN %s AND %s" if node.not_ else "{} BETWEEN %s AND %s"
    return Clause(sql.SQL(text).format(target), [_literal(v, kind) for v in (node.low, node.high)])


def _in(spec: ViewSpec, node: ast.In) -> Clause:
    target, kind = _attribute(spec, node.lhs)
    if not node.sub_nodes or len(node.sub_nodes) > MAX_NODES:
        raise QueryError(
            "filtr: IN wymaga od 1 do 200 wartości", "filter: IN needs 1 to 200 values"
        )
    items = [_literal(v, kind) for v in node.sub_nodes]
    marks = sql.SQL(", ").join(sql.Placeholder() * len(items))
    text = "{} NOT IN ({})" if node.not_ else "{} IN ({})"
    return Clause(sql.SQL(text).format(target, marks), items)


def _is_null(spec: ViewSpec, node: ast.IsNull) -> Clause:
    target, _ = _attribute(spec, node.lhs)
    return Clause(sql.SQL("{} IS NOT NULL" if node.not_ else "{} IS NULL").format(target))


def _like(spec: ViewSpec, node: ast.Like) -> Clause:
    target, kind = _attribute(spec, node.lhs)
    if kind != "string" or not isinstance(node.pattern, str):
        raise QueryError(
            "filtr: LIKE dotyczy tekstu",
            "filter: LIKE applies to text properties and text patterns",
        )
    op = ("NOT " if node.not_ else "") + ("ILIKE" if node.nocase else "LIKE")
    return Clause(sql.SQL("{} " + op + " %s").format(target), [_like_pattern(node)])


def _like_pattern(node: ast.Like) -> str:
    """Translate the filter's wildcard/single/escape characters to SQL LIKE syntax."""
    out, chars = [], iter(node.pattern)
    for char in chars:
        if char == node.escapechar:
            char = next(chars, "")
            out.append("\\" + char if char in "%_\\" else char)
        elif char == node.wildcard:
            out.append("%")
        elif char == node.singlechar:
            out.append("_")
        else:
            out.append("\\" + char if char in "%_\\" else char)
    return "".join(out)


def _spatial(spec: ViewSpec, node: Any, filter_crs: str) -> Clause:
    geom = _geometry_attribute(spec, node.lhs)
    if not isinstance(node.rhs, values.Geometry | values.Envelope):
        raise QueryError(
            "filtr: warunek przestrzenny wymaga geometrii",
            "filter: spatial predicates need a literal geometry",
        )
    crs_name = _geometry_crs(node.rhs) or filter_crs
    shape, params = _literal_geometry(node.rhs.geometry, crs_name)
    function = sql.SQL(_SPATIAL[type(node)])
    return Clause(sql.SQL("{}({}, (SELECT {}))").format(function, geom, shape), params)


def _bbox(spec: ViewSpec, node: ast.BBox, filter_crs: str) -> Clause:
    geom = _geometry_attribute(spec, node.lhs)
    corners = [node.minx, node.miny, node.maxx, node.maxy]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in corners):
        raise QueryError("filtr: BBOX wymaga czterech liczb", "filter: BBOX needs four numbers")
    envelope = values.Envelope(node.minx, node.maxx, node.miny, node.maxy)
    shape, params = _literal_geometry(envelope.geometry, node.crs or filter_crs)
    return Clause(sql.SQL("ST_Intersects({}, (SELECT {}))").format(geom, shape), params)


def _geometry_attribute(spec: ViewSpec, node: Any) -> sql.Composable:
    if not isinstance(node, ast.Attribute) or node.name not in ("geometry", spec.geom_column):
        raise QueryError(
            "filtr: warunek przestrzenny dotyczy geometrii",
            "filter: spatial predicates apply to the geometry",
        )
    return sql.Identifier("t", spec.geom_column)


def _geometry_crs(value: Any) -> str | None:
    crs = value.geometry.get("crs", {}) if isinstance(value.geometry, dict) else {}
    return crs.get("properties", {}).get("name")


def _literal_geometry(geometry: dict, crs_name: str) -> tuple[Any, list]:
    """GeoJSON literal in a served CRS (its axis order) -> geometry in EPSG:2180."""
    crs = served_crs(normalize_crs(crs_name) or "")
    if crs is None:
        raise QueryError(
            "filtr: nieobsługiwany układ geometrii", "filter: unsupported geometry CRS"
        )
    body = {k: v for k, v in geometry.items() if k != "crs"}
    expr: sql.Composable = sql.SQL("ST_SetSRID(ST_GeomFromGeoJSON(%s), %s)")
    if crs.northing_first:
        expr = sql.SQL("ST_FlipCoordinates({})").format(expr)
    if crs.srid != STORAGE_EPSG:
        expr = sql.SQL("ST_Transform({}, {})").format(expr, sql.Literal(STORAGE_EPSG))
    return expr, [json.dumps(body), crs.srid]


_HANDLERS: list[tuple[Any, Any]] = [
    (tuple(_COMPARISON), _comparison),
    (ast.Between, _between),
    (ast.In, _in),
    (ast.IsNull, _is_null),
    (ast.Like, _like),
]
