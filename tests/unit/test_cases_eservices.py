"""The e-service registry: the committed services, and what the schema refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from geoportal.auth.roles import Role
from geoportal.cases.errors import RulesError, SubmissionError
from geoportal.cases.eservices import ESERVICES_FILE, EServiceRegistry, default_registry
from geoportal.cases.fees import default_fee_rules
from geoportal.cases.rules import CaseRules, default_rules

REGISTRY = default_registry()


def test_every_e_service_of_the_issue_is_there():
    assert set(REGISTRY.services) == {
        "egib_register_extract", "egib_register_extract_anonymous", "egib_simplified_extract",
        "egib_map_extract", "egib_extract_and_map", "egib_building_register_extract",
        "egib_building_card", "planning_extract", "studium_extract", "planning_certificate",
        "map_incident",
    }  # fmt: skip
    default_rules()  # every fee schedule exists


def test_egib_services_are_geodesy_cases_of_jrwa_6640_due_in_7_days():
    for key, service in REGISTRY.services.items():
        assert service.title.pl and service.title.en
        if key.startswith("egib_"):
            assert (service.unit, service.jrwa, service.department_role) == (
                "GK", "6640", Role.GEODESY)  # fmt: skip
            assert service.deadline is not None
            assert (service.deadline.kind, service.deadline.count) == ("days", 7)
            assert "217" in service.deadline.source


def test_only_6640_is_a_verified_jrwa_class():
    verified = {key for key, jrwa in REGISTRY.jrwa_classes.items() if jrwa.verified}
    assert verified == {"6640"}
    assert all("UNVERIFIED" in jrwa.source for key, jrwa in REGISTRY.jrwa_classes.items()
               if not jrwa.verified)  # fmt: skip


def test_personal_data_requires_a_legal_interest():
    assert REGISTRY.get("egib_register_extract").requires_legal_interest
    assert not REGISTRY.get("egib_register_extract_anonymous").requires_legal_interest
    assert not REGISTRY.get("planning_extract").requires_legal_interest
    incident = REGISTRY.get("map_incident")
    assert not incident.issues_document and incident.needs == ("location",)
    with pytest.raises(SubmissionError, match="unknown e-service 'nothing'"):
        REGISTRY.get("nothing")


def _variant(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(ESERVICES_FILE.read_text(encoding="utf-8"))
    change(raw)
    path = tmp_path / "eservices.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _service(key="egib_map_extract", **changes):
    def change(raw):
        raw["services"][key].update(changes)

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_service(colour="red"), "services.egib_map_extract.colour: Extra inputs"),
        (_service(jrwa="6641"), "JRWA class 6641 is not listed"),
        (_service(jrwa="66a"), "must be 1 to 4 digits"),
        (_service(unit="gk"), "unit 'gk' must be letters from a capital"),
        (_service(department="finance"), "department: Input should be"),
        (_service(deadline={"kind": "weeks", "count": 1, "source": "x"}), "deadline.kind"),
        (_service(deadline={"kind": "days", "count": 0, "source": "x"}), "deadline.count"),
        (_service(needs=["owner"]), "needs.0"),
        (lambda raw: raw["services"].update(Bad_Key=raw["services"]["egib_map_extract"]),
         "service key 'Bad_Key'"),
    ],
)  # fmt: skip
def test_the_schema_refuses(tmp_path, change, message):
    with pytest.raises(RulesError, match=message):
        EServiceRegistry.load(_variant(tmp_path, change))


def test_a_fee_schedule_must_exist(tmp_path):
    registry = EServiceRegistry.load(_variant(tmp_path, _service(fee="gold")))
    with pytest.raises(RulesError, match="fee schedule 'gold' is not in fees"):
        CaseRules(registry, default_fee_rules(), default_rules().calendar)
