"""The receipt of a filed request (UPO-like) as a PDF, for the applicant to keep.

What it states is what the receipt JSON states — the case mark, the e-service, the
server's time of filing, the SHA-256 of the request and of its audit event, the
deadline — rendered with the documents' fonts (Polish letters embedded). It is made
from the stored case after the commit, never before.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table

from geoportal.cases.calendar import OFFICE_TZ
from geoportal.cases.store import Receipt
from geoportal.documents.pdf import ALL, ALL_END, _p, _styles, styled
from geoportal.documents.pdfa import to_pdfa
from geoportal.pdffonts import FONT, prepare_reportlab


def receipt_pdf(receipt: Receipt, service_title: str, organ: str, tracking_url: str) -> bytes:
    """The receipt as PDF bytes."""
    prepare_reportlab()
    st = _styles()
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm,
                            title=f"Potwierdzenie złożenia wniosku {receipt.mark}",
                            author=organ, creator="geoportal", initialFontName=FONT)  # fmt: skip
    filed = receipt.submitted_at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M:%S %Z")
    rows = [
        ["Znak sprawy", receipt.mark],
        ["Usługa", service_title],
        ["Data i czas złożenia", filed],
        ["Termin załatwienia", receipt.deadline.isoformat() if receipt.deadline else "—"],
        ["SHA-256 wniosku", receipt.submission_sha256],
        ["SHA-256 zdarzenia w dzienniku", receipt.audit_hash],
        ["Stan sprawy", tracking_url],
    ]
    story: list[Flowable] = [
        _p(organ, st["base"]),
        _p("Potwierdzenie złożenia wniosku", st["title"]),
        _table([[_p(key, st["cell"]), _p(value, st["cell"])] for key, value in rows]),
        Spacer(1, 6 * mm),
        _p(
            "Wniosek został zarejestrowany w systemie spraw urzędu. Skrót SHA-256 pozwala "
            "sprawdzić, że treść wniosku nie zmieniła się po złożeniu.",
            st["small"],
        ),  # fmt: skip
    ]
    doc.build(story)
    return to_pdfa(out.getvalue())


def _table(rows: list[list[Flowable]]) -> Table:
    table = Table(rows, colWidths=[50 * mm, 120 * mm])
    return styled(table, ("VALIGN", ALL, ALL_END, "TOP"), ("GRID", ALL, ALL_END, 0.4, "#888888"))
