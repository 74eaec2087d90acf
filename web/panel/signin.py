"""Staff sign-in for the console: who is signed in, and how many failures a login may have.

Decisions
    * The session keeps only the login; the account is read again on every request, so
      a deactivated account or a changed role takes effect at once.
    * Signing in clears the session first (a new CSRF token, no fixation of an old one).
    * Failures are counted per login and client address, in each web process: 5 failures
      within 5 minutes answer 429 until the oldest one is 5 minutes old — even for the
      right password, so guessing cannot go on. Each process counts alone: with N worker
      processes an attacker gets at most 5×N tries per window, still far too few to guess
      a 12-character password.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app, session

from geoportal.auth.staff import StaffUser, find_staff
from geoportal.database import Database

MAX_FAILURES = 5
WINDOW_S = 300.0
SESSION_LOGIN = "staff_login"


class LoginThrottle:
    """Failed sign-ins per (login, address) within the last :data:`WINDOW_S` seconds."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S):
        self.max_failures, self.window_s = max_failures, window_s
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, login: str, address: str) -> bool:
        """Whether this login from this address has used up its tries."""
        with self._lock:
            return len(self._recent((login, address))) >= self.max_failures

    def failed(self, login: str, address: str) -> None:
        """Count one failure."""
        with self._lock:
            self._recent((login, address)).append(time.monotonic())

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and time.monotonic() - times[0] > self.window_s:
            times.popleft()
        return times


def throttle() -> LoginThrottle:
    """The application's throttle (one per Flask application)."""
    found: LoginThrottle = current_app.extensions.setdefault("login_throttle", LoginThrottle())
    return found


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
