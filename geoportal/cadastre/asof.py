"""The parcels as they were on a date, from the versioned register.

Every row of ``data.parcel`` is one version with its validity interval (``version_start``
inclusive, ``version_end`` exclusive, open while current; an object that ended closes its
last version). ``publish.parcel_versions`` exposes every version without subject data, so
the public role answers "as of" queries like any other.

A date means the state at the end of that day in the county's time zone: the versions
that started before midnight and had not ended by then. A date is refused when it is in
the future (the register cannot say yet) or before the first version the data hold (it
would show an empty map as if there had been no parcels).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import psycopg

COUNTY_TIME = ZoneInfo("Europe/Warsaw")
MAX_FEATURES = 5000  # a viewer asks for what it shows at 1:10 000 and closer
MAX_BBOX_SIDE_M = 10_000.0
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

_FIRST = "SELECT min(version_start) FROM publish.parcel_versions"
# Current versions through the partial GiST index of current rows, closed ones through that
# of closed rows (migration 0009). The collection is assembled by PostgreSQL: at 219
# parcels building it in Python tripled the time of the request.
_AS_OF = """
WITH hits AS (
  SELECT parcel_id, number, area_ha, version_start, version_end, geom
    FROM publish.parcel_versions
   WHERE version_end IS NULL AND version_start < %(at)s
     AND geom && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 2180)
  UNION ALL
  SELECT parcel_id, number, area_ha, version_start, version_end, geom
    FROM publish.parcel_versions
   WHERE version_end IS NOT NULL AND version_start < %(at)s AND version_end >= %(at)s
     AND geom && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 2180)
), chosen AS (
  SELECT * FROM hits ORDER BY parcel_id, version_start LIMIT %(limit)s
)
SELECT json_build_object('type', 'FeatureCollection', 'date', %(day)s::text,
         'features', coalesce(json_agg(json_build_object(
           'type', 'Feature',
           'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
           'properties', json_build_object(
             'parcel_id', parcel_id, 'number', number, 'area_ha', area_ha,
             'version_start', version_start, 'version_end', version_end))
           ORDER BY parcel_id, version_start), '[]'::json))::text
  FROM chosen
"""


class AsOfError(ValueError):
    """A request the register cannot answer; ``code`` names why (web.asof has its text)."""

    def __init__(self, code: str, **details: str):
        super().__init__(code)
        self.code = code
        self.details = details


def parse_day(text: str) -> dt.date:
    """``RRRR-MM-DD`` (a real calendar day) or :class:`AsOfError` ``date_malformed``."""
    if not _DAY.match(text):
        raise AsOfError("date_malformed")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise AsOfError("date_malformed") from None


def end_of_day(day: dt.date) -> dt.datetime:
    """Midnight after ``day`` in the county's time zone: the instant the state is read at."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), COUNTY_TIME)


def today() -> dt.date:
    """Today in the county."""
    return dt.datetime.now(COUNTY_TIME).date()


def first_day(conn: psycopg.Connection) -> dt.date | None:
    """The day the oldest parcel version the data hold starts (None without data)."""
    row = conn.execute(_FIRST).fetchone()
    if row is None or row[0] is None:
        return None
    return row[0].astimezone(COUNTY_TIME).date()


def check_day(day: dt.date, first: dt.date | None, now: dt.date) -> None:
    """Refuse a day after ``now`` or before ``first`` (or any day when there are no data)."""
    if day > now:
        raise AsOfError("date_future", last=now.isoformat())
    if first is None:
        raise AsOfError("no_history")
    if day < first:
        raise AsOfError("date_before_data", first=first.isoformat())


def check_bbox(bbox: tuple[float, float, float, float]) -> None:
    """A box in EPSG:2180, min before max, at most ``MAX_BBOX_SIDE_M`` a side."""
    xmin, ymin, xmax, ymax = bbox
    if not (xmin < xmax and ymin < ymax):
        raise AsOfError("bbox_malformed")
    if xmax - xmin > MAX_BBOX_SIDE_M or ymax - ymin > MAX_BBOX_SIDE_M:
        raise AsOfError("bbox_too_large", side=f"{MAX_BBOX_SIDE_M:.0f}")


def parcels_as_of(
    conn: psycopg.Connection,
    day: dt.date,
    bbox: tuple[float, float, float, float],
    limit: int = MAX_FEATURES,
) -> str:
    """The parcel versions in force at the end of ``day`` that touch ``bbox`` (EPSG:2180),
    as a GeoJSON FeatureCollection (CRS84) with the day: parcel id, number, legal area and
    the version's start and end.

    The caller checks the day (:func:`check_day`) and the box (:func:`check_bbox`).
    """
    xmin, ymin, xmax, ymax = bbox
    params = {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax, "limit": limit,
              "at": end_of_day(day), "day": day.isoformat()}  # fmt: skip
    row = conn.execute(_AS_OF, params).fetchone()
    assert row is not None  # an aggregate always answers one row
    return str(row[0])
