"""Polish holidays, working days and KPA deadlines, against dates checked by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from geoportal.cases.calendar import (
    HOLIDAYS_FILE,
    Calendar,
    DeadlineRule,
    default_calendar,
    easter_sunday,
    office_date,
)
from geoportal.cases.errors import CalendarError, RulesError

D = dt.date
CAL = default_calendar()


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2011, D(2011, 4, 24)), (2019, D(2019, 4, 21)), (2024, D(2024, 3, 31)),
     (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2027, D(2027, 3, 28)),
     (2038, D(2038, 4, 25)), (2285, D(2285, 3, 22))],  # 2285: the earliest possible date
)  # fmt: skip
def test_easter_by_the_gregorian_computus(year, easter):
    assert easter_sunday(year) == easter


def test_movable_holidays_follow_easter():
    holidays = CAL.holidays(2026)
    assert holidays[D(2026, 4, 5)].key == "easter_sunday"
    assert holidays[D(2026, 4, 6)].key == "easter_monday"
    assert holidays[D(2026, 5, 24)].key == "pentecost"
    assert holidays[D(2026, 6, 4)].key == "corpus_christi"
    assert CAL.holidays(2025)[D(2025, 6, 19)].name.pl == "Dzień Bożego Ciała"


def test_christmas_eve_is_a_holiday_from_2025_on():
    assert not CAL.is_holiday(D(2024, 12, 24))
    assert CAL.is_working_day(D(2024, 12, 24))  # a Tuesday, worked
    assert CAL.is_holiday(D(2025, 12, 24))
    assert CAL.holidays(2025)[D(2025, 12, 24)].name.en == "Christmas Eve"
    assert len(CAL.holidays(2024)) == 13 and len(CAL.holidays(2026)) == 14


def test_fixed_holidays():
    fixed = {(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 24), (12, 25),
             (12, 26)}  # fmt: skip
    for year in (2026, 2038):
        found = {(day.month, day.day) for day in CAL.holidays(year)}
        assert fixed <= found and len(found) == len(fixed) + 4


def test_working_days_exclude_weekends_and_holidays():
    assert CAL.is_working_day(D(2026, 12, 1))  # Tuesday
    assert not CAL.is_working_day(D(2026, 12, 5))  # Saturday
    assert not CAL.is_working_day(D(2026, 12, 6))  # Sunday
    assert not CAL.is_working_day(D(2026, 11, 11))  # Wednesday, Independence Day


def test_years_before_the_data_are_refused():
    with pytest.raises(CalendarError, match="no holiday data before 2011"):
        CAL.is_working_day(D(2010, 6, 1))


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        (D(2026, 4, 2), 1, D(2026, 4, 3)),  # Thursday before Easter → Good Friday (worked)
        (D(2026, 4, 2), 2, D(2026, 4, 7)),  # over Easter Sunday and Monday
        (D(2025, 12, 23), 1, D(2025, 12, 29)),  # 24-26 Dec holidays, then the weekend
        (D(2025, 12, 23), 4, D(2026, 1, 2)),  # 29, 30, 31 Dec, (1 Jan holiday) 2 Jan
        (D(2025, 12, 23), 5, D(2026, 1, 5)),
        (D(2026, 1, 2), 1, D(2026, 1, 5)),  # Friday → Monday
        (D(2026, 1, 5), 1, D(2026, 1, 7)),  # 6 Jan Epiphany
        (D(2026, 12, 5), 0, D(2026, 12, 5)),  # nothing to add
    ],
)
def test_add_working_days(start, count, end):
    assert CAL.add_working_days(start, count) == end


@pytest.mark.parametrize(
    ("start", "count", "end"),
    [
        (D(2026, 12, 1), 7, D(2026, 12, 8)),  # an ordinary Tuesday
        (D(2026, 11, 30), 5, D(2026, 12, 7)),  # ends on a Saturday → Monday (art. 57 § 4)
        (D(2026, 3, 30), 7, D(2026, 4, 7)),  # ends on Easter Monday → Tuesday
        (D(2025, 12, 17), 7, D(2025, 12, 29)),  # ends on 24 Dec 2025 → over Christmas
        (D(2024, 12, 17), 7, D(2024, 12, 24)),  # 24 Dec 2024 was still a working day
        (D(2026, 12, 18), 7, D(2026, 12, 28)),  # 25 Dec 2026 Friday → Monday 28th
    ],
)
def test_terms_in_days(start, count, end):
    assert CAL.add_days(start, count) == end


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 3, 15), D(2026, 4, 15)),  # the same day of the next month
        (D(2024, 1, 31), D(2024, 2, 29)),  # no 31 Feb: the month's last day
        (D(2026, 1, 31), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday → Monday
        (D(2026, 10, 11), D(2026, 11, 12)),  # 11 Nov holiday → 12 Nov
        (D(2027, 2, 28), D(2027, 3, 30)),  # Easter Sunday and Monday 2027 → Tuesday
        (D(2026, 11, 24), D(2026, 12, 28)),  # 24 Dec 2026 Thursday → Monday 28th
    ],
)
def test_kpa_month(start, end):
    assert CAL.add_months(start, 1) == end


def test_months_across_the_year():
    assert CAL.add_months(D(2026, 11, 30), 2) == D(2027, 2, 1)  # 30 Jan 2027 is a Saturday


def test_deadline_follows_the_rule():
    seven = DeadlineRule(kind="days", count=7, source="KPA art. 217 § 3")
    five = DeadlineRule(kind="working_days", count=5, source="PGiK art. 12")
    month = DeadlineRule(kind="months", count=1, source="KPA art. 35 § 3")
    start = D(2025, 12, 17)
    assert CAL.deadline(start, seven) == D(2025, 12, 29)
    assert CAL.deadline(start, five) == D(2025, 12, 29)  # 18, 19, 22, 23, (24-28), 29
    assert CAL.deadline(start, month) == D(2026, 1, 19)  # 17 Jan 2026 Saturday


def test_office_dates_are_in_warsaw():
    new_year = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert office_date(new_year) == D(2027, 1, 1)
    summer = dt.datetime(2026, 6, 30, 21, 59, tzinfo=dt.UTC)
    assert office_date(summer) == D(2026, 6, 30)  # CEST: 23:59
    with pytest.raises(CalendarError):
        office_date(dt.datetime(2026, 1, 1))


def _variant(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "holidays.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_holiday_file_errors_name_the_field(tmp_path):
    def both(raw):
        raw["holidays"][0]["easter_offset"] = 3

    def unknown(raw):
        raw["holidays"][1]["weekday"] = 2

    def no_such_day(raw):
        raw["holidays"][0]["date"] = {"month": 2, "day": 30}

    with pytest.raises(RulesError, match="give either date or easter_offset"):
        Calendar.load(_variant(tmp_path, both))
    with pytest.raises(RulesError, match=r"holidays\.1\.weekday: Extra inputs"):
        Calendar.load(_variant(tmp_path, unknown))
    with pytest.raises(RulesError, match="day is out of range"):
        Calendar.load(_variant(tmp_path, no_such_day))


def test_a_new_holiday_is_data(tmp_path):
    def add(raw):
        raw["holidays"].append({"key": "new", "name": {"pl": "Nowe", "en": "New"},
                                "date": {"month": 8, "day": 1}, "valid_from": "2030-01-01",
                                "source": "a future act"})  # fmt: skip

    calendar = Calendar.load(_variant(tmp_path, add))
    assert calendar.is_working_day(D(2029, 8, 1)) and not calendar.is_working_day(D(2030, 8, 1))
