"""Submissions: validation, the rules of their e-service, and their canonical hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from pydantic import ValidationError

from geoportal.cases.canonical import canonical_json, sha256_hex
from geoportal.cases.errors import SubmissionError
from geoportal.cases.eservices import default_registry
from geoportal.cases.fees import quote
from geoportal.cases.submission import Submission, check_submission

ON = dt.date(2026, 12, 1)


def submission(**changes) -> dict:
    """A valid request for an extract with owners, as a form would send it."""
    base = {
        "service": "egib_register_extract",
        "applicant": {
            "name": "Józefa Żółć",
            "address": {"street": "ul. Łąkowa 3", "postcode": "98-100", "city": "Łask"},
            "email": "jozefa@example.pl",
        },
        "parcels": ["100302_4.0001.12/3"],
        "delivery": "electronic",
        "legal_interest": "Jestem współwłaścicielką działki.",
        "fee": quote("egib_register_extract", "electronic", {"registration_unit": 1}, ON),
    }
    return base | changes


def test_a_valid_submission_passes_its_service_rules():
    request = Submission.model_validate(submission())
    check_submission(request, default_registry().get(request.service))
    assert request.medium == "electronic"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"parcels": ["100302_4.0001.012"]}, "parcels.0"),  # strict parcel ids
        ({"parcels": ["100302_4.0001.12", "100302_4.0001.12"]}, "listed twice"),
        ({"service": "Egib"}, "service"),
        ({"delivery": "pigeon"}, "delivery"),
        ({"applicant": {"name": "A", "address": {"street": "x", "postcode": "98100",
                                                 "city": "Łask"}}}, "NN-NNN"),
        ({"applicant": {"name": "A", "email": "nope", "address": {
            "street": "x", "postcode": "98-100", "city": "Łask"}}}, "email"),
        ({"attachments": [{"id": "a", "name": "x.pdf", "media_type": "application/pdf",
                           "size": 1, "sha256": "XYZ"}]}, "sha256"),
        ({"location": {"x": 1.5, "y": 2}}, "location"),
        ({"pesel": "90010112345"}, "pesel"),
    ],
)  # fmt: skip
def test_invalid_submissions_are_refused(changes, field):
    with pytest.raises(ValidationError, match=field):
        Submission.model_validate(submission(**changes))


def test_a_foreign_address_keeps_its_own_postcode():
    abroad = {"name": "Anna", "address": {"street": "Hauptstr. 1", "postcode": "10115",
                                          "city": "Berlin", "country": "DE"}}  # fmt: skip
    assert Submission.model_validate(submission(applicant=abroad)).applicant.address.country == "DE"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"legal_interest": "  "}, "justify your legal interest"),
        ({"parcels": []}, "name at least one parcel"),
        ({"delivery": "electronic", "applicant": {"name": "A", "address": {
            "street": "x", "postcode": "98-100", "city": "Łask"}}}, "needs an e-mail"),
        ({"delivery": "post"}, "quote is for a electronic document"),
        ({"fee": quote("egib_map_extract", "electronic", {"registration_unit": 1}, ON)},
         "quote is for 'egib_map_extract'"),
    ],
)  # fmt: skip
def test_rules_of_the_service(changes, message):
    request = Submission.model_validate(submission(**changes))
    with pytest.raises(SubmissionError, match=message):
        check_submission(request, default_registry().get(request.service))


def test_a_map_report_needs_a_place():
    report = submission(service="map_incident", parcels=[], legal_interest=None,
                        fee=quote("free", "electronic", {}, ON))  # fmt: skip
    incident = default_registry().get("map_incident")
    with pytest.raises(SubmissionError, match="mark the place"):
        check_submission(Submission.model_validate(report), incident)
    placed = report | {"location": {"x": "512345.10", "y": "401234.5"}}
    with pytest.raises(SubmissionError, match="choose one of the categories"):
        check_submission(Submission.model_validate(placed), incident)
    with pytest.raises(SubmissionError, match="choose one of the categories"):
        check_submission(Submission.model_validate(placed | {"category": "sewer"}), incident)
    check_submission(Submission.model_validate(placed | {"category": "plan"}), incident)


def test_a_category_is_refused_where_the_service_routes_none_and_absent_from_the_hash():
    plain = submission()
    with pytest.raises(SubmissionError, match="takes no category"):
        check_submission(Submission.model_validate(plain | {"category": "plan"}),
                         default_registry().get(plain["service"]))  # fmt: skip
    dumped = Submission.model_validate(plain).model_dump(mode="json")
    assert "category" not in dumped  # stored submissions keep the hash their receipt shows


def test_the_hash_survives_a_json_round_trip():
    request = Submission.model_validate(submission(location={"x": "512345.10", "y": "401234"}))
    stored = json.loads(json.dumps(request.model_dump(mode="json")))  # what jsonb gives back
    again = Submission.model_validate(stored)
    assert again.sha256() == request.sha256() == hashlib.sha256(request.canonical()).hexdigest()
    assert request.canonical().decode().startswith('{"applicant":{"address":{"city":"Łask"')


def test_canonical_json_is_sorted_compact_and_refuses_floats():
    assert canonical_json({"b": [1, "ż"], "a": None}) == '{"a":null,"b":[1,"ż"]}'.encode()
    assert sha256_hex({"a": 1}) == hashlib.sha256(b'{"a":1}').hexdigest()
    for bad in ({"a": 1.5}, {"a": [0.1]}, {1: "x"}, {"a": {1, 2}}):
        with pytest.raises(TypeError):
            canonical_json(bad)
