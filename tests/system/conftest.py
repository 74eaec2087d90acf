"""System tests read the running application the way QGIS and GDAL do."""

from __future__ import annotations

import pytest
import requests


@pytest.fixture(scope="session")
def http() -> requests.Session:
    """One keep-alive HTTP session, like a desktop GIS client."""
    session = requests.Session()
    session.headers["User-Agent"] = "geoportal-system-tests"
    return session
