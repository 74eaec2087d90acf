"""The search endpoint and the text-only parcel pages against the running application and
the demo county: every form of query lands on the object the database holds, hostile text
is answered as text, absurd requests get a 400 with a message, and no owner data appear."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import pytest
from markupsafe import escape
from pyproj import Transformer

from tests.system.test_bad_input import LEAKS

pytestmark = pytest.mark.system


def _search(http, live_server, q: str, **params: str) -> dict[str, Any]:
    response = http.get(f"{live_server}/api/search", params={"q": q, **params}, timeout=10)
    assert response.status_code == 200, (q, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def _ids(answer: dict[str, Any], kind: str) -> list[str]:
    return [r["id"] for r in answer["results"] if r["kind"] == kind]


@pytest.fixture(scope="module")
def town_parcel(database, demo_loaded) -> dict[str, Any]:
    """A divided parcel in an obręb of the town, with names as the register holds them."""
    with database.connect("owner") as conn:
        row = conn.execute(
            """
            SELECT p.parcel_id, p.number, split_part(p.district_id, '.', 2), d.name,
                   split_part(u.name, ' - ', 1)
              FROM data.parcel p
              JOIN data.cadastral_district d ON d.district_id = p.district_id
              JOIN data.cadastral_unit u ON u.unit_id = d.unit_id
             WHERE p.version_end IS NULL AND p.number LIKE '%/%' AND u.unit_id = '100302_4'
             ORDER BY p.parcel_id LIMIT 1
            """
        ).fetchone()
    assert row
    return dict(zip(("id", "number", "district_number", "district", "commune"), row, strict=True))


@pytest.fixture(scope="module")
def addresses(database, demo_loaded) -> dict[str, tuple[Any, ...]]:
    """One address on a street (the town) and one in a village without streets."""
    found = {}
    with database.connect("owner") as conn:
        for kind, streets in (("street", True), ("village", False)):
            found[kind] = conn.execute(
                "SELECT locality, street, house_number, parcel_id, ST_X(geom), ST_Y(geom)"
                " FROM data.address a WHERE version_end IS NULL AND (street IS NOT NULL) = %s"
                " AND house_number ~ '^[0-9]+$'"
                " AND (SELECT count(*) FROM data.address b WHERE b.version_end IS NULL"
                "      AND b.locality = a.locality AND b.street IS NOT DISTINCT FROM a.street"
                "      AND b.house_number = a.house_number) = 1"
                " ORDER BY locality, street, house_number LIMIT 1",
                (streets,),
            ).fetchone()
    return found


# ---- each form lands on the right object -------------------------------------------------


def test_full_parcel_id(http, live_server, known_parcel):
    answer = _search(http, live_server, known_parcel.parcel_id)
    first = answer["results"][0]
    assert (first["kind"], first["id"]) == ("parcel", known_parcel.parcel_id)
    minx, miny, maxx, maxy = first["bbox"]
    assert minx <= known_parcel.x <= maxx and miny <= known_parcel.y <= maxy
    assert answer["crs"] == "EPSG:2180"


def test_lenient_parcel_id(http, live_server, known_parcel):
    unit, district, number = known_parcel.parcel_id.split(".", 2)
    lenient = f" {unit.replace('_', '-')}.{int(district)}.{number.replace('/', ' / ')} "
    assert _search(http, live_server, lenient)["results"][0]["id"] == known_parcel.parcel_id


def test_obreb_name_and_number(http, live_server, town_parcel):
    answer = _search(http, live_server, f"{town_parcel['district']} {town_parcel['number']}")
    assert answer["results"][0]["id"] == town_parcel["id"]


def test_obreb_name_folded_and_number(http, live_server, town_parcel):
    folded = town_parcel["district"].lower().replace("ł", "l").replace("ś", "s").replace("ó", "o")
    answer = _search(http, live_server, f"{folded} {town_parcel['number']}")
    assert answer["results"][0]["id"] == town_parcel["id"]


def test_gmina_and_obreb_name_and_number(http, live_server, town_parcel):
    q = f"{town_parcel['commune']}, {town_parcel['district']} {town_parcel['number']}"
    assert _search(http, live_server, q)["results"][0]["id"] == town_parcel["id"]


def test_obreb_number_and_parcel_number_lists_every_unit(http, live_server, database):
    with database.connect("owner") as conn:
        expected = {
            row[0]
            for row in conn.execute(
                "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL"
                " AND district_id LIKE '%.0001' AND number = '12'"
            ).fetchall()
        }
    assert len(expected) >= 2
    answer = _search(http, live_server, "0001 12", limit="50")
    exact = {r["id"] for r in answer["results"] if r["id"].endswith(".0001.12")}
    assert exact == expected


def test_address_on_a_street_both_orders(http, live_server, addresses):
    locality, street, number, parcel_id, x, y = addresses["street"]
    for q in (f"{locality}, {street} {number}", f"{street} {number} {locality}",
              f"ul. {street} {number}, {locality}"):  # fmt: skip
        first = _search(http, live_server, q)["results"][0]
        assert (first["kind"], first["label"]) == ("address", f"{locality}, {street} {number}"), q
        assert first["parcel_id"] == parcel_id
        assert first["point"] == pytest.approx([x, y], abs=0.01)


def test_address_in_a_village_without_streets(http, live_server, addresses):
    locality, _street, number, parcel_id, x, y = addresses["village"]
    answer = _search(http, live_server, f"{locality} {number}")
    found = [r for r in answer["results"] if r["kind"] == "address"]
    assert found and found[0]["label"] == f"{locality} {number}"
    assert found[0]["parcel_id"] == parcel_id
    assert found[0]["point"] == pytest.approx([x, y], abs=0.01)


@pytest.mark.parametrize("q", ["wodzierady", "WODZIERADY", "Wodzie"])
def test_gmina_and_obreb_names_by_prefix(http, live_server, q):
    answer = _search(http, live_server, q)
    assert "100305_2" in _ids(answer, "gmina")
    assert answer["results"][0]["label"] == "Wodzierady"


def test_lask_without_diacritics_finds_lask(http, live_server):
    answer = _search(http, live_server, "lask")
    assert answer["results"][0] == {**answer["results"][0], "kind": "gmina", "label": "Łask"}
    assert answer["results"][0]["bbox"]


def test_obreb_by_a_later_word_of_its_name(http, live_server, database):
    with database.connect("owner") as conn:
        district_id, name = conn.execute(
            "SELECT district_id, name FROM data.cadastral_district"
            " WHERE name LIKE 'Łask _ %' ORDER BY district_id LIMIT 1"
        ).fetchone()
    assert district_id in _ids(_search(http, live_server, name.split()[-1]), "obreb")


def _lonlat(known_parcel) -> tuple[float, float]:
    return known_parcel.lon, known_parcel.lat


@pytest.mark.parametrize(
    "form",
    ["lat, lon", "lon lat", "dms", "2180 x y", "2180 y x", "2000 x y", "2000 y x", "2000 epsg"],
)
def test_coordinates_land_on_the_parcel_there(http, live_server, known_parcel, form):
    lon, lat = _lonlat(known_parcel)
    east, north = Transformer.from_crs(2180, 2177, always_xy=True).transform(
        known_parcel.x, known_parcel.y
    )
    d, m = int(lat), (lat - int(lat)) * 60
    d2, m2 = int(lon), (lon - int(lon)) * 60
    q = {
        "lat, lon": f"{lat:.7f}, {lon:.7f}",
        "lon lat": f"{lon:.7f} {lat:.7f}",
        "dms": f"{d}°{m:.5f}'N {d2}°{m2:.5f}'E",
        "2180 x y": f"{known_parcel.x:.2f} {known_parcel.y:.2f}",
        "2180 y x": f"{known_parcel.y:.2f} {known_parcel.x:.2f}",
        "2000 x y": f"{east:.2f} {north:.2f}",
        "2000 y x": f"{north:.2f} {east:.2f}",
        "2000 epsg": f"EPSG:2177 {north:.2f} {east:.2f}",
    }[form]
    answer = _search(http, live_server, q)
    point, parcel = answer["results"][:2]
    assert point["kind"] == "coordinate"
    assert point["point"] == pytest.approx([known_parcel.x, known_parcel.y], abs=0.05)
    assert (parcel["kind"], parcel["id"]) == ("parcel", known_parcel.parcel_id)
    assert point["parcel_id"] == known_parcel.parcel_id


@pytest.mark.parametrize("q", ["52.2297, 21.0122", "6612345.12 5712345.55", "300000 600000"])
def test_coordinates_outside_the_county_are_refused_with_a_message(http, live_server, q):
    answer = _search(http, live_server, q, lang="en")
    assert answer["results"] == []
    assert answer["message"]["code"] == "outside_county"
    assert "outside the county" in answer["message"]["text"]


def test_nothing_found_says_so(http, live_server):
    answer = _search(http, live_server, "Zzyzx 12")
    assert answer["results"] == [] and answer["message"]["code"] == "not_found"
    answer = _search(http, live_server, "100301_2.9999.1/1")
    assert answer["message"]["code"] == "parcel_not_found"


def test_limit_bounds_the_results(http, live_server):
    assert _search(http, live_server, "0001 1", limit="3")["count"] == 3
    assert _search(http, live_server, "0001 1", limit="1000000000000")["count"] <= 50


# ---- hostile and absurd input ------------------------------------------------------------

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Łask 1<svg onload=x>"]


@pytest.mark.parametrize("payload", XSS)
def test_markup_comes_back_as_json_text_and_escaped_html(http, live_server, payload):
    response = http.get(f"{live_server}/api/search", params={"q": payload})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.json()["query"] == payload  # data, for the viewer to set as text
    page = http.get(f"{live_server}/dzialka", params={"q": payload})
    assert page.status_code == 200
    assert payload not in page.text and str(escape(payload)) in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    card = http.get(f"{live_server}/dzialka/{payload}")
    assert card.status_code == 400 and payload not in card.text


@pytest.mark.parametrize(
    ("params", "code"),
    [({}, "empty"), ({"q": ""}, "empty"), ({"q": "   "}, "empty"), ({"q": "x" * 201}, "too_long"),
     ({"q": "Łask\x00 1"}, "control"),
     ({"q": "Łask\n1"}, "control"), ({"q": "lask", "limit": "abc"}, "bad_limit"),
     ({"q": "lask", "limit": "0"}, "bad_limit"), ({"q": "lask", "limit": "-5"}, "bad_limit"),
     ({"q": "lask", "limit": "1e3"}, "bad_limit"),
     ({"q": "lask", "limit": "unlimited"}, "bad_limit")],
)  # fmt: skip
def test_absurd_requests_get_400_with_a_message(http, live_server, params, code):
    started = time.monotonic()
    response = http.get(f"{live_server}/api/search", params=params)
    assert time.monotonic() - started < 1
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and error["text"]
    assert not any(leak in response.text for leak in LEAKS)


@pytest.mark.parametrize(
    "q", ["' OR '1'='1", "1'; DROP TABLE data.parcel; --", "Łask 1' || pg_sleep(3) || '",
          "lask%", "l_sk 1", "\\\\x 1", "EPSG:4326;DROP 51 19"],
)  # fmt: skip
def test_sql_in_the_text_is_only_text(http, live_server, database, q):
    started = time.monotonic()
    response = http.get(f"{live_server}/api/search", params={"q": q})
    assert time.monotonic() - started < 1.5
    assert response.status_code in (200, 400)
    answered = {key: value for key, value in response.json().items() if key != "query"}
    assert not any(leak in str(answered) for leak in LEAKS)
    with database.connect("owner") as conn:
        assert conn.execute("SELECT count(*) FROM data.parcel").fetchone()[0] > 0


def test_a_huge_query_is_refused_before_the_search(http, live_server):
    response = http.get(f"{live_server}/api/search", params={"q": "x" * 20000})
    assert response.status_code == 414  # the edge's URI limit answers first
    assert not any(leak in response.text for leak in LEAKS)


def test_wrong_method_is_refused(http, live_server):
    assert http.post(f"{live_server}/api/search", data={"q": "lask"}).status_code == 405


# ---- no owner data -----------------------------------------------------------------------


def test_no_owner_data_in_any_answer(http, live_server, database):
    with database.connect("owner") as conn:
        people = conn.execute(
            "SELECT first_name, surname, pesel FROM data.subject WHERE subject_kind = 'person'"
            " AND pesel IS NOT NULL ORDER BY local_id LIMIT 15"
        ).fetchall()
    secrets = [pesel for _, _, pesel in people] + [f"{f} {s}" for f, s, _ in people]
    queries = [s for _, s, _ in people] + [p for _, _, p in people] + ["Łask 1", "lask", "0001 1"]
    for q in queries:
        response = http.get(f"{live_server}/api/search", params={"q": q, "limit": "50"})
        results = str(response.json().get("results"))
        assert not [s for s in secrets if s in results], q
        page = http.get(f"{live_server}/dzialka", params={"q": q})
        body = page.text.replace(html.escape(q), "").replace(q, "")
        assert not [s for s in secrets if s in body], q


# ---- the text-only parcel page -----------------------------------------------------------


def test_parcel_card_shows_the_register_data(http, live_server, database, known_parcel):
    with database.connect("owner") as conn:
        area, uses, buildings = conn.execute(
            "SELECT area_ha, jsonb_array_length(land_uses),"
            " (SELECT count(*) FROM data.building b WHERE b.version_end IS NULL"
            "  AND p.parcel_id = ANY(b.parcel_ids))"
            " FROM data.parcel p WHERE parcel_id = %s AND version_end IS NULL",
            (known_parcel.parcel_id,),
        ).fetchone()
        plans = conn.execute(
            "SELECT z.symbol, 100 * ST_Area(ST_Intersection(z.geom, p.geom)) / ST_Area(p.geom)"
            " FROM data.parcel p JOIN data.plan_zone z ON ST_Intersects(z.geom, p.geom)"
            " AND z.version_end IS NULL WHERE p.parcel_id = %s AND p.version_end IS NULL",
            (known_parcel.parcel_id,),
        ).fetchall()
    response = http.get(f"{live_server}/dzialka/{known_parcel.parcel_id}")
    assert response.status_code == 200
    page = response.text
    assert f'<span class="parcel-id">{known_parcel.parcel_id}</span>' in page
    assert f"{area:.4f}".replace(".", ",") + " ha" in page
    section = page[page.index('id="card-land-uses"') : page.index('id="card-buildings"')]
    assert section.count("<tr>") == 1 + uses
    section = page[page.index('id="card-buildings"') : page.index('id="card-addresses"')]
    assert section.count("_BUD</th>") == buildings
    for symbol, share in plans:
        if share >= 0.05:
            assert f"{symbol}</th>" in page
            assert f"{share:.1f}".replace(".", ",") + " %" in page
    assert "<script" not in page


def test_card_in_english(http, live_server, known_parcel):
    page = http.get(f"{live_server}/dzialka/{known_parcel.parcel_id}", params={"lang": "en"})
    assert '<html lang="en">' in page.text and "Legal area" in page.text


@pytest.mark.parametrize(
    ("lang", "group", "point", "month"),
    [("pl", "\u00a0", ",", ["sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz",
                            "paź", "lis", "gru"]),
     ("en", ",", ".", ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct",
                       "Nov", "Dec"])],
)  # fmt: skip
def test_card_numbers_and_date_in_the_pages_locale(
    http, live_server, database, known_parcel, lang, group, point, month
):
    """Polish ``1 234,5``, English ``1,234.5``; the data date as the language writes it."""
    with database.connect("owner") as conn:
        area_ha, area_m2, data_date = conn.execute(
            "SELECT area_ha, ST_Area(geom), data_date FROM publish.parcels WHERE parcel_id = %s",
            (known_parcel.parcel_id,),
        ).fetchone()
    page = http.get(f"{live_server}/dzialka/{known_parcel.parcel_id}", params={"lang": lang}).text

    def written(value: object, digits: int) -> str:
        text = f"{value:,.{digits}f}"  # 1,234.5 in Python's own notation
        return text.replace(",", "G").replace(".", point).replace("G", group)

    assert area_m2 >= 1000, "a parcel this small would not show the grouping"
    assert f"<dd>{written(area_m2, 0)} m²</dd>" in page
    assert f"<dd>{written(area_ha, 4)} ha</dd>" in page
    shown = f"{data_date.day} {month[data_date.month - 1]} {data_date.year}"  # never NULL
    assert f"<dd>{shown}</dd>" in page


def test_unknown_parcel_is_404_with_help(http, live_server):
    response = http.get(f"{live_server}/dzialka/100301_2.9999.1/1")
    assert response.status_code == 404
    assert "Nie ma działki o tym identyfikatorze" in response.text
    assert "WWPPGG_R.XXXX.NR" in response.text


@pytest.mark.parametrize("bad", ["1003_2.0001.12", "100302_4.0001", "abc", "100302_4.0001.0"])
def test_malformed_parcel_id_is_400_with_the_reason(http, live_server, bad):
    response = http.get(f"{live_server}/dzialka/{bad}")
    assert response.status_code == 400
    assert "To nie jest poprawny identyfikator działki" in response.text
    assert re.search(r'class="reason"', response.text)


def test_lenient_id_redirects_to_the_canonical_card(http, live_server, known_parcel):
    unit, district, number = known_parcel.parcel_id.split(".", 2)
    response = http.get(
        f"{live_server}/dzialka/{unit}.{int(district)}.{number}", allow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["Location"].startswith(f"/dzialka/{known_parcel.parcel_id}")


def test_text_search_page_lists_links_to_cards(http, live_server, town_parcel):
    q = f"{town_parcel['district']} {town_parcel['number']}"
    page = http.get(f"{live_server}/dzialka", params={"q": q}).text
    assert f'href="/dzialka/{town_parcel["id"]}?lang=pl"' in page
    nothing = http.get(f"{live_server}/dzialka", params={"q": "Zzyzx 12"})
    assert nothing.status_code == 200 and "Nic nie znaleziono." in nothing.text
    refused = http.get(f"{live_server}/dzialka", params={"q": "x" * 300})
    assert refused.status_code == 400 and "za długi" in refused.text
