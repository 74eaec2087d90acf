"""Shared fixtures: a real PostgreSQL + PostGIS cluster for the whole test session.

The cluster lives under ``var/test`` (separate from the one ``make run`` uses), is created
fresh for each session and stopped at its end.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geoportal.catalog import Catalog
from geoportal.database import ensure_database, stop_database
from geoportal.settings import PROJECT_ROOT, Settings

TEST_VAR = PROJECT_ROOT / "var" / "test"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """Settings of the test instance: its own cluster, socket and port."""
    test_settings = Settings(var_dir=TEST_VAR, pg_port=5433, port=18765, demo_parcels=1500)
    stop_database(test_settings) if test_settings.pg_dir.exists() else None
    shutil.rmtree(TEST_VAR, ignore_errors=True)
    TEST_VAR.mkdir(parents=True)
    ensure_database(test_settings, Catalog.load(test_settings.layers_dir))
    yield test_settings
    stop_database(test_settings)


@pytest.fixture(scope="session")
def catalog(settings: Settings) -> Catalog:
    """The committed layer catalog."""
    return Catalog.load(settings.layers_dir)
