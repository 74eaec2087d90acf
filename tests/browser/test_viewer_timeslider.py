"""The time slider in real Chromium against the running portal.

Switching it on asks ``/api/historia/dzialki`` for today's parcels and draws their orange
boundaries; moving the slider by keyboard to the oldest day asks again with that date and
the drawing changes (orange pixels read back from the canvases). The dates are compared
with the first version the database holds (plain SQL as the owner). axe-core is clean with
the slider shown, also on a phone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import ViewerPage, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser
RENDER_TIMEOUT_MS = 60_000
WARSAW = ZoneInfo("Europe/Warsaw")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ORANGE = """() => {
  let orange = 0;
  for (const canvas of document.querySelectorAll('#map canvas')) {
    if (!canvas.width || !canvas.height) continue;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a > 200 && r > 220 && g > 90 && g < 150 && b < 60) orange += 1;
    }
  }
  return orange;
}"""


def _wait_rendered(page: Page) -> None:
    page.wait_for_function("() => document.querySelector('#map').dataset.mapState")
    expect(page.locator("#map")).to_have_attribute(
        "data-map-state", "rendered", timeout=RENDER_TIMEOUT_MS
    )


def _first_day(database: Any) -> str:
    with database.connect("owner") as conn:
        row = conn.execute("SELECT min(version_start) FROM data.parcel").fetchone()
    assert row is not None
    return str(row[0].astimezone(WARSAW).date().isoformat())


def _a_day_with_half_the_parcels_near(database: Any, known_parcel: Any) -> dt.date:
    """The day after the median start of the parcel versions within 500 m of the parcel."""
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY version_start) FROM data.parcel"
            " WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180), 500)",
            (known_parcel.x, known_parcel.y),
        ).fetchone()
    assert row is not None and row[0] is not None
    return row[0].astimezone(WARSAW).date() + dt.timedelta(days=1)


def _asked_dates(urls: list[str]) -> list[str]:
    return [
        parse_qs(urlsplit(url).query)["date"][0]
        for url in urls
        if urlsplit(url).path.endswith("/api/historia/dzialki")
    ]


def _open_on_the_slider(page: Page, live_server: str, known_parcel: Any, query: str = "") -> None:
    page.goto(
        f"{live_server}/{query}#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=5000"
        "&layers=parcels"
    )
    _wait_rendered(page)
    page.locator("#history-toggle").check()
    expect(page.locator("#history-controls")).to_be_visible()


def test_the_slider_draws_the_parcels_of_the_chosen_day(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any, database: Any
) -> None:
    page = viewer_page.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    today = dt.datetime.now(WARSAW).date().isoformat()
    first = _first_day(database)
    _open_on_the_slider(page, live_server, known_parcel)
    expect(page.locator("#map")).to_have_attribute("data-history-date", today, timeout=20_000)
    _wait_rendered(page)
    now_orange = page.evaluate(ORANGE)
    assert now_orange > 500, "today's parcels are not drawn"
    assert _asked_dates(asked) and set(_asked_dates(asked)) == {today}
    screenshot(page, "timeslider-today")

    slider = page.locator("#history-slider")
    slider.focus()
    page.keyboard.press("Home")  # the oldest day the data hold
    expect(page.locator("#map")).to_have_attribute("data-history-date", first, timeout=20_000)
    _wait_rendered(page)
    then_orange = page.evaluate(ORANGE)
    assert first in _asked_dates(asked)
    assert then_orange < now_orange / 2, (then_orange, now_orange)
    label = page.locator("#history-date").inner_text()
    assert label == slider.get_attribute("aria-valuetext") and label
    screenshot(page, "timeslider-first-day")

    page.keyboard.press("PageUp")  # 30 days later
    later = (dt.date.fromisoformat(first) + dt.timedelta(days=30)).isoformat()
    expect(page.locator("#map")).to_have_attribute("data-history-date", later, timeout=20_000)
    assert axe_violations(page) == []
    page.locator("#history-toggle").uncheck()
    expect(page.locator("#history-controls")).to_be_hidden()
    _wait_rendered(page)
    assert page.evaluate(ORANGE) == 0
    assert viewer_page.problems.all() == []


def test_the_slider_on_a_phone_in_english(
    chromium: Any, live_server: str, known_parcel: Any
) -> None:
    viewer = open_page(chromium, width=390, height=780)
    page = viewer.page
    try:
        page.goto(
            f"{live_server}/?lang=en#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=5000"
        )
        _wait_rendered(page)
        page.click("#panel-toggle")
        toggle = page.locator("#history-toggle")
        toggle.scroll_into_view_if_needed()
        toggle.check()
        slider = page.locator("#history-slider")
        expect(slider).to_be_visible()
        box = slider.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        expect(page.locator("#timeslider")).to_contain_text("State on a date")
        expect(page.locator("#map")).to_have_attribute("data-history-date", ISO_DAY, timeout=20_000)
        assert axe_violations(page) == []
        screenshot(page, "timeslider-phone-en")
        assert viewer.problems.all() == []
    finally:
        page.context.close()


def test_the_chosen_day_is_in_the_permalink_and_a_link_restores_it(
    chromium: Any, viewer_page: ViewerPage, live_server: str, known_parcel: Any, database: Any
) -> None:
    page = viewer_page.page
    first = dt.date.fromisoformat(_first_day(database))
    later = _a_day_with_half_the_parcels_near(database, known_parcel).isoformat()
    _open_on_the_slider(page, live_server, known_parcel)
    expect(page.locator("#map")).to_have_attribute("data-history-date", ISO_DAY, timeout=20_000)
    _wait_rendered(page)
    today_drawn = page.evaluate(ORANGE)
    slider = page.locator("#history-slider")
    slider.fill(str((dt.date.fromisoformat(later) - first).days))
    expect(page.locator("#map")).to_have_attribute("data-history-date", later, timeout=20_000)
    _wait_rendered(page)
    assert parse_qs(page.evaluate("location.hash").lstrip("#"))["date"] == [later]
    drawn = page.evaluate(ORANGE)
    assert 0 < drawn < today_drawn * 0.98, (drawn, today_drawn)  # that day, not today
    link = page.evaluate("location.href")

    # the link in another browser: the slider on that day, the parcels of that day drawn
    other = open_page(chromium)
    try:
        asked: list[str] = []
        other.page.on("request", lambda request: asked.append(request.url))
        other.page.goto(link)
        expect(other.page.locator("#history-toggle")).to_be_checked(timeout=20_000)
        expect(other.page.locator("#map")).to_have_attribute(
            "data-history-date", later, timeout=20_000
        )
        _wait_rendered(other.page)
        assert set(_asked_dates(asked)) == {later}  # never today's first
        restored = other.page.locator("#history-slider")
        assert restored.input_value() == slider.input_value()
        assert restored.get_attribute("aria-valuetext") == slider.get_attribute("aria-valuetext")
        again = other.page.evaluate(ORANGE)
        assert drawn > 0 and abs(again - drawn) <= drawn * 0.02, (again, drawn)
        assert axe_violations(other.page) == []
        screenshot(other.page, "timeslider-from-link")
        assert other.problems.all() == []
    finally:
        other.page.context.close()

    page.locator("#history-toggle").uncheck()  # off: the day leaves the link
    expect(page.locator("#history-controls")).to_be_hidden()
    assert "date" not in parse_qs(page.evaluate("location.hash").lstrip("#"))
    assert viewer_page.problems.all() == []


@pytest.mark.parametrize(
    "date,said",
    [
        ("2024-02-30", "(date)"),  # not a day of the calendar
        ("31.12.2020", "(date)"),
        ("%3Cscript%3E", "(date)"),
        ("1900-01-01", "Dzień 1900-01-01 z odnośnika jest poza zakresem danych archiwalnych"),
        ("2999-01-01", "Dzień 2999-01-01 z odnośnika jest poza zakresem danych archiwalnych"),
    ],
)
def test_a_bad_date_in_a_link_is_named_and_the_current_view_shown(
    viewer_page: ViewerPage, live_server: str, known_parcel: Any, date: str, said: str
) -> None:
    page = viewer_page.page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(
        f"{live_server}/#x={known_parcel.x:.1f}&y={known_parcel.y:.1f}&scale=5000"
        f"&layers=parcels&date={date}"
    )
    _wait_rendered(page)
    message = page.locator("#url-message")
    expect(message).to_contain_text(said, timeout=20_000)
    expect(page.locator("#history-toggle")).not_to_be_checked()
    expect(page.locator("#history-controls")).to_be_hidden()
    state = parse_qs(page.evaluate("location.hash").lstrip("#"))
    assert "date" not in state
    assert (float(state["x"][0]), float(state["y"][0])) == (
        round(known_parcel.x, 1),
        round(known_parcel.y, 1),
    )  # the view the link gave
    assert _asked_dates(asked) == []
    assert page.evaluate(ORANGE) == 0
    assert axe_violations(page) == []
    screenshot(page, f"timeslider-bad-date-{date[:10].replace('%', '')}")
    assert viewer_page.problems.all() == []
