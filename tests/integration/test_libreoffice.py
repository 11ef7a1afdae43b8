"""The warm LibreOffice: one soffice serves many documents, restarts after N or on a hang, and
leaves no scratch files behind."""

from __future__ import annotations

import contextlib
import io
import os
import signal
from collections.abc import Iterator

import pytest
from docx import Document
from pypdf import PdfReader

from docgen.config import Settings
from docgen.errors import EngineUnavailable, InvalidInput
from docgen.render.libreoffice import LibreOffice, warm_libreoffice

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def docx_bytes(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def pdf_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


@pytest.fixture
def office(libreoffice: LibreOffice) -> Iterator[LibreOffice]:
    """A private LibreOffice for tests that kill or restart it (the session one stays warm)."""
    lo = LibreOffice(timeout_s=20, restart_after=3)
    yield lo
    lo.close()


def test_one_soffice_serves_many_documents(libreoffice: LibreOffice) -> None:
    libreoffice.convert(docx_bytes("warm up"))
    pid, starts = libreoffice.office_pid, libreoffice.starts
    for n in range(4):
        assert f"document {n}" in pdf_text(libreoffice.convert(docx_bytes(f"document {n}")))
    assert libreoffice.office_pid == pid
    assert libreoffice.starts == starts
    assert libreoffice.version.startswith(("6.", "7.", "24.", "25."))


def test_restarted_after_n_conversions(office: LibreOffice) -> None:
    pids = []
    for n in range(4):
        office.convert(docx_bytes(f"doc {n}"))
        pids.append(office.office_pid)
    assert office.starts == 2
    assert pids[0] == pids[1] == pids[2] != pids[3]


def test_a_hang_times_out_and_the_next_document_gets_a_fresh_soffice(office: LibreOffice) -> None:
    office.convert(docx_bytes("before"))
    hung = office.office_pid
    assert hung is not None
    office.timeout_s = 2
    os.killpg(hung, signal.SIGSTOP)  # soffice stops answering, as it does on a pathological file
    try:
        with pytest.raises(EngineUnavailable) as err:
            office.convert(docx_bytes("during"))
        assert err.value.code == "engine_timeout"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(hung, signal.SIGCONT)
    office.timeout_s = 20
    assert "after" in pdf_text(office.convert(docx_bytes("after")))
    assert not [p for p in office._workdir.iterdir() if p.name.startswith("conv-")]
    assert office.office_pid not in (None, hung)


def test_a_crashed_soffice_is_replaced_without_failing_the_document(office: LibreOffice) -> None:
    office.convert(docx_bytes("first"))
    pid = office.office_pid
    assert pid is not None
    os.killpg(pid, signal.SIGKILL)
    assert "second" in pdf_text(office.convert(docx_bytes("second")))
    assert office.office_pid != pid


def test_scratch_folders_are_removed(office: LibreOffice) -> None:
    office.convert(docx_bytes("one"))
    with pytest.raises(InvalidInput):
        office.convert(b"this is not a word document at all", suffix=".docx")
    assert not [p for p in office._workdir.iterdir() if p.name.startswith("conv-")]
    workdir = office._workdir
    office.close()
    assert not workdir.exists()


def test_missing_libreoffice_is_a_clear_engine_unavailable() -> None:
    with LibreOffice(soffice="/nonexistent/soffice") as lo, pytest.raises(EngineUnavailable) as err:
        lo.convert(docx_bytes("x"))
    assert "LibreOffice not found" in err.value.message


def test_missing_uno_python_is_a_clear_engine_unavailable() -> None:
    with LibreOffice(uno_python="/nonexistent/python3") as lo, pytest.raises(EngineUnavailable) as err:
        lo.convert(docx_bytes("x"))
    assert "python3-uno" in err.value.message


def test_a_python_without_uno_is_named() -> None:
    import sys

    # unsandboxed: the sandbox shows only the system's own programs, and this one is not among them
    with (
        LibreOffice(uno_python=sys.executable, timeout_s=20, sandbox="off") as lo,
        pytest.raises(EngineUnavailable) as err,
    ):
        lo.convert(docx_bytes("x"))
    assert "python3-uno" in err.value.message


def test_one_warm_instance_per_process_and_settings(tmp_path: object) -> None:
    settings = Settings(environment="test", libreoffice_restart_after=7)
    first = warm_libreoffice(settings)
    assert warm_libreoffice(settings) is first
    assert first.restart_after == 7
    assert warm_libreoffice(Settings(environment="test", libreoffice_restart_after=8)) is not first


def test_engine_output_is_identical_across_soffice_restarts(
    libreoffice: LibreOffice, office: LibreOffice
) -> None:
    from datetime import date
    from decimal import Decimal

    from docgen.render.base import PdfMeta
    from docgen.render.docx import DocxEngine

    meta = PdfMeta(title="same", document_id="5a" * 16, created=date(2025, 1, 31))
    settings = Settings(environment="test")
    engines = [DocxEngine(settings, office=lo) for lo in (libreoffice, office)]
    cover = {
        "council": "Example District Council",
        "meeting": date(2025, 2, 1),
        "count": 0,
        "total": Decimal("0"),
        "cases": [],
        "agenda": [],
        "last_item": 3,
    }
    first, second = (e.render("panel_pack_cover.docx", cover, meta) for e in engines)
    assert first.pdf == second.pdf
    assert libreoffice.office_pid != office.office_pid
