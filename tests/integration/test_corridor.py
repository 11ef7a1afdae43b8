"""The generation corridor, for one-case and batch papers alike: unchanged inputs answer from the
register and render nothing; a changed template or a changed write-off policy is a new version;
batch papers live in their own register namespace. Real renders (WeasyPrint, LibreOffice), the
filesystem store and the SQLite register."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.config import PROJECT_ROOT, Settings
from docgen.domain import writeoff_policy
from docgen.register import unit_of_work
from docgen.register.models import Role
from docgen.register.repositories import documents
from docgen.services import generation
from docgen.services.auth import Principal
from docgen.services.backend import Backend
from tests.fixtures.bulk_cases import CLAIM_AS_OF, CaseFactory
from tests.unit.documents.test_writeoff import make_case

OFFICER = Principal("olivia.officer", Role.officer)
AS_OF = date(2025, 6, 30)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of the shipped templates that a test may change."""
    return Path(shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates"))


@pytest.fixture
def backend(settings: Settings, templates: Path) -> Backend:
    return Backend.open(settings.model_copy(update={"templates_dir": templates}))


@pytest.fixture
def policies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped write-off policies in a folder a test may change."""
    folder = Path(shutil.copytree(writeoff_policy.POLICIES_DIR, tmp_path / "policies"))
    monkeypatch.setattr(writeoff_policy, "POLICIES_DIR", folder)
    return folder


def edit_docx(path: Path, old: str, new: str) -> None:
    """Change words in a Word template's body, as an admin editing it in Word would."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def raise_limits(folder: Path, name: str = "district_example") -> None:
    """The council changes its policy: the same name, a higher delegated limit."""
    path = folder / f"{name}.json"
    data = json.loads(path.read_text())
    for level in data["levels"]:
        if level.get("limit") is not None:
            level["limit"] = str(Decimal(level["limit"]) * 2)
    path.write_text(json.dumps(data, indent=2))


def _ref_of(backend: Backend, made: generation.Generated) -> str:
    with unit_of_work(backend.sessions) as session:
        document = documents.get(session, made.version.document_id)
        assert document is not None
        return document.case_ref


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# -- one-case papers ------------------------------------------------------------------------------


def test_a_changed_template_makes_a_new_version_of_a_one_case_paper(
    backend: Backend, templates: Path, make_case: CaseFactory
) -> None:
    case = make_case(case_ref="COR/1")
    first = generation.generate_case(backend, case, "letter_before_claim", CLAIM_AS_OF, OFFICER)
    same = generation.generate_case(backend, case, "letter_before_claim", CLAIM_AS_OF, OFFICER)
    assert first.stored and not same.stored and same.pdf is None  # answered without a render
    assert same.version.id == first.version.id

    # WHEN the letter's template changes
    template = templates / "html" / "claims" / "letter_before_claim.html"
    template.write_text(template.read_text() + "{# revised wording #}\n")
    changed = generation.generate_case(backend, case, "letter_before_claim", CLAIM_AS_OF, OFFICER)

    # THEN it is version 2, made from the new template, and version 1 is kept
    assert changed.stored and changed.version.number == 2
    assert changed.version.template_hash != first.version.template_hash
    with unit_of_work(backend.sessions) as session:
        kept = documents.versions_for_case(session, "COR/1")
        assert [(v.number, v.status) for v in kept] == [(1, "superseded"), (2, "draft")]


@pytest.mark.libreoffice
def test_a_changed_policy_makes_a_new_version_of_a_write_off_report(backend: Backend, policies: Path) -> None:
    case = make_case("COR-WO-1", [("2024-01-10", "700.00", "0.00")])
    options = {"reason": "uneconomic", "evidence": "untraceable"}
    first = generation.generate_case(backend, case, "write_off_report", AS_OF, OFFICER, options)
    assert not generation.generate_case(backend, case, "write_off_report", AS_OF, OFFICER, options).stored
    raise_limits(policies)
    again = generation.generate_case(backend, case, "write_off_report", AS_OF, OFFICER, options)
    assert again.stored and again.version.number == 2
    assert again.version.input_hash != first.version.input_hash
    # the figure the report printed is kept with its version
    assert again.version.figures["balance"] == "700.00"
    assert again.pdf is not None and "£700.00" in text_of(again.pdf)


# -- batch papers ---------------------------------------------------------------------------------


def _schedule_request(refs: list[str]) -> generation.BatchPaperRequest:
    fields = [{"reason": "uneconomic"} for _ in refs]
    return generation.BatchPaperRequest.of("write_off_schedule", refs, AS_OF, OFFICER, {}, fields)


@pytest.mark.libreoffice
def test_a_write_off_schedule_is_stored_under_its_namespace_and_versioned_on_template_and_policy(
    backend: Backend, templates: Path, policies: Path
) -> None:
    cases = [make_case(f"COR-S-{n}", [("2024-01-10", f"{n}00.00", "0.00")]) for n in (1, 2)]
    generation.hold_cases(backend, OFFICER, cases)
    refs = [c.case_ref for c in cases]

    first = generation.generate(backend, _schedule_request(refs))
    assert first.stored and _ref_of(backend, first) == "writeoff:2025-06-30"
    assert set(first.version.attachments) == {"docx", "xlsx"}
    assert first.version.figures == {"cases": "2", "total": "300.00"}
    # the same cases in another order are the same schedule: nothing rendered, nothing stored
    same = generation.generate(backend, _schedule_request(list(reversed(refs))))
    assert not same.stored and same.version.id == first.version.id

    edit_docx(templates / "docx" / "write_off_schedule.docx", "Write-off schedule", "Write-off Schedule")
    by_template = generation.generate(backend, _schedule_request(refs))
    assert by_template.stored and by_template.version.number == 2
    assert by_template.pdf is not None and "Write-off Schedule" in text_of(by_template.pdf)

    raise_limits(policies)
    by_policy = generation.generate(backend, _schedule_request(refs))
    assert by_policy.stored and by_policy.version.number == 3
    assert by_policy.version.document_id == first.version.document_id


@pytest.mark.libreoffice
def test_a_panel_pack_is_versioned_when_its_cover_template_or_the_policy_changes(
    backend: Backend, templates: Path, policies: Path
) -> None:
    cases = [make_case(f"COR-P-{n}", [("2024-01-10", "900.00", "0.00")]) for n in (1, 2)]
    generation.hold_cases(backend, OFFICER, cases)
    request = generation.BatchPaperRequest.of(
        "panel_pack", [c.case_ref for c in cases], AS_OF, OFFICER, {"meeting": "2025-07-10"}
    )
    first = generation.generate(backend, request)
    assert _ref_of(backend, first) == "panel:2025-07-10"
    assert not generation.generate(backend, request).stored

    edit_docx(templates / "docx" / "panel_pack_cover.docx", "Debt panel", "Debt Panel")
    by_template = generation.generate(backend, request)
    assert by_template.stored and by_template.version.number == 2
    assert by_template.pdf is not None and "Debt Panel" in text_of(by_template.pdf)

    # the briefings assess a write-off under the policy: a changed policy is a new pack
    raise_limits(policies)
    by_policy = generation.generate(backend, request)
    assert by_policy.stored and by_policy.version.number == 3


def test_a_batch_paper_names_the_cases_it_cannot_find(backend: Backend, make_case: CaseFactory) -> None:
    generation.hold_cases(backend, OFFICER, [make_case(case_ref="COR/9")])
    from docgen.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        generation.generate(backend, _schedule_request(["COR/9", "NO/SUCH"]))
    assert [p.path for p in refused.value.problems] == ["case_refs[1]"]
