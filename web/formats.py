"""Numbers, areas, money and dates as the page's language writes them (Babel, CLDR).

Polish pages write ``1 234,5`` (a no-break space groups thousands, a comma marks
decimals) and ``5 mar 2026``; English pages ``1,234.5`` and ``5 Mar 2026`` (British
English, as the viewer's JavaScript formats with ``en-GB``). Templates have these as
globals; the locale is Flask-Babel's (:func:`web.language.page_locale`).

Times are the office's clock (Europe/Warsaw), whatever the visitor's time zone:
deadlines and filing times are the office's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates, numbers
from flask import Flask
from flask_babel import get_locale

from geoportal.cases.calendar import OFFICE_TZ

MISSING = "–"  # what a table shows for a value the register does not have


def number(value: object, digits: int) -> str:
    """``value`` with exactly ``digits`` decimals and grouped thousands; ``–`` for None."""
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return numbers.format_decimal(Decimal(str(value)), pattern, locale=get_locale())


def scale(denominator: int) -> str:
    """A map scale: ``1:10 000`` in Polish, ``1:10,000`` in English."""
    return f"1:{number(denominator, 0)}"


def money(grosze: int) -> str:
    """An amount in grosze as złoty: ``1 234,50 zł`` in Polish, ``1,234.50 PLN`` in English."""
    # Amount first in both languages (CLDR's English "PLN1,234.50" glues code and digits).
    amount = Decimal(grosze) / 100
    return numbers.format_currency(amount, "PLN", "#,##0.00\u00a0¤", locale=get_locale())


def day(value: dt.date | str | None) -> str:
    """A calendar day (or an ISO ``RRRR-MM-DD`` text): ``5 mar 2026`` / ``5 Mar 2026``."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        try:
            calendar_day = dt.date.fromisoformat(value[:10])
        except ValueError:  # a stored text that is not a day: shown as it is, not a 500
            return value
    elif isinstance(value, dt.datetime):
        calendar_day = value.astimezone(OFFICE_TZ).date()
    else:
        calendar_day = value
    return dates.format_date(calendar_day, "medium", locale=get_locale())


def office_time(moment: dt.datetime, seconds: bool = True) -> str:
    """A moment as the office's clock shows it; with seconds, also its offset from UTC
    (a receipt says exactly when the request was filed)."""
    locale = get_locale()
    if not seconds:
        return dates.format_datetime(moment, "short", tzinfo=OFFICE_TZ, locale=locale)
    shown = dates.format_datetime(moment, "medium", tzinfo=OFFICE_TZ, locale=locale)
    offset = dates.get_timezone_gmt(moment.astimezone(OFFICE_TZ), "short", locale=locale)
    return f"{shown} ({offset})"


def install(app: Flask) -> None:
    """Give every template ``number``, ``money`` and ``day``, and the ``office_time`` filter."""
    app.jinja_env.globals.update(number=number, money=money, day=day)
    app.jinja_env.filters["office_time"] = office_time
