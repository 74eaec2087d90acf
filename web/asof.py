"""``/api/historia``: the parcels as they were on a date, for the viewer's time slider.

``GET /api/historia`` gives the days a date may take (``first``: the oldest version the
data hold, ``last``: today). ``GET /api/historia/dzialki?date=RRRR-MM-DD&bbox=…`` gives the
parcel versions in force at the end of that day within a box in EPSG:2180 (at most
10 km a side), as GeoJSON in CRS84. Both read ``publish.parcel_versions`` as the public
role (no subject data there). A malformed, future or too early date and a bad box are
the client's mistake: 400 with ``code`` and a message in the page language; the database
not answering is 503 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import psycopg
from flask import Blueprint, Response, jsonify, request
from flask.typing import ResponseReturnValue

from geoportal.cadastre.asof import (
    AsOfError,
    check_bbox,
    check_day,
    first_day,
    parcels_as_of,
    parse_day,
    today,
)
from geoportal.database import DatabaseUnavailable
from services.edge.failures import Refusal, unavailable
from services.edge.kvp import check_bbox as parse_bbox
from web.instance import current_instance
from web.language import N_, gettext

asof_api = Blueprint("asof_api", __name__)
PARAMETERS = frozenset({"date", "bbox", "lang"})
FIRST_DAY_TTL_S = 60.0  # a load adding older versions is seen within a minute
# Why the register could not answer (geoportal.cadastre.asof.AsOfError.code) → msgid.
MESSAGE_TEXTS = {
    "date_missing": N_("asof_msg_date_missing"),
    "date_malformed": N_("asof_msg_date_malformed"),
    "date_future": N_("asof_msg_date_future"),
    "date_before_data": N_("asof_msg_date_before_data"),
    "no_history": N_("asof_msg_no_history"),
    "bbox_malformed": N_("asof_msg_bbox_malformed"),
    "bbox_too_large": N_("asof_msg_bbox_too_large"),
    "unknown_parameter": N_("asof_msg_unknown_parameter"),
    "repeated_parameter": N_("asof_msg_repeated_parameter"),
}


@asof_api.get("/api/historia")
def history_range() -> ResponseReturnValue:
    """The days the time slider offers: from the oldest parcel version to today."""
    try:
        with current_instance().database.pool("public").connection() as conn:
            first = first_day(conn)
    except (DatabaseUnavailable, psycopg.OperationalError):
        return _unavailable()
    response = jsonify(first=first.isoformat() if first else None, last=today().isoformat())
    response.headers["Cache-Control"] = "no-cache"
    return response


@asof_api.get("/api/historia/dzialki")
def parcels_on_a_day() -> ResponseReturnValue:
    """The parcels in force at the end of ``date`` within ``bbox``, as GeoJSON."""
    try:
        day, bbox = _read_request()
        with current_instance().database.pool("public").connection() as conn:
            check_day(day, _first_day(conn), today())
            collection = parcels_as_of(conn, day, bbox)
    except AsOfError as error:
        return _refused(error)
    except (DatabaseUnavailable, psycopg.OperationalError):
        return _unavailable()
    response = Response(collection, mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


_first: tuple[float, dt.date | None] | None = None
_first_lock = threading.Lock()


def _first_day(conn: psycopg.Connection) -> dt.date | None:
    """:func:`first_day`, asked at most once a minute per process (it reads every version)."""
    global _first
    with _first_lock:
        if _first is not None and time.monotonic() - _first[0] < FIRST_DAY_TTL_S:
            return _first[1]
    first = first_day(conn)
    with _first_lock:
        _first = (time.monotonic(), first)
    return first


def _read_request() -> tuple[dt.date, tuple[float, float, float, float]]:
    unknown = sorted(set(request.args) - PARAMETERS)
    if unknown:
        raise AsOfError("unknown_parameter", name=unknown[0][:40])
    if any(len(request.args.getlist(name)) > 1 for name in request.args):
        raise AsOfError("repeated_parameter")
    if not request.args.get("date"):
        raise AsOfError("date_missing")
    day = parse_day(request.args["date"])
    try:
        bbox = parse_bbox(request.args.get("bbox", ""))
    except Refusal:
        raise AsOfError("bbox_malformed") from None
    check_bbox(bbox)
    return day, bbox


def _refused(error: AsOfError) -> ResponseReturnValue:
    response = jsonify(code=error.code, text=gettext(MESSAGE_TEXTS[error.code], **error.details))
    response.status_code = 400
    return response


def _unavailable() -> ResponseReturnValue:
    refusal = unavailable()
    response = jsonify(code="unavailable", text=gettext("search_msg_unavailable"))
    response.status_code = refusal.answer.status
    response.headers.extend(refusal.headers())
    return response
