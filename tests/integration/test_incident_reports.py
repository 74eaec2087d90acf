"""Reports of errors on the map ("zgłoszenie"), through the web form on the real database.

Routing per category is written here by hand from ``eservices.yaml`` (unit, JRWA class,
department), photos are made with Pillow and read back with Pillow, places are checked
with plain PostGIS. A refused report leaves no case and no stored file.
"""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image, PngImagePlugin

from geoportal.cases import tokens
from tests.integration.eservices_support import APPLICANT, file_from_review, hidden_fields, review

KEY = "map_incident"
ROUTES = {  # category → (department, case-mark unit, JRWA class), from eservices.yaml
    "building": ("geodesy", "GK", "6620"),
    "parcel": ("geodesy", "GK", "6620"),
    "address": ("geodesy", "GK", "6620"),
    "plan": ("planning", "PP", "6720"),
    "other": ("kancelaria", "OR", "1510"),
}
SECRET = "Aparat-Tajny-Nr-1234567"  # what the camera wrote into the metadata


@pytest.fixture
def fields(known_parcel):
    place = {"x": f"{known_parcel.x:.2f}", "y": f"{known_parcel.y:.2f}"}
    return APPLICANT | place | {"category": "building", "description": "Budynek rozebrany w 2020."}


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4 % 256, y * 5 % 256, 90) for y in range(48) for x in range(64)])
    exif = Image.Exif()
    exif[0x010F] = SECRET  # Make
    exif[0x0131] = SECRET  # Software
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=SECRET.encode(), quality=90)
    return out.getvalue()


def _png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRET)
    info.add_itxt("Comment", SECRET)
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (10, 200, 30, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _row(database, token: str) -> tuple:
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT department, mark_unit, mark_jrwa, submission FROM cases.case_file"
            " WHERE tracking_token_sha256 = %s",
            (tokens.digest(token),),
        ).fetchone()


def _cases_of(database, html: str) -> int:
    key = hidden_fields(html)["idempotency_key"]
    with database.connect("owner") as conn:
        return conn.execute(
            "SELECT count(*) FROM cases.case_file WHERE idempotency_key_sha256 = %s",
            (tokens.digest(key),),
        ).fetchone()[0]


def _token(response) -> str:
    return response.headers["Location"].split("/sprawy/")[1].split("/")[0]


@pytest.mark.parametrize("category", list(ROUTES))
def test_each_category_becomes_a_case_of_its_department(client, database, fields, category):
    page = review(client, KEY, fields | {"category": category})
    assert page.status_code == 200, page.get_data(as_text=True)
    filed = file_from_review(client, KEY, page.get_data(as_text=True))
    assert filed.status_code == 303
    department, unit, jrwa, submission = _row(database, _token(filed))
    assert (department, unit, jrwa) == ROUTES[category]
    assert submission["category"] == category
    assert submission["description"] == "Budynek rozebrany w 2020."


def test_a_parcel_typed_instead_of_coordinates_places_the_report_inside_it(
    client, database, known_parcel
):
    fields = APPLICANT | {"location_parcel": known_parcel.parcel_id, "category": "parcel",
                          "description": "Granica przesunięta."}  # fmt: skip
    page = review(client, KEY, fields)
    assert page.status_code == 200, page.get_data(as_text=True)
    filed = file_from_review(client, KEY, page.get_data(as_text=True))
    *_, submission = _row(database, _token(filed))
    x, y = submission["location"]["x"], submission["location"]["y"]
    with database.connect("owner") as conn:
        inside = conn.execute(
            "SELECT ST_DWithin(geom, ST_SetSRID(ST_MakePoint(%s, %s), 2180), 0.01)"
            " FROM data.parcel WHERE parcel_id = %s AND version_end IS NULL",
            (float(x), float(y), known_parcel.parcel_id),
        ).fetchone()[0]
    assert inside
    unknown = review(client, KEY, fields | {"location_parcel": "100301_2.0001.999999"})
    assert unknown.status_code == 422
    assert "Nie ma takiej działki w ewidencji." in unknown.get_data(as_text=True)


@pytest.mark.parametrize(("make", "kind"), [(_jpeg_with_exif, "jpg"), (_png_with_text, "png")])
def test_photo_metadata_is_removed_before_storage(client, database, fields, settings, make, kind):
    original = make()
    assert SECRET.encode() in original  # the test file does carry the metadata
    page = review(client, KEY, fields)
    photo = (io.BytesIO(original), f"IMG_0001.{kind}")
    filed = file_from_review(client, KEY, page.get_data(as_text=True), attachments=[photo])
    assert filed.status_code == 303
    *_, submission = _row(database, _token(filed))
    (reference,) = submission["attachments"]
    stored = (settings.var_dir / "attachments" / reference["id"]).read_bytes()
    assert SECRET.encode() not in stored and b"Exif" not in stored and b"iTXt" not in stored
    assert reference["size"] == len(stored) < len(original)
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(stored))
    assert after.format == before.format and after.size == before.size
    assert not after.getexif() and "Author" not in after.info
    assert after.tobytes() == before.tobytes()  # the picture itself unchanged


def _bad_photos() -> dict[str, tuple[bytes, int]]:
    jpeg, png = _jpeg_with_exif(), _png_with_text()
    broken_crc = bytearray(png)
    broken_crc[20] ^= 0xFF  # inside IHDR
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    huge = io.BytesIO()
    Image.new("L", (2, 2)).save(huge, "PNG")
    return {
        "html named .jpg": (b"<html><script>alert(1)</script></html>", 400),
        "pdf as a photo": (b"%PDF-1.4\n%%EOF\n", 400),
        "gif": (gif.getvalue(), 400),
        "truncated jpeg": (jpeg[: len(jpeg) // 2], 400),
        "jpeg without frame": (b"\xff\xd8\xff\xfe\x00\x04ab\xff\xda\x00\x02\xff\xd9", 400),
        "png with a bad crc": (bytes(broken_crc), 400),
        "png cut before IEND": (png[:-12], 400),
        "too large": (jpeg + b"\0" * (5 * 1024 * 1024), 413),
    }


@pytest.mark.parametrize("name", list(_bad_photos()))
def test_a_bad_photo_is_refused_and_nothing_is_stored(client, database, fields, settings, name):
    content, status = _bad_photos()[name]
    folder = settings.var_dir / "attachments"
    before = set(folder.iterdir()) if folder.exists() else set()
    page = review(client, KEY, fields)
    html = page.get_data(as_text=True)
    answer = file_from_review(client, KEY, html, attachments=[(io.BytesIO(content), "a.jpg")])
    assert answer.status_code == status
    expected = "Plik jest za duży" if status == 413 else "zdjęcie musi być nieuszkodzonym"
    assert expected in answer.get_data(as_text=True)
    assert _cases_of(database, html) == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"x": "150000", "y": "150000"}, "x", "To miejsce leży poza powiatem."),
        ({"x": "", "y": ""}, "x", "Podaj współrzędne X i Y w metrach (EPSG:2180)."),
        ({"x": "abc", "y": "1"}, "x", "Podaj współrzędne X i Y w metrach (EPSG:2180)."),
        ({"x": "", "y": "", "location_parcel": "12/3"}, "location_parcel",
         "To nie jest poprawny identyfikator działki"),
        ({"category": ""}, "category", "Wybierz rodzaj błędu."),
        ({"category": "sewer"}, "category", "Wybierz rodzaj błędu."),
        ({"description": ""}, "description", "To pole jest wymagane."),
    ],
)  # fmt: skip
def test_a_report_without_a_place_in_the_county_or_a_category_is_sent_back(
    client, database, fields, changes, field, message
):
    page = review(client, KEY, fields | changes)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    with database.connect("owner") as conn:
        before = conn.execute("SELECT count(*) FROM cases.case_file").fetchone()[0]
    good = file_from_review(client, KEY, review(client, KEY, fields).get_data(as_text=True),
                            **changes)  # fmt: skip
    assert good.status_code == 400  # a changed review page is refused at filing
    with database.connect("owner") as conn:
        assert conn.execute("SELECT count(*) FROM cases.case_file").fetchone()[0] == before


def test_the_form_carries_the_map_picker_and_works_without_it(client):
    html = client.get(f"/e-uslugi/{KEY}").get_data(as_text=True)
    assert 'id="location-map"' in html and "/static/build/picker.js" in html
    config = json.loads(html.split('id="picker-config">')[1].split("</script>")[0])
    assert config["projection"]["code"] == "EPSG:2180"
    assert {layer["wms_name"] for layer in config["layers"]} <= {"dzialki", "budynki",
                                                                 "numery_dzialek"}  # fmt: skip
    assert all(not url.startswith("http") for url in config["urls"].values())  # our own origin
    assert 'name="x"' in html and 'name="location_parcel"' in html  # the no-JavaScript way
