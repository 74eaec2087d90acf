"""``geoportal cases verify``: check the audit trail and the cases against it."""

from __future__ import annotations

import argparse

from geoportal.cases.audit import verify_case_states, verify_chain
from geoportal.instance import Instance


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``cases`` command group to the ``geoportal`` parser."""
    cases = commands.add_parser("cases", help="the case system of the e-services")
    sub = cases.add_subparsers(dest="cases_command", required=True)
    sub.add_parser(
        "verify",
        help="exit 1 if the audit trail's hash chain is broken or a case disagrees with it",
    ).set_defaults(handler=_verify)


def _verify(args: argparse.Namespace, instance: Instance) -> int:
    with instance.database.connect("app") as conn:
        report = verify_chain(conn)
        if not report.ok:
            print(f"audit trail BROKEN at event {report.broken_at}: {report.why}")
            print(f"{report.events} events before it check out")
            return 1
        mismatch = verify_case_states(conn)
    print(f"audit trail OK: {report.events} events, head {report.head}")
    if mismatch is not None:
        print(f"case {mismatch[0]} BROKEN: {mismatch[1]}")
        return 1
    print("every case is in the state its audit trail records")
    return 0
