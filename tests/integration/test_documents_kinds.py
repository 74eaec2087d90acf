"""The documents added after the first ones: the building record, the certificate of a
parcel's designation in the local plan, the studium extract. Each is issued against the
real PostGIS, its text read back with pypdf and compared with values read by plain SQL."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest

from geoportal.cases import store
from geoportal.documents import register
from geoportal.documents.issue import DocumentError
from geoportal.documents.signing import check_signature, signing_files, trust_roots
from tests.integration.documents_support import (
    GEODESIST,
    PLANNER,
    case_in_progress,
    make_issuer,
    parcel_in_two_zones,
    pdf_text,
)

pytestmark = pytest.mark.usefixtures("demo_loaded")
STUDIUM_CODE = "studiumUwarunkowanIKierunkowZagospodarowaniaPrzestrzennego"
ZONES_SQL = (
    "SELECT z.symbol, z.designation, round((100 * ST_Area(ST_Intersection(z.geom, p.geom))"
    " / ST_Area(p.geom))::numeric, 1), pl.title, pl.resolution_no"
    " FROM data.parcel p JOIN data.plan_zone z ON ST_Intersects(z.geom, p.geom)"
    " AND z.version_end IS NULL"
    " JOIN data.plan pl ON pl.plan_id = z.plan_id AND pl.version_end IS NULL"
    " WHERE p.parcel_id = %s AND p.version_end IS NULL AND pl.plan_type = ANY(%s)"
)


@pytest.fixture(scope="module")
def issuer(instance):
    return make_issuer(instance)


def _flat(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", pdf_text(pdf))


def _mark(database, case_id: int) -> str:
    with database.connect("owner") as conn:
        row = conn.execute("SELECT mark FROM cases.case_file WHERE id = %s", (case_id,))
        return row.fetchone()[0]


def _zones(database, parcel_id: str, codes: list[str]) -> list[tuple]:
    with database.connect("owner") as conn:
        rows = conn.execute(ZONES_SQL, (parcel_id, codes)).fetchall()
    return [row for row in rows if row[2] >= Decimal("0.1")]  # slivers are not shown


def test_the_building_record_lists_each_building_on_the_parcel(database, issuer, settings):
    with database.connect("owner") as conn:
        parcel_id, number, district = conn.execute(
            "SELECT p.parcel_id, p.number, d.name FROM data.parcel p"
            " JOIN data.cadastral_district d ON d.district_id = p.district_id"
            " AND d.version_end IS NULL"
            " WHERE p.version_end IS NULL AND (SELECT count(*) FROM data.building b"
            "  WHERE p.parcel_id = ANY(b.parcel_ids) AND b.version_end IS NULL) >= 2"
            " ORDER BY p.parcel_id LIMIT 1"
        ).fetchone()
        buildings = conn.execute(
            "SELECT building_id, kst_type, floors_above, floors_below, built_up_area_m2"
            " FROM data.building WHERE %s = ANY(parcel_ids) AND version_end IS NULL",
            (parcel_id,),
        ).fetchall()
    case_id = case_in_progress(database, "egib_building_card", [parcel_id])
    issued = issuer.issue(case_id, "egib_building_card", GEODESIST)
    pdf = issued.path.read_bytes()
    text = _flat(pdf)
    assert "Wypis z kartoteki budynków" in text and _mark(database, case_id) in text
    assert f"{number} ({parcel_id})" in text and district in text
    assert "Łódzkie".lower() in text.lower() and "łaski" in text.lower()
    for building_id, kst, above, below, area in buildings:
        assert f"Budynek {building_id}" in text
        assert f"Rodzaj wg KŚT {kst} – " in text
        assert f"{above} nadziemnych, {below if below is not None else '—'} podziemnych" in text
        assert f"{area}" in text
    assert text.count("Budynek ") == len(buildings)
    assert check_signature(pdf, trust_roots(signing_files(settings).chain)).valid


def test_the_building_record_of_a_parcel_without_buildings_says_so(database, issuer):
    with database.connect("owner") as conn:
        (parcel_id,) = conn.execute(
            "SELECT p.parcel_id FROM data.parcel p WHERE p.version_end IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM data.building b WHERE p.parcel_id = ANY(b.parcel_ids))"
            " ORDER BY p.parcel_id LIMIT 1"
        ).fetchone()
    case_id = case_in_progress(database, "egib_building_card", [parcel_id])
    text = _flat(issuer.issue(case_id, "egib_building_card", GEODESIST).path.read_bytes())
    assert "nie ma budynków wykazanych w ewidencji" in text and "Budynek " not in text


def test_the_certificate_states_each_zone_and_its_share_of_the_parcel(database, issuer):
    parcel_id = parcel_in_two_zones(database)
    zones = _zones(database, parcel_id, ["miejscowyPlanZagospodarowaniaPrzestrzennego"])
    case_id = case_in_progress(database, "planning_certificate", [parcel_id])
    text = _flat(issuer.issue(case_id, "planning_certificate", PLANNER).path.read_bytes())
    assert "Zaświadczenie o przeznaczeniu działki" in text and "art. 217" in text
    assert "zaświadcza się" in text and _mark(database, case_id) in text
    assert len(zones) >= 2 and sum(z[2] for z in zones) == pytest.approx(100, abs=0.5)
    for symbol, designation, percent, title, resolution in zones:
        assert re.search(rf"{re.escape(symbol)} .*{re.escape(designation[:20])}.* {percent}", text)
        assert title[:30] in text and resolution in text
    assert "Wyrys" not in text  # a certificate has no drawing


@pytest.fixture
def studium(database):
    """A studium covering one planned parcel with one direction zone; removed afterwards."""
    parcel_id = parcel_in_two_zones(database)
    plan_id = f"PL.TEST.STUDIUM.{uuid.uuid4().hex[:8]}"
    with database.connect("owner") as conn:
        conn.execute(
            "INSERT INTO data.plan (namespace, local_id, version_id, version_start, plan_id,"
            " title, plan_type, status, resolution_no, resolution_date, geom)"
            " SELECT 'PL.TEST.STUDIUM', %s, '1', now(), %s, 'Studium gminy testowej', %s,"
            " 'legalForce', 'XII/345/2011', '2011-06-30', ST_Multi(ST_Buffer(geom, 100))"
            " FROM data.parcel WHERE parcel_id = %s AND version_end IS NULL",
            (plan_id, plan_id, STUDIUM_CODE, parcel_id),
        )
        conn.execute(
            "INSERT INTO data.plan_zone (namespace, local_id, version_id, version_start,"
            " zone_id, plan_id, symbol, designation, plan_text, geom)"
            " SELECT 'PL.TEST.STUDIUM', %s, '1', now(), %s, %s, 'K-MN',"
            " 'kierunek: zabudowa mieszkaniowa jednorodzinna', 'Wskaźnik zabudowy do 40 %%.',"
            " ST_Multi(ST_Buffer(geom, 5)) FROM data.parcel"
            " WHERE parcel_id = %s AND version_end IS NULL",
            (f"{plan_id}.Z", f"{plan_id}.Z", plan_id, parcel_id),
        )
        conn.commit()
    try:
        yield parcel_id
    finally:
        with database.connect("owner") as conn:
            conn.execute("DELETE FROM data.plan_zone WHERE namespace = 'PL.TEST.STUDIUM'")
            conn.execute("DELETE FROM data.plan WHERE namespace = 'PL.TEST.STUDIUM'")
            conn.commit()


def test_without_studium_data_the_extract_is_refused_and_nothing_is_written(
    database, issuer, settings
):
    parcel_id = parcel_in_two_zones(database)
    with database.connect("owner") as conn:
        held = conn.execute(
            "SELECT count(*) FROM data.plan WHERE plan_type = %s", (STUDIUM_CODE,)
        ).fetchone()[0]
    assert held == 0  # the demo county carries no studium
    case_id = case_in_progress(database, "studium_extract", [parcel_id])
    before = set(settings.issued_dir.rglob(f"{case_id}-*"))
    with pytest.raises(DocumentError, match="no studium"):
        issuer.issue(case_id, "studium_extract", PLANNER)
    with database.connect("app", autocommit=True) as conn:
        assert register.find(conn, case_id, "studium_extract") is None
        assert store.get(conn, case_id).state == "in_progress"
    assert set(settings.issued_dir.rglob(f"{case_id}-*")) == before == set()


def test_the_studium_extract_quotes_the_studium_and_no_local_plan(database, issuer, studium):
    parcel_id = studium
    directions = _zones(database, parcel_id, [STUDIUM_CODE])
    local = _zones(database, parcel_id, ["miejscowyPlanZagospodarowaniaPrzestrzennego"])
    assert [(z[0], z[2]) for z in directions] == [("K-MN", Decimal("100.0"))]
    case_id = case_in_progress(database, "studium_extract", [parcel_id])
    text = _flat(issuer.issue(case_id, "studium_extract", PLANNER).path.read_bytes())
    assert "Wypis ze studium uwarunkowań" in text and _mark(database, case_id) in text
    assert re.search(r"K-MN kierunek: zabudowa mieszkaniowa jednorodzinna 100\.0", text)
    assert "uchwała nr XII/345/2011 z dnia 30.06.2011" in text
    assert "rysunek studium nie jest w nich prowadzony" in text
    for symbol, _, _, _, resolution in local:
        assert resolution not in text, symbol
    plan_case = case_in_progress(database, "planning_extract", [parcel_id])
    plan_text = _flat(issuer.issue(plan_case, "planning_extract", PLANNER).path.read_bytes())
    assert "K-MN" not in plan_text and "XII/345/2011" not in plan_text


def test_the_panel_says_at_once_that_no_studium_is_held_and_queues_nothing(database, instance):
    from geoportal.auth.staff import add_staff
    from tests.integration.eservices_support import hidden_fields
    from web.app import create_flask_app

    login = f"planista.{uuid.uuid4().hex[:6]}"
    with database.connect("owner") as conn:
        add_staff(conn, login, "Planista", "correct horse battery", ["planning"])
    case_id = case_in_progress(database, "studium_extract", [parcel_in_two_zones(database)])
    app = create_flask_app(instance)
    app.config["TESTING"] = True
    client = app.test_client()
    form = hidden_fields(client.get("/panel/logowanie").get_data(as_text=True))
    signed = client.post(
        "/panel/logowanie", data=form | {"login": login, "password": "correct horse battery"}
    )
    assert signed.status_code == 303
    csrf = hidden_fields(client.get(f"/panel/sprawy/{case_id}").get_data(as_text=True))
    answer = client.post(
        f"/panel/sprawy/{case_id}/krok",
        data={"csrf_token": csrf["csrf_token"], "target": "document_issued"},
    )
    assert answer.status_code == 409
    assert "dane geoportalu nie obejmują działek wniosku" in answer.get_data(as_text=True)
    with database.connect("owner") as conn:
        queued = conn.execute(
            "SELECT count(*) FROM jobs.procrastinate_jobs WHERE args->>'case_id' = %s",
            (str(case_id),),
        ).fetchone()[0]
        state = conn.execute(
            "SELECT state FROM cases.case_file WHERE id = %s", (case_id,)
        ).fetchone()[0]
    assert (queued, state) == (0, "in_progress")
