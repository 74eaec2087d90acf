"""Property-based requests against /ogc from its own OpenAPI document (schemathesis).

Every GET operation of the document gets generated requests (valid and invalid values
of its parameters); each answer must not be a server error, and a documented answer
must match the schema the document gives for it. Remote ``$ref``s are answered from the
vendored OGC files (``ogc_openapi_local``). Bounded: a few examples per operation, no
shrinking, so the module stays well under 90 s.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.integration.ogc_openapi_local import local_openapi, remote_refs
from tests.integration.test_ogcapi_support import known_parcels, mounted

EXAMPLES = 5  # per operation and mode
CHECKS = [schemathesis.checks.not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module")
def ogc_app(instance, database) -> Iterator[Any]:
    with known_parcels(database):
        yield mounted(instance)


@pytest.fixture(scope="module")
def ogc_document(ogc_app) -> dict[str, Any]:
    from werkzeug.test import Client

    response = Client(ogc_app).get("/ogc/openapi?f=json")
    assert response.status_code == 200
    document = local_openapi(json.loads(response.get_data(as_text=True)))
    assert remote_refs(document) == []
    return document


@pytest.fixture(scope="module")
def ogc_schema(ogc_app, ogc_document):
    loaded = schemathesis.openapi.from_dict(ogc_document)
    loaded.app = ogc_app
    # Maps are drawn by /ows's render processes, which this in-process app does not start
    # (it answers them 503); tests/system/test_ogcapi_maps.py checks them on the portal.
    return loaded.include(method="GET").exclude(path_regex=r"/map$")


def _gist(exc: BaseException) -> str:
    """The failed check and its first finding (schemathesis prints whole schemas)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    found = [i for i, line in enumerate(lines) if line.startswith("- ")]
    return " | ".join(lines[found[0] : found[0] + 2]) if found else lines[0][:300]


def _failures(operation: Any, mode: GenerationMode, sent: list[int]) -> list[str]:
    """Requests generated for one operation whose answers fail a check."""
    failures: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: Any) -> None:
        sent.append(1)
        try:
            case.call_and_validate(checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:
            failures.append(f"{case.method} {case.formatted_path}: {_gist(exc)}")

    try:
        run()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # nothing to make invalid (no parameters)
    return failures


def test_ogc_api_answers_what_it_documents(ogc_schema):
    operations = [result.ok() for result in ogc_schema.get_all_operations()]
    assert len(operations) > 20
    sent: list[int] = []
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        for failure in _failures(operation, mode, sent)
    ]
    assert len(sent) >= 2 * len(operations)  # every operation was really exercised
    assert failures == [], "\n".join(sorted(set(failures))[:60])


def test_items_without_geometry_are_answers_the_document_allows(ogc_schema, database):
    """Found by a run with a random seed: ``skipGeometry=true`` (offered by the document)
    answers ``"geometry": null``, as GeoJSON allows (RFC 7946, 3.2); the document must
    describe that answer. Without it every unit carries the geometry it has in PostGIS."""
    operation = ogc_schema["/collections/cadastral_units/items"]["GET"]
    skipped = operation.Case(query={"skipGeometry": "true", "limit": "100"})
    response = skipped.call()
    features = response.json()["features"]
    assert features and all(feature["geometry"] is None for feature in features)
    skipped.validate_response(response, checks=[response_schema_conformance])
    located = operation.Case(query={"limit": "100"})
    response = located.call()
    located.validate_response(response, checks=[response_schema_conformance])
    with database.connect("public") as conn:
        (units,) = conn.execute(
            "SELECT count(*) FROM publish.cadastral_units WHERE ST_GeometryType(geom) = "
            "'ST_MultiPolygon' AND NOT ST_IsEmpty(geom)"
        ).fetchone()
    geometries = [feature["geometry"] for feature in response.json()["features"]]
    assert len(geometries) == units
    assert all(geometry["type"] == "MultiPolygon" for geometry in geometries)
