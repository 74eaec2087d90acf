"""Staff accounts: ``geoportal staff add`` with the password on stdin, then sign-in."""

from __future__ import annotations

import pytest

from geoportal.auth.roles import Role
from geoportal.auth.staff import StaffError, add_staff, authenticate, find_staff
from tests.integration.cases_support import geoportal

PASSWORD = "dluga fraza na haslo 2026"


def test_the_command_adds_an_account_the_application_can_sign_in_with(database, settings):
    added = geoportal(settings, "staff", "add", "akowalska", "--role", "geodesy", "--role",
                      "kancelaria", "--name", "Anna Kowalska", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "staff account akowalska added: geodesy, kancelaria" in added.stdout
    assert PASSWORD not in added.stdout + added.stderr
    with database.connect("app") as conn:  # sign-in reads with the application's role
        user = authenticate(conn, "akowalska", PASSWORD)
        assert user is not None and user.display_name == "Anna Kowalska"
        assert user.roles == {Role.GEODESY, Role.KANCELARIA} and user.active
        assert authenticate(conn, "akowalska", PASSWORD + "!") is None
        assert authenticate(conn, "nobody", PASSWORD) is None
        stored = conn.execute(
            "SELECT password_hash FROM auth.staff_user WHERE login = 'akowalska'"
        ).fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["bkowal", "--role", "geodesy"], "short\n", "12 to 1024 characters"),
        (["Bad Login", "--role", "geodesy"], PASSWORD + "\n", "lower-case letters"),
    ],
)
def test_the_command_refuses_bad_accounts(settings, args, stdin, message):
    refused = geoportal(settings, "staff", "add", *args, stdin=stdin)
    assert refused.returncode == 1 and message in refused.stderr


def test_unknown_roles_are_refused_by_the_parser(settings):
    refused = geoportal(settings, "staff", "add", "ckowal", "--role", "boss", stdin=PASSWORD)
    assert refused.returncode == 2 and "invalid choice: 'boss'" in refused.stderr


def test_logins_are_unique_and_inactive_accounts_cannot_sign_in(database):
    with database.connect("owner") as conn:
        add_staff(conn, "dnowak", "Dariusz Nowak", PASSWORD, [Role.PLANNING])
        with pytest.raises(StaffError, match="is taken"):
            add_staff(conn, "dnowak", "Inny", PASSWORD, [Role.PLANNING])
    with database.connect("owner") as conn:
        with pytest.raises(StaffError, match="staff roles are"):
            add_staff(conn, "enowak", "E", PASSWORD, [Role.CITIZEN])
        conn.execute("UPDATE auth.staff_user SET active = false WHERE login = 'dnowak'")
    with database.connect("app") as conn:
        assert authenticate(conn, "dnowak", PASSWORD) is None
        assert find_staff(conn, "dnowak").active is False
