"""Working days and statutory deadlines in Poland, computed for any year.

Sources
    * Public holidays: ustawa o dniach wolnych od pracy, art. 1 — kept as data in
      ``holidays.yaml`` with each day's source and, where it started later, its valid-from
      date (24 December is a holiday from 2025 on). Movable holidays follow Easter Sunday,
      computed by the Gregorian computus (:func:`easter_sunday`).
    * KPA art. 57 (as amended in 2017): § 1 a term in days does not count the day of the
      event and ends with its last day; § 3 a term in months ends on the day of the last
      month that corresponds to the first day, or on the month's last day when there is no
      such day; § 4 a term that ends on a statutory day off or a Saturday ends on the next
      day that is neither.

Decisions
    * A *working day* is Monday to Friday and not a public holiday. That is exactly the
      set of days on which an art. 57 § 4 term may end, so one predicate serves both.
    * Dates are the office's local dates (Europe/Warsaw): a request sent at 00:30 on
      1 January in Poland is a request of the new year, whatever UTC says.
    * Years before the holiday file's ``covers_from`` are refused (:class:`CalendarError`)
      rather than computed from a list that may not have applied then.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from functools import cache
from pathlib import Path
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from pydantic import Field, PositiveInt, model_validator

from geoportal.cases.datafile import HERE, Strict, load_model
from geoportal.cases.errors import CalendarError
from geoportal.text import Text

OFFICE_TZ = ZoneInfo("Europe/Warsaw")
HOLIDAYS_FILE = HERE / "holidays.yaml"
_SATURDAY = 5


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of a Gregorian year (the anonymous algorithm, Meeus/Jones/Butcher).

    >>> easter_sunday(2026), easter_sunday(2038)
    (datetime.date(2026, 4, 5), datetime.date(2038, 4, 25))
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday_shift) // 433
    month = (h + weekday_shift - 7 * m + 90) // 25
    day = (h + weekday_shift - 7 * m + 33 * month + 19) % 32
    return dt.date(year, month, day)


class FixedDate(Strict):
    """A holiday on the same day every year."""

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _exists(self) -> FixedDate:
        dt.date(2000, self.month, self.day)  # a leap year: ValueError if no such day ever
        return self


class HolidayRule(Strict):
    """One public holiday: a fixed date or a number of days after Easter Sunday."""

    key: str
    name: Text
    date: FixedDate | None = None
    easter_offset: int | None = Field(default=None, ge=0, le=70)
    valid_from: dt.date | None = None
    source: str

    @model_validator(mode="after")
    def _one_rule(self) -> HolidayRule:
        if (self.date is None) == (self.easter_offset is None):
            raise ValueError(f"holiday {self.key!r}: give either date or easter_offset")
        return self

    def on(self, year: int) -> dt.date | None:
        """The holiday's date in ``year``, or None if it was not a holiday then."""
        if self.date is not None:
            day = dt.date(year, self.date.month, self.date.day)
        else:
            day = easter_sunday(year) + dt.timedelta(days=self.easter_offset or 0)
        if self.valid_from is not None and day < self.valid_from:
            return None
        return day


class HolidayData(Strict):
    """The holiday file: the act, from when the list is complete, the holidays."""

    act: str
    covers_from: dt.date
    holidays: tuple[HolidayRule, ...]

    @model_validator(mode="after")
    def _unique(self) -> HolidayData:
        keys = [rule.key for rule in self.holidays]
        if len(keys) != len(set(keys)):
            raise ValueError("holiday keys must be unique")
        return self


class Holiday(NamedTuple):
    """A public holiday on a given date."""

    key: str
    name: Text


class DeadlineRule(Strict):
    """How long the office has: ``count`` days, working days or months (KPA art. 57)."""

    kind: Literal["days", "working_days", "months"]
    count: PositiveInt
    source: str = Field(description="the law or office practice the rule comes from")


class Calendar:
    """Working days and deadlines from one set of holiday rules."""

    def __init__(self, data: HolidayData):
        self.data = data
        self._years: dict[int, dict[dt.date, Holiday]] = {}

    @classmethod
    def load(cls, path: Path = HOLIDAYS_FILE) -> Calendar:
        """The calendar of a holiday file (:class:`RulesError` if it is not valid)."""
        return cls(load_model(path, HolidayData))

    def holidays(self, year: int) -> dict[dt.date, Holiday]:
        """The public holidays of ``year`` by date (Sundays not listed unless a holiday)."""
        if year < self.data.covers_from.year:
            raise CalendarError(
                f"no holiday data before {self.data.covers_from.year} (asked for {year})"
            )
        found = self._years.get(year)
        if found is None:
            found = {}
            for rule in self.data.holidays:
                day = rule.on(year)
                if day is not None:
                    found[day] = Holiday(rule.key, rule.name)
            self._years[year] = found
        return found

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a statutory public holiday."""
        return day in self.holidays(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        """Monday to Friday and not a public holiday."""
        return day.weekday() < _SATURDAY and not self.is_holiday(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        if count < 0:
            raise CalendarError("a number of working days cannot be negative")
        day = start
        for _ in range(count):
            day = self.next_working_day(day + dt.timedelta(days=1))
        return day

    def add_days(self, start: dt.date, count: int) -> dt.date:
        """End of a term of ``count`` days from an event on ``start`` (KPA art. 57 § 1, § 4)."""
        return self.next_working_day(start + dt.timedelta(days=count))

    def add_months(self, start: dt.date, count: int) -> dt.date:
        """End of a term of ``count`` months from ``start`` (KPA art. 57 § 3, § 4)."""
        month_index = start.month - 1 + count
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, monthrange(year, month)[1])
        return self.next_working_day(dt.date(year, month, day))

    def deadline(self, start: dt.date, rule: DeadlineRule) -> dt.date:
        """The last day of a term under ``rule`` that starts with an event on ``start``."""
        if rule.kind == "days":
            return self.add_days(start, rule.count)
        if rule.kind == "working_days":
            return self.add_working_days(start, rule.count)
        return self.add_months(start, rule.count)


@cache
def default_calendar() -> Calendar:
    """The calendar of the committed ``holidays.yaml`` (read once, on first use)."""
    return Calendar.load()


def office_date(moment: dt.datetime) -> dt.date:
    """The office's local date of an aware moment (Europe/Warsaw)."""
    if moment.tzinfo is None:
        raise CalendarError("a moment without a time zone has no office date")
    return moment.astimezone(OFFICE_TZ).date()
