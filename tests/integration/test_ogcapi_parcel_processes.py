"""The parcel processes over the demo county: report, plan coverage, conversion hectares.

Expected values come from plain SQL over the publish views and, for the factors, from
the table of art. 4 as ``../shared/reference/domain.md`` §6 prints it (written out here).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from werkzeug.test import Client

from tests.integration.test_ogcapi_support import mounted

ARABLE_DISTRICT_II = {"I": "1.80", "II": "1.65", "IIIa": "1.50", "IIIb": "1.25", "IVa": "1.00",
                      "IVb": "0.75", "V": "0.30", "VI": "0.15"}  # fmt: skip
GRASS_DISTRICT_II = {"I": "1.60", "II": "1.35", "III": "1.15", "IV": "0.70", "V": "0.20",
                     "VI": "0.15"}  # fmt: skip


@pytest.fixture(scope="module")
def ogc(instance, database, settings, demo_loaded) -> Client:
    return Client(mounted(instance))


@pytest.fixture(scope="module")
def planned_farm_parcel(database, demo_loaded) -> str:
    """A parcel with agricultural klasoużytki that a plan zone covers in part."""
    with database.connect("public") as conn:
        row = conn.execute(
            "SELECT p.parcel_id FROM publish.parcels p"
            " JOIN publish.plan_zones z ON ST_Intersects(z.geom, p.geom)"
            " WHERE EXISTS (SELECT 1 FROM publish.parcel_land_uses u"
            "               WHERE u.parcel_id = p.parcel_id AND u.ozu IN ('R', 'Ł', 'Ps'))"
            " ORDER BY p.parcel_id LIMIT 1"
        ).fetchone()
    assert row, "the demo county must have a planned farm parcel"
    return row[0]


def _execute(ogc, process: str, inputs: dict):
    return ogc.post(f"/ogc/processes/{process}/execution", data=json.dumps({"inputs": inputs}),
                    content_type="application/json")  # fmt: skip


def test_report_carries_the_public_card_and_names_what_is_missing(ogc, planned_farm_parcel):
    missing = "100302_4.0001.99999"
    answer = _execute(ogc, "raport-dzialki", {"parcel_ids": [planned_farm_parcel, missing]})
    assert answer.status_code == 200, answer.data[:300]
    result = answer.json
    assert [p["parcel_id"] for p in result["parcels"]] == [planned_farm_parcel]
    assert result["not_found"] == [missing]
    card = result["parcels"][0]
    assert card["land_uses"] and card["plans"] and card["area_ha"] > 0
    assert "owner" not in json.dumps(result).lower()


def test_report_names_the_general_plan_zones_with_their_shares(ogc, database):
    with database.connect("owner") as conn:
        parcel_id, expected = conn.execute(
            "SELECT p.parcel_id, jsonb_object_agg(z.oznaczenie, 100 * ST_Area(ST_Intersection("
            "z.geom, p.geom)) / ST_Area(p.geom)) FROM data.parcel p JOIN data.general_plan_zone z"
            " ON ST_Intersects(z.geom, p.geom) AND z.version_end IS NULL"
            " WHERE p.version_end IS NULL GROUP BY p.parcel_id ORDER BY p.parcel_id LIMIT 1"
        ).fetchone()
    answer = _execute(ogc, "raport-dzialki", {"parcel_ids": [parcel_id]})
    assert answer.status_code == 200, answer.data[:300]
    zones = answer.json["parcels"][0]["general_plans"]
    shares = {zone["oznaczenie"]: zone["share"] for zone in zones}
    assert shares == pytest.approx({k: v for k, v in expected.items() if v >= 0.05}, abs=1e-6)
    assert all(zone["plan_title"] == "Plan ogólny gminy Buczek" for zone in zones)


def test_plan_coverage_shares_match_postgis(ogc, database, planned_farm_parcel):
    result = _execute(ogc, "pokrycie-planem", {"parcel_ids": [planned_farm_parcel]}).json
    zones = result["parcels"][0]["zones"]
    with database.connect("public") as conn:
        rows = conn.execute(
            "SELECT z.symbol, 100 * ST_Area(ST_Intersection(z.geom, p.geom)) / ST_Area(p.geom)"
            " FROM publish.parcels p JOIN publish.plan_zones z ON ST_Intersects(z.geom, p.geom)"
            " WHERE p.parcel_id = %s",
            (planned_farm_parcel,),
        ).fetchall()
    expected = {symbol: share for symbol, share in rows if share >= 0.05}
    assert {zone["symbol"]: round(zone["share"], 6) for zone in zones} == {
        symbol: round(share, 6) for symbol, share in expected.items()
    }
    total = sum(expected.values())
    assert result["parcels"][0]["uncovered_share"] == pytest.approx(max(0, 100 - total), abs=0.01)


def test_conversion_hectares_follow_article_4(ogc, database, planned_farm_parcel):
    answer = _execute(ogc, "hektary-przeliczeniowe",
                      {"parcel_ids": [planned_farm_parcel], "tax_district": "II"})  # fmt: skip
    assert answer.status_code == 200, answer.data[:300]
    parcel = answer.json["parcels"][0]
    with database.connect("public") as conn:
        uses = conn.execute(
            "SELECT ozu, ozk, area_ha FROM publish.parcel_land_uses WHERE parcel_id = %s",
            (planned_farm_parcel,),
        ).fetchall()
    expected = Decimal(0)
    for ozu, ozk, area in uses:
        table = (
            ARABLE_DISTRICT_II if ozu == "R" else GRASS_DISTRICT_II if ozu in ("Ł", "Ps") else {}
        )
        if ozk in table:
            expected += (area * Decimal(table[ozk])).quantize(Decimal("0.0001"))
    assert Decimal(str(parcel["total_ha"])) == expected
    assert parcel["district"] == "II" and "art. 4" in answer.json["source"]


def test_without_a_known_district_the_answer_asks_for_it(ogc, planned_farm_parcel):
    answer = _execute(ogc, "hektary-przeliczeniowe", {"parcel_ids": [planned_farm_parcel]})
    assert answer.status_code == 400 and "tax_district" in answer.json["description"]


@pytest.mark.parametrize(
    "parcel_ids",
    [[], ["x' OR 1=1 --"], [1], ["100302_4.0001.1"] * 101, "100302_4.0001.1"],
)
def test_bad_parcel_lists_are_400(ogc, parcel_ids):
    answer = _execute(ogc, "raport-dzialki", {"parcel_ids": parcel_ids})
    assert answer.status_code == 400, answer.data[:300]
    assert (
        "parcel_ids" in answer.json["description"] or "identyfikator" in answer.json["description"]
    )
