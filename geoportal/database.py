"""Make the database usable: embedded cluster up, roles, PostGIS, schema, views, grants."""

from __future__ import annotations

from geoportal.catalog import Catalog
from geoportal.db import bootstrap_embedded, cluster_for
from geoportal.schema import migrate
from geoportal.settings import Settings


def ensure_database(settings: Settings, catalog: Catalog) -> bool:
    """Bring the database to the current schema; return True if we started a server."""
    started = settings.embedded and _start_embedded(settings)
    migrate(settings, catalog)  # also writes the service file the other components use
    return started


def _start_embedded(settings: Settings) -> bool:
    """Create and start the embedded cluster as needed, then its roles and database."""
    cluster = cluster_for(settings)
    if not cluster.exists():
        cluster.init()
    started = not cluster.is_running()
    if started:
        cluster.start()
    bootstrap_embedded(settings)
    return started


def stop_database(settings: Settings) -> None:
    """Stop the embedded cluster (no-op for an external database)."""
    if settings.embedded:
        cluster_for(settings).stop()
