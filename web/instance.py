"""The geoportal instance of the Flask application serving the current request."""

from __future__ import annotations

from flask import current_app

from geoportal.instance import Instance


def current_instance() -> Instance:
    """The instance the composition root built (settings, database, site, catalog)."""
    instance: Instance = current_app.extensions["geoportal"]
    return instance
