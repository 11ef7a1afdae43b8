"""docgen validate and docgen facts, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "cases"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=120
    )


def test_validate_ok_on_every_shared_case(shared_cases_dir: Path) -> None:
    for f in sorted(shared_cases_dir.glob("*.json")):
        r = run("validate", str(f))
        assert (r.returncode, r.stdout.strip()) == (0, "OK"), f


def test_validate_lists_problems_and_exits_2(tmp_path: Path) -> None:
    data = json.loads((DATA / "judgment-with-property.json").read_text())
    data["debtors"][0]["address"]["postcode"] = "12345"
    data["case_ref"] = "bad ref!"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    r = run("validate", str(bad))
    assert r.returncode == 2
    assert "debtors[0].address.postcode: not a UK postcode" in r.stdout
    assert "case_ref: unsafe case_ref" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr


def test_unreadable_and_non_json_get_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    for target in (junk, tmp_path / "missing.json", tmp_path):
        r = run("validate", str(target))
        assert r.returncode == 2, target
        assert "Traceback" not in r.stderr
        assert len((r.stdout + r.stderr).strip().splitlines()) == 1


def test_facts_json(tmp_path: Path) -> None:
    r = run("facts", str(DATA / "individual-care-charges.json"), "--as-of", "2025-05-16")
    assert r.returncode == 0, r.stderr
    facts = json.loads(r.stdout)
    assert facts["case_ref"] == "TST-ASC-2025-0310"
    assert facts["balance"] == "1234.56"
    assert (facts["interest"]["basis"], facts["interest"]["total"], facts["interest"]["daily_rate"]) == (
        "statutory_s69",
        "27.06",
        "0.27",
    )
    assert facts["claim_amount"] == "1261.62"
    assert facts["court_fee"] == "80.00"
    # a legal representative acts, so fixed costs on issue are claimable: £1,000.01-£5,000 band
    assert facts["fixed_costs_on_issue"] == "80.00"
    assert facts["total"] == "1421.62"
    assert facts["limitation"] == {
        "statute_barred": False,
        "partly_barred": False,
        "expires_on": "2031-02-05",
        "barred_lines": [],
    }


def test_facts_on_a_statute_barred_shared_case(shared_cases_dir: Path) -> None:
    r = run("facts", str(shared_cases_dir / "deceased-no-estate-writeoff.json"), "--as-of", "2026-11-23")
    facts = json.loads(r.stdout)
    assert facts["limitation"]["statute_barred"] is True
    assert facts["deceased"] is True


def test_next_names_the_next_step_and_when_blocked_steps_open(tmp_path: Path) -> None:
    data = json.loads((DATA / "individual-care-charges.json").read_text())
    # a letter of claim on 5 January 2026: the debtor's 30 days run to 4 February, so the claim may be
    # issued from 5 February (the day after the 30th day)
    data["recovery_history"] = [{"date": "2026-01-05", "action": "letter_before_claim"}]
    data["judgments"], data["liability_orders"] = [], []
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    r = run("next", str(path), "--as-of", "2026-01-20")
    assert r.returncode == 0, r.stderr
    assert "Claim form (N1) [n1]: from 2026-02-05" in r.stdout
    assert "Winding-up petition (creditor) [winding_up_petition]: not for this case" in r.stdout
    as_json = json.loads(run("next", str(path), "--as-of", "2026-01-20", "--json").stdout)
    waiting = {s["doc_type"]: s["opens_on"] for s in as_json["waiting"]}
    assert waiting["n1"] == "2026-02-05"
    assert as_json["done"][0]["doc_type"] == "letter_before_claim"


def test_record_keeps_a_snapshot_and_rewrites_the_file(tmp_path: Path) -> None:
    import os

    data = json.loads((DATA / "individual-care-charges.json").read_text())
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    env = {**os.environ, "DOCGEN_DATA_DIR": str(tmp_path / "var")}
    migrated = subprocess.run(
        [sys.executable, "-m", "docgen", "migrate"], env=env, capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stderr

    def record(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "docgen", "record", str(path), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )

    paid = record("payment", "--set", "date=2026-01-15", "--set", "amount=25.00")
    assert paid.returncode == 0, paid.stderr
    assert paid.stdout.startswith("Payment of £25.00 received on 15 January 2026")
    assert json.loads(path.read_text())["payments"][-1] == {"date": "2026-01-15", "amount": "25.00"}
    bad = record("claim_served", "--set", "date=2026-01-15", "--set", "method=pigeon")
    assert bad.returncode == 2 and "method:" in bad.stderr and "Traceback" not in bad.stderr
    from docgen.config import Settings
    from docgen.register import open_register, unit_of_work
    from docgen.register.repositories import audit

    with unit_of_work(open_register(Settings(data_dir=tmp_path / "var"))) as session:
        actions = [e.action for e in audit.events(session, subject=f"case:{data['case_ref']}")]
    assert actions == ["case_create", "case_event"]


def test_worklist_lists_the_registered_cases_with_their_next_step(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "DOCGEN_DATA_DIR": str(tmp_path / "var"), "COLUMNS": "160"}

    def docgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "docgen", *args], capture_output=True, text=True, timeout=120, env=env
        )

    data = json.loads((DATA / "individual-care-charges.json").read_text())
    data["recovery_history"], data["judgments"], data["liability_orders"] = [], [], []
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data))
    assert docgen("migrate").returncode == 0  # the start-up step
    # recording an event registers the case, as the pages and the API see it
    assert (
        docgen("record", str(path), "payment", "--set", "date=2026-01-15", "--set", "amount=25.00").returncode
        == 0
    )

    listed = docgen("worklist", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)["rows"]
    assert row["case_ref"] == data["case_ref"] and row["step"] == "letter_before_claim"
    assert row["step_status"] == "possible" and row["balance"]
    table = docgen("worklist", "--due", "today")
    assert table.returncode == 0, table.stderr
    assert data["case_ref"] in table.stdout and "Letter before claim" in table.stdout
    assert "1 case(s)" in table.stdout
    none = json.loads(docgen("worklist", "--json", "--debt-type", "business_rates").stdout)
    assert none["total"] == 0
    bad = docgen("worklist", "--min", "lots")
    assert bad.returncode == 2 and "--min" in bad.stderr and "Traceback" not in bad.stderr
