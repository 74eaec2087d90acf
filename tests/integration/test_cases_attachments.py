"""Staff open a case's attachments: only those who handle it, each opening on the record,
and only the file that was filed (real PostGIS, real files in a temporary store)."""

from __future__ import annotations

import pytest

from geoportal.auth.roles import Role
from geoportal.cases import audit, store
from geoportal.cases.actors import Actor
from geoportal.cases.attachments import AttachmentStore, checked_upload
from geoportal.cases.errors import AttachmentMissing, CaseNotFound, NotPermitted
from geoportal.cases.tokens import new_idempotency_key
from tests.integration.cases_support import request

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def filed(database, tmp_path) -> tuple[store.Case, AttachmentStore]:
    files = AttachmentStore(tmp_path / "attachments", b"k" * 32)
    ref = files.keep(checked_upload("akt notarialny.pdf", PDF))
    submission = request("egib_register_extract", attachments=[ref.model_dump()])
    with database.connect("app") as conn:
        case = store.submit(conn, submission, new_idempotency_key()).case
    return case, files


def _opened(database, case_id: int) -> list[tuple[str, dict]]:
    with database.connect("app") as conn:
        return [(e.actor, e.details) for e in audit.history(conn, case_id)
                if e.action == "open_attachment"]  # fmt: skip


def test_the_department_opens_the_file_as_filed_and_the_opening_is_audited(database, filed):
    case, files = filed
    geodesy = Actor.staff("geo.attachments", frozenset({Role.GEODESY}))
    with database.connect("app") as conn:
        ref, content = store.open_attachment(conn, case.id, geodesy, 0, files)
    assert (ref.name, ref.media_type, content) == ("akt notarialny.pdf", "application/pdf", PDF)
    assert _opened(database, case.id) == [
        ("staff:geo.attachments", {"attachment": ref.id, "name": "akt notarialny.pdf"})
    ]
    with database.connect("app") as conn:
        assert audit.verify_chain(conn).ok and audit.verify_case_states(conn) is None


@pytest.mark.parametrize(
    "actor",
    [Actor.staff("plan.attachments", {Role.PLANNING}), Actor.citizen(), Actor.system()],
    ids=["another department", "the applicant's tracking link", "a background job"],
)
def test_others_may_not_open_it_and_nothing_is_recorded(database, filed, actor):
    case, files = filed
    with database.connect("app") as conn, pytest.raises(NotPermitted):
        store.open_attachment(conn, case.id, actor, 0, files)
    assert _opened(database, case.id) == []


def test_a_missing_index_a_missing_file_and_a_changed_file_are_refused(database, filed):
    case, files = filed
    registry = Actor.staff("kanc.attachments", frozenset({Role.KANCELARIA}))
    with database.connect("app") as conn, pytest.raises(CaseNotFound):
        store.open_attachment(conn, case.id, registry, 1, files)
    stored = next(files.directory.iterdir())
    stored.write_bytes(PDF.replace(b"1.7", b"1.4"))  # altered in the store
    with database.connect("app") as conn, pytest.raises(AttachmentMissing, match="not the file"):
        store.open_attachment(conn, case.id, registry, 0, files)
    stored.unlink()
    with database.connect("app") as conn, pytest.raises(AttachmentMissing, match="not in"):
        store.open_attachment(conn, case.id, registry, 0, files)
    assert _opened(database, case.id) == []
