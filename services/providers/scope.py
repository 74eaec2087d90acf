"""What the provider needs to know about the request beyond pygeoapi's arguments.

pygeoapi passes the provider a bbox already moved to the storage CRS by two corners and
drops ``filter-crs`` for BBOX() filters. The guard (``services/pygeoapi/guard.py``) has
the request as the client sent it; it sets a context variable for the duration of the
call, and the provider reads it. A context variable is per thread (and per task), so
concurrent requests in gunicorn's threads never see each other's values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlencode

from services.providers.bbox import Envelope
from services.providers.crs import CRS84


@dataclass(frozen=True)
class NextPage:
    """How to link the page after this one: the items URL, the client's parameters
    (without ``offset``, ``cursor``, ``limit`` and ``f``) and the page size to ask for."""

    url: str
    params: tuple[tuple[str, str], ...]
    limit: int

    def href(self, query: list[tuple[str, str]], limit: int | None = None) -> str:
        """The items URL with the client's parameters, the page size, then ``query``."""
        size = ("limit", str(limit or self.limit))
        return f"{self.url}?{urlencode([*self.params, size, *query])}"


@dataclass(frozen=True)
class RequestScope:
    """The client's bbox (exact, in its own CRS), the CRS of filter coordinates, the
    keyset cursor (the last id of the previous page), how to link the next page, and
    whether the features may stay serialised (``features_as_text``: the answer is plain
    GeoJSON written by orjson, so the JSON text PostgreSQL built for each feature goes
    into it as it is, unparsed)."""

    bbox: Envelope | None = None
    filter_crs: str = CRS84
    after: int | None = None
    next_page: NextPage | None = None
    features_as_text: bool = False


_scope: ContextVar[RequestScope | None] = ContextVar("ogcapi_request_scope", default=None)


@contextmanager
def request_scope(scope: RequestScope) -> Iterator[None]:
    """Make the scope visible to providers while one request is served."""
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def current_scope() -> RequestScope | None:
    """The scope of the request being served; None outside the guard (direct calls)."""
    return _scope.get()
