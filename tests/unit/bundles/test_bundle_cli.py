"""``docgen bundle`` from a spec on disk, and the errors a person sees."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from docgen.bundles.spec import load_spec
from docgen.cli import main
from docgen.config import get_settings
from docgen.errors import InvalidInput
from docgen.register import versions as service
from docgen.register.db import open_register, unit_of_work
from docgen.register.repositories import documents
from docgen.storage import make_store
from tests.fixtures.pdfs import make_pdf, stamps


def _write_spec(tmp_path: Path, items: list[dict[str, object]]) -> Path:
    spec = {
        "title": "Hearing bundle",
        "case_ref": "K00NN123",
        "court": "County Court at Northampton",
        "parties": {"claimant": "Northshire Borough Council", "defendant": "A Debtor"},
        "sections": [{"letter": "A", "title": "Evidence", "items": items}],
    }
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True))
    return path


def test_cli_builds_a_bundle_and_its_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.pdf").write_bytes(make_pdf(2, label="alpha"))
    (tmp_path / "docs" / "b.pdf").write_bytes(make_pdf(3, label="beta"))
    spec = _write_spec(
        tmp_path,
        [
            {"source": {"file": "docs/b.pdf"}, "date": "2025-02-01", "description": "Beta"},
            {"source": {"file": "docs/a.pdf"}, "date": "2025-01-01", "description": "Alpha"},
        ],
    )
    out = tmp_path / "out" / "bundle.pdf"
    out.parent.mkdir()
    assert main(["bundle", "--spec", str(spec), "-o", str(out)]) == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 6
    assert [stamps(p)[0][0] for p in reader.pages] == ["1", "2", "3", "4", "5", "6"]
    manifest = json.loads(out.with_suffix(".manifest.json").read_text())
    assert [(e["description"], e["first_page"]) for e in manifest["entries"]] == [("Alpha", 2), ("Beta", 4)]
    assert "bundle.pdf: 6 pages" in capsys.readouterr().out


def test_cli_names_the_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a pdf")
    spec = _write_spec(
        tmp_path, [{"source": {"file": "notes.txt"}, "date": "2025-01-01", "description": "Notes"}]
    )
    assert main(["bundle", "--spec", str(spec), "-o", str(tmp_path / "b.pdf")]) == 2
    assert "notes.txt: not a PDF" in capsys.readouterr().err


def test_cli_missing_file_and_store_are_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write_spec(
        tmp_path, [{"source": {"file": "gone.pdf"}, "date": "2025-01-01", "description": "Gone"}]
    )
    assert main(["bundle", "--spec", str(spec), "-o", str(tmp_path / "b.pdf")]) == 2
    assert "gone.pdf: cannot read" in capsys.readouterr().err
    upload = {"source": {"upload": "a" * 64}, "date": "2025-01-01", "description": "Up"}
    assert (
        main(["bundle", "--spec", str(_write_spec(tmp_path, [upload])), "-o", str(tmp_path / "b.pdf")]) == 8
    )
    assert "give --case CASE_REF" in capsys.readouterr().err


def test_cli_stores_the_bundle_as_a_version_built_from_stored_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert main(["migrate"]) == 0
        # GIVEN a stored letter version and a file beside the spec
        store = make_store(settings)
        with unit_of_work(open_register(settings)) as session:
            made = service.Made(
                case_ref="CASE-1",
                doc_type="letter_before_claim",
                pdf=make_pdf(2, label="letter"),
                input_hash="x" * 64,
                template_hash="t" * 64,
                engine="html",
            )
            letter = service.store_version(session, store, made, "test").version
        (tmp_path / "photo.pdf").write_bytes(make_pdf(1, label="photo"))
        spec = _write_spec(
            tmp_path,
            [
                {
                    "source": {"version": {"document_id": letter.document_id, "number": letter.number}},
                    "date": "2025-01-01",
                    "description": "Letter before claim",
                },
                {"source": {"file": "photo.pdf"}, "date": "2025-02-01", "description": "Photo"},
            ],
        )
        # WHEN the bundle is built for the case twice
        assert main(["bundle", "--spec", str(spec), "--case", "CASE-1"]) == 0
        assert "v1: 4 pages (stored)" in capsys.readouterr().out
        assert main(["bundle", "--spec", str(spec), "--case", "CASE-1"]) == 0
        assert "v1: 4 pages (unchanged)" in capsys.readouterr().out
        # THEN the stored bundle holds the stored letter, stamped
        with unit_of_work(open_register(settings)) as session:
            bundle = documents.find(session, "CASE-1", "court_bundle", "")
            assert bundle is not None
            bundle_id = bundle.id
            _, pdf = service.fetch(session, store, bundle_id, None, "test")
        reader = PdfReader(io.BytesIO(pdf))
        assert "letter page 1" in reader.pages[1].extract_text()
        assert [stamps(p)[0][0] for p in reader.pages] == ["1", "2", "3", "4"]

        # WHEN a late document is added to the stored bundle
        (tmp_path / "late.pdf").write_bytes(make_pdf(2, label="late"))
        spec = _write_spec(
            tmp_path,
            [
                {
                    "source": {"version": {"document_id": letter.document_id, "number": letter.number}},
                    "date": "2025-01-01",
                    "description": "Letter before claim",
                },
                {"source": {"file": "photo.pdf"}, "date": "2025-02-01", "description": "Photo"},
                {"source": {"file": "late.pdf"}, "date": "2024-12-01", "description": "Found late"},
            ],
        )
        assert main(["bundle", "--spec", str(spec), "--case", "CASE-1", "--late"]) == 0
        assert "v2: 6 pages (stored)" in capsys.readouterr().out
        # THEN version 2 paginates on after the old pages, and version 1 is still there unchanged
        with unit_of_work(open_register(settings)) as session:
            _, v1 = service.fetch(session, store, bundle_id, 1, "test")
            _, v2 = service.fetch(session, store, bundle_id, 2, "test")
        assert v1 == pdf
        late = PdfReader(io.BytesIO(v2))
        assert [stamps(p)[0][0] for p in late.pages] == ["1", "2", "3", "4", "5", "6"]
        assert "late page 1" in late.pages[4].extract_text()
        for old, new in zip(reader.pages[1:], late.pages[1:4], strict=True):
            assert old.extract_text() == new.extract_text()
    finally:
        get_settings.cache_clear()


def test_late_needs_a_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write_spec(tmp_path, [{"source": {"file": "a.pdf"}, "date": "2025-01-01", "description": "A"}])
    assert main(["bundle", "--spec", str(spec), "-o", str(tmp_path / "b.pdf"), "--late"]) == 2
    assert "--late adds to the bundle stored for a case" in capsys.readouterr().err


def test_spec_problems_are_listed_with_their_paths(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "title": "T",
                "case_ref": "X",
                "court": "C",
                "parties": {"claimant": "a"},
                "sections": [
                    {
                        "letter": "A",
                        "title": "S",
                        "items": [
                            {
                                "source": {"file": "a.pdf", "upload": "0" * 64},
                                "date": "2025-13-01",
                                "description": "d",
                            },
                        ],
                    }
                ],
                "options": {"numbering": "roman"},
            }
        )
    )
    with pytest.raises(InvalidInput) as err:
        load_spec(path)
    paths = {p.path for p in err.value.problems}
    assert {
        "parties.defendant",
        "sections[0].items[0].source",
        "sections[0].items[0].date",
        "options.numbering",
    } <= paths


def test_hand_order_overrides_dates(tmp_path: Path) -> None:
    spec = load_spec(
        _write_spec(
            tmp_path,
            [
                {"source": {"file": "x.pdf"}, "date": "2025-01-01", "description": "X", "order": 2},
                {"source": {"file": "y.pdf"}, "date": "2025-06-01", "description": "Y", "order": 1},
                {"source": {"file": "z.pdf"}, "date": "2024-01-01", "description": "Z"},
            ],
        )
    )
    assert [i.description for i in spec.sections[0].ordered_items()] == ["Y", "X", "Z"]


def test_cli_late_additions_from_a_manifest_file(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.pdf").write_bytes(make_pdf(2, label=name))
    items = [
        {"source": {"file": f"{name}.pdf"}, "date": f"2025-0{i + 1}-01", "description": name.upper()}
        for i, name in enumerate("abc")
    ]
    first = tmp_path / "v1.pdf"
    assert main(["bundle", "--spec", str(_write_spec(tmp_path, items[:2])), "-o", str(first)]) == 0
    second = tmp_path / "v2.pdf"
    manifest = str(first.with_suffix(".manifest.json"))
    assert (
        main(
            ["bundle", "--spec", str(_write_spec(tmp_path, items)), "-o", str(second), "--previous", manifest]
        )
        == 0
    )
    old, new = PdfReader(io.BytesIO(first.read_bytes())), PdfReader(io.BytesIO(second.read_bytes()))
    assert len(new.pages) == len(old.pages) + 2
    assert "c page 1" in new.pages[len(old.pages)].extract_text()
    assert json.loads(second.with_suffix(".manifest.json").read_text())["entries"][-1]["late"] is True
