"""Staff sign-in for the console: who is signed in, and how many failures a login may have.

Decisions
    * The session keeps only the login; the account is read again on every request, so
      a deactivated account or a changed role takes effect at once.
    * Signing in clears the session first (a new CSRF token, no fixation of an old one).
    * Failures are counted per login and client address, in each web process: 5 failures
      within 5 minutes answer 429 until the oldest one is 5 minutes old — even for the
      right password, so guessing cannot go on (:mod:`web.throttle`: each process counts
      alone, so N workers allow 5×N tries, still far too few for a 12-character password).
"""

from __future__ import annotations

from flask import session

from geoportal.auth.staff import StaffUser, find_staff
from geoportal.database import Database
from web.throttle import Throttle, app_throttle

MAX_FAILURES = 5
WINDOW_S = 300.0
SESSION_LOGIN = "staff_login"


def throttle() -> Throttle:
    """The application's counter of failed sign-ins per (login, address)."""
    return app_throttle("sign_in", MAX_FAILURES, WINDOW_S)


def sign_in(user: StaffUser) -> None:
    """Start a fresh session for ``user``."""
    session.clear()
    session[SESSION_LOGIN] = user.login


def sign_out() -> None:
    """Forget the session."""
    session.clear()


def signed_in(database: Database) -> StaffUser | None:
    """The active account of the session, or None."""
    login = session.get(SESSION_LOGIN)
    if not isinstance(login, str):
        return None
    with database.pool("app").connection() as conn, conn.transaction():
        user = find_staff(conn, login)
    return user if user is not None and user.active else None
