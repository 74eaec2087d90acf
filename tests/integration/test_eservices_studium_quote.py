"""The studium extract's fee counts the studium's zones, never a local plan's; without
studium data it is not quoted at all (409), as issuing it is refused.

The studium is inserted as real rows of ``data.plan`` / ``data.plan_zone`` (the demo
county carries none) over a parcel that two local-plan zones cover, so a count taken from
the wrong plans gives a different number of pages and a different fee.
"""

from __future__ import annotations

import json
import uuid

import pytest

from geoportal.settings import PROJECT_ROOT
from tests.integration.documents_support import parcel_in_two_zones
from tests.integration.eservices_support import APPLICANT, file_from_review, hidden_fields, review

STUDIUM_CODE = "studiumUwarunkowanIKierunkowZagospodarowaniaPrzestrzennego"
NAMESPACE = "PL.TEST.STUDIUM.QUOTE"
STRIPS = 12  # studium zones over the parcel: 12 zones, 2 per page → a 6-page wypis


@pytest.fixture
def studium(database):
    """A studium over one planned parcel, cut into :data:`STRIPS` direction zones (vertical
    strips of the parcel's bounding box); removed afterwards."""
    parcel_id = parcel_in_two_zones(database)
    plan_id = f"PL.TEST.STUDIUM.{uuid.uuid4().hex[:8]}"
    with database.connect("owner") as conn:
        conn.execute(
            "INSERT INTO data.plan (namespace, local_id, version_id, version_start, plan_id,"
            " title, plan_type, status, resolution_no, resolution_date, geom)"
            " SELECT %s, %s, '1', now(), %s, 'Studium gminy testowej', %s,"
            " 'legalForce', 'XII/345/2011', '2011-06-30', ST_Multi(ST_Buffer(geom, 100))"
            " FROM data.parcel WHERE parcel_id = %s AND version_end IS NULL",
            (NAMESPACE, plan_id, plan_id, STUDIUM_CODE, parcel_id),
        )
        conn.execute(
            "INSERT INTO data.plan_zone (namespace, local_id, version_id, version_start,"
            " zone_id, plan_id, symbol, designation, geom)"
            " SELECT %(ns)s, %(plan)s || '.Z' || i, '1', now(), %(plan)s || '.Z' || i, %(plan)s,"
            "  'K' || i || '-MN', 'kierunek: zabudowa mieszkaniowa',"
            "  ST_Multi(ST_CollectionExtract(ST_Intersection(ST_Buffer(p.geom, 5),"
            "   ST_MakeEnvelope(ST_XMin(p.geom) + i * (ST_XMax(p.geom) - ST_XMin(p.geom)) / %(n)s,"
            "    ST_YMin(p.geom) - 10,"
            "    ST_XMin(p.geom) + (i + 1) * (ST_XMax(p.geom) - ST_XMin(p.geom)) / %(n)s,"
            "    ST_YMax(p.geom) + 10, 2180)), 3))"
            " FROM data.parcel p, generate_series(0, %(n)s - 1) i"
            " WHERE p.parcel_id = %(parcel)s AND p.version_end IS NULL",
            {"ns": NAMESPACE, "plan": plan_id, "n": STRIPS, "parcel": parcel_id},
        )
        shares = conn.execute(
            "SELECT ST_Area(ST_Intersection(z.geom, p.geom)) / ST_Area(p.geom)"
            " FROM data.plan_zone z JOIN data.parcel p ON p.parcel_id = %s"
            " AND p.version_end IS NULL WHERE z.namespace = %s",
            (parcel_id, NAMESPACE),
        ).fetchall()
        conn.commit()
    # Each strip is a real share of the parcel, far above the 0.1 % sliver rule.
    assert len(shares) == STRIPS and min(share for (share,) in shares) > 0.01
    try:
        yield parcel_id
    finally:
        with database.connect("owner") as conn:
            conn.execute("DELETE FROM data.plan_zone WHERE namespace = %s", (NAMESPACE,))
            conn.execute("DELETE FROM data.plan WHERE namespace = %s", (NAMESPACE,))
            conn.commit()


def _quote(page) -> dict:
    return json.loads(hidden_fields(page.get_data(as_text=True))["fee"])


def _local_plan_zones(database, parcel_id: str) -> int:
    """Local-plan zones over at least 0.1 % of the parcel (what its wypis lists)."""
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT count(*) FROM data.plan_zone z JOIN data.plan pl ON pl.plan_id = z.plan_id"
            " AND pl.version_end IS NULL JOIN data.parcel p ON p.parcel_id = %s"
            " AND p.version_end IS NULL AND ST_Intersects(z.geom, p.geom)"
            " WHERE z.version_end IS NULL AND pl.plan_type <> %s"
            " AND ST_Area(ST_Intersection(z.geom, p.geom)) >= 0.001 * ST_Area(p.geom)",
            (parcel_id, STUDIUM_CODE),
        ).fetchone()[0]


def test_the_studium_extract_is_quoted_from_the_studium_zones(client, database, studium):
    assert _local_plan_zones(database, studium) <= 10  # counted, they would make ≤ 5 pages
    page = review(client, "studium_extract", APPLICANT | {"parcels": studium})
    assert page.status_code == 200, page.get_data(as_text=True)
    fee = _quote(page)
    assert fee["quantities"] == {"wypis_page": 6, "wyrys_a4_part": 1}
    # stamp duty annex part I pkt 51: wypis over 5 pages 50 zł, wyrys 1 A4 part 20 zł
    assert [line["amount_grosze"] for line in fee["lines"]] == [5000, 2000]
    assert fee["total_grosze"] == 7000
    filed = file_from_review(client, "studium_extract", page.get_data(as_text=True))
    assert filed.status_code == 303


def test_the_local_plan_extract_of_the_same_parcel_does_not_count_the_studium(
    client, database, studium
):
    zones = _local_plan_zones(database, studium)
    page = review(client, "planning_extract", APPLICANT | {"parcels": studium})
    assert page.status_code == 200
    fee = _quote(page)
    assert fee["quantities"] == {"wypis_page": (zones + 1) // 2, "wyrys_a4_part": 1}
    assert fee["total_grosze"] == 5000  # 30 zł (up to 5 pages) + 20 zł for one A4 part


def test_without_studium_data_no_quote_is_made_409_and_nothing_is_filed(client, database):
    parcel_id = parcel_in_two_zones(database)
    with database.connect("owner") as conn:
        held = conn.execute(
            "SELECT count(*) FROM data.plan WHERE plan_type = %s", (STUDIUM_CODE,)
        ).fetchone()[0]
        before = conn.execute("SELECT count(*) FROM cases.case_file").fetchone()[0]
    assert held == 0  # the demo county carries no studium
    page = review(client, "studium_extract", APPLICANT | {"parcels": parcel_id})
    text = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "nie można wycenić" in text and "brak danych studium" in text
    assert "Razem" not in text and 'name="fee"' not in text
    # A review page of another service, re-posted as a studium filing, is refused too.
    other = review(client, "planning_extract", APPLICANT | {"parcels": parcel_id})
    filed = file_from_review(client, "studium_extract", other.get_data(as_text=True))
    assert filed.status_code == 409
    with database.connect("owner") as conn:
        after = conn.execute("SELECT count(*) FROM cases.case_file").fetchone()[0]
    assert after == before


def test_the_local_plan_layer_and_the_parcel_card_leave_the_studium_out(database, studium):
    """The MPZP layer (and the card, the WMS, WFS and OGC API that read it) shows local
    plans only: the studium's direction zones over the same parcel are not among them."""
    from geoportal.cadastre.card import read_card

    with database.connect("public") as conn:
        shown = conn.execute(
            "SELECT count(*) FROM publish.plan_zones WHERE symbol LIKE 'K%%-MN'"
        ).fetchone()[0]
        card = read_card(conn, studium)
    assert shown == 0
    assert (
        card is not None
        and card.plans
        and all(not zone.symbol.startswith("K") for zone in card.plans)
    )


def test_the_layer_leaves_out_exactly_the_studium_codes_of_the_plan_types_file():
    import re

    from geoportal.documents.plan_types import plan_codes

    view = (PROJECT_ROOT / "layers" / "plan_zones" / "view.sql").read_text(encoding="utf-8")
    excluded = re.search(r"plan_type NOT IN \(([^)]*)\)", view)
    assert excluded is not None
    assert tuple(re.findall(r"'([^']+)'", excluded.group(1))) == plan_codes("studium")
