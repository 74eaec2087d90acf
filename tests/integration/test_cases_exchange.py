"""The EZD export package: metadata, submission, the audit trail that checks out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

from geoportal.auth.roles import Role
from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.audit import AuditEvent
from geoportal.cases.exchange import export_case
from geoportal.cases.states import State
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import geoportal, request

SYSTEM = Actor.system("payments")
GEO = Actor.staff("geodeta", {Role.GEODESY})


def _case(database):
    with database.connect("app") as conn:
        case = store.submit(conn, request("egib_register_extract"), new_idempotency_key()).case
        case = store.transition(conn, case.id, State.REGISTERED, SYSTEM)
        return store.transition(conn, case.id, State.AWAITING_LEGAL_INTEREST, GEO)


def test_a_package_holds_the_case_its_submission_and_a_verifiable_trail(database, tmp_path):
    case = _case(database)
    with database.connect("app") as conn:
        path = export_case(conn, case.id, tmp_path)
    assert path.name == f"{str(case.mark).replace('.', '-')}.zip"
    with zipfile.ZipFile(path) as package:
        files = {name: package.read(name) for name in package.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    assert manifest["case_mark"] == str(case.mark) and manifest["audit_chain_intact"]
    assert manifest["files"] == {name: hashlib.sha256(data).hexdigest()
                                 for name, data in files.items()}  # fmt: skip
    assert json.loads(files["metadata.json"])["state"] == "awaiting_legal_interest"
    assert hashlib.sha256(files["submission.json"]).hexdigest() == case.submission_sha256
    trail = json.loads(files["audit.json"])
    assert [event["action"] for event in trail] == ["submit", "register", "await_legal_interest"]
    for event in trail:  # the receiving system can recompute every hash
        at = dt.datetime.fromisoformat(event["at"])
        assert AuditEvent(**{**event, "at": at}).computed_hash() == event["hash"]
    assert all(a["hash"] == b["prev_hash"] for a, b in zip(trail, trail[1:], strict=False))


def test_the_command_exports_by_case_mark(database, settings, tmp_path):
    case = _case(database)
    done = geoportal(settings, "cases", "export", str(case.mark), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{str(case.mark).replace('.', '-')}.zip").is_file()
    unknown = geoportal(settings, "cases", "export", "GK.6640.99999.2020", "--out", str(tmp_path))
    assert unknown.returncode == 1 and "no case" in unknown.stdout
    malformed = geoportal(settings, "cases", "export", "x'; DROP", "--out", str(tmp_path))
    assert malformed.returncode == 2
