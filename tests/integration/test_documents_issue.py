"""Issuing documents against the real PostGIS and MapServer: the register, the case's step,
the content read from the data, the signature, the map's scale, and exactly-once issuing."""

from __future__ import annotations

import hashlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import psycopg
import pytest

from geoportal.cases import audit, store
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
    town_parcel_with_owners,
)  # fmt: skip
from tests.unit.test_documents import MM, placed_images

pytestmark = pytest.mark.usefixtures("demo_loaded")


class Crash(RuntimeError):
    """Stands for the process dying between writing the PDF and the commit."""


@pytest.fixture(scope="module")
def issuer(instance):
    return make_issuer(instance)


@pytest.fixture(scope="module")
def owned(database):
    return town_parcel_with_owners(database)


@pytest.fixture(scope="module")
def extract_and_map(database, issuer, owned):
    """A wypis i wyrys with owners (legal interest accepted), at 1:1000."""
    case_id = case_in_progress(database, "egib_extract_and_map", [owned[0]])
    issued = issuer.issue(case_id, "egib_extract_and_map", GEODESIST, scale=1000)
    return case_id, issued


def test_issuing_registers_the_document_and_moves_the_case(database, extract_and_map):
    case_id, issued = extract_and_map
    pdf = issued.path.read_bytes()
    assert issued.created
    assert issued.document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert issued.document.size_bytes == len(pdf)
    with database.connect("app", autocommit=True) as conn:
        case = store.get(conn, case_id)
        events = audit.history(conn, case_id)
    assert case is not None and case.state == "document_issued"
    last = events[-1]
    assert (last.action, last.to_state) == ("issue", "document_issued")
    assert last.details["sha256"] == issued.document.sha256
    assert last.details["document_id"] == issued.document.id


def test_the_wypis_shows_the_register_data_and_owners_without_pesel(
    database, extract_and_map, owned
):
    case_id, issued = extract_and_map
    text = pdf_text(issued.path.read_bytes())
    parcel_id, surnames = owned
    with database.connect("owner") as conn:
        mark, district, unit_id = conn.execute(
            "SELECT c.mark, d.name, p.registration_unit_id FROM cases.case_file c,"
            " data.parcel p JOIN data.cadastral_district d ON d.district_id = p.district_id"
            " WHERE c.id = %s AND p.parcel_id = %s AND p.version_end IS NULL",
            (case_id, parcel_id),
        ).fetchone()
        pesels = [r[0] for r in conn.execute(
            "SELECT s.pesel FROM data.share sh JOIN data.subject s"
            " ON s.local_id = sh.subject_local_id WHERE sh.registration_unit_id = %s"
            " AND s.pesel IS NOT NULL", (unit_id,))]  # fmt: skip
    for expected in (mark, "Starosta Łaski", "łódzkie", "Powiat łaski", district, unit_id,
                     parcel_id, "Budynki", "Właściciele i władający",
                     "Dokument wygenerowany automatycznie", "Wyrys, skala 1:1000",
                     register.normalise_code(issued.document.code)[:4]):  # fmt: skip
        assert expected in text, expected
    assert any(surname in text for surname in surnames)
    assert pesels and not any(pesel in text for pesel in pesels)


def test_the_map_excerpt_is_true_to_scale_on_paper(extract_and_map):
    _, issued = extract_and_map
    pdf = issued.path.read_bytes()
    maps = [image for image in placed_images(pdf) if image[0] > 500]
    assert len(maps) == 1
    px_w, px_h, placed_w, placed_h = maps[0]
    assert (px_w, px_h) == (1339, 1181)
    # 200 dpi: pixels / 200 * 25.4 = millimetres on paper, as placed
    assert placed_w / MM == pytest.approx(px_w / 200 * 25.4, abs=0.01)
    assert placed_h / MM == pytest.approx(px_h / 200 * 25.4, abs=0.01)
    # the printed frame corners: ground width / paper width == 1000
    text = pdf_text(pdf)
    match = re.search(r"X ([\d.]+) – ([\d.]+), Y ([\d.]+)", text.replace("\n", " "))
    assert match, "the frame's coordinates are printed"
    ground_w = float(match[2]) - float(match[1])
    assert ground_w / (placed_w / MM / 1000) == pytest.approx(1000, rel=1e-4)
    assert 100 / ground_w * (placed_w / MM) == pytest.approx(100, rel=1e-4)  # 100 m → 10 cm


def test_the_signature_is_valid_and_one_changed_byte_breaks_it(settings, extract_and_map):
    _, issued = extract_and_map
    pdf = issued.path.read_bytes()
    roots = trust_roots(signing_files(settings).chain)
    assert check_signature(pdf, roots).valid
    position = pdf.index(b"Starosta") if b"Starosta" in pdf else len(pdf) // 3
    altered = bytearray(pdf)
    altered[position] ^= 0x01
    assert not check_signature(bytes(altered), roots).valid


def test_issuing_again_returns_the_same_document(database, issuer, extract_and_map):
    case_id, issued = extract_and_map
    again = issuer.issue(case_id, "egib_extract_and_map", GEODESIST)
    assert not again.created and again.document == issued.document
    with database.connect("owner") as conn:
        count = conn.execute("SELECT count(*) FROM documents.issued_document WHERE case_id = %s",
                             (case_id,)).fetchone()[0]  # fmt: skip
    assert count == 1


def test_a_crash_before_the_commit_leaves_nothing_and_the_retry_issues_once(
    database, issuer, owned
):
    case_id = case_in_progress(database, "egib_register_extract_anonymous", [owned[0]])

    def crash(conn, row):
        assert row.id > 0  # the row was written in this transaction …
        raise Crash("killed before the commit")  # … and is never committed

    with pytest.raises(Crash):
        issuer.issue(case_id, "egib_register_extract_anonymous", GEODESIST, before_commit=crash)
    with database.connect("owner") as conn:
        assert conn.execute("SELECT count(*) FROM documents.issued_document WHERE case_id = %s",
                            (case_id,)).fetchone()[0] == 0  # fmt: skip
        assert conn.execute("SELECT state FROM cases.case_file WHERE id = %s",
                            (case_id,)).fetchone()[0] == "in_progress"  # fmt: skip
    retried = issuer.issue(case_id, "egib_register_extract_anonymous", GEODESIST)
    again = issuer.issue(case_id, "egib_register_extract_anonymous", GEODESIST)
    assert retried.created and not again.created
    with database.connect("owner") as conn:
        rows = conn.execute("SELECT id FROM documents.issued_document WHERE case_id = %s",
                            (case_id,)).fetchall()  # fmt: skip
        issues = conn.execute("SELECT count(*) FROM cases.audit_event WHERE case_id = %s"
                              " AND action = 'issue'", (case_id,)).fetchone()[0]  # fmt: skip
    assert rows == [(retried.document.id,)] and issues == 1


def test_the_variant_without_personal_data_shows_no_owner(database, issuer, owned):
    parcel_id, surnames = owned
    case_id = case_in_progress(database, "egib_register_extract_anonymous", [parcel_id])
    issued = issuer.issue(case_id, "egib_register_extract_anonymous", GEODESIST)
    text = pdf_text(issued.path.read_bytes())
    assert parcel_id in text and "nie zawiera danych osobowych" in text
    assert not any(surname in text for surname in surnames)
    assert "Właściciele" not in text


def test_a_planning_extract_gives_each_zone_its_share_of_the_parcel(database, issuer):
    parcel_id = parcel_in_two_zones(database)
    case_id = case_in_progress(database, "planning_extract", [parcel_id])
    issued = issuer.issue(case_id, "planning_extract", PLANNER)
    text = pdf_text(issued.path.read_bytes())
    with database.connect("owner") as conn:
        zones = conn.execute(
            "SELECT z.symbol, round((100 * ST_Area(ST_Intersection(z.geom, p.geom))"
            " / ST_Area(p.geom))::numeric, 1), pl.resolution_no"
            " FROM data.parcel p JOIN data.plan_zone z ON ST_Intersects(z.geom, p.geom)"
            " JOIN data.plan pl ON pl.plan_id = z.plan_id AND pl.version_end IS NULL"
            " WHERE p.parcel_id = %s AND p.version_end IS NULL AND z.version_end IS NULL",
            (parcel_id,),
        ).fetchall()
    zones = [zone for zone in zones if zone[1] >= Decimal("0.1")]  # slivers are not shown
    assert len(zones) >= 2
    assert sum(z[1] for z in zones) == pytest.approx(100, abs=0.5)
    for symbol, percent, resolution in zones:
        assert re.search(rf"{re.escape(symbol)}\s.*{percent}", text.replace("\n", " ")), symbol
        assert resolution in text
    assert "Wyrys, skala 1:" in text and "Legenda" in text


def test_a_document_of_another_service_is_refused(database, issuer, owned):
    case_id = case_in_progress(database, "egib_register_extract_anonymous", [owned[0]])
    with pytest.raises(DocumentError):
        issuer.issue(case_id, "planning_extract", GEODESIST)


def test_the_public_role_only_verifies_and_nobody_changes_a_document(database, extract_and_map):
    _, issued = extract_and_map
    with database.connect("public") as conn:
        record = register.verify(conn, issued.document.code)
        assert record is not None and record.sha256 == issued.document.sha256
        assert register.verify(conn, "AAAAAAAAAAAA") is None
    with database.connect("public") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM documents.issued_document")
    with database.connect("public") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("SELECT * FROM jobs.procrastinate_jobs")
    with database.connect("app") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE documents.issued_document SET sha256 = repeat('0', 64)")
    with (
        database.connect("owner") as conn,
        pytest.raises(psycopg.errors.IntegrityConstraintViolation),
    ):
        conn.execute("DELETE FROM documents.issued_document")


def test_two_runs_racing_issue_one_document(database, instance, owned):
    case_id = case_in_progress(database, "egib_register_extract_anonymous", [owned[0]])
    issuers = [make_issuer(instance), make_issuer(instance)]
    both_signed = threading.Barrier(2, timeout=60)  # both past the register check, surely
    for issuer in issuers:
        sign = issuer.signer.sign
        issuer.signer.sign = lambda pdf, reason, sign=sign: (both_signed.wait(), sign(pdf, reason))[
            1
        ]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(
            lambda issuer: issuer.issue(case_id, "egib_register_extract_anonymous", GEODESIST),
            issuers))  # fmt: skip
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].document == results[1].document
    winner = next(r for r in results if r.created)
    files = sorted(winner.path.parent.glob(f"{case_id}-egib_register_extract_anonymous-*.pdf"))
    assert files == [winner.path]  # the loser removed its own file
