"""Requests that arrive by the national e-delivery channels (ePUAP, e-Doręczenia).

The office's electronic inbox delivers an XML form with attachments and an electronic
signature. An :class:`Inbox` is the adapter to one channel (the national gateways are
outside systems); :class:`FileDropInbox` is the one implemented here: the gateway's
connector drops each message as a folder, the portal answers by moving it to ``done/``
with the receipt (``upo.json``) or to ``rejected/`` with the reason. Every accepted
message becomes a case exactly as a web form does (:func:`geoportal.cases.store.submit`),
its fee quoted by the server; the message id is its idempotency key, so a message
delivered twice is one case.

The form (``wniosek.xml``, read by :mod:`geoportal.cases.inbox_form`) is signed with an
enveloped XML signature (XAdES-BES is one); :class:`XmlSignatureCheck` accepts it only if
it verifies against one of the trusted certificates, and only what the signature covers
is read. An extract request names parcels; a report of an error on the map names a place
(coordinates or a parcel), a category and a description, and may carry photos: it is
routed, checked and stored by the same functions as the web form's (``store.submit``
routes by category; :mod:`geoportal.cases.attachments` sniffs, limits and strips photos).
Everything is checked before anything is written: a rejected message leaves no case and
no file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import psycopg
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.attachments import (
    MAX_BYTES,
    MAX_FILES,
    AttachmentStore,
    Upload,
    UploadRefused,
    allowed_for,
    checked_upload,
)
from geoportal.cases.errors import CaseError, SubmissionError
from geoportal.cases.eservices import EService
from geoportal.cases.fees import Medium, Quote
from geoportal.cases.inbox_form import NS, IntakeError, Place, declared_files, fields, place
from geoportal.cases.places import existing_parcels, in_county, point_in_parcel
from geoportal.cases.quantities import server_quote
from geoportal.cases.rules import CaseRules, default_rules
from geoportal.cases.submission import Submission
from geoportal.documents.errors import DocumentError
from geoportal.documents.planning import listed_zones

__all__ = ["NS", "FileDropInbox", "Inbox", "IntakeError", "XmlSignatureCheck", "receive_all"]
FORM = "wniosek.xml"
MAX_FORM = 256 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)  # fmt: skip


@dataclass(frozen=True)
class InboxMessage:
    """One delivered message: its id at the gateway and its signed form."""

    id: str
    form: bytes


class Inbox(Protocol):
    """One e-delivery channel, as the portal sees it."""

    def pending(self) -> Iterator[InboxMessage]:
        """Messages not answered yet."""
        ...

    def accept(self, message: InboxMessage, receipt: store.Receipt) -> None:
        """Answer with the receipt (UPO): the message became a case."""
        ...

    def reject(self, message: InboxMessage, reason: str) -> None:
        """Answer with the reason the message did not become a case."""
        ...

    def attachment(self, message: InboxMessage, name: str) -> bytes | None:
        """The file ``name`` delivered with the message, at most ``MAX_BYTES + 1`` of its
        bytes (more means too large); None if there is none."""
        ...


class SignatureCheck(Protocol):
    """Verifies a signed form; returns the signed XML element or raises IntakeError."""

    def __call__(self, form: bytes) -> etree._Element: ...


class XmlSignatureCheck:
    """An enveloped XML signature by one of the trusted certificates (PEM)."""

    def __init__(self, trusted_pem: list[str]):
        if not trusted_pem:
            raise ValueError("no trusted certificate: every message would be rejected")
        self.trusted = trusted_pem

    def __call__(self, form: bytes) -> etree._Element:
        root = parse_form_xml(form)
        for certificate in self.trusted:
            try:
                result = XMLVerifier().verify(root, x509_cert=certificate)
            except (InvalidSignature, InvalidInput):
                continue
            if isinstance(result, list) or result.signed_xml is None:
                raise IntakeError("formularz musi mieć dokładnie jeden podpis")
            return result.signed_xml  # only what the signature covers
        raise IntakeError("podpis elektroniczny nieważny lub nieznany podpisujący")


class FileDropInbox:
    """Messages as folders in ``folder``: ``<id>/wniosek.xml`` (+ attachments)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def pending(self) -> Iterator[InboxMessage]:
        for path in sorted(self.folder.iterdir()):
            if path.is_dir() and path.name not in ("done", "rejected"):
                form = path / FORM
                data = form.read_bytes()[: MAX_FORM + 1] if form.is_file() else b""
                yield InboxMessage(path.name, data)

    def accept(self, message: InboxMessage, receipt: store.Receipt) -> None:
        target = self._move(message, "done")
        upo = {"case_mark": receipt.mark, "submitted_at": receipt.submitted_at.isoformat(),
               "submission_sha256": receipt.submission_sha256,
               "audit_hash": receipt.audit_hash}  # fmt: skip
        (target / "upo.json").write_text(json.dumps(upo, ensure_ascii=False), encoding="utf-8")

    def attachment(self, message: InboxMessage, name: str) -> bytes | None:
        path = self.folder / message.id / name
        if name == FORM:
            return None
        try:  # a link could point anywhere on this machine: never followed
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(MAX_BYTES + 1)

    def reject(self, message: InboxMessage, reason: str) -> None:
        target = self._move(message, "rejected")
        (target / "reason.txt").write_text(reason + "\n", encoding="utf-8")

    def _move(self, message: InboxMessage, where: str) -> Path:
        target = self.folder / where / message.id
        target.parent.mkdir(exist_ok=True)
        shutil.move(str(self.folder / message.id), str(target))
        return target


def parse_form_xml(data: bytes) -> etree._Element:
    """The form's XML, refused if large, with a DOCTYPE (entities) or not well formed."""
    if not data or len(data) > MAX_FORM:
        raise IntakeError("brak formularza wniosek.xml albo jest za duży")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise IntakeError(f"formularz nie jest poprawnym XML: {exc.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise IntakeError("formularz z deklaracją DOCTYPE nie jest przyjmowany")
    return root


def receive_all(
    connect: Callable[[], AbstractContextManager[psycopg.Connection]],
    inbox: Inbox,
    check: SignatureCheck,
    files: AttachmentStore,
    rules: CaseRules | None = None,
) -> list[tuple[str, str]]:
    """Turn every pending message into a case or a rejection; (message id, outcome).

    ``files`` is where attachments are kept (the web form's store, so both channels name a
    file alike)."""
    outcomes = []
    for message in inbox.pending():
        try:
            with connect() as conn:
                submitted = _register(conn, inbox, message, check, files, rules or default_rules())
        except (IntakeError, CaseError, ValueError) as exc:
            inbox.reject(message, str(exc))
            outcomes.append((message.id, f"rejected: {exc}"))
            continue
        inbox.accept(message, submitted.receipt)
        outcomes.append((message.id, str(submitted.case.mark)))
    return outcomes


def _register(conn: psycopg.Connection, inbox: Inbox, message: InboxMessage,
              check: SignatureCheck, files: AttachmentStore,
              rules: CaseRules) -> store.Submitted:  # fmt: skip
    form = check(message.form)
    given = fields(form)
    service = rules.services.get(given["service"])
    _check_parcels(conn, given["parcels"])
    data = _submission_fields(given)
    if "location" in service.needs:
        data |= _report(conn, service, given, place(form))
    uploads = _uploads(inbox, message, form, service)
    data["attachments"] = [files.ref(upload) for upload in uploads]
    data["fee"] = _fee(conn, service, given)
    submission = Submission.model_validate(data)
    for upload in uploads:  # only now, when every check has passed
        files.keep(upload)
    key = hashlib.sha256(f"e-delivery:{message.id}".encode()).hexdigest()
    return store.submit(conn, submission, key, actor=Actor.system("e-delivery"), rules=rules)


def _check_parcels(conn: psycopg.Connection, parcels: list[str]) -> None:
    missing = sorted(set(parcels) - existing_parcels(conn, parcels))
    if missing:
        raise IntakeError(f"nie ma takich działek w ewidencji: {', '.join(missing[:5])}")


def _fee(conn: psycopg.Connection, service: EService, given: dict) -> Quote:
    medium: Medium = "electronic" if given["delivery"] == "electronic" else "paper"
    parcels = given["parcels"]
    try:
        zones = listed_zones(conn, given["service"], parcels)
    except DocumentError as exc:
        raise IntakeError(f"wniosku nie można wycenić: dane geoportalu nie obejmują działek"
                          f" wniosku / cannot be quoted: {exc}") from None  # fmt: skip
    return server_quote(service.fee, medium, len(parcels), zones)


def _report(conn: psycopg.Connection, service: EService, given: dict,
            where: Place | None) -> dict:  # fmt: skip
    """A report's place (a parcel becomes a point in it, in the county) and category."""
    if where is None:
        raise IntakeError("zgłoszenie musi wskazać miejsce / a report needs a place")
    point = _point(conn, where)
    if not in_county(conn, *point):
        raise IntakeError("miejsce leży poza powiatem / the place is outside the county")
    try:
        service.routed(given["category"])  # the routing store.submit applies
    except SubmissionError:
        known = ", ".join(service.routes)
        raise IntakeError(f"nieznana kategoria zgłoszenia; dozwolone: {known}"
                          f" / unknown category; allowed: {known}") from None  # fmt: skip
    if not given["description"]:
        raise IntakeError("zgłoszenie musi mieć opis / a report needs a description")
    return {"location": {"x": f"{point[0]:.2f}", "y": f"{point[1]:.2f}"},
            "category": given["category"]}  # fmt: skip


def _point(conn: psycopg.Connection, where: Place) -> tuple[Decimal, Decimal]:
    if where.x is not None and where.y is not None:
        return where.x, where.y
    point = point_in_parcel(conn, where.parcel) if where.parcel else None
    if point is None:
        raise IntakeError(f"nie ma takiej działki w ewidencji: {where.parcel}")
    return point


def _uploads(inbox: Inbox, message: InboxMessage, form: etree._Element,
             service: EService) -> list[Upload]:  # fmt: skip
    """The files the signed form names, each as delivered and accepted for the service."""
    declared = declared_files(form)
    allowed = allowed_for(service)
    if declared and not allowed:
        raise IntakeError("ta usługa nie przyjmuje załączników / this service takes no files")
    if len(declared) > MAX_FILES:
        raise IntakeError(f"najwyżej {MAX_FILES} załączniki / at most {MAX_FILES} files")
    uploads = []
    for file in declared:
        content = inbox.attachment(message, file.name)
        if content is None:
            raise IntakeError(f"brak załącznika {file.name} / attachment missing")
        if len(content) <= MAX_BYTES and hashlib.sha256(content).hexdigest() != file.sha256:
            raise IntakeError(f"załącznik {file.name} nie jest plikiem podpisanym w formularzu"
                              " / the attachment differs from the signed digest")  # fmt: skip
        try:
            uploads.append(checked_upload(file.name, content, allowed))
        except UploadRefused as exc:
            raise IntakeError(_refusal(file.name, exc)) from None
    return uploads


def _refusal(name: str, exc: UploadRefused) -> str:
    if exc.too_large:
        return f"załącznik {name} jest większy niż {MAX_BYTES // 2**20} MB / {exc}"
    return f"załącznik {name} nie jest przyjmowanym ani całym plikiem JPEG, PNG lub PDF / {exc}"


def _submission_fields(given: dict) -> dict:
    applicant = {"name": given["name"], "email": given["email"],
                 "address": {"street": given["street"], "postcode": given["postcode"],
                             "city": given["city"]}}  # fmt: skip
    return {"service": given["service"], "applicant": applicant, "parcels": given["parcels"],
            "delivery": given["delivery"], "legal_interest": given["legal_interest"],
            "description": given["description"]}  # fmt: skip
