"""ReportLab set up once for every PDF the portal makes: fonts and stream filters.

DejaVu (Debian's ``fonts-dejavu-core``) carries every Polish letter and is embedded in
each file, which PDF/A requires; drawings (a QR code, a legend) start from the default
graphics font even when they draw no text, so that is DejaVu too, never a Helvetica the
file would not embed. Streams are Flate-compressed without ReportLab's default ASCII85
layer: binary streams are valid PDF (and PDF/A), a third smaller, and ReportLab 4+
encodes ASCII85 in pure Python without its separate accelerator package - 0.6 s of a
1.6 s 300 dpi print sheet (cProfile).
"""

from __future__ import annotations

from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"


def prepare_reportlab() -> None:
    """Register the fonts and settings (idempotent; call before laying out a PDF)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    rl_config.defaultGraphicsFontName = FONT
    rl_config.useA85 = 0
