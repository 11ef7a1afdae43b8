"""The compact writer holds exactly what pypdf's plain writer holds, in fewer bytes."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from docgen.pdf.metadata import LabelRange, set_page_labels, write_deterministic
from docgen.pdf.outline import add_bookmark
from tests.fixtures.pdfs import make_pdf


def _writer() -> PdfWriter:
    writer = PdfWriter()
    for n in range(3):
        source = make_pdf(4, label=f"part{n}", outline=[("Ünïcode – heading", 1)], rotate=90 * n)
        for page in PdfReader(io.BytesIO(source)).pages:
            writer.add_page(page)
    add_bookmark(writer, "Part (a) #1 [x]", 5)
    set_page_labels(writer, [LabelRange(0, "/r"), LabelRange(2, "/D", "A")])
    writer.add_metadata({"/Title": "Bündel (draft)", "/Keywords": "a; b"})
    return writer


def test_compact_and_plain_files_read_the_same(tmp_path: Path) -> None:
    compact = write_deterministic(_writer(), compact=True)
    plain = write_deterministic(_writer(), compact=False)
    assert len(compact) < len(plain)
    a, b = PdfReader(io.BytesIO(compact)), PdfReader(io.BytesIO(plain))
    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
    assert [p.rotation for p in a.pages] == [p.rotation for p in b.pages] == [0] * 4 + [90] * 4 + [180] * 4
    assert a.page_labels == b.page_labels == ["i", "ii", *[f"A{i}" for i in range(1, 11)]]
    assert [o.title for o in a.outline] == [o.title for o in b.outline] == ["Part (a) #1 [x]"]
    assert a.metadata is not None and a.metadata.title == "Bündel (draft)"
    # an independent reader agrees the file is sound
    path = tmp_path / "c.pdf"
    path.write_bytes(compact)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_compact_output_is_deterministic_with_a_content_id() -> None:
    first, second = write_deterministic(_writer()), write_deterministic(_writer())
    assert first == second
    ids = PdfReader(io.BytesIO(first)).trailer["/ID"]
    assert ids[0] == ids[1] and len(ids[0]) == 16 and set(ids[0]) != {0}
