"""Time to issue a signed "wypis i wyrys": ``python -m benchmarks.documents [runs]``.

Each run is the whole path a job takes (:meth:`Issuer.issue`): read the register data and
the owners, render the 1:1000 map excerpt with in-process MapServer, lay out the PDF,
sign it (PAdES), write it, and commit the register row with the case's step. The cases
are made before the clock starts, with a case-mark unit of their own (``BN``) so they
stand apart from real ones. Prints p50 and p95 in milliseconds.

Runs against the instance the ``GEOPORTAL_*`` variables describe (the embedded one by
default), with its demo county loaded if the database is empty.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
import uuid

from etl.demo import ensure_demo
from geoportal.auth.roles import Role
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.calendar import OFFICE_TZ, default_calendar
from geoportal.cases.eservices import default_registry
from geoportal.cases.fees import default_fee_rules, quote
from geoportal.cases.rules import CaseRules
from geoportal.cases.submission import Submission
from geoportal.database import Database
from geoportal.documents.issue import Issuer
from geoportal.documents.signing import PdfSigner, signing_files
from geoportal.instance import Instance
from geoportal.provision import ensure_database
from geoportal.settings import Settings
from services.mapserver.excerpt import ExcerptRenderer

SERVICE = "egib_extract_and_map"
STAFF = Actor.staff("benchmark", {Role.GEODESY})


def _rules() -> CaseRules:
    registry = default_registry()
    services = {k: s.model_copy(update={"unit": "BN"}) for k, s in registry.services.items()}
    return CaseRules(registry.model_copy(update={"services": services}), default_fee_rules(),
                     default_calendar())  # fmt: skip


def _parcel(database: Database) -> str:
    with database.connect("owner") as conn:
        row = conn.execute(
            "SELECT parcel_id FROM data.parcel WHERE version_end IS NULL AND area_ha < 3"
            " AND registration_unit_id IS NOT NULL ORDER BY parcel_id LIMIT 1"
        ).fetchone()
    assert row is not None, "no parcel under 3 ha in the loaded data"
    return str(row[0])


def _case(database: Database, rules: CaseRules, parcel: str) -> int:
    fee = quote(default_registry().get(SERVICE).fee, "electronic", {"registration_unit": 1},
                dt.datetime.now(OFFICE_TZ).date())  # fmt: skip
    submission = Submission.model_validate({
        "service": SERVICE, "parcels": [parcel], "delivery": "electronic", "fee": fee,
        "applicant": {"name": "Test Wydajności", "email": "bench@example.pl",
                      "address": {"street": "ul. Próbna 1", "postcode": "98-100", "city": "Łask"}},
        "legal_interest": "pomiar czasu",
    })  # fmt: skip
    system = Actor.system("benchmark")
    with database.connect("app", autocommit=True) as conn:
        case = store.submit(conn, submission, uuid.uuid4().hex, rules=rules).case
        for state, actor in (("registered", system), ("awaiting_legal_interest", system),
                             ("awaiting_payment", STAFF), ("paid", system),
                             ("in_progress", system)):  # fmt: skip
            store.transition(conn, case.id, state, actor)
    return case.id


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    instance = Instance(Settings())
    ensure_database(instance.database, instance.catalog)
    ensure_demo(instance.database, lambda message: print(message, file=sys.stderr))
    signer = PdfSigner(signing_files(instance.settings), instance.site.county.seat)
    issuer = Issuer(instance, signer, ExcerptRenderer(instance))
    rules, parcel = _rules(), _parcel(instance.database)
    issuer.issue(_case(instance.database, rules, parcel), SERVICE, STAFF, scale=1000)  # warm-up
    cases = [_case(instance.database, rules, parcel) for _ in range(runs)]
    samples = []
    for case_id in cases:
        started = time.perf_counter()
        issued = issuer.issue(case_id, SERVICE, STAFF, scale=1000)
        samples.append((time.perf_counter() - started) * 1000)
        assert issued.created
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    print(f"signed wypis i wyrys (1:1000, {issued.document.size_bytes // 1024} KB), {runs} runs: "
          f"p50 {statistics.median(samples):.0f} ms, p95 {p95:.0f} ms, "
          f"min {samples[0]:.0f} ms, max {samples[-1]:.0f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
