"""PAdES signatures on issued documents, and their validation (pyHanko).

The office signs with its own key and certificate (``GEOPORTAL_SIGNING_KEY``,
``GEOPORTAL_SIGNING_CERT``, ``GEOPORTAL_SIGNING_CHAIN``). Where none is configured — a
developer's machine, the tests — a self-signed CA and a signing certificate it issued are
made under ``var/pki`` on first use: legally worthless, technically the same path (a
qualified e-seal is a configuration change, not a code change).

Validation answers one question for the verification page: is the signature intact, made
by a certificate that chains to a trusted root, and does it cover the whole file (an
incremental update appended after signing is an alteration too)?
"""

from __future__ import annotations

import datetime as dt
import fcntl
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import load_cert_from_pemder
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from geoportal.files import write_atomic
from geoportal.settings import Settings

DEV_CA_NAME = "Geoportal development CA (not for legal use)"
SIGNATURE_FIELD = "PodpisUrzedu"


@dataclass(frozen=True)
class SigningFiles:
    """PEM files of the signing key, its certificate and the CA chain."""

    key: Path
    cert: Path
    chain: Path
    passphrase: bytes | None = None


@dataclass(frozen=True)
class SignatureCheck:
    """What validation found; ``valid`` is the one answer the verification page needs."""

    present: bool
    intact: bool
    trusted: bool
    whole_file: bool
    signer: str | None

    @property
    def valid(self) -> bool:
        return self.present and self.intact and self.trusted and self.whole_file


def signing_files(settings: Settings) -> SigningFiles:
    """The configured signing files, or the development ones (made on first use)."""
    if settings.signing_key and settings.signing_cert and settings.signing_chain:
        passphrase = settings.signing_key_passphrase
        return SigningFiles(settings.signing_key, settings.signing_cert, settings.signing_chain,
                            passphrase.encode() if passphrase else None)  # fmt: skip
    return ensure_dev_pki(settings.pki_dir)


def ensure_dev_pki(folder: Path) -> SigningFiles:
    """A self-signed CA and a signing certificate under ``folder``, made once."""
    files = SigningFiles(folder / "signing-key.pem", folder / "signing-cert.pem",
                         folder / "ca-cert.pem")  # fmt: skip
    if files.key.exists() and files.cert.exists() and files.chain.exists():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    # The web process and the worker may both get here first: one makes the files.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (files.key.exists() and files.cert.exists() and files.chain.exists()):
            _make_dev_pki(files)
    return files


def _make_dev_pki(files: SigningFiles) -> None:
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(DEV_CA_NAME)
    ca_cert = (
        _builder(ca_name, ca_name, ca_key, now, years=20)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        _builder(_name("Geoportal development e-seal"), ca_name, key, now, years=5)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    write_atomic(files.chain, ca_cert.public_bytes(pem).decode())
    write_atomic(files.cert, cert.public_bytes(pem).decode())
    key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())  # fmt: skip
    write_atomic(files.key, key_pem.decode(), 0o600)


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Geoportal (development)"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip


def _builder(
    subject: x509.Name, issuer: x509.Name, key: rsa.RSAPrivateKey, now: dt.datetime, years: int
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign, content_commitment=not cert_sign,
        key_encipherment=False, data_encipherment=False, key_agreement=False,
        key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )  # fmt: skip


class PdfSigner:
    """Signs PDFs with one key (loaded once: a worker signs many documents)."""

    def __init__(self, files: SigningFiles, location: str):
        signer = signers.SimpleSigner.load(
            str(files.key), str(files.cert), ca_chain_files=(str(files.chain),),
            key_passphrase=files.passphrase,
        )  # fmt: skip
        if signer is None:
            raise ValueError(f"cannot load the signing key or certificate in {files.key.parent}")
        self._signer, self._location = signer, location

    def sign(self, pdf: bytes, reason: str) -> bytes:
        """``pdf`` with a PAdES baseline (B-B) signature over the whole file."""
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD, subfilter=SigSeedSubFilter.PADES,
            md_algorithm="sha256", reason=reason, location=self._location,
        )  # fmt: skip
        out = signers.sign_pdf(writer, meta, signer=self._signer)
        return out.getvalue()


def trust_roots(chain: Path) -> list:
    """The certificates a signature must chain to (the configured CA chain, PEM)."""
    return [load_cert_from_pemder(str(chain))]


def check_signature(pdf: bytes, roots: list) -> SignatureCheck:
    """Validate the PDF's last signature against ``roots``; never raises on bad input."""
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a file that does not parse is no signed document
        return SignatureCheck(False, False, False, False, None)
    if not signatures:
        return SignatureCheck(False, False, False, False, None)
    signature = signatures[-1]
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    except Exception:  # noqa: BLE001 - a damaged signature container is an altered file
        return SignatureCheck(True, False, False, False, None)
    return SignatureCheck(
        present=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly,
    )
