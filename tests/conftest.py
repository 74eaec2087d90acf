"""Shared fixtures: a real PostgreSQL + PostGIS cluster and, on demand, the whole stack.

The cluster lives under ``var/test`` (apart from the one ``make run`` uses), is created
fresh for each session and stopped at its end. ``demo_loaded`` fills it with a small
demo county through the real ETL; ``live_server`` runs the real application in gunicorn.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geoportal.catalog import Catalog
from geoportal.database import Database
from geoportal.instance import Instance
from geoportal.provision import ensure_database, stop_database
from geoportal.settings import PROJECT_ROOT, Settings
from geoportal.site import Site
from web.server import start_gunicorn, stop_gunicorn, wait_ready

if TYPE_CHECKING:
    from etl.pipeline import LoadResult

TEST_VAR = PROJECT_ROOT / "var" / "test"
FIXTURES = Path(__file__).parent / "fixtures"
# Overridable so that two checkouts on one machine can run their tests side by side.
TEST_PORT = int(os.environ.get("GEOPORTAL_TEST_PORT", "18765"))
TEST_PG_PORT = int(os.environ.get("GEOPORTAL_TEST_PG_PORT", "5433"))


def test_settings() -> Settings:
    """Settings of the test instance: its own cluster, socket and port."""
    return Settings(
        var_dir=TEST_VAR,
        pg_port=TEST_PG_PORT,
        port=TEST_PORT,
        demo_parcels=1500,
        workers=1,
        threads=8,
        pg_durable=False,  # a throw-away cluster: speed over crash safety
    )


@pytest.fixture(scope="session")
def instance() -> Iterator[Instance]:
    """The test instance with its database up and migrated (a fresh cluster)."""
    test_instance = Instance(test_settings())
    test_instance.database.cluster.destroy()  # left over from an interrupted session
    shutil.rmtree(TEST_VAR, ignore_errors=True)
    TEST_VAR.mkdir(parents=True)
    ensure_database(test_instance.database, test_instance.catalog)
    yield test_instance
    stop_database(test_instance.database)


@pytest.fixture(scope="session")
def settings(instance: Instance) -> Settings:
    """Settings of the test instance (its database is up)."""
    return instance.settings


@pytest.fixture(scope="session")
def database(instance: Instance) -> Database:
    """The one database object of the test instance."""
    return instance.database


@pytest.fixture(scope="session")
def catalog(instance: Instance) -> Catalog:
    """The committed layer catalog."""
    return instance.catalog


@pytest.fixture(scope="session")
def site(instance: Instance) -> Site:
    """The committed site file (the demo county)."""
    return instance.site


@pytest.fixture(scope="session")
def demo_loaded(database: Database) -> LoadResult:
    """The small demo county, generated as GML and loaded by the real ETL."""
    from etl.demo import demo_files  # the generator is only needed by tests that use it
    from etl.pipeline import load_files

    return load_files(database, demo_files(database.settings, progress=lambda message: None))


@dataclass(frozen=True)
class KnownParcel:
    """A parcel of the loaded demo data and a point inside it (EPSG:2180, easting first)."""

    parcel_id: str
    gid: int
    x: float
    y: float
    lon: float
    lat: float


@pytest.fixture(scope="session")
def known_parcel(database: Database, demo_loaded: LoadResult) -> KnownParcel:
    """A divided parcel (``q/p`` number) in the town, with an interior point."""
    with database.connect("owner") as conn:
        row = conn.execute(
            """
            SELECT parcel_id, gid, ST_X(pt), ST_Y(pt),
                   ST_X(ST_Transform(pt, 4326)), ST_Y(ST_Transform(pt, 4326))
              FROM (SELECT parcel_id, gid, ST_PointOnSurface(geom) AS pt, number
                      FROM publish.parcels) p
             WHERE number LIKE '%/%'
             ORDER BY parcel_id LIMIT 1
            """
        ).fetchone()
    assert row is not None, "the demo county has no divided parcel"
    return KnownParcel(*row)


# The middle 6 km x 6 km of the demo county: the rasters of a whole county take half a
# minute to generate, a corner of it a few seconds, and nothing tested needs more.
TEST_RASTER_EXTENT = (506_000.0, 410_500.0, 512_000.0, 416_500.0)


@pytest.fixture(scope="session")
def demo_rasters(settings: Settings) -> list[Path]:
    """The demo orthophoto, DEM and hillshade of the test instance (``var/test/rasters``)."""
    from etl.demo import ensure_demo_rasters

    return ensure_demo_rasters(settings, TEST_RASTER_EXTENT, lambda message: None)


@pytest.fixture(scope="session")
def live_server(
    settings: Settings, demo_loaded: LoadResult, demo_rasters: list[Path]
) -> Iterator[str]:
    """The whole application in gunicorn on 127.0.0.1; yields its base URL."""
    process = start_gunicorn(settings, settings.var_dir / "log")
    try:
        wait_ready(settings, process)
        yield settings.base_url
    finally:
        stop_gunicorn(process)
