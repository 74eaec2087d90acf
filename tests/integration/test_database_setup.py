"""The database set-up: idempotent, external databases skip the embedded cluster."""

from __future__ import annotations

from pathlib import Path

import geoportal
from geoportal.database import Database, DatabaseUnavailable
from geoportal.instance import Instance
from geoportal.provision import ensure_database
from geoportal.settings import Settings
from web.app import create_flask_app

MIGRATIONS = Path(geoportal.__file__).parent / "migrations" / "versions"


def test_migrate_is_idempotent(database, catalog):
    assert ensure_database(database, catalog) is False  # already running: not started again
    with database.connect("owner") as conn:
        version = conn.execute("SELECT version_num FROM ops.alembic_version").fetchall()
    newest = max(p.stem.split("_")[0] for p in MIGRATIONS.glob("0*.py"))
    assert version == [(newest,)]  # at the newest migration, applied once


def test_configured_database_url_skips_the_embedded_cluster(database, catalog, tmp_path):
    socket_dir, port = database.cluster.socket_dir, database.cluster.port
    external = Database(
        Settings(
            var_dir=tmp_path / "var",
            database_url=f"postgresql://geoportal_owner@/geoportal?host={socket_dir}&port={port}",
        )
    )
    assert ensure_database(external, catalog) is False
    assert not (tmp_path / "var" / "pg").exists()  # no cluster of its own
    service_file = external.service_file_text()
    assert f"host={socket_dir}" in service_file and f"port={port}" in service_file
    with external.connect("public") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("geoportal_public",)


def test_connecting_never_starts_anything(settings, tmp_path):
    nowhere = Database(settings.model_copy(update={"var_dir": tmp_path / "var", "pg_port": 1}))
    try:
        with nowhere.connect("public"):
            raise AssertionError("connected to a database that does not exist")
    except DatabaseUnavailable as exc:
        assert "public" in str(exc)
    assert not (tmp_path / "var").exists()  # no cluster, no service file, no folder
    assert not nowhere.cluster.is_running()


def test_ready_reports_database_outage(settings, tmp_path):
    unreachable = Instance(settings.model_copy(update={"var_dir": tmp_path / "nowhere"}))
    response = create_flask_app(unreachable).test_client().get("/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "nowhere" not in body and "socket" not in body
