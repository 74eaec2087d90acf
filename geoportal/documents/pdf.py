"""Lay a :class:`~.content.Document` out as a PDF (ReportLab), Polish letters embedded.

DejaVu Sans (Debian's ``fonts-dejavu-core``, which ``scripts/bootstrap.sh`` installs) is
embedded as a subset, so ą, ę, ł, ó, ś, ź, ż print and copy out as themselves.

Map excerpts are placed at exactly :attr:`~.content.MapExcerpt.width_mm` on the page, the
size the frame was computed for (:mod:`.mapsheet`), with a scale bar drawn to the same
arithmetic. The file is made PDF/A-2b by :mod:`.pdfa` before it is signed (:mod:`.signing`).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)  # fmt: skip

from geoportal.documents.content import (
    BuildingCard,
    Certificate,
    Document,
    MapExcerpt,
    PlanningParcel,
    RegistrationUnit,
    Verification,
)  # fmt: skip
from geoportal.documents.mapsheet import scale_bar_m
from geoportal.documents.pdfa import to_pdfa
from geoportal.pdffonts import BOLD, FONT, prepare_reportlab

AUTOMATIC = (
    "Dokument wygenerowany automatycznie; nie wymaga podpisu odręcznego. "
    "Opatrzony pieczęcią elektroniczną urzędu."
)
CODE_KEYWORD = "kod-weryfikacyjny:"  # in /Keywords: the page finds the code in the file


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceBefore=6, spaceAfter=8),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=10.5, leading=13,
                             spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=9.5),
    }  # fmt: skip


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def render_pdf(document: Document, verification: Verification) -> bytes:
    """The document as PDF bytes (unsigned)."""
    prepare_reportlab()
    st = _styles()
    out = BytesIO()
    header = document.header
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=22 * mm, title=header.title, author=header.organ,
        subject=f"{header.title}, znak sprawy {header.case_mark}", creator="geoportal",
        keywords=f"{CODE_KEYWORD}{verification.code}", initialFontName=FONT,
    )  # fmt: skip
    story: list[Flowable] = [*_heading(document, st)]
    for unit in document.units:
        story += _unit(unit, st)
    if document.certificate is not None:
        story += _certificate(document.certificate, st)
    if document.building_cards is not None:
        story += _cards(document.building_cards, st)
    if document.planning:
        story += _planning(document.planning, st)
    for excerpt in document.maps:
        story += [PageBreak(), *_map(excerpt, st)]
    story += _closing(document, verification, st)
    footer = _footer(header.case_mark, verification)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return to_pdfa(out.getvalue())


def _heading(document: Document, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    h = document.header
    left = [_p(h.organ, ParagraphStyle("o", st["base"], fontName=BOLD)), _p(h.office, st["small"])]
    right = [_p(h.place, st["base"]), _p(f"Znak sprawy: {h.case_mark}", st["base"])]
    table = styled(
        Table([[left, right]], colWidths=[100 * mm, 70 * mm]), ("VALIGN", ALL, ALL_END, "TOP")
    )
    return [table, Spacer(1, 6 * mm), _p(h.title, st["title"])]


ALL, ALL_END = (0, 0), (-1, -1)


def styled(table: Table, *commands: tuple[Any, ...]) -> Table:
    """``table`` in our font throughout, then ``commands``.

    A table sets its cells' font before drawing them, Paragraph cells included; left at
    ReportLab's default it would reference Helvetica, which the file does not embed.
    """
    table.setStyle(TableStyle([("FONT", ALL, ALL_END, FONT), *commands]))
    return table


def _grid(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
    style = [
        ("FONT", ALL, ALL_END, FONT, 8),
        ("GRID", ALL, ALL_END, 0.4, colors.grey),
        ("VALIGN", ALL, ALL_END, "TOP"),
    ]
    if header:
        style += [("FONT", ALL, (-1, 0), BOLD, 8),
                  ("BACKGROUND", ALL, (-1, 0), colors.HexColor("#eeeeee"))]  # fmt: skip
    return styled(table, *style)


def _unit(unit: RegistrationUnit, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = st["cell"]
    place = _grid([
        ["Województwo", unit.voivodeship], ["Powiat", unit.county],
        ["Jednostka ewidencyjna", unit.cadastral_unit], ["Obręb ewidencyjny", unit.district],
        ["Jednostka rejestrowa", unit.unit_id],
    ], [50, 120], header=False)  # fmt: skip
    rows: list[list[Any]] = [["Nr działki", "Identyfikator", "Pole [ha]",
                              "Użytki i klasy: pole [ha]", "Nr KW"]]  # fmt: skip
    for parcel in unit.parcels:
        uses = "<br/>".join(f"{escape(u.label)}: {u.area_ha}" for u in parcel.land_uses) or "—"
        number = parcel.number + (f" (ark. {parcel.sheet})" if parcel.sheet else "")
        rows.append([number, _p(parcel.parcel_id, cell), f"{parcel.area_ha}",
                     Paragraph(uses, cell), _p(parcel.land_register_no or "—", cell)])  # fmt: skip
    rows.append(["Razem", "", f"{unit.total_area_ha}", "", ""])
    story: list[Flowable] = [_p(f"Jednostka rejestrowa {unit.unit_id}", st["h2"]), place,
                             Spacer(1, 3 * mm), _grid(rows, [22, 45, 20, 53, 30])]  # fmt: skip
    if unit.buildings:
        brows: list[list[Any]] = [["Identyfikator budynku", "Rodzaj (KŚT)", "Kondygnacje",
                                   "Pow. zabudowy [m²]", "Działka"]]  # fmt: skip
        for b in unit.buildings:
            floors = f"{b.floors_above or 0} nadz., {b.floors_below or 0} podz."
            brows.append([_p(b.building_id, cell), b.kst_type or "—", floors,
                          f"{b.built_up_area_m2 or '—'}", ", ".join(b.parcel_numbers)])  # fmt: skip
        story += [_p("Budynki", st["h2"]), _grid(brows, [48, 22, 32, 38, 30])]
    if unit.owners is None:
        story.append(_p("Wypis nie zawiera danych osobowych właścicieli i władających.",
                        st["small"]))  # fmt: skip
    else:
        orows: list[list[Any]] = [["Właściciel / władający", "Adres", "Udział", "Prawo"]]
        orows += [[_p(o.name, cell), _p(o.address or "—", cell), o.share, o.right]
                  for o in unit.owners]  # fmt: skip
        story += [_p("Właściciele i władający", st["h2"]), _grid(orows, [70, 60, 15, 25])]
    return story


def _certificate(certificate: Certificate, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [_p(certificate.basis, st["base"]), Spacer(1, 2 * mm),
            _p(certificate.statement, st["base"])]  # fmt: skip


def _cards(cards: tuple[BuildingCard, ...], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = st["cell"]
    if not cards:
        return [_p("Na działkach objętych wnioskiem nie ma budynków wykazanych w ewidencji.",
                   st["base"])]  # fmt: skip
    story: list[Flowable] = []
    for card in cards:
        floors = (f"{_or_dash(card.floors_above)} nadziemnych, "
                  f"{_or_dash(card.floors_below)} podziemnych")  # fmt: skip
        pairs = zip(card.parcel_numbers, card.parcel_ids, strict=True)
        parcels = "; ".join(f"{number} ({parcel_id})" for number, parcel_id in pairs)
        rows: list[list[Any]] = [
            ["Województwo", card.voivodeship], ["Powiat", card.county],
            ["Jednostka ewidencyjna", card.cadastral_unit], ["Obręb ewidencyjny", card.district],
            ["Identyfikator budynku", _p(card.building_id, cell)],
            ["Rodzaj wg KŚT", card.kst_type or "—"], ["Liczba kondygnacji", floors],
            ["Pow. zabudowy [m²]", _or_dash(card.built_up_area_m2)],
            ["Działki zabudowane", _p(parcels, cell)],
            ["Jednostka rejestrowa budynków", card.registration_unit_id or "—"],
        ]  # fmt: skip
        story += [KeepTogether([_p(f"Budynek {card.building_id}", st["h2"]),
                                _grid(rows, [50, 120], header=False)])]  # fmt: skip
    return story


def _or_dash(value: object) -> str:
    return "—" if value is None else str(value)


def _planning(parcels: tuple[PlanningParcel, ...], st: dict[str, ParagraphStyle]) -> list[Flowable]:
    cell = st["cell"]
    story: list[Flowable] = []
    for parcel in parcels:
        story.append(_p(f"Działka nr {parcel.number}, obręb {parcel.district} "
                        f"({parcel.parcel_id})", st["h2"]))  # fmt: skip
        if not parcel.zones:
            story.append(_p("Działka nie jest objęta obowiązującym miejscowym planem "
                            "zagospodarowania przestrzennego.", st["base"]))  # fmt: skip
            continue
        rows: list[list[Any]] = [["Symbol", "Przeznaczenie", "% pow.", "Plan"]]
        for z in parcel.zones:
            plan = f"{z.plan_title}; {z.resolution}" + (
                f"; {z.journal_entry}" if z.journal_entry else ""
            )
            rows.append([z.symbol, _p(z.designation, cell), f"{z.percent}", _p(plan, cell)])
        story.append(_grid(rows, [18, 55, 15, 82]))
        for z in parcel.zones:
            if z.plan_text:
                story.append(_p(f"Ustalenia dla terenu {z.symbol}: {z.plan_text}", st["small"]))
    return story


class ScaleBar(Flowable):
    """A scale bar whose length on paper is exactly ``metres / scale``."""

    def __init__(self, scale: int):
        super().__init__()
        self.scale, self.metres = scale, scale_bar_m(scale)
        self.length = self.metres / scale * 1000 * mm  # ground metres → paper mm → points
        self.width, self.height = self.length + 30 * mm, 10 * mm

    def draw(self) -> None:
        c, half = self.canv, self.length / 2
        c.setLineWidth(0.5)
        c.setFillColor(colors.black)
        c.rect(0, 4 * mm, half, 1.5 * mm, fill=1)
        c.setFillColor(colors.white)
        c.rect(half, 4 * mm, half, 1.5 * mm, fill=1)
        c.setFillColor(colors.black)
        c.setFont(FONT, 7)
        c.drawString(0, 0.5 * mm, "0")
        c.drawCentredString(half, 0.5 * mm, f"{self.metres // 2} m")
        c.drawCentredString(self.length, 0.5 * mm, f"{self.metres} m")
        c.drawString(self.length + 5 * mm, 3.5 * mm, f"skala 1:{self.scale}")


class MapFrame(Flowable):
    """The map image at exactly its size on paper, the requested parcels outlined on it."""

    def __init__(self, excerpt: MapExcerpt):
        super().__init__()
        self.excerpt = excerpt
        self.width, self.height = excerpt.width_mm * mm, excerpt.height_mm * mm

    def draw(self) -> None:
        c, e = self.canv, self.excerpt
        c.drawImage(ImageReader(BytesIO(e.png)), 0, 0, width=self.width, height=self.height)
        x0, y0, x1, y1 = e.bbox
        sx, sy = self.width / (x1 - x0), self.height / (y1 - y0)
        c.saveState()
        frame = c.beginPath()
        frame.rect(0, 0, self.width, self.height)
        c.clipPath(frame, stroke=1, fill=0)
        c.setStrokeColor(colors.HexColor(e.legend[0][0] if e.legend else "#d00000"))
        c.setLineWidth(1.6)
        for ring in e.highlight:
            path = c.beginPath()
            path.moveTo((ring[0][0] - x0) * sx, (ring[0][1] - y0) * sy)
            for x, y in ring[1:]:
                path.lineTo((x - x0) * sx, (y - y0) * sy)
            path.close()
            c.drawPath(path, stroke=1, fill=0)
        c.restoreState()


def _map(excerpt: MapExcerpt, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    image = MapFrame(excerpt)
    x0, y0, x1, y1 = excerpt.bbox
    legend = Drawing(170 * mm, 5 * mm * ((len(excerpt.legend) + 2) // 3))
    for i, (colour, label) in enumerate(excerpt.legend):
        x, y = (i % 3) * 57 * mm, legend.height - (i // 3 + 1) * 5 * mm
        legend.add(Rect(x, y + 1 * mm, 6 * mm, 3 * mm, fillColor=colors.HexColor(colour),
                        strokeColor=colors.black, strokeWidth=0.3))  # fmt: skip
        legend.add(String(x + 8 * mm, y + 1.5 * mm, label, fontName=FONT, fontSize=7))
    frame_info = (f"Skala 1:{excerpt.scale}. Układ współrzędnych {excerpt.crs}; narożniki "
                  f"ramki: X {x0:.2f} – {x1:.2f}, Y {y0:.2f} – {y1:.2f} m.")  # fmt: skip
    return [
        _p(f"Wyrys, skala 1:{excerpt.scale}", st["h2"]),
        image,
        Spacer(1, 2 * mm),
        KeepTogether(
            [ScaleBar(excerpt.scale), _p(frame_info, st["small"]), _p("Legenda", st["h2"]), legend]
        ),  # fmt: skip
    ]


def _closing(
    document: Document, verification: Verification, st: dict[str, ParagraphStyle]
) -> list[Flowable]:
    qr = QrCodeWidget(verification.url, barLevel="M")
    x0, y0, x1, y1 = qr.getBounds()
    side = 28 * mm
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(qr)
    lines = []
    for note in document.notes:
        lines.append(_p(note, st["small"]))
    if document.generated_automatically:
        lines.append(_p(AUTOMATIC, st["base"]))
    lines.append(_p(f"Kod weryfikacyjny: {group_code(verification.code)}", st["base"]))
    lines.append(_p(f"Sprawdź autentyczność: {verification.url}", st["small"]))
    table = Table([[drawing, lines]], colWidths=[32 * mm, 138 * mm])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONT", (0, 0), (-1, -1), FONT)])
    )
    return [Spacer(1, 6 * mm), KeepTogether([table])]


def group_code(code: str) -> str:
    """A code as printed, in groups of four: ``ABCD-EFGH-JKLM``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _footer(case_mark: str, verification: Verification) -> Any:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        text = (f"Znak sprawy {case_mark} · kod weryfikacyjny {group_code(verification.code)}"
                f" · strona {doc.page}")  # fmt: skip
        canvas.drawString(20 * mm, 12 * mm, text)
        canvas.restoreState()

    return draw
