"""Attribute types of a publish view: JSON Schema for clients, typed values for SQL.

Values from the query string are converted to the column's Python type before they reach
psycopg, so ``?area_ha=abc`` is a 400 naming the property rather than a database error,
and no value is ever compared as text against a number (which would also skip indexes).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

FIELD_TYPES = ("string", "integer", "number", "date", "datetime")
MAX_TEXT = 256  # longest string value accepted in a filter

_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_DECIMAL = re.compile(r"^[+-]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})$")


class FieldValueError(ValueError):
    """A value that does not fit its property's type."""


def json_schema(field_type: str) -> dict[str, str]:
    """The JSON Schema of one property type, as pygeoapi lists it in queryables."""
    return {
        "string": {"type": "string"},
        "integer": {"type": "integer"},
        "number": {"type": "number"},
        "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
    }[field_type]


def coerce(value: object, field_type: str) -> object:
    """Convert a query-string or CQL literal to the Python type of the column."""
    if isinstance(value, bool):
        raise FieldValueError("boolean values are not supported")
    try:
        return _COERCE[field_type](value)
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise FieldValueError(f"not a valid {field_type}") from exc


def _string(value: object) -> str:
    if not isinstance(value, str | int | Decimal | float):
        raise TypeError(value)
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ValueError("too long")
    return text


def _integer(value: object) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    raise ValueError(value)


def _number(value: object) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        result = Decimal(str(value))
    elif isinstance(value, str) and _DECIMAL.match(value):
        result = Decimal(value)
    else:
        raise ValueError(value)
    if not result.is_finite():
        raise ValueError(value)
    return result


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    raise ValueError(value)


def _datetime(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and len(value) <= 40:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    raise ValueError(value)


_COERCE = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "date": _date,
    "datetime": _datetime,
}
