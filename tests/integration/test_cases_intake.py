"""Requests by e-delivery (file-drop inbox): signed forms become cases like web forms.

The national gateway is outside: its connector is played by writing message folders.
The signatures are real enveloped XML signatures made here with a generated certificate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from PIL import Image
from signxml import XMLSigner

from geoportal.cases import store
from geoportal.cases.attachments import AttachmentStore
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


@pytest.fixture
def files(tmp_path_factory):
    """The attachment store (outside the inbox folder, as in an instance's var/)."""
    return AttachmentStore(tmp_path_factory.mktemp("attachments"), secrets.token_bytes(32))


def _receive(database, inbox, files=None):
    check = XmlSignatureCheck([SIGNER[1].decode()])
    files = files or AttachmentStore(inbox.folder.parent / "unused-attachments", b"k" * 32)
    return dict(receive_all(lambda: database.connect("app"), inbox, check, files))


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


def test_a_studium_extract_without_studium_data_is_rejected_not_quoted(
    database, inbox, tmp_path, parcel
):
    _drop(tmp_path, "ePUAP-studium", _signed(_form(parcel, "studium_extract")))
    assert _receive(database, inbox)["ePUAP-studium"].startswith("rejected")
    text = (tmp_path / "rejected" / "ePUAP-studium" / "reason.txt").read_text()
    assert "nie można wycenić" in text and "no studium" in text


# Reports of errors on the map. Routing written by hand from eservices.yaml:
# category → (department, case-mark unit, JRWA class).
ROUTES = {"building": ("geodesy", "GK", "6620"), "plan": ("planning", "PP", "6720"),
          "other": ("kancelaria", "OR", "1510")}  # fmt: skip
CAMERA = "Aparat-Tajny-Nr-1234567"  # what the camera wrote into the metadata


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4 % 256, y * 5 % 256, 90) for y in range(48) for x in range(64)])
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=CAMERA.encode(), quality=90)
    return out.getvalue()


def _report(place: dict, category: str = "building", photos: dict[str, bytes] | None = None,
            crs: str | None = None) -> etree._Element:  # fmt: skip
    root = _form("", "map_incident")
    root.remove(root.find(f"{{{NS}}}dzialki"))
    where = etree.SubElement(root, f"{{{NS}}}miejsce")
    if crs is not None:
        where.set("srsName", crs)
    for name, value in place.items():
        etree.SubElement(where, f"{{{NS}}}{name}").text = value
    etree.SubElement(root, f"{{{NS}}}kategoria").text = category
    etree.SubElement(root, f"{{{NS}}}opis").text = "Budynek rozebrany w 2020."
    for name, content in (photos or {}).items():
        attached = etree.SubElement(root, f"{{{NS}}}zalacznik")
        attached.set("plik", name)
        attached.set("sha256", hashlib.sha256(content).hexdigest())
    return root


def _drop_report(folder, message_id: str, root, photos: dict[str, bytes] | None = None):
    _drop(folder, message_id, _signed(root))
    for name, content in (photos or {}).items():
        (folder / message_id / name).write_bytes(content)


def _case(database, mark: str) -> tuple:
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT department, mark_unit, mark_jrwa, submission FROM cases.case_file"
            " WHERE mark = %s",
            (mark,),
        ).fetchone()


def _cases_of(database, message_id: str) -> int:
    from geoportal.cases import tokens

    key = hashlib.sha256(f"e-delivery:{message_id}".encode()).hexdigest()
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT count(*) FROM cases.case_file WHERE idempotency_key_sha256 = %s",
            (tokens.digest(key),),
        ).fetchone()[0]


@pytest.mark.parametrize("category", list(ROUTES))
def test_a_signed_report_becomes_a_case_of_its_department(
    database, inbox, tmp_path, known_parcel, category
):
    place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
    _drop_report(tmp_path, f"eD-{category}", _report(place, category, crs="EPSG:2180"))
    mark = _receive(database, inbox)[f"eD-{category}"]
    department, unit, jrwa, submission = _case(database, mark)
    assert (department, unit, jrwa) == ROUTES[category] and mark.startswith(f"{unit}.{jrwa}.")
    assert submission["category"] == category and submission["service"] == "map_incident"
    assert submission["location"] == place
    assert submission["description"] == "Budynek rozebrany w 2020."
    assert (tmp_path / "done" / f"eD-{category}" / "upo.json").is_file()


def test_a_report_at_a_parcel_is_placed_inside_it(database, inbox, tmp_path, known_parcel):
    _drop_report(tmp_path, "eD-parcel", _report({"dzialka": known_parcel.parcel_id}))
    *_, submission = _case(database, _receive(database, inbox)["eD-parcel"])
    x, y = submission["location"]["x"], submission["location"]["y"]
    with database.connect("owner") as conn:
        inside = conn.execute(
            "SELECT ST_DWithin(geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180), 0.01)"
            " FROM data.parcel WHERE parcel_id = %s AND version_end IS NULL",
            (float(x), float(y), known_parcel.parcel_id),
        ).fetchone()[0]
    assert inside


def test_the_photo_of_a_report_is_stored_without_metadata_once(
    database, inbox, tmp_path, known_parcel, files
):
    original = _jpeg_with_exif()
    assert CAMERA.encode() in original and b"Exif" in original  # the test file carries it
    photos = {"IMG_0001.jpg": original}
    place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
    root = _report(place, photos=photos)
    _drop_report(tmp_path, "eD-photo", root, photos)
    mark = _receive(database, inbox, files)["eD-photo"]
    *_, submission = _case(database, mark)
    (reference,) = submission["attachments"]
    stored = (files.directory / reference["id"]).read_bytes()
    assert CAMERA.encode() not in stored and b"Exif" not in stored
    assert reference["size"] == len(stored) < len(original)
    assert reference["media_type"] == "image/jpeg" and reference["name"] == "IMG_0001.jpg"
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(stored))
    assert not after.getexif() and after.tobytes() == before.tobytes()
    _drop_report(tmp_path, "eD-photo", root, photos)  # the gateway delivers it again
    assert _receive(database, inbox, files)["eD-photo"] == mark
    assert _cases_of(database, "eD-photo") == 1
    assert [p.name for p in files.directory.iterdir()] == [reference["id"]]


def _bad_reports(parcel) -> dict[str, tuple]:
    """name → (form root, photos delivered, expected words of the reason)."""
    inside = {"x": f"{parcel.x:.2f}", "y": f"{parcel.y:.2f}"}
    photo = _jpeg_with_exif()
    big = photo + b"\0" * (5 * 1024 * 1024)
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    swapped = _report(inside, photos={"a.jpg": photo})
    other = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(other, "JPEG")
    ok = {"a.jpg": photo}  # a good photo: it must not be stored when the report is refused
    return {
        "outside the county": (_report({"x": "150000.00", "y": "150000.00"}, photos=ok), ok,
                               "poza powiatem"),
        "not a number": (_report({"x": "abc", "y": "411000"}, photos=ok), ok, "EPSG:2180"),
        "x without y": (_report({"x": "508000"}, photos=ok), ok, "EPSG:2180"),
        "another crs": (_report(inside, crs="EPSG:4326", photos=ok), ok, "układ współrzędnych"),
        "bad parcel id": (_report({"dzialka": "12/3"}, photos=ok), ok, "EPSG:2180"),
        "unknown parcel": (_report({"dzialka": "100302_4.0001.99999"}, photos=ok), ok,
                           "nie ma takiej"),
        "no place": (_report({}, photos=ok), ok, "EPSG:2180"),
        "unknown category": (_report(inside, "sewer", photos=ok), ok, "nieznana kategoria"),
        "oversize photo": (_report(inside, photos={"a.jpg": big}), {"a.jpg": big}, "5 MB"),
        "gif photo": (_report(inside, photos={"a.jpg": gif.getvalue()}),
                      {"a.jpg": gif.getvalue()}, "JPEG, PNG"),
        "photo not delivered": (swapped, {}, "brak załącznika"),
        "photo swapped after signing": (swapped, {"a.jpg": other.getvalue()},
                                        "nie jest plikiem podpisanym"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["outside the county", "not a number", "x without y", "another crs", "bad parcel id",
     "unknown parcel", "no place", "unknown category", "oversize photo", "gif photo",
     "photo not delivered", "photo swapped after signing", "photo as a link", "unsigned"],
)  # fmt: skip
def test_a_bad_report_is_rejected_with_the_reason_and_nothing_is_written(
    database, inbox, tmp_path, known_parcel, files, name
):
    if name == "photo as a link":  # a link to a file of this machine is never read
        place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
        secret = tmp_path / "secret.jpg"
        secret.write_bytes(_jpeg_with_exif())
        root = _report(place, photos={"a.jpg": secret.read_bytes()})
        _drop_report(tmp_path, "eD-bad", root)
        (tmp_path / "eD-bad" / "a.jpg").symlink_to(secret)
        words = "brak załącznika"
    elif name == "unsigned":
        place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
        photo = _jpeg_with_exif()
        _drop(tmp_path, "eD-bad", etree.tostring(_report(place, photos={"a.jpg": photo})))
        (tmp_path / "eD-bad" / "a.jpg").write_bytes(photo)
        words = "podpis"
    else:
        root, photos, words = _bad_reports(known_parcel)[name]
        _drop_report(tmp_path, "eD-bad", root, photos)
    outcome = _receive(database, inbox, files)["eD-bad"]
    assert outcome.startswith("rejected")
    reason = (tmp_path / "rejected" / "eD-bad" / "reason.txt").read_text()
    assert words in reason, reason
    assert _cases_of(database, "eD-bad") == 0
    assert list(files.directory.iterdir()) == []
    assert not (tmp_path / "done").exists()


def test_the_intake_command_keeps_a_report_photo_where_the_web_form_keeps_them(
    database, settings, tmp_path, known_parcel
):
    from tests.integration.cases_support import geoportal

    photo = _jpeg_with_exif()
    place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
    inbox_dir = tmp_path / "inbox"
    _drop_report(inbox_dir, "eD-cli", _report(place, "plan", {"a.jpg": photo}), {"a.jpg": photo})
    trusted = tmp_path / "trusted.pem"
    trusted.write_bytes(SIGNER[1])
    done = geoportal(settings, "cases", "intake", "--inbox", str(inbox_dir),
                     "--trusted", str(trusted))  # fmt: skip
    assert done.returncode == 0, done.stderr
    mark = done.stdout.strip().removeprefix("eD-cli: ")
    department, unit, _, submission = _case(database, mark)
    assert (department, unit) == ("planning", "PP")
    (reference,) = submission["attachments"]
    stored = (settings.attachments_dir / reference["id"]).read_bytes()
    assert CAMERA.encode() not in stored and len(stored) == reference["size"]
    assert (inbox_dir / "done" / "eD-cli" / "upo.json").is_file()
