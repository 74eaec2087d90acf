"""Make the database usable: embedded cluster up, roles, PostGIS, schema, views, grants."""

from __future__ import annotations

from geoportal.catalog import Catalog
from geoportal.db import bootstrap_embedded, cluster_for, write_service_file
from geoportal.schema import migrate
from geoportal.settings import Settings


def ensure_database(settings: Settings, catalog: Catalog) -> bool:
    """Bring the database to the current schema; return True if we started a server."""
    started = False
    if settings.embedded:
        cluster = cluster_for(settings)
        if not cluster.exists():
            cluster.init()
        if not cluster.is_running():
            cluster.start()
            started = True
        write_service_file(settings)
        bootstrap_embedded(settings)
    else:
        write_service_file(settings)
    migrate(settings, catalog)
    return started


def stop_database(settings: Settings) -> None:
    """Stop the embedded cluster (no-op for an external database)."""
    if settings.embedded:
        cluster_for(settings).stop()
