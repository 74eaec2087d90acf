"""``geoportal cases verify`` (the audit trail and the cases against it) and
``geoportal cases export MARK`` (a case's package for the office's EZD)."""

from __future__ import annotations

import argparse
from pathlib import Path

from geoportal.cases.attachments import AttachmentStore
from geoportal.cases.audit import verify_case_states, verify_chain
from geoportal.cases.exchange import export_case
from geoportal.cases.intake import FileDropInbox, XmlSignatureCheck, receive_all
from geoportal.cases.marks import CaseMark
from geoportal.instance import Instance
from geoportal.keys import session_key


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``cases`` command group to the ``geoportal`` parser."""
    cases = commands.add_parser("cases", help="the case system of the e-services")
    sub = cases.add_subparsers(dest="cases_command", required=True)
    sub.add_parser(
        "verify",
        help="exit 1 if the audit trail's hash chain is broken or a case disagrees with it",
    ).set_defaults(handler=_verify)
    export = sub.add_parser("export", help="a case as a ZIP package for the office's EZD")
    export.add_argument("mark", help="the case mark, e.g. GK.6640.15.2026")
    export.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    export.set_defaults(handler=_export)
    intake = sub.add_parser("intake", help="requests from the e-delivery inbox (file drop)")
    intake.add_argument("--inbox", type=Path, required=True, help="the connector's folder")
    intake.add_argument("--trusted", type=Path, nargs="+", required=True,
                        help="PEM certificates whose signatures are accepted")  # fmt: skip
    intake.set_defaults(handler=_intake)


def _export(args: argparse.Namespace, instance: Instance) -> int:
    try:
        mark = CaseMark.parse(args.mark)
    except ValueError as exc:
        print(f"geoportal: {exc}")
        return 2
    with instance.database.connect("app") as conn:
        row = conn.execute(
            "SELECT id FROM cases.case_file WHERE mark = %s", (str(mark),)
        ).fetchone()
        if row is None:
            print(f"geoportal: no case {mark}")
            return 1
        print(export_case(conn, int(row[0]), args.out))
    return 0


def _intake(args: argparse.Namespace, instance: Instance) -> int:
    check = XmlSignatureCheck([path.read_text(encoding="ascii") for path in args.trusted])
    settings = instance.settings
    files = AttachmentStore(settings.attachments_dir, session_key(settings.runtime_dir))
    outcomes = receive_all(lambda: instance.database.connect("app"), FileDropInbox(args.inbox),
                           check, files)  # fmt: skip
    for message, outcome in outcomes:
        print(f"{message}: {outcome}")
    return 0


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
