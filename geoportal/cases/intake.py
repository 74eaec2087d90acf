"""Requests that arrive by the national e-delivery channels (ePUAP, e-Doręczenia).

The office's electronic inbox delivers an XML form with attachments and an electronic
signature. An :class:`Inbox` is the adapter to one channel (the national gateways are
outside systems); :class:`FileDropInbox` is the one implemented here: the gateway's
connector drops each message as a folder, the portal answers by moving it to ``done/``
with the receipt (``upo.json``) or to ``rejected/`` with the reason. Every accepted
message becomes a case exactly as a web form does (:func:`geoportal.cases.store.submit`),
its fee quoted by the server; the message id is its idempotency key, so a message
delivered twice is one case.

The form (``wniosek.xml``, namespace :data:`NS`) is signed with an enveloped XML
signature (XAdES-BES is one); :class:`XmlSignatureCheck` accepts it only if it verifies
against one of the trusted certificates, and only what the signature covers is read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from geoportal.cases import store
from geoportal.cases.actors import Actor
from geoportal.cases.errors import CaseError
from geoportal.cases.fees import Medium
from geoportal.cases.places import count_zones, existing_parcels
from geoportal.cases.quantities import server_quote
from geoportal.cases.rules import CaseRules, default_rules
from geoportal.cases.submission import Submission

NS = "urn:pl:geoportal:wniosek:1"
FORM = "wniosek.xml"
MAX_FORM = 256 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)  # fmt: skip


class IntakeError(ValueError):
    """A message that cannot become a case; the text goes back to the sender."""


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
    rules: CaseRules | None = None,
) -> list[tuple[str, str]]:
    """Turn every pending message into a case or a rejection; (message id, outcome)."""
    outcomes = []
    for message in inbox.pending():
        try:
            with connect() as conn:
                submitted = _register(conn, message, check, rules or default_rules())
        except (IntakeError, CaseError, ValueError) as exc:
            inbox.reject(message, str(exc))
            outcomes.append((message.id, f"rejected: {exc}"))
            continue
        inbox.accept(message, submitted.receipt)
        outcomes.append((message.id, str(submitted.case.mark)))
    return outcomes


def _register(conn: psycopg.Connection, message: InboxMessage, check: SignatureCheck,
              rules: CaseRules) -> store.Submitted:  # fmt: skip
    form = check(message.form)
    fields = _fields(form)
    service = rules.services.get(fields["service"])
    parcels = fields["parcels"]
    missing = sorted(set(parcels) - existing_parcels(conn, parcels))
    if missing:
        raise IntakeError(f"nie ma takich działek w ewidencji: {', '.join(missing[:5])}")
    medium: Medium = "electronic" if fields["delivery"] == "electronic" else "paper"
    zones = count_zones(conn, parcels) if parcels else 0
    fee = server_quote(service.fee, medium, len(parcels), zones)
    submission = Submission.model_validate({**_submission_fields(fields), "fee": fee})
    key = hashlib.sha256(f"e-delivery:{message.id}".encode()).hexdigest()
    return store.submit(conn, submission, key, actor=Actor.system("e-delivery"), rules=rules)


def _fields(form: etree._Element) -> dict:
    """The form's fields by name; parcels as a list."""

    def text(name: str) -> str | None:
        found = form.find(f"{{{NS}}}{name}")
        return found.text.strip() if found is not None and found.text else None

    parcels = [e.text.strip() for e in form.iterfind(f"{{{NS}}}dzialki/{{{NS}}}dzialka") if e.text]
    return {
        "service": text("usluga") or "", "parcels": parcels, "delivery": text("dostawa") or "",
        "name": text("wnioskodawca"), "street": text("ulica"), "postcode": text("kod"),
        "city": text("miejscowosc"), "email": text("email"),
        "legal_interest": text("interes_prawny"), "description": text("opis"),
    }  # fmt: skip


def _submission_fields(fields: dict) -> dict:
    applicant = {"name": fields["name"], "email": fields["email"],
                 "address": {"street": fields["street"], "postcode": fields["postcode"],
                             "city": fields["city"]}}  # fmt: skip
    return {"service": fields["service"], "applicant": applicant, "parcels": fields["parcels"],
            "delivery": fields["delivery"], "legal_interest": fields["legal_interest"],
            "description": fields["description"]}  # fmt: skip
