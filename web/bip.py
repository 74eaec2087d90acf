"""The public register (BIP): statistics of e-service cases as JSON and CSV, stable URLs.

``/bip/statystyki.json`` and ``/bip/statystyki.csv`` give the last 24 months by month and
e-service (``geoportal.cases.statistics``): aggregates only, no personal data. They are
read through the application's role; the public services' role cannot see cases at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, fields

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue

from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.statistics import MonthStatistics, monthly_statistics
from web.instance import current_instance

bip_blueprint = Blueprint("bip", __name__, url_prefix="/bip")
MONTHS = 24
MAX_AGE_S = 900


def _statistics() -> list[MonthStatistics]:
    today = dt.datetime.now(OFFICE_TZ).date()
    since = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    with current_instance().database.pool("app").connection() as conn:
        return monthly_statistics(conn, since, today)


@bip_blueprint.get("/statystyki.json")
def statistics_json() -> ResponseReturnValue:
    """The statistics as a JSON list of objects."""
    response = jsonify([asdict(row) for row in _statistics()])
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE_S}"
    return response


@bip_blueprint.get("/statystyki.csv")
def statistics_csv() -> ResponseReturnValue:
    """The same statistics as CSV (UTF-8, a header row, comma-separated)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([field.name for field in fields(MonthStatistics)])
    for row in _statistics():
        writer.writerow(["" if value is None else value for value in asdict(row).values()])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Cache-Control": f"public, max-age={MAX_AGE_S}",
                             "Content-Disposition": "inline; filename=statystyki.csv"})  # fmt: skip
