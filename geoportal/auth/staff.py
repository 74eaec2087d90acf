"""Staff accounts in ``auth.staff_user``: add one, find one, check a sign-in.

Accounts are written by the owner role (``geoportal staff add``); the application's
role may only read them. Roles are those of :data:`geoportal.auth.roles.STAFF_ROLES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from geoportal.auth.passwords import hash_password, verify_password, verify_unknown_login
from geoportal.auth.roles import STAFF_ROLES, Role

LOGIN = re.compile(r"[a-z][a-z0-9._-]{0,62}")


class StaffError(ValueError):
    """An account that cannot be added as asked (bad login, no roles, login taken)."""


@dataclass(frozen=True)
class StaffUser:
    """A staff account, without its password hash."""

    id: int
    login: str
    display_name: str
    roles: frozenset[Role]
    active: bool


def add_staff(
    conn: psycopg.Connection,
    login: str,
    display_name: str,
    password: str,
    roles: Iterable[Role | str],
) -> StaffUser:
    """Create an active account; :class:`StaffError` or ``PasswordPolicyError`` if not."""
    wanted = _roles(roles)
    if not LOGIN.fullmatch(login):
        raise StaffError(f"login {login!r}: lower-case letters, digits, . _ - (from a letter)")
    if not display_name.strip():
        raise StaffError("a display name is needed")
    password_hash = hash_password(password)
    try:
        with conn.transaction():  # a taken login leaves the caller's transaction usable
            row = conn.execute(
                "INSERT INTO auth.staff_user (login, display_name, password_hash, roles)"
                " VALUES (%s, %s, %s, %s) RETURNING id",
                (login, display_name.strip(), password_hash, sorted(str(r) for r in wanted)),
            ).fetchone()
    except psycopg.errors.UniqueViolation:
        raise StaffError(f"login {login!r} is taken") from None
    assert row is not None
    return StaffUser(int(row[0]), login, display_name.strip(), wanted, True)


def find_staff(conn: psycopg.Connection, login: str) -> StaffUser | None:
    """The account with this login, or None."""
    row = _row(conn, login)
    return _user(row) if row else None


def active_staff(conn: psycopg.Connection, roles: Iterable[Role | str]) -> list[StaffUser]:
    """Active accounts holding any of ``roles``, by display name."""
    rows = conn.execute(
        "SELECT id, login, display_name, roles, active FROM auth.staff_user"
        " WHERE active AND roles && %s ORDER BY display_name, login",
        (sorted(str(Role(role)) for role in roles),),
    ).fetchall()
    return [_user(row) for row in rows]


def authenticate(conn: psycopg.Connection, login: str, password: str) -> StaffUser | None:
    """The active account if ``password`` is its password, else None (never why)."""
    row = _row(conn, login)
    if row is None:
        verify_unknown_login(password)  # as slow as a wrong password
        return None
    user = _user(row)
    if not verify_password(row[5], password) or not user.active:
        return None
    return user


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    try:
        wanted = frozenset(Role(role) for role in roles)
    except ValueError as exc:
        raise StaffError(str(exc)) from None
    if not wanted or not wanted <= STAFF_ROLES:
        raise StaffError(f"staff roles are some of {', '.join(sorted(STAFF_ROLES))}")
    return wanted


def _row(conn: psycopg.Connection, login: str) -> tuple[Any, ...] | None:
    return conn.execute(
        "SELECT id, login, display_name, roles, active, password_hash"
        " FROM auth.staff_user WHERE login = %s",
        (login,),
    ).fetchone()


def _user(row: tuple[Any, ...]) -> StaffUser:
    return StaffUser(int(row[0]), row[1], row[2], frozenset(Role(r) for r in row[3]), row[4])
