"""Kinds of failure and the one answer each gets, whichever engine met it.

A client's mistake is the client's to fix (4xx, no retry); an outage is not (503 with
``Retry-After``, so monitoring and clients can tell the two apart); our own bug is a 500
that says nothing about why. Adapters raise :class:`Refusal` with a kind and a message;
nothing else decides a status, a code or a retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from geoportal.text import Text


class Failure(Enum):
    """What went wrong, in words an adapter can choose without knowing HTTP."""

    BAD_PARAMETER = "bad_parameter"
    TILE_OUT_OF_RANGE = "tile_out_of_range"
    MISSING_PARAMETER = "missing_parameter"
    INVALID_CRS = "invalid_crs"
    UNKNOWN_LAYER = "unknown_layer"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    LENGTH_REQUIRED = "length_required"
    TOO_LARGE = "too_large"
    URI_TOO_LONG = "uri_too_long"
    DATABASE_UNAVAILABLE = "database_unavailable"
    SOURCE_UNAVAILABLE = "source_unavailable"
    BUSY = "busy"
    RATE_LIMITED = "rate_limited"
    ENGINE_FAILURE = "engine_failure"
    NOT_IMPLEMENTED = "not_implemented"


@dataclass(frozen=True)
class Answer:
    """The HTTP status, OGC exception code and retry delay of one kind of failure."""

    status: int
    code: str
    retry_after: int | None = None  # seconds; only for failures that pass by themselves


RETRY_AFTER_S = 5
ANSWERS: dict[Failure, Answer] = {
    Failure.BAD_PARAMETER: Answer(400, "InvalidParameterValue"),
    Failure.TILE_OUT_OF_RANGE: Answer(400, "TileOutOfRange"),  # WMTS 1.0.0, table 28
    Failure.MISSING_PARAMETER: Answer(400, "MissingParameterValue"),
    Failure.INVALID_CRS: Answer(400, "InvalidCRS"),
    Failure.UNKNOWN_LAYER: Answer(400, "LayerNotDefined"),
    Failure.NOT_FOUND: Answer(404, "NotFound"),
    Failure.METHOD_NOT_ALLOWED: Answer(405, "OperationNotSupported"),
    Failure.LENGTH_REQUIRED: Answer(411, "MissingParameterValue"),
    Failure.TOO_LARGE: Answer(413, "InvalidParameterValue"),
    Failure.URI_TOO_LONG: Answer(414, "InvalidParameterValue"),
    Failure.DATABASE_UNAVAILABLE: Answer(503, "ServiceUnavailable", RETRY_AFTER_S),
    Failure.SOURCE_UNAVAILABLE: Answer(503, "ServiceUnavailable", RETRY_AFTER_S),
    Failure.BUSY: Answer(503, "ServiceUnavailable", RETRY_AFTER_S),
    Failure.RATE_LIMITED: Answer(429, "ServiceUnavailable", 1),
    Failure.ENGINE_FAILURE: Answer(500, "NoApplicableCode"),
    # An operation the service does not offer (CSW Transaction, Harvest): OWS Common 2.0.
    Failure.NOT_IMPLEMENTED: Answer(501, "OperationNotSupported"),
}

UNAVAILABLE = Text(
    pl="Źródło danych jest chwilowo niedostępne", en="The data source is temporarily unavailable"
)
SERVER_ERROR = Text(
    pl="Błąd serwera; spróbuj ponownie później", en="Server error; please retry later"
)


class Refusal(Exception):
    """A request answered with a failure; carries what the exception document says."""

    def __init__(
        self,
        failure: Failure,
        message: Text,
        locator: str | None = None,
        allow: tuple[str, ...] = (),
        retry_after: int | None = None,
    ):
        super().__init__(message.en)
        self.failure = failure
        self.message = message
        self.locator = locator
        self.allow = allow  # methods, for 405 answers
        self.retry_after = retry_after  # when known better than the table (rate limits)

    @property
    def answer(self) -> Answer:
        """Status, code and retry delay from the table."""
        return ANSWERS[self.failure]

    def headers(self) -> list[tuple[str, str]]:
        """``Retry-After`` and ``Allow`` as the failure asks for them."""
        headers = []
        if self.answer.retry_after is not None:
            headers.append(("Retry-After", str(self.retry_after or self.answer.retry_after)))
        if self.allow:
            headers.append(("Allow", ", ".join(self.allow)))
        return headers


def unavailable(failure: Failure = Failure.DATABASE_UNAVAILABLE) -> Refusal:
    """The refusal of a request that needs a source that is down (no detail given)."""
    return Refusal(failure, UNAVAILABLE)


def server_error() -> Refusal:
    """The refusal of a request we failed: nothing about why leaves the process."""
    return Refusal(Failure.ENGINE_FAILURE, SERVER_ERROR)
