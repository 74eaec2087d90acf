"""The PDF of a print: map frame at its exact physical size, then the furniture —
title, scale text and bar, north arrow, legend, date, data source and licence.

Text is set in DejaVu Sans (Debian's ``fonts-dejavu-core``), which has the Polish letters
the PDF base fonts lack.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from geoportal.pdffonts import BOLD, FONT, prepare_reportlab
from geoportal.printing.layout import (
    MARGIN_MM,
    POINTS_PER_MM,
    PrintPlan,
    format_scale,
    scale_bar_metres,
)

LEGEND_MAX_MM = (38.0, 24.0)  # the largest a legend image is drawn
LABELS = {
    "pl": {"scale": "Skala", "date": "Data wydruku", "source": "Źródło danych",
           "licence": "Licencja", "legend": "Legenda", "note": "Wydruk poglądowy, nie jest "
           "dokumentem urzędowym."},
    "en": {"scale": "Scale", "date": "Printed", "source": "Data source", "licence": "Licence",
           "legend": "Legend", "note": "For information only; not an official document."},
}  # fmt: skip


@dataclass(frozen=True)
class PrintTexts:
    """What the sheet says besides the map."""

    heading: str  # the county (and the demo mark)
    source: str
    licence: str
    language: str = "pl"
    printed_on: date | None = None


@dataclass(frozen=True)
class LegendEntry:
    title: str
    image: bytes  # PNG from GetLegendGraphic


def print_pdf(
    plan: PrintPlan, map_image: bytes, legend: list[LegendEntry], texts: PrintTexts
) -> bytes:
    """The PDF bytes of one sheet."""
    prepare_reportlab()
    labels = LABELS.get(texts.language, LABELS["pl"])
    buffer = io.BytesIO()
    page_w, page_h = (size * POINTS_PER_MM for size in plan.page_mm)
    canvas = Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1)
    canvas.setTitle(plan.request.title or texts.heading)
    canvas.setCreator("geoportal")
    _map(canvas, plan, map_image)
    _header(canvas, plan, texts)
    _north_arrow(canvas, plan)
    _footer(canvas, plan, legend, texts, labels)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _mm(value: float) -> float:
    return value * POINTS_PER_MM


def _map(canvas: Canvas, plan: PrintPlan, image: bytes) -> None:
    x, y = (_mm(v) for v in plan.frame_origin_mm)
    width, height = plan.frame_points
    canvas.drawImage(ImageReader(io.BytesIO(image)), x, y, width=width, height=height)
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, width, height)


def _header(canvas: Canvas, plan: PrintPlan, texts: PrintTexts) -> None:
    top = _mm(plan.page_mm[1] - MARGIN_MM)
    left = _mm(MARGIN_MM)
    title = plan.request.title
    canvas.setFont(BOLD, 14)
    canvas.drawString(left, top - 14, title or texts.heading)
    canvas.setFont(FONT, 9)
    canvas.drawString(left, top - 27, texts.heading if title else "")


def _north_arrow(canvas: Canvas, plan: PrintPlan) -> None:
    """An arrow in the frame's top-right corner: EPSG:2180 grid north is up."""
    x0, y0 = plan.frame_origin_mm
    width, height = plan.frame_mm
    cx, top = _mm(x0 + width - 10), _mm(y0 + height - 5)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.circle(cx, top - 18, 12, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    path.moveTo(cx, top - 8)
    path.lineTo(cx - 6, top - 28)
    path.lineTo(cx, top - 23)
    path.lineTo(cx + 6, top - 28)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFont(BOLD, 8)
    canvas.drawCentredString(cx, top - 6 + 1, "N")


def _footer(
    canvas: Canvas,
    plan: PrintPlan,
    legend: list[LegendEntry],
    texts: PrintTexts,
    labels: dict[str, str],
) -> None:
    left = _mm(MARGIN_MM)
    below = _mm(plan.frame_origin_mm[1]) - 14
    scale = plan.request.scale
    canvas.setFont(BOLD, 10)
    canvas.drawString(left, below, f"{labels['scale']} {format_scale(scale)}")
    _scale_bar(canvas, left, below - 16, scale)
    canvas.setFont(FONT, 7.5)
    printed = (texts.printed_on or date.today()).isoformat()
    lines = [
        f"{labels['date']}: {printed}",
        f"{labels['source']}: {texts.source}",
        f"{labels['licence']}: {texts.licence}",
        "PUWG 1992 (EPSG:2180). " + labels["note"],
    ]
    for number, line in enumerate(lines):
        canvas.drawString(left, below - 32 - number * 9.5, line)
    _legend(canvas, plan, legend, labels)


def _scale_bar(canvas: Canvas, x: float, y: float, scale: int) -> None:
    metres = scale_bar_metres(scale)
    length = _mm(metres * 1000 / scale)
    canvas.setLineWidth(0.5)
    for part in range(4):
        canvas.setFillColorRGB(*((0, 0, 0) if part % 2 == 0 else (1, 1, 1)))
        canvas.rect(x + part * length / 4, y, length / 4, 4, stroke=1, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(FONT, 7)
    canvas.drawString(x, y + 6, "0")
    label = f"{metres:g} m" if metres < 1000 else f"{metres / 1000:g} km"
    canvas.drawString(x + length - 4, y + 6, label)


def _legend(
    canvas: Canvas, plan: PrintPlan, legend: list[LegendEntry], labels: dict[str, str]
) -> None:
    if not legend:
        return
    x = _mm(plan.page_mm[0] / 2 - 10)
    top = _mm(plan.frame_origin_mm[1]) - 14
    canvas.setFont(BOLD, 9)
    canvas.drawString(x, top, labels["legend"])
    right = _mm(plan.page_mm[0] - MARGIN_MM)
    cursor_x, cursor_y = x, top - 4
    for entry in legend:
        reader = ImageReader(io.BytesIO(entry.image))
        width, height = reader.getSize()
        factor = min(1.0, _mm(LEGEND_MAX_MM[0]) / width, _mm(LEGEND_MAX_MM[1]) / height) * 0.75
        width, height = width * factor, height * factor
        if cursor_x + width > right:
            cursor_x, cursor_y = x, cursor_y - _mm(LEGEND_MAX_MM[1]) * 0.75
        if cursor_y - height < _mm(MARGIN_MM):
            break
        canvas.drawImage(reader, cursor_x, cursor_y - height, width=width, height=height)
        cursor_x += width + 6
