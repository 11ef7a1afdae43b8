"""Small charts drawn from the data, for reports.

A chart is laid out once (bars in pixel units) and written twice from that layout: as SVG for
HTML templates and as PNG for Word templates (python-docx cannot embed SVG). Bar lengths are worked
out in Decimal and only then turned into whole pixels.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from docgen.domain.money import fmt_gbp

WIDTH, LABEL_W, BAR_W, ROW_H, PAD = 600, 120, 330, 26, 12
BAR_COLOUR, TEXT_COLOUR, EMPTY_COLOUR = "#1F3A5F", "#222222", "#D0D7E1"
FONT_PATHS = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


@dataclass(frozen=True)
class Bar:
    label: str
    amount: Decimal
    length: int  # pixels


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    width_mm: float = 150.0

    @property
    def height(self) -> int:
        return PAD * 2 + ROW_H * (len(self.bars) + 1)

    @property
    def svg(self) -> str:
        h = self.height
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {h}" width="{WIDTH}" height="{h}" '
            f'role="img" aria-label="{escape(self.title)}" font-family="Liberation Sans, Arial, sans-serif" '
            'font-size="13">',
            f'<text x="{PAD}" y="{PAD + 14}" font-weight="bold" fill="{TEXT_COLOUR}">{escape(self.title)}</text>',
        ]
        for i, bar in enumerate(self.bars):
            y = PAD + ROW_H * (i + 1)
            colour = BAR_COLOUR if bar.amount > 0 else EMPTY_COLOUR
            out.append(f'<text x="{PAD}" y="{y + 16}" fill="{TEXT_COLOUR}">{escape(bar.label)}</text>')
            out.append(
                f'<rect x="{LABEL_W}" y="{y + 4}" width="{max(bar.length, 1)}" height="{ROW_H - 8}" '
                f'fill="{colour}"/>'
            )
            out.append(
                f'<text x="{LABEL_W + bar.length + 6}" y="{y + 16}" fill="{TEXT_COLOUR}">'
                f"{escape(fmt_gbp(bar.amount))}</text>"
            )
        out.append("</svg>")
        return "\n".join(out)

    @property
    def png(self) -> bytes:
        scale = 2  # drawn at twice the size so it stays sharp when printed
        image = Image.new("RGB", (WIDTH * scale, self.height * scale), "white")
        draw = ImageDraw.Draw(image)
        font, bold = _font(13 * scale), _font(13 * scale)
        draw.text((PAD * scale, PAD * scale), self.title, fill=TEXT_COLOUR, font=bold)
        for i, bar in enumerate(self.bars):
            y = (PAD + ROW_H * (i + 1)) * scale
            colour = BAR_COLOUR if bar.amount > 0 else EMPTY_COLOUR
            draw.text((PAD * scale, y + 4 * scale), bar.label, fill=TEXT_COLOUR, font=font)
            x0 = LABEL_W * scale
            draw.rectangle(
                (x0, y + 4 * scale, x0 + max(bar.length, 1) * scale, y + (ROW_H - 4) * scale), fill=colour
            )
            draw.text(
                (x0 + (bar.length + 6) * scale, y + 4 * scale),
                fmt_gbp(bar.amount),
                fill=TEXT_COLOUR,
                font=font,
            )
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=False)
        return out.getvalue()

    def __str__(self) -> str:
        # An HTML template may print the chart directly.
        return self.svg


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default()


def bar_chart(title: str, values: Mapping[str, Decimal], width_mm: float = 150.0) -> Chart:
    """Horizontal bars, one per label, scaled to the largest value (negative values drawn as 0)."""
    top = max((v for v in values.values() if v > 0), default=Decimal(0))
    bars = []
    for label, amount in values.items():
        length = 0
        if top > 0 and amount > 0:
            length = int((amount / top * BAR_W).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        bars.append(Bar(label, amount, length))
    return Chart(title, tuple(bars), width_mm)


def ageing_chart(ageing: Mapping[str, Decimal]) -> Chart:
    return bar_chart("Outstanding by age of debt", ageing)
