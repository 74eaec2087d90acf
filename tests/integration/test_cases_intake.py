"""Requests by e-delivery (file-drop inbox): signed forms become cases like web forms.

The national gateway is outside: its connector is played by writing message folders.
The signatures are real enveloped XML signatures made here with a generated certificate.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner

from geoportal.cases import store
from geoportal.cases.intake import NS, FileDropInbox, XmlSignatureCheck, receive_all


def _certificate(name: str):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
    builder = builder.public_key(key.public_key()).serial_number(x509.random_serial_number())
    builder = builder.not_valid_before(now - dt.timedelta(days=1))
    cert = builder.not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


SIGNER = _certificate("Jan Kowalski (test)")
STRANGER = _certificate("Nieznany")


def _form(parcel: str, service: str = "egib_register_extract_anonymous") -> etree._Element:
    root = etree.Element(f"{{{NS}}}wniosek", nsmap={None: NS})
    for name, value in [("usluga", service), ("wnioskodawca", "Józefa Żółć"),
                        ("ulica", "ul. Łąkowa 3"), ("kod", "98-100"), ("miejscowosc", "Łask"),
                        ("email", "jozefa@example.pl"), ("dostawa", "electronic")]:  # fmt: skip
        etree.SubElement(root, f"{{{NS}}}{name}").text = value
    parcels = etree.SubElement(root, f"{{{NS}}}dzialki")
    etree.SubElement(parcels, f"{{{NS}}}dzialka").text = parcel
    return root


def _signed(root, pair=SIGNER) -> bytes:
    key, cert = pair
    signed = XMLSigner().sign(root, key=key, cert=cert.decode())
    return etree.tostring(signed)


def _drop(folder, message_id: str, form: bytes):
    (folder / message_id).mkdir(parents=True)
    (folder / message_id / "wniosek.xml").write_bytes(form)


@pytest.fixture
def inbox(tmp_path):
    return FileDropInbox(tmp_path)


@pytest.fixture(scope="module")
def parcel(database, demo_loaded) -> str:
    with database.connect("public") as conn:
        return conn.execute("SELECT min(parcel_id) FROM publish.parcels").fetchone()[0]


def _receive(database, inbox):
    check = XmlSignatureCheck([SIGNER[1].decode()])
    return dict(receive_all(lambda: database.connect("app"), inbox, check))


def test_a_signed_request_becomes_a_case_with_a_upo(database, inbox, tmp_path, parcel):
    _drop(tmp_path, "ePUAP-0001", _signed(_form(parcel)))
    outcome = _receive(database, inbox)["ePUAP-0001"]
    upo = json.loads((tmp_path / "done" / "ePUAP-0001" / "upo.json").read_text())
    assert upo["case_mark"] == outcome
    with database.connect("app") as conn:
        mark = conn.execute("SELECT id FROM cases.case_file WHERE mark = %s", (outcome,)).fetchone()
        case = store.get(conn, mark[0])
    assert case.submission.parcels == (parcel,) and case.submission.fee.total_grosze > 0
    assert case.submission_sha256 == upo["submission_sha256"]


def test_the_same_message_delivered_twice_is_one_case(database, inbox, tmp_path, parcel):
    form = _signed(_form(parcel))
    _drop(tmp_path, "ePUAP-0002", form)
    first = _receive(database, inbox)["ePUAP-0002"]
    _drop(tmp_path, "ePUAP-0002", form)  # the gateway sends it again
    assert _receive(database, inbox)["ePUAP-0002"] == first


@pytest.mark.parametrize(
    ("case", "reason"),
    [("unsigned", "podpis"), ("stranger", "podpis"), ("tampered", "podpis"),
     ("doctype", "DOCTYPE"), ("unknown parcel", "działek"), ("not xml", "XML")],
)  # fmt: skip
def test_bad_messages_are_rejected_with_the_reason(database, inbox, tmp_path, parcel, case, reason):
    forms = {
        "unsigned": etree.tostring(_form(parcel)),
        "stranger": _signed(_form(parcel), STRANGER),
        "tampered": _signed(_form(parcel)).replace(b"Kowalski", b"Kowalska").replace(
            parcel.encode(), parcel.encode()[:-1] + b"9"),
        "doctype": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "unknown parcel": _signed(_form("100302_4.0001.99999")),
        "not xml": b"<wniosek",
    }  # fmt: skip
    _drop(tmp_path, "msg", forms[case])
    outcome = _receive(database, inbox)["msg"]
    assert outcome.startswith("rejected")
    text = (tmp_path / "rejected" / "msg" / "reason.txt").read_text()
    assert reason in text and "/etc/passwd" not in text
