"""Embedding the standard fonts a PDF names but does not carry.

PDF/A wants every font that draws text embedded. Official court forms and many uploaded PDFs draw
with the standard 14 fonts (Helvetica, Times, Courier, Symbol, ZapfDingbats) or with Arial and
Times New Roman by name only, relying on the viewer to supply them. The URW base 35 fonts that
Debian installs with Ghostscript (fonts-urw-base35) are metric-compatible replacements made for
exactly this: same advance widths, same glyph names, same built-in encodings for the symbol
fonts. Each is embedded as its compact font program (CFF, ``/FontFile3 /Type1C``) with a
``/Widths`` array taken from the embedded program, so text keeps its exact position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools.agl import UV2AGL
from fontTools.encodings.StandardEncoding import StandardEncoding
from fontTools.ttLib import TTFont

URW_DIR = Path("/usr/share/fonts/opentype/urw-base35")

# Standard and common names -> the URW replacement (same metrics).
_FAMILIES = {
    "helvetica": "NimbusSans",
    "arial": "NimbusSans",
    "arialmt": "NimbusSans",
    "times": "NimbusRoman",
    "timesnewroman": "NimbusRoman",
    "timesnewromanps": "NimbusRoman",
    "timesnewromanpsmt": "NimbusRoman",
    "courier": "NimbusMonoPS",
    "couriernew": "NimbusMonoPS",
    "couriernewpsmt": "NimbusMonoPS",
}
_SYMBOLIC = {"symbol": "StandardSymbolsPS", "zapfdingbats": "D050000L"}
_SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")


def replacement_for(base_font: str) -> str | None:
    """The URW font file stem standing in for ``base_font``, or None when there is none."""
    name = _SUBSET_TAG.sub("", base_font.lstrip("/"))
    parts = re.split(r"[,-]", name, maxsplit=1)
    family = parts[0].lower().replace(" ", "")
    style = parts[1].lower() if len(parts) > 1 else ""
    if family in _SYMBOLIC:
        return _SYMBOLIC[family]
    for suffix in ("psmt", "mt", "ps"):
        if family not in _FAMILIES and family.endswith(suffix) and family[: -len(suffix)] in _FAMILIES:
            family = family[: -len(suffix)]
    urw = _FAMILIES.get(family)
    if urw is None:
        return None
    if family.startswith("times") and style in ("", "roman", "regular", "psmt", "mt"):
        return f"{urw}-Regular"
    bold = "bold" in style
    italic = "italic" in style or "oblique" in style
    if bold and italic:
        return f"{urw}-BoldItalic"
    if bold:
        return f"{urw}-Bold"
    if italic:
        return f"{urw}-Italic"
    return f"{urw}-Regular"


@dataclass(frozen=True)
class FontProgram:
    name: str
    cff: bytes
    widths: dict[str, int]  # glyph name -> advance width (1000 units per em)
    builtin: tuple[str, ...]  # glyph name per code of the program's own encoding
    bbox: tuple[int, int, int, int]
    italic_angle: float
    ascent: int
    descent: int
    cap_height: int
    symbolic: bool


@lru_cache(maxsize=16)
def load_program(stem: str) -> FontProgram:
    path = URW_DIR / f"{stem}.otf"
    font = TTFont(str(path))
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    encoding = top.Encoding
    builtin = tuple(StandardEncoding) if isinstance(encoding, str) else tuple(encoding)
    metrics = font["hmtx"].metrics
    os2 = font["OS/2"]
    post = font["post"]
    return FontProgram(
        name=cff.fontNames[0],
        cff=bytes(font.reader["CFF "]),
        widths={glyph: advance for glyph, (advance, _lsb) in metrics.items()},
        builtin=builtin,
        bbox=tuple(int(v) for v in top.FontBBox),  # type: ignore[arg-type]
        italic_angle=float(post.italicAngle),
        ascent=int(os2.sTypoAscender),
        descent=int(os2.sTypoDescender),
        cap_height=int(getattr(os2, "sCapHeight", 700) or 700),
        symbolic=stem in _SYMBOLIC.values(),
    )


def _base_encoding(name: str) -> list[str]:
    if name == "/WinAnsiEncoding":
        return [_cp_glyph(code, "cp1252") for code in range(256)]
    if name == "/MacRomanEncoding":
        return [_cp_glyph(code, "mac_roman") for code in range(256)]
    return list(StandardEncoding)


def _cp_glyph(code: int, codec: str) -> str:
    if code < 32:
        return ".notdef"
    try:
        char = bytes([code]).decode(codec)
    except UnicodeDecodeError:
        return "bullet" if codec == "cp1252" else ".notdef"
    if codec == "cp1252" and code == 0xA0:
        return "space"
    if codec == "cp1252" and code == 0xAD:
        return "hyphen"
    return UV2AGL.get(ord(char), ".notdef")


def glyph_names(font: pikepdf.Dictionary, program: FontProgram) -> list[str]:
    """The glyph each of the 256 codes selects, under the font dictionary's /Encoding."""
    encoding = font.get("/Encoding")
    if encoding is None:
        names = list(program.builtin) if program.symbolic else list(StandardEncoding)
    elif isinstance(encoding, pikepdf.Name):
        names = _base_encoding(str(encoding))
    else:
        base = encoding.get("/BaseEncoding")
        names = (
            _base_encoding(str(base))
            if base is not None
            else list(program.builtin if program.symbolic else StandardEncoding)
        )
        code = 0
        for item in encoding.get("/Differences", []):
            if isinstance(item, pikepdf.Name):
                if 0 <= code < 256:
                    names[code] = str(item)[1:]
                code += 1
            else:
                code = int(item)
    return names + [".notdef"] * (256 - len(names))


def is_embedded(font: pikepdf.Dictionary) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # drawn by its own content streams
    if subtype == "/Type0":
        descendants = font.get("/DescendantFonts")
        if not descendants:
            return False
        return all(isinstance(d, pikepdf.Dictionary) and is_embedded(d) for d in descendants)
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def embed_replacement(pdf: pikepdf.Pdf, font: pikepdf.Dictionary) -> bool:
    """Turn a simple, non-embedded standard font into an embedded URW one. False when not possible."""
    if font.get("/Subtype") not in ("/Type1", "/TrueType", "/MMType1"):
        return False
    stem = replacement_for(str(font.get("/BaseFont", "")))
    if stem is None or not (URW_DIR / f"{stem}.otf").is_file():
        return False
    program = load_program(stem)
    names = glyph_names(font, program)
    missing = program.widths.get(".notdef", 0)
    widths = [program.widths.get(n, missing) for n in names]
    first = next((i for i, n in enumerate(names) if n != ".notdef"), 0)
    last = max((i for i, n in enumerate(names) if n != ".notdef"), default=255)
    stream = pikepdf.Stream(pdf, program.cff)
    stream[pikepdf.Name.Subtype] = pikepdf.Name("/Type1C")
    flags = 4 if program.symbolic else 32
    if program.italic_angle:
        flags |= 64
    if stem.startswith("NimbusMonoPS"):
        flags |= 1
    if stem.startswith("NimbusRoman"):
        flags |= 2
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + program.name),
        Flags=flags,
        FontBBox=pikepdf.Array(list(program.bbox)),
        ItalicAngle=program.italic_angle,
        Ascent=program.ascent,
        Descent=program.descent,
        CapHeight=program.cap_height,
        StemV=80,
        FontFile3=stream,
    )
    font[pikepdf.Name.Subtype] = pikepdf.Name.Type1
    font[pikepdf.Name.BaseFont] = pikepdf.Name("/" + program.name)
    font[pikepdf.Name.FirstChar] = first
    font[pikepdf.Name.LastChar] = last
    font[pikepdf.Name.Widths] = pikepdf.Array(widths[first : last + 1])
    font[pikepdf.Name.FontDescriptor] = pdf.make_indirect(descriptor)
    if program.symbolic and "/Encoding" in font and isinstance(font.Encoding, pikepdf.Name):
        del font["/Encoding"]  # a symbolic font draws with its own encoding
    return True
