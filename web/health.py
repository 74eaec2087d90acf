"""``/health`` (the process is alive) and ``/ready`` (database reachable, engines loaded)."""

from __future__ import annotations

import psycopg
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from geoportal.database import DatabaseUnavailable
from services.edge.failures import unavailable
from web.instance import current_instance

health_blueprint = Blueprint("health", __name__)


@health_blueprint.get("/health")
def health() -> ResponseReturnValue:
    """Liveness: answers as long as the process serves requests."""
    return jsonify(status="ok")


@health_blueprint.get("/ready")
def ready() -> ResponseReturnValue:
    """Readiness: the public reader can query ``publish`` and every engine is mounted."""
    engines = current_app.config.get("GEOPORTAL_ENGINES", [])
    database = current_instance().database
    try:
        if not database.available:
            raise DatabaseUnavailable("the database does not answer")
        with database.connect("public") as conn:
            conn.execute("SELECT 1 FROM publish.parcels LIMIT 1")
    except (DatabaseUnavailable, psycopg.Error):
        refusal = unavailable()
        response = jsonify(status="unavailable", database="unreachable", engines=engines)
        response.status_code = refusal.answer.status
        response.headers.extend(refusal.headers())
        return response
    return jsonify(status="ready", database="ok", engines=engines)
