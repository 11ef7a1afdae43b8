"""docgen import: case files out, a report by row and column, exit status 2 when nothing is imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.domain.case import load_case

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"
ARGS = [str(DATA / "cases.csv"), "--debts", str(DATA / "debts.csv"), "--mapping", str(DATA / "mapping.yaml")]


def test_all_or_nothing_writes_the_report_and_no_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["import", *ARGS, "--report", str(tmp_path / "r.json"), "--out-dir", str(tmp_path / "out")])

    assert status == 2
    assert not (tmp_path / "out").exists()
    assert "cases.csv row 4 [Postcode]" in capsys.readouterr().err
    assert len(json.loads((tmp_path / "r.json").read_text())["problems"]) == 3


def test_valid_only_writes_loadable_case_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["import", *ARGS, "--valid-only", "--out-dir", str(tmp_path / "out"), "--json"])

    assert status == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["imported"] == 2 and summary["rejected_rows"] == [4]
    files = sorted((tmp_path / "out").glob("*.json"))
    assert [f.name for f in files] == ["SUN-0001.json", "SUN-0002.json"]
    assert load_case(files[0]).invoices[0].number == "INV-1"


def test_sdt_xml_command_validates_and_lists_left_out_cases(
    tmp_path: Path, sdt_schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases"
    main(["import", *ARGS, "--valid-only", "--out-dir", str(cases)])
    late = json.loads((cases / "SUN-0002.json").read_text())
    late["case_ref"] = "SUN-0003"
    late["recovery_history"][0]["date"] = "2025-04-10"  # the 30 days after the letter are still running
    (cases / "SUN-0003.json").write_text(json.dumps(late))
    capsys.readouterr()
    out = tmp_path / "batch.xml"

    status = main(
        [
            "sdt-xml",
            "--cases",
            str(cases),
            "--as-of",
            "2025-04-15",
            "-o",
            str(out),
            "--customer-id",
            "12345678",
            "--schema-dir",
            str(sdt_schemas_dir),
        ]
    )

    assert status == 0
    assert json.loads(capsys.readouterr().out)["claims"] == 2
    assert out.read_bytes().count(b"<bulk:request ") == 2
    excluded = json.loads(out.with_suffix(".excluded.json").read_text())
    assert [p["code"] for p in excluded["SUN-0003"]] == ["pap_period_running"]


def test_the_summary_reads_as_text_unless_json_is_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["import", *ARGS, "--valid-only", "--out-dir", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith(f"imported 2 of 3 rows: one case file each in {tmp_path / 'out'}")
    assert "left out rows 4" in out and "{" not in out
