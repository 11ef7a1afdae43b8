"""Write-off policy, report, schedule and committee report: figures read back from the PDFs and the
XLSX and checked against the calculators."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from docgen.config import Settings
from docgen.documents import registry
from docgen.documents.batch import BatchEntry, BatchRequest, get_batch
from docgen.documents.writeoff import BatchItem, build_schedule, load_batch
from docgen.domain.balance import compute_balance
from docgen.domain.case import Case, parse_case
from docgen.domain.money import fmt_gbp
from docgen.domain.writeoff_policy import (
    POLICIES_DIR,
    PolicyBook,
    can_approve,
    load_policy,
    policy_names,
    vat_journal,
)
from docgen.errors import Ineligible, InvalidInput, NotFound
from docgen.register.versions import Made
from docgen.render.base import PdfMeta
from docgen.render.docx import DocxEngine
from docgen.services.papers import render_batch

AS_OF = date(2025, 6, 30)


def render_paper(
    batch_type: str, items: list[BatchItem], options: dict[str, str], engine: DocxEngine
) -> Made:
    """A write-off batch paper through the one batch path, without the register."""
    entries = [BatchEntry(i.case, {"reason": i.reason, "evidence": i.evidence}) for i in items]
    return render_batch(get_batch(batch_type), BatchRequest.make(entries, AS_OF, options, "docx"), engine)


def make_case(ref: str, invoices: list[tuple[str, str, str]], **extra: Any) -> Case:
    """invoices: (due date, net, vat)."""
    data: dict[str, Any] = {
        "schema": "docgen.case/1",
        "case_ref": ref,
        "debt_type": extra.pop("debt_type", "sundry"),
        "creditor": {
            "name": "Example District Council",
            "address": {"lines": ["Civic Offices"], "town": "Exton", "postcode": "EX1 1AA"},
        },
        "debtors": [
            extra.pop(
                "debtor",
                {
                    "kind": "individual",
                    "given_names": "Alex",
                    "family_name": f"Debtor {ref[-2:]}",
                    "address": {"lines": ["1 High Street"], "town": "Exton", "postcode": "EX1 2BB"},
                },
            )
        ],
        "invoices": [
            {
                "number": f"{ref}-{n}",
                "issued": due,
                "due": due,
                "description": f"Charge {n}",
                "net": net,
                "vat": vat,
            }
            for n, (due, net, vat) in enumerate(invoices)
        ],
        "officer": {"name": "Pat Officer", "position": "Recovery Officer"},
        **extra,
    }
    return parse_case(data)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# -- policy -------------------------------------------------------------------------------------


def test_two_example_policies_with_different_limits_and_sources() -> None:
    assert {"district_example", "unitary_example"} <= set(policy_names())
    district, unitary = load_policy("district_example"), load_policy("unitary_example")
    assert district.delegated_limit == Decimal("10000.00")
    assert unitary.delegated_limit == Decimal("25000.00")
    assert (
        district.level_for(Decimal("6000")).code != unitary.level_for(Decimal("6000")).code
        or district.level_for(Decimal("400")).code != unitary.level_for(Decimal("400")).code
    )
    for policy in (district, unitary):
        assert policy.source and policy.vat.source
        assert {r.code for r in policy.reasons} == {
            "uneconomic",
            "deceased_no_estate",
            "absconded_untraceable",
            "insolvency_proof_lodged",
            "dro_iva",
            "cannot_be_proved",
            "statute_barred",
            "vulnerability_hardship",
        }
        assert [lv.code for lv in policy.levels] == ["officer", "team_leader", "s151_officer", "cabinet"]


@pytest.mark.parametrize(
    ("amount", "level"),
    [
        ("100.00", "officer"),
        ("100.01", "team_leader"),
        ("5000.00", "team_leader"),
        ("5000.01", "s151_officer"),
        ("10000.00", "s151_officer"),
        ("10000.01", "cabinet"),
    ],
)
def test_level_boundaries_are_inclusive(amount: str, level: str) -> None:
    policy = load_policy("district_example")
    assert policy.level_for(Decimal(amount)).code == level
    assert policy.needs_committee(Decimal(amount)) == (level == "cabinet")


def test_unknown_policy_and_reason_are_named() -> None:
    with pytest.raises(NotFound, match=r"known: .*district_example"):
        load_policy("nowhere")
    with pytest.raises(InvalidInput) as err:
        load_policy().reason("bored")
    assert err.value.problems[0].path == "options.reason"


def test_an_inconsistent_policy_file_is_refused(tmp_path: Path) -> None:
    data = json.loads((POLICIES_DIR / "district_example.json").read_text())
    data["levels"][1]["limit"] = "50.00"  # below the officer's limit
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(InvalidInput) as err:
        PolicyBook(folders=(tmp_path,)).get("bad")
    assert any("rise" in p.message for p in err.value.problems)


def test_can_approve_respects_role_and_personal_limit() -> None:
    policy = load_policy("district_example")
    assert can_approve("team_leader", None, Decimal("4999.99"), policy).allowed
    refused = can_approve("team_leader", None, Decimal("5000.01"), policy)
    assert not refused.allowed and refused.level_needed == "s151_officer"
    # a personal delegation narrows the level's limit, never widens it
    assert not can_approve("team_leader", Decimal("1000"), Decimal("1500"), policy).allowed
    assert not can_approve("officer", Decimal("99999"), Decimal("500"), policy).allowed
    assert can_approve("cabinet", None, Decimal("250000"), policy).allowed
    assert not can_approve("manager", None, Decimal("1"), policy).allowed


def test_vat_journal_apportions_invoice_vat_and_defers_recent_lines() -> None:
    case = make_case(
        "VAT-01",
        [("2024-01-10", "1000.00", "200.00"), ("2025-05-01", "500.00", "100.00")],
        payments=[{"date": "2024-03-01", "amount": "300.00"}],
    )
    balance = compute_balance(case, AS_OF)
    journal = vat_journal(balance, load_policy(), AS_OF, case.case_ref)
    # £300 paid off the first £1,200 line leaves £900 of it: VAT 200 × 900/1200 = £150.00
    assert journal.vat_relief == Decimal("150.00")
    assert journal.vat_deferred == Decimal("100.00")  # due 1 May 2025: under six months on 30 June
    assert journal.relief_from == date(2025, 11, 1)
    debits = sum(line.debit for line in journal.lines)
    credits = sum(line.credit for line in journal.lines)
    assert debits == credits == balance.outstanding == Decimal("1500.00")


# -- write_off_report ---------------------------------------------------------------------------


def test_report_eligibility_names_what_is_missing() -> None:
    dt = registry.get("write_off_report")
    case = make_case("ELG-01", [("2024-01-10", "100.00", "0.00")])
    codes = {p.code for p in dt.eligibility_of(case, AS_OF, {})}
    assert {"missing_reason", "missing_evidence"} <= codes
    problems = dt.eligibility_of(case, AS_OF, {"reason": "deceased_no_estate", "evidence": "x"})
    assert [p.code for p in problems] == ["reason_unsupported"]
    paid = make_case(
        "ELG-02", [("2024-01-10", "100.00", "0.00")], payments=[{"date": "2024-02-01", "amount": "100.00"}]
    )
    assert "nothing_outstanding" in {
        p.code for p in dt.eligibility_of(paid, AS_OF, {"reason": "uneconomic", "evidence": "x"})
    }


@pytest.mark.libreoffice
def test_write_off_report_figures_match_the_calculators(docx_engine: DocxEngine) -> None:
    case = make_case(
        "WOR-01",
        [("2024-01-10", "2650.00", "530.00"), ("2024-04-04", "2650.00", "530.00")],
        adjustments=[{"date": "2024-04-20", "amount": "-150.00", "reason": "credit note"}],
        recovery_history=[{"date": "2024-06-03", "action": "visit", "note": "No one home"}],
    )
    dt = registry.get("write_off_report")
    options = {"reason": "uneconomic", "evidence": "Director untraceable", "policy": "district_example"}
    assert dt.eligibility_of(case, AS_OF, options) == []
    out = docx_engine.render(
        dt.templates["docx"],
        dt.context_of(case, AS_OF, options),
        PdfMeta(title="WO", document_id="ab" * 16, created=AS_OF),
    )
    text = pdf_text(out.pdf)
    balance = compute_balance(case, AS_OF)
    journal = vat_journal(balance, load_policy("district_example"), AS_OF, case.case_ref)
    assert f"Outstanding on 30 June 2025: {fmt_gbp(balance.outstanding)}" in text
    assert fmt_gbp(journal.vat_relief) in text and journal.vat_relief == Decimal("1035.00")
    assert "Chief Finance Officer (s151 officer)" in text  # £6,210 is above the team leader's £5,000
    assert "Uneconomic to pursue" in text and "Director untraceable" in text
    assert "No one home" in text
    assert "Prepared by" in text and "Decision by" in text
    assert out.attachments["docx"][:2] == b"PK"


# -- schedule and committee report --------------------------------------------------------------


def _history(*entries: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"date": d, "action": a, "note": n} for d, a, n in entries]


def batch_items() -> list[BatchItem]:
    """Five accounts, each with the records its reason rests on."""
    insolvent = _history(
        ("2024-02-01", "reminder", ""),
        ("2024-06-01", "proof_of_debt_lodged", "Proof lodged with the Official Receiver"),
        ("2025-03-01", "dividend_declared", "Nil dividend"),
    )
    bankrupt = [{"kind": "bankruptcy_order", "date": "2024-05-10", "court": "County Court at Exton"}]
    return [
        BatchItem(
            make_case(
                "SCH-01",
                [("2021-05-01", "80.00", "0.00")],
                recovery_history=_history(("2021-06-01", "reminder", "")),
            ),
            "uneconomic",
        ),
        BatchItem(
            make_case(
                "SCH-02",
                [("2022-07-01", "3000.00", "600.00")],
                debt_type="commercial_rent",
                trace_attempts=[
                    {
                        "date": "2024-09-02",
                        "method": "Credit reference agency search",
                        "by": "Tracing team",
                        "outcome": "not_traced",
                    }
                ],
            ),
            "absconded_untraceable",
        ),
        BatchItem(
            make_case(
                "SCH-03",
                [("2023-02-01", "9000.00", "0.00")],
                debt_type="council_tax",
                insolvency=[{"kind": "debt_relief_order", "date": "2024-08-01", "reference": "DRO 123456"}],
            ),
            "dro_iva",
        ),
        BatchItem(
            make_case(
                "SCH-04",
                [("2020-10-01", "15000.00", "0.00")],
                debt_type="business_rates",
                recovery_history=insolvent,
                insolvency=bankrupt,
            ),
            "insolvency_proof_lodged",
        ),
        BatchItem(
            make_case(
                "SCH-05",
                [("2019-06-01", "12000.00", "2400.00")],
                recovery_history=insolvent,
                insolvency=bankrupt,
            ),
            "insolvency_proof_lodged",
        ),
    ]


def test_schedule_groups_and_totals() -> None:
    schedule = build_schedule(batch_items(), AS_OF, load_policy("district_example"))
    assert schedule.total == Decimal("42080.00")
    by_level = {r.case_ref: r.level_code for r in schedule.rows}
    assert by_level == {
        "SCH-01": "officer",
        "SCH-02": "team_leader",
        "SCH-03": "s151_officer",
        "SCH-04": "cabinet",
        "SCH-05": "cabinet",
    }
    assert {r.case_ref for r in schedule.committee()} == {"SCH-04", "SCH-05"}
    assert {r.case_ref: r.year for r in schedule.rows}["SCH-04"] == "2020/21"


def test_schedule_refuses_bad_rows_naming_each_case() -> None:
    items = [*batch_items(), BatchItem(make_case("SCH-09", [("2024-01-01", "10.00", "0.00")]), "whim")]
    with pytest.raises(InvalidInput) as err:
        build_schedule(items, AS_OF, load_policy())
    assert [p.path for p in err.value.problems] == ["cases[5] SCH-09"]


@pytest.mark.libreoffice
def test_schedule_pdf_and_xlsx_read_back(docx_engine: DocxEngine) -> None:
    items = batch_items()
    out = render_paper("write_off_schedule", items, {"policy": "district_example"}, docx_engine)
    text = pdf_text(out.pdf)
    totals = {i.case.case_ref: compute_balance(i.case, AS_OF).outstanding for i in items}
    for ref, amount in totals.items():
        assert ref in text and fmt_gbp(amount) in text
    assert "5 accounts totalling £42,080.00" in text
    assert "Executive (no limit)" in text and "Recovery Officer (up to £100.00)" in text
    assert "2 accounts totalling £29,400.00 are above the delegated limit" in " ".join(text.split())

    wb = load_workbook(io.BytesIO(out.attachments["xlsx"]))
    rows = list(wb["Schedule"].iter_rows(min_row=2, values_only=True))
    assert {r[0]: Decimal(str(r[7])) for r in rows} == totals
    assert {r[0]: r[6] for r in rows}["SCH-05"] == "yes"
    assert wb["Schedule"]["H2"].number_format == wb["Summary"]["C2"].number_format == '"£"#,##0.00'
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0] == "All accounts"]
    assert summary and Decimal(str(summary[0][2])) == Decimal("42080.00")

    again = render_paper(
        "write_off_schedule", list(reversed(items)), {"policy": "district_example"}, docx_engine
    )
    assert again.pdf == out.pdf and again.attachments["xlsx"] == out.attachments["xlsx"]


@pytest.mark.libreoffice
def test_committee_report_lists_only_cases_above_the_delegated_limit(docx_engine: DocxEngine) -> None:
    out = render_paper(
        "committee_write_off_report", batch_items(), {"policy": "district_example"}, docx_engine
    )
    text = pdf_text(out.pdf)
    for needed in (
        "1. Purpose",
        "2. Recommendation",
        "3. Legal basis",
        "4. Summary",
        "5. Effect on the bad-debt provision",
        "7. Options considered",
        "Exempt appendix",
        "Schedule 12A",
    ):
        assert needed in text
    assert "SCH-04" in text and "SCH-05" in text and "SCH-01" not in text
    flat = " ".join(text.split())
    assert "2 accounts listed in the exempt appendix, totalling £29,400.00" in flat
    # recovery stated from the two cases' histories, not boilerplate
    assert "6. Recovery taken" in flat and "For each account recovery has been pursued" not in flat
    assert "is 100.0% of the £29,400.00 billed" in flat  # £15,000 + £14,400 billed, none paid
    assert "Reminder: 2 of 2 accounts" in flat and "Proof of debt lodged: 2 of 2 accounts" in flat
    assert "For the 2 accounts written off because of the debtor's insolvency" in flat
    assert (
        "Bankruptcy order on 10 May 2024 (County Court at Exton)" in flat
    )  # what each case records, in the appendix
    assert "Report of Chief Finance Officer (s151 officer)" in flat
    schedule = build_schedule(batch_items(), AS_OF, load_policy("district_example"))
    held = sum((r.provision for r in schedule.committee()), Decimal(0))
    assert fmt_gbp(held) in text
    assert len(PdfReader(io.BytesIO(out.pdf)).pages) >= 2


@pytest.mark.libreoffice
def test_committee_report_refused_when_all_within_delegation(docx_engine: DocxEngine) -> None:
    with pytest.raises(Ineligible):
        render_paper("committee_write_off_report", batch_items()[:3], {}, docx_engine)


def test_load_batch_from_csv_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    for item in batch_items()[:2]:
        (tmp_path / f"{item.case.case_ref}.json").write_text(item.case.model_dump_json(by_alias=True))
    with (tmp_path / "list.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["case_ref", "reason", "evidence"])
        writer.writerow(["SCH-01", "uneconomic", "cost of a claim exceeds the debt"])
        writer.writerow(["SCH-02", "absconded_untraceable", ""])
    items = load_batch(tmp_path / "list.csv")
    assert [(i.case.case_ref, i.reason) for i in items] == [
        ("SCH-01", "uneconomic"),
        ("SCH-02", "absconded_untraceable"),
    ]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Case_Ref", "Reason"])
    ws.append(["SCH-02", "uneconomic"])
    ws.append(["SCH-77", "uneconomic"])
    wb.save(tmp_path / "list.xlsx")
    with pytest.raises(InvalidInput) as err:
        load_batch(tmp_path / "list.xlsx")
    assert err.value.problems[0].path == "list.xlsx row 3" and "SCH-77" in err.value.problems[0].message


@pytest.mark.shared
@pytest.mark.libreoffice
def test_shared_deceased_case_write_off(
    shared_cases_dir: Path, docx_engine: DocxEngine, council_settings: Settings
) -> None:
    from docgen.domain.case import load_case

    case = load_case(shared_cases_dir / "deceased-no-estate-writeoff.json")
    dt = registry.get("write_off_report")
    options = {"reason": "deceased_no_estate", "evidence": "No grant of probate; deputy's final account nil"}
    req = dt.request(case, AS_OF, options, settings=council_settings)
    assert dt.eligibility(req) == []
    text = pdf_text(
        docx_engine.render(
            dt.templates["docx"],
            dt.context(req),
            PdfMeta(title="x", document_id="cd" * 16, created=AS_OF),
        ).pdf
    )
    flat = " ".join(text.split())
    assert "Deceased 9 December 2023" in flat
    assert fmt_gbp(compute_balance(case, AS_OF).outstanding) in flat
    # £1,185.28 under Wiltshire Council's own policy: above its officers' £500, within £2,000
    assert "Account Management Team Leader" in flat and "Wiltshire Council write-off policy" in flat
    assert "Date of death: 9 December 2023" in flat  # the record the reason rests on
    assert "Probate search: no grant" in flat
    assert "delete one" not in flat


@pytest.mark.libreoffice
def test_cli_writes_schedule_xlsx_and_committee_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.cli import main
    from docgen.config import get_settings

    # the papers are stored and registered too: in this test's own data folder
    monkeypatch.setenv("DOCGEN_ENVIRONMENT", "test")
    monkeypatch.setenv("DOCGEN_DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    try:
        assert main(["migrate"]) == 0
        _schedule_through_the_cli(main, tmp_path, capsys)
    finally:
        get_settings.cache_clear()


def _schedule_through_the_cli(main: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from docgen.config import get_settings
    from docgen.register import open_register, unit_of_work
    from docgen.register.models import Document

    for item in batch_items():
        (tmp_path / f"{item.case.case_ref}.json").write_text(item.case.model_dump_json(by_alias=True))
    (tmp_path / "list.csv").write_text(
        "case_ref,reason\n" + "".join(f"{i.case.case_ref},{i.reason}\n" for i in batch_items())
    )
    out = tmp_path / "out"
    status = main(
        [
            "writeoff-schedule",
            "--cases",
            str(tmp_path / "list.csv"),
            "--policy",
            "district_example",
            "--as-of",
            AS_OF.isoformat(),
            "-o",
            str(out),
        ]
    )
    assert status == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "committee-write-off-report-2025-06-30.docx",
        "committee-write-off-report-2025-06-30.pdf",
        "write-off-schedule-2025-06-30.docx",
        "write-off-schedule-2025-06-30.pdf",
        "write-off-schedule-2025-06-30.xlsx",
    ]
    assert "SCH-05" in pdf_text((out / "committee-write-off-report-2025-06-30.pdf").read_bytes())
    # both papers are stored and registered under the batch namespace, and the cases are held
    with unit_of_work(open_register(get_settings())) as session:
        stored = session.execute(
            select(Document.case_ref, Document.doc_type).order_by(Document.doc_type)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("writeoff:2025-06-30", "committee_write_off_report"),
        ("writeoff:2025-06-30", "write_off_schedule"),
    ]
    bad = main(["writeoff-schedule", "--cases", str(tmp_path / "missing.csv"), "-o", str(out)])
    assert bad == 2 and "missing.csv" in capsys.readouterr().err


def test_shipped_templates_use_only_names_their_contexts_provide() -> None:
    from docgen.config import PROJECT_ROOT
    from docgen.documents.panel import PanelBriefing
    from docgen.documents.writeoff import committee_context, schedule_context
    from docgen.render.docx import lint_docx_template

    case = make_case("LNT-01", [("2024-01-10", "100.00", "20.00")])
    schedule = build_schedule(batch_items(), AS_OF, load_policy())
    contexts = {
        "write_off_report.docx": registry.get("write_off_report").context_of(
            case, AS_OF, {"reason": "uneconomic", "evidence": "x"}
        ),
        "panel_briefing.docx": PanelBriefing().context_of(case, AS_OF, {}),
        "write_off_schedule.docx": schedule_context(schedule, "Council"),
        "committee_write_off_report.docx": committee_context(schedule, "Council"),
        "panel_pack_cover.docx": {
            "council": "",
            "meeting": AS_OF,
            "count": 0,
            "total": Decimal(0),
            "cases": [],
            "agenda": [],
            "last_item": 3,
        },
    }
    folder = PROJECT_ROOT / "templates" / "docx"
    assert sorted(contexts) == sorted(p.name for p in folder.glob("*.docx"))
    for name, context in contexts.items():
        assert lint_docx_template((folder / name).read_bytes(), context) == [], name


def test_a_changed_policy_file_changes_the_input_hash(tmp_path: Path) -> None:
    """A report made under other limits is another version, never the stale one returned again."""
    from docgen.config import Settings
    from docgen.render.pipeline import input_hash

    case = make_case("POL-01", [("2023-01-10", "800.00", "0.00")])
    shipped = json.loads((POLICIES_DIR / "district_example.json").read_text())
    shipped["name"] = "district_own"
    policy_file = tmp_path / "district_own.json"
    policy_file.write_text(json.dumps(shipped))
    settings = Settings(environment="test", data_dir=tmp_path / "var", policy_dirs=[tmp_path])
    options = {"reason": "uneconomic", "evidence": "tracing on file", "policy": "district_own"}

    def hashes() -> tuple[str, str]:
        return (
            input_hash(case, "write_off_report", options, AS_OF, "docx", "t", settings=settings),
            input_hash(case, "write_off_schedule", options, AS_OF, "docx", "t", settings=settings),
        )

    first = hashes()
    assert hashes() == first  # same file, same inputs
    shipped["levels"][0]["limit"] = "250.00"
    policy_file.write_text(json.dumps(shipped))
    second = hashes()
    assert second[0] != first[0] and second[1] != first[1]
