"""What every form of the portal shares: the session, its CSRF token, the error pages.

Decisions
    * The session is Flask's signed cookie: HttpOnly, SameSite=Lax, Secure when the public
      URL is https. Its key is created once per instance in ``var/run`` (like the internal
      token) so every worker process signs alike and a restart keeps sessions.
    * The CSRF token is a random value kept in the session and rendered into each form;
      a POST without it or with another value is refused with 400 before any handler runs.
      It is compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from flask import Flask, abort, request, session

from geoportal.keys import session_key

CSRF_FIELD = "csrf_token"


def configure_sessions(app: Flask, runtime_dir: Path, base_url: str) -> None:
    """Sign sessions with the instance's key; cookie flags per the public URL."""
    app.config["SECRET_KEY"] = session_key(runtime_dir)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = base_url.startswith("https://")
    app.config["SESSION_COOKIE_NAME"] = "geoportal_session"
    app.jinja_env.globals["csrf_token"] = csrf_token


def csrf_token() -> str:
    """The session's CSRF token (created on first use)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """400 unless a POST carries the session's CSRF token."""
    if request.method != "POST":
        return
    expected = session.get(CSRF_FIELD)
    sent = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), sent.encode()):
        abort(400, description="csrf")
