"""The e-service web layer's pure parts: form checks, uploads by content, quantities,
the sign-in throttle, token stand-ins, and the pages that need no database."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage

from geoportal.cases import tokens
from geoportal.cases.eservices import default_registry
from geoportal.cases.quantities import quantities_for
from geoportal.instance import Instance
from geoportal.settings import Settings
from web.app import create_flask_app
from web.eservices.forms import read_form
from web.eservices.tracking import lookup_token
from web.eservices.uploads import IMAGES, UploadRefused, media_type_of, read_uploads
from web.throttle import Throttle

SERVICES = default_registry().services
VALID = {"name": "Jan Kowalski", "street": "ul. Polna 1", "postcode": "98-100", "city": "Łask",
         "email": "jan@example.pl", "delivery": "electronic", "consent": "yes",
         "parcels": "101401_1.0001.12/3"}  # fmt: skip


def test_a_complete_form_has_no_errors():
    parsed = read_form(VALID, SERVICES["egib_register_extract_anonymous"])
    assert parsed.valid and parsed.parcel_ids == ["101401_1.0001.12/3"]


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"postcode": "98100"}, "postcode", "error_postcode"),
        ({"email": ""}, "email", "error_email_needed"),
        ({"email": "not-an-address"}, "email", "error_email"),
        ({"delivery": "pigeon"}, "delivery", "error_delivery"),
        ({"parcels": "12/3"}, "parcels", "error_parcel_id"),
        ({"parcels": "' OR 1=1 --"}, "parcels", "error_parcel_id"),
        ({"parcels": ""}, "parcels", "error_parcels_needed"),
        ({"consent": ""}, "consent", "error_consent"),
        ({"name": "x" * 201}, "name", "error_too_long"),
        ({"name": "  "}, "name", "error_required"),
    ],
)
def test_each_bad_field_is_named(change, field, error):
    parsed = read_form(VALID | change, SERVICES["egib_register_extract_anonymous"])
    assert parsed.errors.get(field) == error


def test_personal_data_needs_a_justification():
    service = SERVICES["egib_register_extract"]
    assert read_form(VALID, service).errors == {"legal_interest": "error_legal_interest"}
    assert read_form(VALID | {"legal_interest": "Spadek"}, service).valid


def test_district_and_number_stand_for_an_identifier():
    parsed = read_form(VALID | {"parcels": "", "district": "0001", "number": "12/3"},
                       SERVICES["egib_map_extract"])  # fmt: skip
    assert parsed.valid and parsed.district == ("0001", "12/3")
    bad = read_form(VALID | {"district": "0001", "number": "12/x"}, SERVICES["egib_map_extract"])
    assert bad.errors == {"number": "error_district_number"}


@pytest.mark.parametrize("x", ["abc", "NaN", "Infinity", "1e400", "50000", ""])
def test_a_place_must_be_metres_in_poland(x):
    form = VALID | {"x": x, "y": "410000", "category": "building", "description": "d"}
    assert read_form(form, SERVICES["map_incident"]).errors == {"x": "error_location"}


def test_a_place_is_kept_to_the_centimetre():
    form = VALID | {"x": "508123,456", "y": "410000", "category": "other", "description": "d"}
    parsed = read_form(form, SERVICES["map_incident"])
    assert parsed.valid and parsed.location == (Decimal("508123.46"), Decimal("410000.00"))


def _file(content: bytes, name: str = "a.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")


def test_uploads_are_typed_by_their_first_bytes_not_their_name():
    assert media_type_of(b"%PDF-1.7 ...") == "application/pdf"
    assert media_type_of(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert media_type_of(b"<html>%PDF-") is None
    with pytest.raises(UploadRefused) as refused:
        read_uploads([_file(b"<!doctype html><script>x</script>", "wyrok.pdf")])
    assert not refused.value.too_large
    with pytest.raises(UploadRefused):
        read_uploads([_file(b"%PDF-1.4", "foto.png")], IMAGES)  # a PDF is no photo


def test_uploads_are_limited_in_size_and_number():
    with pytest.raises(UploadRefused) as refused:
        read_uploads([_file(b"%PDF-" + b"0" * (5 * 1024 * 1024))])
    assert refused.value.too_large
    with pytest.raises(UploadRefused):
        read_uploads([_file(b"%PDF-1.4", f"{n}.pdf") for n in range(4)])
    assert read_uploads([_file(b"", "")]) == []  # an empty file input is no attachment


def test_quantities_are_counted_not_typed():
    today = dt.date.today()
    assert quantities_for("egib_register_extract", 3, 0, today) == {"registration_unit": 3}
    assert quantities_for("planning_extract", 2, 5, today) == {"wypis_page": 3,
                                                                "wyrys_a4_part": 2}  # fmt: skip
    assert quantities_for("free", 0, 0, today) == {}


def test_the_throttle_blocks_after_five_failures_per_login_and_address():
    throttle = Throttle(max_events=5, window_s=300)
    for _ in range(5):
        assert not throttle.blocked(("jan", "10.0.0.1"))
        throttle.record(("jan", "10.0.0.1"))
    assert throttle.blocked(("jan", "10.0.0.1"))
    assert not throttle.blocked(("jan", "10.0.0.2")) and not throttle.blocked(("ewa", "10.0.0.1"))
    old = Throttle(max_events=1, window_s=0)
    old.record("x")
    assert not old.blocked("x")  # the window has passed


def test_a_malformed_token_is_looked_up_as_a_well_formed_stand_in():
    token = tokens.new_tracking_token()
    assert lookup_token(token) == token
    for text in ("abc", "' OR 1=1 --", "x" * 5000, "ż/../"):
        assert tokens.is_tracking_token(lookup_token(text))


@pytest.fixture
def client(tmp_path):
    app = create_flask_app(Instance(Settings(var_dir=tmp_path, public_url="https://gp.example.pl")))
    return app.test_client()


def test_the_catalogue_lists_every_eservice_and_the_header_links_to_it(client):
    page = client.get("/e-uslugi").get_data(as_text=True)
    for key in SERVICES:
        assert f'href="/e-uslugi/{key}?lang=pl"' in page
    assert 'href="/e-uslugi?lang=pl"' in page


def test_a_form_page_has_csrf_rodo_and_a_secure_cookie(client):
    answer = client.get("/e-uslugi/egib_register_extract?parcel=<b>x</b>")
    page = answer.get_data(as_text=True)
    assert 'name="csrf_token"' in page and "Klauzula informacyjna" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert "Uzasadnienie interesu prawnego" in page
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_posts_without_a_csrf_token_are_400_and_panel_pages_send_to_sign_in(client):
    assert client.post("/e-uslugi/map_incident", data={"name": "x"}).status_code == 400
    assert client.get("/e-uslugi/no_such_service").status_code == 404
    answer = client.get("/panel")
    assert answer.status_code == 302 and answer.headers["Location"] == "/panel/logowanie"


def test_the_session_key_is_made_once_and_shared(tmp_path):
    from geoportal.keys import session_key as _session_key

    first = _session_key(tmp_path)
    assert len(first) == 32 and _session_key(tmp_path) == first
    assert (tmp_path / "session.key").stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["session.key"]
