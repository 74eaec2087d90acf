"""PDF/A-2b for what the office issues: ReportLab lays the page out, pikepdf adds the rest.

The open-source ReportLab writes a plain PDF: no XMP metadata and no output intent, the
two things ISO 19005-2 (PDF/A-2, level B) needs beyond what a careful layout already has
(every font embedded — :mod:`.pdf` sets DejaVu as the canvas' initial font so that no
base-14 Helvetica is referenced — no encryption, no JavaScript, a file identifier). This
module adds them:

* an XMP packet made from the document information dictionary (so both say the same
  title, author, subject, keywords, dates and producer) identifying the file as PDF/A-2B;
* an sRGB output intent, with the ICC profile LittleCMS builds (Pillow's ``ImageCms``):
  the layout paints in DeviceRGB, which PDF/A allows only under an output intent.

The signature pyHanko adds afterwards is an incremental update, which PDF/A permits; it
updates the XMP and the information dictionary together (the producer is set here so
that it can). No PDF/A validator (veraPDF is Java, out of reach here) checks the result;
``tests/unit/test_documents.py`` checks the requirements above on the signed files.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO

import pikepdf
from PIL import ImageCms
from pyhanko.pdf_utils.metadata.model import VENDOR as SIGNING_WRITER

SRGB = "sRGB IEC61966-2.1"


@cache
def _srgb_profile() -> bytes:
    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def to_pdfa(pdf: bytes) -> bytes:
    """``pdf`` with the XMP identification and output intent of PDF/A-2B.

    Raises :class:`ValueError` if a page uses a font the file does not embed: a layout
    that does so (a table or drawing left at ReportLab's Helvetica) is a bug to fix there,
    and no document goes out claiming PDF/A without meeting it.
    """
    with pikepdf.open(BytesIO(pdf)) as doc:
        missing = sorted({str(font.BaseFont) for font in _fonts(doc) if not _embedded(font)})
        if missing:
            raise ValueError(f"fonts not embedded, so not PDF/A: {', '.join(missing)}")
        # ReportLab's "/Trapped /False" has no XMP counterpart pikepdf would write, and
        # PDF/A wants the two to agree: the key is optional, so it goes.
        if pikepdf.Name.Trapped in doc.docinfo:
            del doc.docinfo[pikepdf.Name.Trapped]
        # The signature rewrites the XMP producer to pyHanko's name and keeps the
        # information dictionary's only if it already names pyHanko: naming the signing
        # writer, which writes the file's last revision, keeps the two equal.
        doc.docinfo[pikepdf.Name.Producer] = pikepdf.String(SIGNING_WRITER)
        with doc.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp.load_from_docinfo(doc.docinfo)
            xmp["pdfaid:part"] = "2"
            xmp["pdfaid:conformance"] = "B"
        profile = doc.make_stream(_srgb_profile())
        profile.N = 3
        doc.Root.OutputIntents = pikepdf.Array([
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier=pikepdf.String(SRGB),
                Info=pikepdf.String(SRGB),
                DestOutputProfile=profile,
            )
        ])  # fmt: skip
        out = BytesIO()
        doc.save(out)
    return out.getvalue()


def _fonts(doc: pikepdf.Pdf) -> list[pikepdf.Object]:
    found, pending, seen = [], [page.obj.get("/Resources") for page in doc.pages], set()
    while pending:
        resources = pending.pop()
        if resources is None:
            continue
        found += list(resources.get("/Font", {}).values())
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                pending.append(xobject.get("/Resources"))
    return found


def _embedded(font: pikepdf.Object) -> bool:
    if "/DescendantFonts" in font:
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )
