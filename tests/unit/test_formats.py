"""Numbers, money and dates in the page's locale: Polish ``1 234,5``, English ``1,234.5``.

The expected texts are written out by hand (CLDR's Polish groups thousands with a
no-break space and marks decimals with a comma; British English writes day month year).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from flask import Flask

from web.formats import day, money, number, office_time, scale
from web.language import install

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def app() -> Flask:
    flask_app = Flask(__name__)
    install(flask_app)
    return flask_app


CASES = {
    "pl": {
        "area": f"1{NBSP}234,5",
        "scale": f"1:10{NBSP}000",
        "whole": f"12{NBSP}345",
        "ha": "0,1234",
        "money": f"1{NBSP}234,50{NBSP}zł",
        "day": "5 mar 2026",
        "moment": "5 mar 2026, 15:03:09 (+0100)",
        "summer": "1.07.2026, 14:00",
    },
    "en": {
        "area": "1,234.5",
        "scale": "1:10,000",
        "whole": "12,345",
        "ha": "0.1234",
        "money": f"1,234.50{NBSP}PLN",
        "day": "5 Mar 2026",
        "moment": "5 Mar 2026, 15:03:09 (+0100)",
        "summer": "01/07/2026, 14:00",
    },
}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_numbers_money_and_dates_in_the_pages_locale(app: Flask, lang: str) -> None:
    expected = CASES[lang]
    with app.test_request_context(f"/?lang={lang}"):
        assert number(1234.5, 1) == expected["area"]
        assert number(Decimal("12345.4"), 0) == expected["whole"]
        assert number(Decimal("0.12340"), 4) == expected["ha"]
        assert number(None, 2) == "–"
        assert scale(10_000) == expected["scale"]
        assert money(123450) == expected["money"]
        assert day(dt.date(2026, 3, 5)) == expected["day"]
        assert day("2026-03-05") == expected["day"]
        assert day("jutro") == "jutro" and day(None) == "–"
        # the office's clock (Europe/Warsaw): winter UTC+1, summer UTC+2
        winter = dt.datetime(2026, 3, 5, 14, 3, 9, tzinfo=dt.UTC)
        assert office_time(winter) == expected["moment"]
        summer = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)
        assert office_time(summer, seconds=False) == expected["summer"]


def test_the_locale_follows_accept_language_and_defaults_to_polish(app: Flask) -> None:
    with app.test_request_context("/", headers={"Accept-Language": "en-GB,en;q=0.9"}):
        assert number(1234.5, 1) == "1,234.5"
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert number(1234.5, 1) == f"1{NBSP}234,5"
    with app.test_request_context("/?lang=xx"):
        assert number(1234.5, 1) == f"1{NBSP}234,5"
