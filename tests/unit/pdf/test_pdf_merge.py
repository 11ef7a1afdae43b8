"""Papers of several parts joined and numbered: each mark lands at the bottom-right corner of its
page whatever the page's size or what its own content leaves behind, read back with poppler."""

from __future__ import annotations

import io
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from docgen.pdf.merge import Part, merge_numbered
from tests.fixtures.pdfs import A4, helvetica, make_pdf

LETTER = (612.0, 792.0)
MARK_X, MARK_Y = 480.0, 30.0


def _stream(writer: PdfWriter, data: bytes) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _marks(total: int) -> bytes:
    """``total`` A4 pages, page n carrying only "Mark n of total" at (MARK_X, MARK_Y); the even
    pages' content in two streams."""
    writer = PdfWriter()
    font = helvetica(writer)
    for n in range(1, total + 1):
        page = writer.add_blank_page(*A4)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F9"): font})}
        )
        text = f"BT /F9 9 Tf {MARK_X:g} {MARK_Y:g} Td (Mark {n} of {total}) Tj ET".encode()
        if n % 2:
            page[NameObject("/Contents")] = _stream(writer, text)
        else:  # content in two streams, as a page may have
            page[NameObject("/Contents")] = ArrayObject(
                [_stream(writer, b"q"), _stream(writer, text + b" Q")]
            )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _unbalanced(data: bytes) -> bytes:
    """The same pages, each drawn after a move (50 right, 400 down) that is never undone."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    for page in writer.pages:
        own = page.raw_get("/Contents")
        page[NameObject("/Contents")] = ArrayObject([_stream(writer, b"1 0 0 1 50 -400 cm\n"), own])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _words(pdf: bytes, tmp_path: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's words as (word, xMin, yMax from the top), from poppler's pdftotext."""
    path = tmp_path / "merged.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append(
            [
                (m[5], float(m[1]), float(m[4]))
                for m in re.finditer(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                    page,
                )
            ]
        )
    return pages


def test_marks_sit_at_each_pages_bottom_right_and_skip_unmarked_parts(tmp_path: Path) -> None:
    parts = [
        Part(_unbalanced(make_pdf(2, label="letter")), marked=True),
        Part(make_pdf(1, label="form", size=LETTER), marked=False),
        Part(make_pdf(1, label="annex", size=LETTER), marked=True, fixed=True),
    ]
    merged = merge_numbered(parts, _marks, title="Letter before claim")

    reader = PdfReader(io.BytesIO(merged))
    assert [tuple(float(v) for v in p.mediabox[2:]) for p in reader.pages] == [A4, A4, LETTER, LETTER]
    assert reader.metadata is not None and reader.metadata.title == "Letter before claim"
    pages = _words(merged, tmp_path)
    for index, (width, height) in [(0, A4), (1, A4), (3, LETTER)]:
        words = pages[index]
        marks = [(x, y) for word, x, y in words if word == "Mark"]
        # the same corner offset on every page: the mark's own page is A4, moved to this page's corner
        assert len(marks) == 1, (index, words)
        x, y_from_top = marks[0]
        assert abs(x - (MARK_X + width - A4[0])) < 1.0, (index, x)
        assert abs((height - y_from_top) - MARK_Y) < 4.0, (index, y_from_top)
        assert [w for w, *_ in words if w.isdigit()][-2:] == [str(index + 1), "4"]
    assert not any(word == "Mark" for word, *_ in pages[2])  # the official form's page is counted, not marked
    # the page's own content is still drawn as it was (moved, as its stream says)
    own = [x for word, x, _ in pages[0] if word == "letter"]
    assert own and abs(own[0] - (72 + 50)) < 1.0


def test_fixed_parts_parsed_once_give_the_same_file_from_any_thread() -> None:
    enclosures = make_pdf(3, label="enclosure")
    letters = [make_pdf(2, label=f"letter {n}") for n in range(6)]

    def merged(letter: bytes, fixed: bool) -> bytes:
        parts = [Part(letter, marked=True), Part(enclosures, marked=True, fixed=fixed)]
        return merge_numbered(parts, _marks, title="Letter before claim")

    parsed_each_time = [merged(letter, fixed=False) for letter in letters]
    with ThreadPoolExecutor(4) as pool:  # a reader shared by merges in several threads at once
        reused = list(pool.map(lambda letter: merged(letter, fixed=True), letters * 3))
    assert reused == parsed_each_time * 3
    assert len(set(parsed_each_time)) == len(letters)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(reused[-1])).pages]
    assert ["letter 5 page 1" in texts[0], "enclosure page 3" in texts[4], "Mark 5 of 5" in texts[4]] == [
        True
    ] * 3
