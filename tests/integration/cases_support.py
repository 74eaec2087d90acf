"""What the case-system integration tests share: requests, rules with a unit of their own.

The test database lives for the whole session and its mark sequences and audit chain
are shared, so each test that counts marks uses rules whose services all carry a unit
no other test uses.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from geoportal.cases.calendar import OFFICE_TZ, default_calendar
from geoportal.cases.eservices import default_registry
from geoportal.cases.fees import ExemptionClaim, default_fee_rules, quote
from geoportal.cases.rules import CaseRules
from geoportal.cases.submission import Submission

GEOPORTAL = str(Path(sys.executable).with_name("geoportal"))

QUANTITIES = {
    "egib_register_extract": {"registration_unit": 1},
    "egib_register_extract_anonymous": {"registration_unit": 2},
    "egib_map_extract": {"registration_unit": 1},
    "egib_extract_and_map": {"registration_unit": 1},
    "planning_extract": {"wypis_page": 2, "wyrys_a4_part": 1},
    "studium_extract": {"wypis_page": 1, "wyrys_a4_part": 1},
    "planning_certificate": {},
    "egib_building_card": {"card": 1},
    "map_incident": {},
}


def rules_for_unit(unit: str) -> CaseRules:
    """The committed rules with every e-service's unit replaced by ``unit``."""
    registry = default_registry()
    services = {key: s.model_copy(update={"unit": unit}) for key, s in registry.services.items()}
    return CaseRules(registry.model_copy(update={"services": services}), default_fee_rules(),
                     default_calendar())  # fmt: skip


def request(service: str = "egib_register_extract_anonymous", claim: str | None = None,
            **changes: Any) -> Submission:  # fmt: skip
    """A valid request for ``service``, delivered electronically, quoted today."""
    fee_schedule = default_registry().get(service).fee
    exemption = ExemptionClaim(key=claim, justification="zadanie publiczne") if claim else None
    fee = quote(fee_schedule, "electronic", QUANTITIES[service], dt.datetime.now(OFFICE_TZ).date(),
                exemption)  # fmt: skip
    data: dict[str, Any] = {
        "service": service,
        "applicant": {
            "name": "Józefa Żółć",
            "address": {"street": "ul. Łąkowa 3", "postcode": "98-100", "city": "Łask"},
            "email": "jozefa@example.pl",
            "phone": "+48 43 675 00 00",
        },
        "parcels": ["100302_4.0001.12/3"],
        "delivery": "electronic",
        "legal_interest": "Jestem współwłaścicielką działki.",
        "fee": fee,
    }
    if service == "map_incident":
        data |= {"parcels": [], "location": {"x": "512345.10", "y": "401234.00"},
                 "description": "Budynek nie istnieje od 2020 r.",
                 "category": "building"}  # fmt: skip
    return Submission.model_validate(data | changes)


def geoportal(settings: Any, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the ``geoportal`` command against the test instance."""
    env = os.environ | settings.environment()
    return subprocess.run([GEOPORTAL, *args], env=env, input=stdin, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
