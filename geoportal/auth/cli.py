"""``geoportal staff add LOGIN --role geodesy``: create a staff account.

The password is read from standard input — asked twice without echo on a terminal, or
the first line of a pipe (``printf '%s\\n' "$PW" | geoportal staff add …``) — never from
the command line, where other users of the machine could read it in the process list.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from geoportal.auth.passwords import PasswordPolicyError
from geoportal.auth.roles import STAFF_ROLES
from geoportal.auth.staff import StaffError, add_staff
from geoportal.instance import Instance


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``staff`` command group to the ``geoportal`` parser."""
    staff = commands.add_parser("staff", help="staff accounts of the staff console")
    sub = staff.add_subparsers(dest="staff_command", required=True)
    add = sub.add_parser("add", help="create an account; the password is read from stdin")
    add.add_argument("login")
    add.add_argument("--role", action="append", required=True,
                     choices=sorted(str(role) for role in STAFF_ROLES),
                     help="a role of the account (repeat for several)")  # fmt: skip
    add.add_argument("--name", help="display name (default: the login)")
    add.set_defaults(handler=_add)


def _add(args: argparse.Namespace, instance: Instance) -> int:
    password = _read_password()
    if password is None:
        print("geoportal: the two passwords differ", file=sys.stderr)
        return 1
    try:
        with instance.database.connect("owner") as conn:
            user = add_staff(conn, args.login, args.name or args.login, password, args.role)
    except (StaffError, PasswordPolicyError) as exc:
        print(f"geoportal: {exc}", file=sys.stderr)
        return 1
    print(f"staff account {user.login} added: {', '.join(sorted(user.roles))}")
    return 0


def _read_password() -> str | None:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        return first if getpass.getpass("again: ") == first else None
    return sys.stdin.readline().rstrip("\r\n")
