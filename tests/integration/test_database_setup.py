"""The database set-up: idempotent, external databases skip the embedded cluster."""

from __future__ import annotations

import os

from geoportal.catalog import Catalog
from geoportal.database import ensure_database
from geoportal.db import SERVICE_FILE_ENV, cluster_for, connect, write_service_file
from geoportal.settings import Settings
from web.app import create_flask_app


def test_migrate_is_idempotent(settings, catalog):
    assert ensure_database(settings, catalog) is False  # already running: not started again
    with connect(settings, "owner") as conn:
        version = conn.execute("SELECT version_num FROM ops.alembic_version").fetchall()
    assert version == [("0001",)]


def test_configured_database_url_skips_the_embedded_cluster(settings, tmp_path, monkeypatch):
    monkeypatch.setenv(SERVICE_FILE_ENV, os.environ[SERVICE_FILE_ENV])
    socket_dir = cluster_for(settings).socket_dir
    external = Settings(
        var_dir=tmp_path / "var",
        database_url=f"postgresql://geoportal_owner@/geoportal?host={socket_dir}&port=5433",
    )
    started = ensure_database(external, Catalog.load(external.layers_dir))
    assert started is False
    assert not (tmp_path / "var" / "pgdata").exists()  # no cluster of its own
    service_file = (tmp_path / "var" / "run" / "pg_service.conf").read_text()
    assert f"host={socket_dir}" in service_file and "port=5433" in service_file
    with connect(external, "public") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("geoportal_public",)


def test_ready_reports_database_outage(settings, catalog, monkeypatch):
    unreachable = Settings(var_dir=settings.var_dir / "nowhere", pg_port=1)
    # write_service_file repoints libpq for the whole process: restore it afterwards
    monkeypatch.setenv(SERVICE_FILE_ENV, os.environ[SERVICE_FILE_ENV])
    write_service_file(unreachable)
    response = create_flask_app(unreachable, catalog).test_client().get("/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "nowhere" not in body and "socket" not in body
