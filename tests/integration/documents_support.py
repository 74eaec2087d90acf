"""What the document and job tests share: cases brought to ``in_progress``, an issuer,
parcels of the demo county with the properties a test needs."""

from __future__ import annotations

import uuid
from io import BytesIO

from pypdf import PdfReader

from geoportal.auth.roles import Role
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.database import Database
from geoportal.documents.issue import Issuer
from geoportal.documents.signing import PdfSigner, signing_files
from geoportal.instance import Instance
from services.mapserver.excerpt import ExcerptRenderer
from tests.integration.cases_support import request, rules_for_unit

RULES = rules_for_unit("DK")  # a unit of its own: mark counts of other tests stay exact
GEODESIST = Actor.staff("geodeta", {Role.GEODESY})
PLANNER = Actor.staff("planista", {Role.PLANNING})
SYSTEM = Actor.system()


def case_in_progress(database: Database, service: str, parcels: list[str]) -> int:
    """A new case of ``service`` for ``parcels``, paid and in progress (legal interest
    accepted by staff where the service shows personal data)."""
    staff = PLANNER if service.startswith("planning") else GEODESIST
    with database.connect("app", autocommit=True) as conn:
        submitted = store.submit(conn, request(service, parcels=parcels), uuid.uuid4().hex,
                                 rules=RULES)  # fmt: skip
        case = submitted.case
        store.transition(conn, case.id, "registered", SYSTEM)
        if case.requires_legal_interest:
            store.transition(conn, case.id, "awaiting_legal_interest", SYSTEM)
            store.transition(conn, case.id, "awaiting_payment", staff)
        else:
            store.transition(conn, case.id, "awaiting_payment", SYSTEM)
        store.transition(conn, case.id, "paid", SYSTEM)
        store.transition(conn, case.id, "in_progress", SYSTEM)
    return case.id


def make_issuer(instance: Instance) -> Issuer:
    """An issuer with the development signing key and the in-process MapServer."""
    signer = PdfSigner(signing_files(instance.settings), "Łask")
    return Issuer(instance, signer, ExcerptRenderer(instance))


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, as a reader extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def town_parcel_with_owners(database: Database) -> tuple[str, list[str]]:
    """A small parcel with a building and a unit with named persons: (parcel, surnames)."""
    with database.connect("owner") as conn:
        row = conn.execute(
            """
            SELECT p.parcel_id, array_agg(DISTINCT s.surname)
              FROM data.parcel p
              JOIN data.building b ON p.parcel_id = ANY(b.parcel_ids) AND b.version_end IS NULL
              JOIN data.share sh ON sh.registration_unit_id = p.registration_unit_id
                               AND sh.version_end IS NULL
              JOIN data.subject s ON s.local_id = sh.subject_local_id AND s.version_end IS NULL
             WHERE p.version_end IS NULL AND s.subject_kind = 'person' AND p.area_ha < 3
             GROUP BY p.parcel_id ORDER BY p.parcel_id LIMIT 1
            """
        ).fetchone()
    assert row is not None, "no town parcel with a building and a person as owner"
    return row[0], row[1]


def parcel_in_two_zones(database: Database) -> str:
    """A parcel wholly covered by plan zones, two of them each over 5 % of it."""
    with database.connect("owner") as conn:
        row = conn.execute(
            """
            SELECT parcel_id FROM (
                SELECT p.parcel_id,
                       ST_Area(ST_Intersection(z.geom, p.geom)) / ST_Area(p.geom) AS share
                  FROM data.parcel p
                  JOIN data.plan_zone z ON ST_Intersects(z.geom, p.geom) AND z.version_end IS NULL
                 WHERE p.version_end IS NULL) s
             GROUP BY parcel_id
            HAVING count(*) FILTER (WHERE share > 0.05) >= 2 AND sum(share) > 0.995
             ORDER BY parcel_id LIMIT 1
            """
        ).fetchone()
    assert row is not None
    return row[0]
