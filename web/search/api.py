"""``GET /api/search?q=…&limit=…``: the search box's suggestions and results, as JSON.

A text the search cannot read (empty, longer than 200 signs, control signs) and a bad
``limit`` are the client's mistake: 400 with a message. A readable text that finds
nothing (or coordinates outside the county) is an answer: 200, no results, a message.
The database not answering is 503 with ``Retry-After``.
"""

from __future__ import annotations

import psycopg
from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from geoportal.database import DatabaseUnavailable
from geoportal.search.finder import MAX_LIMIT, Finder
from geoportal.search.parsing import QueryError
from services.edge.failures import unavailable
from web.instance import current_instance
from web.language import page_language
from web.search.answers import answer_json, message

search_api = Blueprint("search_api", __name__)
DEFAULT_LIMIT = 10


def finder() -> Finder:
    """The search over this instance's database and county."""
    instance = current_instance()
    return Finder(instance.database, tuple(instance.site.extent))  # type: ignore[arg-type]


@search_api.get("/api/search")
def search() -> ResponseReturnValue:
    """Typed results (parcel, obreb, gmina, address, coordinate) in EPSG:2180."""
    lang = page_language(request)
    query = request.args.get("q", "")
    try:
        limit = _limit(request.args.get("limit"))
        answer = finder().search(query, limit)
    except QueryError as error:
        return _refused(error.code)
    except (DatabaseUnavailable, psycopg.OperationalError):
        refusal = unavailable()
        response = jsonify(error=message("unavailable"))
        response.status_code = refusal.answer.status
        response.headers.extend(refusal.headers())
        return response
    response = jsonify(answer_json(query.strip(), answer, lang))
    response.headers["Cache-Control"] = "no-cache"
    return response


def _limit(value: str | None) -> int:
    """1…MAX_LIMIT; larger numbers are clamped, anything else is refused."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or len(value) > 20:
        raise QueryError("bad_limit")
    number = int(value)
    if number < 1:
        raise QueryError("bad_limit")
    return min(number, MAX_LIMIT)


def _refused(code: str) -> ResponseReturnValue:
    response = jsonify(error=message(code))
    response.status_code = 400
    return response
