"""Failure paths: server errors hidden behind JSON, outages as 503, stale connections."""

from __future__ import annotations

import pytest
import yaml
from pygeoapi.provider.base import ProviderItemNotFoundError
from werkzeug.test import Client

from geoportal.database import Database
from services.providers.postgis import DatabaseUnavailableError, PublishViewProvider, use_database
from services.pygeoapi.guard import OgcApiGuard
from services.pygeoapi.rules import collections_from_config
from tests.integration.test_ogcapi_support import E0, N0, known_parcels, sql_parcel_ids


def _config(settings) -> dict:
    return yaml.safe_load((settings.config_dir / "pygeoapi-config.yml").read_text())


def _guarded(settings, inner) -> Client:
    return Client(OgcApiGuard(inner, collections_from_config(_config(settings))))


def test_server_errors_become_short_json(settings):
    def broken(environ, start_response):
        start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html")])
        return [b"Traceback (most recent call last): psycopg ... /work/main/secret.py"]

    response = _guarded(settings, broken).get("/collections/parcels/items")
    assert response.status_code == 500
    assert b"Traceback" not in response.data and response.json["code"] == "NoApplicableCode"


def test_exceptions_become_500_json(settings):
    def raising(environ, start_response):
        raise RuntimeError("connection string host=/secret password=x")

    response = _guarded(settings, raising).get("/collections/parcels/items")
    assert response.status_code == 500 and b"secret" not in response.data


def test_unavailable_database_is_503_with_retry_after(settings):
    def unavailable(environ, start_response):
        start_response("503 SERVICE UNAVAILABLE", [("Content-Type", "application/json")])
        return [b'{"description": "could not connect to server: /var/run/postgresql"}']

    response = _guarded(settings, unavailable).get("/collections/parcels/items")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert b"postgresql" not in response.data


def _provider(settings, **data) -> PublishViewProvider:
    block = _config(settings)["resources"]["parcels"]["providers"][0]
    return PublishViewProvider({**block, "data": {**block["data"], **data}})


@pytest.fixture
def bound(database):
    """The test database bound for providers (as the composition root does)."""
    use_database(database)
    return database


def test_provider_maps_missing_database_to_503(settings, tmp_path, bound):
    provider = _provider(settings)
    use_database(Database(settings.model_copy(update={"var_dir": tmp_path, "pg_port": 1})))
    try:
        provider.query(limit=1)
    except DatabaseUnavailableError as exc:
        assert exc.http_status_code == 503 and "/" in exc.message
    else:
        raise AssertionError("expected DatabaseUnavailableError")
    finally:
        use_database(bound)


def test_provider_survives_a_dropped_pooled_connection(settings, bound):
    provider = _provider(settings)
    provider.query(limit=1)
    pool = bound.pool("public")
    with pool.connection() as conn:
        victim = conn.info.backend_pid
    with pool.connection() as conn, pool.connection() as other:
        assert conn.info.backend_pid == victim
        other.execute("SELECT pg_terminate_backend(%s)", (victim,))
    result = provider.query(limit=1, resulttype="hits")
    assert result["numberMatched"] >= 0


def test_provider_get_refuses_coercible_ids(settings):
    provider = _provider(settings)
    for identifier in ("1abc", "1;DROP TABLE x", " 1", "+1", "1.0", "9" * 30):
        try:
            provider.get(identifier)
        except ProviderItemNotFoundError:
            continue
        raise AssertionError(f"{identifier!r} was found")


def test_chunked_filter_body_needs_a_length(settings):
    def unreachable(environ, start_response):
        raise AssertionError("the guard must answer")

    guard = OgcApiGuard(unreachable, collections_from_config(_config(settings)))
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/collections/parcels/items",
               "QUERY_STRING": "", "CONTENT_TYPE": "application/json"}  # fmt: skip
    statuses = []
    body = guard(environ, lambda status, headers: statuses.append(status))
    assert statuses == ["411 Length Required"] and b"Content-Length" in b"".join(body)


def test_provider_without_guard_reads_bbox_in_storage_axis_order(database, settings, bound):
    """Called directly, the provider gets pygeoapi's bbox: EPSG:2180, northing first."""
    with known_parcels(database) as parcel_ids:
        box = [N0 + 150, E0 + 50, N0 + 250, E0 + 250]
        result = _provider(settings).query(bbox=box, limit=100)
        expected = sql_parcel_ids(
            database, "ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 2180))",
            (E0 + 50, N0 + 150, E0 + 250, N0 + 250),
        )  # fmt: skip
    served = sorted(f["properties"]["parcel_id"] for f in result["features"])
    assert served == expected and set(parcel_ids[3:9]) <= set(expected)
