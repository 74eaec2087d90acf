"""Documents without a database: content rules, codes, scale arithmetic, the PDF itself
(text with Polish letters, the case mark, the map placed at its exact size), signatures."""

from __future__ import annotations

import datetime as dt
import doctest
import hashlib
import re
from decimal import Decimal
from io import BytesIO

import pytest
from lxml import etree
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from geoportal.cases.store import Receipt
from geoportal.documents import mapsheet, register
from geoportal.documents.content import (
    Document,
    Header,
    LandUse,
    MapExcerpt,
    Owner,
    Parcel,
    RegistrationUnit,
    Verification,
)  # fmt: skip
from geoportal.documents.mapsheet import fitting_scale, frame_for, scale_bar_m
from geoportal.documents.pdf import group_code, render_pdf
from geoportal.documents.pdfa import to_pdfa
from geoportal.documents.receipt import receipt_pdf
from geoportal.documents.signing import PdfSigner, check_signature, ensure_dev_pki, trust_roots

MM = 72 / 25.4  # PDF points per millimetre


@pytest.mark.parametrize("module", [mapsheet, register])
def test_docstring_examples_run(module):
    assert doctest.testmod(module).failed == 0


def test_land_use_labels_as_a_wypis_prints_them():
    assert LandUse("R", "R", "IVa", Decimal("1")).label == "R IVa"
    assert LandUse("Br", "R", "IVa", Decimal("1")).label == "Br-RIVa"
    assert LandUse("B", None, None, Decimal("1")).label == "B"


def test_codes_are_random_base32_and_typed_codes_normalise():
    codes = {register.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[A-Z2-7]{12}", code) for code in codes)
    assert register.normalise_code("abcd efgh-2345") == "ABCDEFGH2345"
    assert register.normalise_code("ABCDEFGH234") is None  # too short
    assert register.normalise_code("ABCDEFGH2341") is None  # 1 is not base32
    assert group_code("ABCDEFGH2345") == "ABCD-EFGH-2345"


@pytest.mark.parametrize("scale", [500, 1000, 2000, 5000])
def test_a_frame_is_true_to_its_scale(scale):
    frame = frame_for((500_000, 400_000, 500_050, 400_050), scale)
    # ground metres / paper metres == scale, in both directions
    assert frame.ground_width_m / (frame.width_mm / 1000) == pytest.approx(scale, rel=1e-9)
    ground_h = frame.bbox[3] - frame.bbox[1]
    assert ground_h / (frame.height_mm / 1000) == pytest.approx(scale, rel=1e-9)
    # the image's pixels at the frame's DPI are the frame's millimetres
    assert frame.width_px / frame.dpi * 25.4 == pytest.approx(frame.width_mm)


def test_100_m_at_1_1000_is_10_cm():
    frame = frame_for((0, 0, 100, 100), 1000)
    metres_per_mm = frame.ground_width_m / frame.width_mm
    assert 100 / metres_per_mm == pytest.approx(100.0)  # 100 m of ground → 100 mm of paper


def test_the_most_detailed_fitting_scale_is_chosen_and_others_refused():
    assert fitting_scale((0, 0, 50, 50)) == 500
    assert fitting_scale((0, 0, 110, 80)) == 1000
    assert fitting_scale((0, 0, 200, 200)) == 2000
    assert fitting_scale((0, 0, 3000, 3000)) == 5000  # too big for any: the smallest scale
    with pytest.raises(ValueError, match="1:2500"):
        frame_for((0, 0, 1, 1), 2500)
    assert scale_bar_m(1000) / 1000 * 1000 >= 40  # at least 4 cm on paper


def _png(width: int, height: int) -> bytes:
    out = BytesIO()
    PILImage.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def sample_document(owners: bool = True, with_map: bool = True) -> Document:
    header = Header("Starosta Łaski", "Starostwo Powiatowe w Łasku, ul. Warszawska 14",
                    "GK.6640.7.2026", "Wypis z rejestru gruntów", dt.date(2026, 12, 1),
                    "Łask, 1 grudnia 2026 r.")  # fmt: skip
    parcel = Parcel("100302_4.0001.12/3", "12/3", None, Decimal("0.8033"), "SR1L/00012345/6",
                    (LandUse("Br", "R", "IVa", Decimal("0.5000")),
                     LandUse("B", None, None, Decimal("0.3033"))))  # fmt: skip
    people = (Owner("Zdzisław Żółkiewski, imiona rodziców: Józef i Łucja",
                    "ul. Źródlana 5, 98-100 Łask", "1/2", "własność"),)  # fmt: skip
    unit = RegistrationUnit("100302_4.0001.G43", "łódzkie", "Powiat łaski", "100302_4 Łask",
                            "0001 Łask 1 Śródmieście", (parcel,), (),
                            people if owners else None)  # fmt: skip
    maps = ()
    if with_map:
        frame = frame_for((509_000, 415_000, 509_100, 415_100), 1000)
        png, legend = _png(frame.width_px, frame.height_px), (("#1e90ff", "Działki"),)
        maps = (MapExcerpt(png, frame.bbox, 1000, frame.width_mm, frame.height_mm, legend),)
    return Document(header, (unit,), (), maps)


VERIFY = Verification("ABCDEFGH2345", "http://127.0.0.1/weryfikacja/ABCDEFGH2345")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_pdf_carries_polish_text_the_case_mark_and_the_code():
    text = _text(render_pdf(sample_document(), VERIFY))
    for expected in ("Starosta Łaski", "GK.6640.7.2026", "Wypis z rejestru gruntów",
                     "łódzkie", "0001 Łask 1 Śródmieście", "100302_4.0001.G43", "12/3",
                     "0.8033", "Br-RIVa", "SR1L/00012345/6", "Zdzisław Żółkiewski",
                     "Dokument wygenerowany automatycznie", "ABCD-EFGH-2345",
                     "/weryfikacja/ABCDEFGH2345"):  # fmt: skip
        assert expected in text, expected


def test_the_variant_without_personal_data_shows_no_owner():
    text = _text(render_pdf(sample_document(owners=False, with_map=False), VERIFY))
    assert "Żółkiewski" not in text and "Źródlana" not in text
    assert "nie zawiera danych osobowych" in text


def _fonts_of(resources, seen: set) -> list:
    """Every font a page's resources reach, through form XObjects too."""
    fonts = []
    for ref in resources.get("/Font", {}).values():
        fonts.append(ref.get_object())
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            fonts += _fonts_of(xobject.get("/Resources", {}), seen)
    return fonts


def _embedded(font) -> bool:
    font = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _receipt() -> bytes:
    receipt = Receipt("GK.6640.7.2026", "egib", dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
                      "a" * 64, "b" * 64, dt.date(2026, 12, 10))  # fmt: skip
    return receipt_pdf(receipt, "Wypis z rejestru gruntów", "Starosta Łaski", "http://x/s/t")


@pytest.mark.parametrize("make", [
    lambda: render_pdf(sample_document(), VERIFY),
    lambda: render_pdf(sample_document(owners=False, with_map=False), VERIFY),
    _receipt,
], ids=["wypis-i-wyrys", "wypis", "receipt"])  # fmt: skip
def test_every_font_is_embedded(make):
    reader = PdfReader(BytesIO(make()))
    fonts = [f for page in reader.pages for f in _fonts_of(page["/Resources"], set())]
    assert fonts
    assert [str(f["/BaseFont"]) for f in fonts if not _embedded(f)] == []


def _xmp(reader: PdfReader) -> dict[str, str]:
    """The XMP properties as text, namespace-qualified, parsed here with lxml."""
    root = etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())
    found = {}
    for element in root.iter():
        if isinstance(element.tag, str) and not len(element):
            found[element.tag] = (element.text or "").strip()
        for name, value in element.attrib.items():  # properties written as attributes
            found[name] = value
    return found


PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
DC, PDF_NS = "{http://purl.org/dc/elements/1.1/}", "{http://ns.adobe.com/pdf/1.3/}"
XMP_NS = "{http://ns.adobe.com/xap/1.0/}"
RDF_LI = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"


def test_a_signed_document_keeps_the_pdfa_2b_requirements(pki):
    signed = PdfSigner(pki, "Łask").sign(render_pdf(sample_document(), VERIFY), "test")
    assert check_signature(signed, trust_roots(pki.chain)).valid
    reader = PdfReader(BytesIO(signed))
    xmp, info = _xmp(reader), reader.metadata
    assert (xmp[PDFAID + "part"], xmp[PDFAID + "conformance"]) == ("2", "B")
    # the information dictionary and the XMP say the same (ISO 19005-2, 6.6.2.3)
    assert xmp[PDF_NS + "Producer"] == info["/Producer"]
    assert xmp[PDF_NS + "Keywords"] == info["/Keywords"] == "kod-weryfikacyjny:ABCDEFGH2345"
    assert xmp[XMP_NS + "CreatorTool"] == info["/Creator"] == "geoportal"
    texts = {el.text for el in etree.fromstring(
        reader.trailer["/Root"]["/Metadata"].get_object().get_data()).iter(RDF_LI)}  # fmt: skip
    assert {"Wypis z rejestru gruntów", "Starosta Łaski"} <= texts
    assert info["/Title"] == "Wypis z rejestru gruntów" and info["/Author"] == "Starosta Łaski"
    modified = dt.datetime.fromisoformat(xmp[XMP_NS + "ModifyDate"])
    assert modified == reader.metadata.modification_date.replace(tzinfo=dt.UTC)
    # an sRGB output intent with a real ICC profile (header: RGB data, 'acsp' signature)
    [intent] = reader.trailer["/Root"]["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert profile["/N"] == 3 and icc[16:20] == b"RGB " and icc[36:40] == b"acsp"
    # nothing PDF/A forbids: encryption, JavaScript, hidden or non-printing annotations
    assert "/Encrypt" not in reader.trailer and "/ID" in reader.trailer
    assert b"/JavaScript" not in signed and b"/JS " not in signed
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            flags = int(annotation.get_object()["/F"])
            assert flags & 4 and not flags & (1 | 2 | 32), flags  # print; not hidden


def placed_images(pdf: bytes) -> list[tuple[int, int, float, float]]:
    """(pixel width, pixel height, placed width pt, placed height pt) of each raster image."""
    found = []
    for page in PdfReader(BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject", {})
        content = page.get_contents().get_data().decode("latin-1")
        for name, ref in xobjects.items():
            image = ref.get_object()
            if image.get("/Subtype") != "/Image":
                continue
            # ReportLab places an image as "q a 0 0 d e f cm /Name Do Q"
            match = re.search(
                r"([\d.]+) 0 0 ([\d.]+) [\d.-]+ [\d.-]+ cm\s+" + re.escape(name) + r" Do", content
            )
            assert match, name
            found.append((image["/Width"], image["/Height"], float(match[1]), float(match[2])))
    return found


def test_the_map_is_placed_at_its_scale():
    document = sample_document()
    excerpt = document.maps[0]
    [(px_w, px_h, placed_w, placed_h)] = [
        i for i in placed_images(render_pdf(document, VERIFY)) if i[0] > 500
    ]
    assert (px_w, px_h) == (1339, 1181)  # 170 × 150 mm at 200 dpi
    assert placed_w / MM == pytest.approx(excerpt.width_mm, abs=0.01)
    assert placed_h / MM == pytest.approx(excerpt.height_mm, abs=0.01)
    ground_w = excerpt.bbox[2] - excerpt.bbox[0]
    assert ground_w / (placed_w / MM / 1000) == pytest.approx(1000, rel=1e-4)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return ensure_dev_pki(tmp_path_factory.mktemp("pki"))


def test_a_signed_pdf_validates_and_any_change_breaks_it(pki):
    pdf = render_pdf(sample_document(with_map=False), VERIFY)
    signed = PdfSigner(pki, "Łask").sign(pdf, "test")
    roots = trust_roots(pki.chain)
    assert check_signature(signed, roots).valid
    # one byte changed inside the signed range
    position = signed.index(b"/Producer")
    altered = signed[:position] + b"/Producex" + signed[position + 9 :]
    assert hashlib.sha256(altered).hexdigest() != hashlib.sha256(signed).hexdigest()
    assert not check_signature(altered, roots).valid
    # an incremental update appended after signing is not covered
    assert not check_signature(signed + b"\n% appended\n", roots).valid
    # an unsigned or unparseable file is not valid either
    assert not check_signature(pdf, roots).present
    assert not check_signature(b"not a pdf", roots).valid


def test_a_signature_from_another_ca_is_not_trusted(pki, tmp_path):
    other = ensure_dev_pki(tmp_path / "other")
    signed = PdfSigner(other, "Łask").sign(render_pdf(sample_document(False, False), VERIFY), "x")
    check = check_signature(signed, trust_roots(pki.chain))
    assert check.intact and not check.trusted and not check.valid


def test_a_layout_with_an_unembedded_font_is_refused_not_issued():
    out = BytesIO()
    canvas = Canvas(out)
    canvas.setFont("Helvetica", 10)  # a base-14 font: referenced, never embedded
    canvas.drawString(100, 100, "Wypis")
    canvas.save()
    with pytest.raises(ValueError, match="Helvetica"):
        to_pdfa(out.getvalue())
