"""Fixtures of the integration tests that drive the Flask application in-process."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web.app import create_flask_app


@pytest.fixture(scope="module")
def app(instance, demo_loaded) -> Flask:
    """The web application over the test instance with the demo county (one per module)."""
    flask_app = create_flask_app(instance)
    flask_app.config["TESTING"] = True
    return flask_app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client without cookies from earlier tests."""
    return app.test_client()
