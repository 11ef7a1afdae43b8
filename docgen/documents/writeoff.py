"""Write-off papers: a report for one case, a schedule for a batch, and the committee report for
the part of a batch above the delegated limit.

The schedule and the committee report are batch papers (``docgen.documents.batch``): over a list
of cases, each with its reason, made by the generation corridor like every other paper and kept
under the ``writeoff:<date>`` register namespace. Their one-case types render a batch of one, so
they can still be listed, checked and rendered for a single case like any other type.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from docgen.documents.base import DocumentRequest, DocumentType, OptionSpec
from docgen.documents.batch import BatchDocumentType, BatchRequest, register_batch
from docgen.documents.registry import register
from docgen.domain.balance import Balance, compute_balance
from docgen.domain.case import Case, load_case
from docgen.domain.limitation import limitation
from docgen.domain.money import ZERO, fmt_plain, money
from docgen.domain.writeoff_policy import Policy, load_policy, vat_journal
from docgen.errors import InvalidInput, Problem
from docgen.tabular import csv_rows, decode_text, safe_row

FAMILY = "writeoff"
POLICY = OptionSpec("policy", "Write-off policy", help="By default the council's own policy.")

DEBT_TYPE_LABELS = {
    "sundry": "Sundry debt",
    "adult_social_care": "Adult social care",
    "council_tax": "Council tax",
    "business_rates": "Business rates",
    "hb_overpayment": "Housing benefit overpayment",
    "commercial_rent": "Commercial rent",
}


# -- helpers shared with the panel briefing ---------------------------------------------------


def action_label(action: str) -> str:
    return action.replace("_", " ").capitalize()


def financial_year(day: date) -> str:
    """UK local-government financial year (April to March), e.g. 2019/20."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def debtor_status(case: Case) -> str:
    debtor = case.primary_debtor
    if debtor.deceased_on:
        return f"Deceased {debtor.deceased_on.day} {debtor.deceased_on:%B %Y}"
    if debtor.kind == "company":
        return f"Company {debtor.company_number or '(number not held)'}"
    return "Individual"


def balance_context(balance: Balance) -> dict[str, Any]:
    return {
        "outstanding": balance.outstanding,
        "debits": balance.debits,
        "payments": balance.payments,
        "adjustments": balance.adjustments,
        "lines": [
            {
                "ref": line.ref,
                "description": line.description,
                "issued": line.issued,
                "due": line.due,
                "amount": line.amount,
                "outstanding": line.outstanding,
                "vat": line.vat_outstanding,
                "days": line.days_overdue(balance.as_of),
            }
            for line in balance.open_lines
        ],
        "ageing": [{"label": label, "amount": amount} for label, amount in balance.ageing.items()],
    }


def history_context(case: Case) -> list[dict[str, Any]]:
    return [
        {"date": h.date, "action": action_label(h.action), "note": h.note}
        for h in sorted(case.recovery_history, key=lambda h: h.date)
    ]


def case_header(case: Case, as_of: date) -> dict[str, Any]:
    debtor = case.primary_debtor
    return {
        "council": case.creditor.name,
        "case_ref": case.case_ref,
        "as_of": as_of,
        "debt_type": DEBT_TYPE_LABELS.get(case.debt_type, str(case.debt_type)),
        "debtor_name": debtor.display_name,
        "debtor_address": debtor.address.one_line(),
        "debtor_status": debtor_status(case),
        "officer_name": case.officer.name,
        "officer_position": case.officer.position,
    }


def earliest_open_year(balance: Balance) -> str:
    open_lines = balance.open_lines
    return financial_year(min(line.issued for line in open_lines)) if open_lines else ""


# -- write_off_report -------------------------------------------------------------------------


def _reason_problems(case: Case, as_of: date, reason: str, balance: Balance) -> list[Problem]:
    """Checks a reason must pass against the case's own facts."""
    debtor = case.primary_debtor
    if reason == "deceased_no_estate" and not debtor.deceased_on:
        return [
            Problem("options.reason", "deceased_no_estate needs debtors[0].deceased_on", "reason_unsupported")
        ]
    if reason == "statute_barred" and not limitation(case, as_of, balance).statute_barred:
        return [
            Problem(
                "options.reason",
                "the outstanding debt is not statute-barred on this date",
                "reason_unsupported",
            )
        ]
    if reason == "absconded_untraceable" and not case.history("tracing"):
        return [
            Problem(
                "recovery_history",
                "absconded_untraceable needs a tracing entry in the recovery history",
                "reason_unsupported",
            )
        ]
    return []


class WriteOffReport(DocumentType):
    id: ClassVar[str] = "write_off_report"
    title: ClassVar[str] = "Write-off report"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "write_off_report.docx"}
    options = (
        OptionSpec(
            "reason", "Reason for writing the debt off", help="A reason code from the council's policy."
        ),
        OptionSpec("evidence", "The evidence the reason relies on"),
        POLICY,
        OptionSpec("recommendation", "Recommendation in the officer's words", help="Optional."),
    )

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        return {"policy": load_policy(req.option("policy") or None).digest}

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        problems: list[Problem] = []
        try:
            policy = load_policy(options.get("policy"))
        except InvalidInput as err:
            return err.problems or [Problem("options.policy", err.message)]
        balance = req.facts.balance
        if balance.outstanding <= 0:
            problems.append(Problem("invoices", "nothing is outstanding to write off", "nothing_outstanding"))
        reason = options.get("reason", "")
        if not reason:
            codes = ", ".join(r.code for r in policy.reasons)
            problems.append(Problem("options.reason", f"give a reason: one of {codes}", "missing_reason"))
        else:
            try:
                policy.reason(reason)
            except InvalidInput as err:
                problems.extend(err.problems)
            else:
                problems.extend(_reason_problems(case, as_of, reason, balance))
        if not options.get("evidence", "").strip():
            problems.append(
                Problem("options.evidence", "state the evidence the write-off relies on", "missing_evidence")
            )
        if case.primary_debtor.breathing_space and case.primary_debtor.breathing_space.active_on(as_of):
            problems.append(
                Problem(
                    "debtors[0].breathing_space",
                    "breathing space is active: record it in the report; write-off itself is not enforcement",
                    "breathing_space",
                    blocking=False,
                )
            )
        return problems

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        policy = load_policy(options.get("policy"))
        reason = policy.reason(options.get("reason", ""))
        balance = req.facts.balance
        level = policy.level_for(balance.outstanding)
        journal = vat_journal(balance, policy, as_of, case.case_ref)
        committee = policy.needs_committee(balance.outstanding)
        recommendation = options.get("recommendation") or (
            f"That £{balance.outstanding:,} outstanding on {case.case_ref} is written off as "
            f"{reason.title.lower()}, under the {level.title}'s delegation in the {policy.council} policy."
        )
        return {
            **case_header(case, as_of),
            **balance_context(balance),
            "history": history_context(case),
            "policy_name": policy.name,
            "policy_council": policy.council,
            "policy_source": policy.source,
            "reason_code": reason.code,
            "reason_title": reason.title,
            "reason_evidence_needed": reason.evidence,
            "evidence": options.get("evidence", ""),
            "level_code": level.code,
            "level_title": level.title,
            "level_limit": "no limit" if level.limit is None else f"£{level.limit:,}",
            "committee": committee,
            "journal": [
                {"account": j.account, "debit": j.debit, "credit": j.credit, "narrative": j.narrative}
                for j in journal.lines
            ],
            "vat_relief": journal.vat_relief,
            "vat_deferred": journal.vat_deferred,
            "vat_relief_from": journal.relief_from,
            "vat_source": policy.vat.source,
            "recommendation": recommendation,
            "notes": case.notes,
        }


# -- batches ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItem:
    case: Case
    reason: str
    evidence: str = ""


@dataclass(frozen=True)
class ScheduleRow:
    case_ref: str
    debtor_name: str
    debt_type: str
    reason_code: str
    reason_title: str
    year: str
    level_code: str
    level_title: str
    amount: Decimal
    vat: Decimal
    provision: Decimal
    committee: bool


@dataclass
class Schedule:
    policy: Policy
    as_of: date
    rows: list[ScheduleRow] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    def delegated(self) -> list[ScheduleRow]:
        return [r for r in self.rows if not r.committee]

    def committee(self) -> list[ScheduleRow]:
        return [r for r in self.rows if r.committee]


def build_schedule(items: Sequence[BatchItem], as_of: date, policy: Policy) -> Schedule:
    """Every case's outstanding balance, reason, financial year, authority level and provision held.
    A bad reason or nothing outstanding is reported for every case at once, naming the case."""
    schedule = Schedule(policy=policy, as_of=as_of)
    problems: list[Problem] = []
    for n, item in enumerate(items):
        balance = compute_balance(item.case, as_of)
        path = f"cases[{n}] {item.case.case_ref}"
        try:
            reason = policy.reason(item.reason)
        except InvalidInput:
            problems.append(Problem(path, f"unknown reason {item.reason!r}", "unknown_reason"))
            continue
        if balance.outstanding <= 0:
            problems.append(Problem(path, "nothing outstanding to write off", "nothing_outstanding"))
            continue
        level = policy.level_for(balance.outstanding)
        provision = sum(
            (
                money(line.outstanding * policy.provision_rate(line.days_overdue(as_of)) / 100)
                for line in balance.open_lines
            ),
            ZERO,
        )
        schedule.rows.append(
            ScheduleRow(
                case_ref=item.case.case_ref,
                debtor_name=item.case.primary_debtor.display_name,
                debt_type=DEBT_TYPE_LABELS.get(item.case.debt_type, str(item.case.debt_type)),
                reason_code=reason.code,
                reason_title=reason.title,
                year=earliest_open_year(balance),
                level_code=level.code,
                level_title=level.title,
                amount=balance.outstanding,
                vat=balance.vat_outstanding,
                provision=provision,
                committee=policy.needs_committee(balance.outstanding),
            )
        )
    if problems:
        raise InvalidInput("the write-off batch has cases that cannot be scheduled", problems)
    schedule.rows.sort(key=lambda r: (r.amount, r.case_ref))
    return schedule


def _totals(rows: Iterable[ScheduleRow], key: str) -> list[dict[str, Any]]:
    groups: dict[str, list[ScheduleRow]] = defaultdict(list)
    for row in rows:
        groups[str(getattr(row, key))].append(row)
    return [
        {"label": label, "count": len(group), "total": sum((r.amount for r in group), ZERO)}
        for label, group in sorted(groups.items())
    ]


def _row_dict(row: ScheduleRow) -> dict[str, Any]:
    return {
        "case_ref": row.case_ref,
        "debtor_name": row.debtor_name,
        "debt_type": row.debt_type,
        "reason": row.reason_title,
        "year": row.year,
        "level": row.level_title,
        "amount": row.amount,
        "vat": row.vat,
    }


def schedule_context(schedule: Schedule, council: str) -> dict[str, Any]:
    policy = schedule.policy
    groups = []
    for level in policy.levels:
        rows = [r for r in schedule.rows if r.level_code == level.code]
        if rows:
            groups.append(
                {
                    "title": level.title,
                    "limit": "no limit" if level.limit is None else f"up to £{level.limit:,}",
                    "committee": policy.needs_committee(rows[0].amount),
                    "count": len(rows),
                    "total": sum((r.amount for r in rows), ZERO),
                    "rows": [_row_dict(r) for r in rows],
                }
            )
    committee = schedule.committee()
    return {
        "council": council,
        "as_of": schedule.as_of,
        "policy_name": policy.name,
        "policy_council": policy.council,
        "delegated_limit": policy.delegated_limit,
        "groups": groups,
        "by_debt_type": _totals(schedule.rows, "debt_type"),
        "by_year": _totals(schedule.rows, "year"),
        "by_reason": _totals(schedule.rows, "reason_title"),
        "count": len(schedule.rows),
        "total": schedule.total,
        "vat_total": sum((r.vat for r in schedule.rows), ZERO),
        "committee_count": len(committee),
        "committee_total": sum((r.amount for r in committee), ZERO),
    }


def committee_context(schedule: Schedule, council: str) -> dict[str, Any]:
    policy = schedule.policy
    rows = schedule.committee()
    total = sum((r.amount for r in rows), ZERO)
    provision = sum((r.provision for r in rows), ZERO)
    decision_maker = policy.levels[-1].title
    years = sorted({r.year for r in rows})
    return {
        "council": council,
        "as_of": schedule.as_of,
        "decision_maker": decision_maker,
        "policy_name": policy.name,
        "policy_council": policy.council,
        "delegated_limit": policy.delegated_limit,
        "count": len(rows),
        "total": total,
        "years": ", ".join(years),
        "by_debt_type": _totals(rows, "debt_type"),
        "by_reason": _totals(rows, "reason_title"),
        "by_year": _totals(rows, "year"),
        "provision_held": provision,
        "provision_shortfall": max(total - provision, ZERO),
        "vat_total": sum((r.vat for r in rows), ZERO),
        "accounts": [_row_dict(r) for r in rows],
    }


def load_batch(list_path: Path, case_dir: Path | None = None, require_reason: bool = True) -> list[BatchItem]:
    """Read a CSV or XLSX list with columns case_ref, reason (and optional evidence), and find each
    case's JSON file in ``case_dir`` (default: the list's folder) by its case_ref. A list for a
    panel pack needs no reason column (``require_reason=False``)."""
    rows = _read_list(list_path, require_reason)
    folder = case_dir or list_path.parent
    cases: dict[str, Case] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            case = load_case(path)
        except InvalidInput:
            continue  # other JSON files may sit in the folder; a missing case is reported below
        cases[case.case_ref] = case
    problems: list[Problem] = []
    items: list[BatchItem] = []
    for n, row in enumerate(rows, start=2):
        ref, reason = (row.get("case_ref") or "").strip(), (row.get("reason") or "").strip()
        if not ref or (require_reason and not reason):
            need = "case_ref and reason are both required" if require_reason else "case_ref is required"
            problems.append(Problem(f"{list_path.name} row {n}", need))
        elif ref not in cases:
            problems.append(Problem(f"{list_path.name} row {n}", f"no case file for {ref!r} in {folder}"))
        else:
            items.append(BatchItem(cases[ref], reason, (row.get("evidence") or "").strip()))
    if problems:
        raise InvalidInput(f"{list_path.name}: the case list has problems", problems)
    if not items:
        raise InvalidInput(f"{list_path.name}: the case list is empty")
    return items


#: the most accounts one write-off list may name
MAX_LIST_ROWS = 20_000


def _read_list(path: Path, require_reason: bool = True) -> list[dict[str, str]]:
    if not path.is_file():
        raise InvalidInput(f"case list {path} not found")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:
            raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({type(exc).__name__})") from exc
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        if not values:
            return []
        header = [h.strip().lower() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:] if any(row)]
    text = decode_text(path.read_bytes(), path.name)
    rows = [row for _line, row in csv_rows(text, path.name, max_rows=MAX_LIST_ROWS)]
    if not rows:
        fieldnames: list[str] = []
    else:
        fieldnames = [f.strip().lower() for f in rows[0]]
    needed = ("case_ref", "reason") if require_reason else ("case_ref",)
    if any(name not in fieldnames for name in needed):
        raise InvalidInput(f"{path.name}: the header must name {' and '.join(needed)}")
    return [dict(zip(fieldnames, row, strict=False)) for row in rows[1:] if any(row)]


# -- XLSX schedule ----------------------------------------------------------------------------


def schedule_xlsx(schedule: Schedule) -> bytes:
    """The schedule as a workbook for finance: one row per account, then totals. Money cells are
    written from Decimal with a currency format; dates and zip entries are fixed for stable bytes."""
    from datetime import datetime

    from openpyxl import Workbook

    from docgen.render.docx import normalise_zip

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Schedule"
    ws.append(
        ["Case ref", "Debtor", "Debt type", "Reason", "Year", "Authority", "Committee", "Amount", "VAT"]
    )
    for r in schedule.rows:
        ws.append(
            safe_row(
                [
                    r.case_ref,
                    r.debtor_name,
                    r.debt_type,
                    r.reason_title,
                    r.year,
                    r.level_title,
                    "yes" if r.committee else "no",
                    r.amount,
                    r.vat,
                ]
            )
        )
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=9):
        for cell in row:
            cell.number_format = '"£"#,##0.00'
    summary = wb.create_sheet("Summary")
    for title, key in (
        ("Debt type", "debt_type"),
        ("Year", "year"),
        ("Reason", "reason_title"),
        ("Authority", "level_title"),
    ):
        summary.append([title, "Count", "Total"])
        for t in _totals(schedule.rows, key):
            summary.append(safe_row([t["label"], t["count"], t["total"]]))
        summary.append([])
    summary.append(["All accounts", len(schedule.rows), schedule.total])
    for row in summary.iter_rows(min_col=3, max_col=3):
        for cell in row:
            cell.number_format = '"£"#,##0.00'
    stamp = datetime(schedule.as_of.year, schedule.as_of.month, schedule.as_of.day)
    wb.properties.created = stamp
    wb.properties.creator = "docgen"
    out = io.BytesIO()
    wb.save(out)

    def fixed_modified(name: str, content: bytes) -> bytes:
        # openpyxl stamps the save time into the core properties whatever was set
        if name != "docProps/core.xml":
            return content
        return re.sub(
            rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
            rb"\g<1>" + f"{stamp:%Y-%m-%dT%H:%M:%SZ}".encode() + rb"\g<2>",
            content,
        )

    return normalise_zip(out.getvalue(), fixed_modified)


# -- registered batch types (a batch of one) and the batch entry point ------------------------


class _BatchType(DocumentType):
    options = (
        OptionSpec(
            "reason", "Reason for writing the debt off", help="A reason code from the council's policy."
        ),
        POLICY,
    )

    def input_extras(self, req: DocumentRequest) -> dict[str, str]:
        return {"policy": load_policy(req.option("policy") or None).digest}

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        case, as_of, options = req.case, req.as_of, req.options
        try:
            build_schedule(
                [BatchItem(case, options.get("reason", ""))], as_of, load_policy(options.get("policy"))
            )
        except InvalidInput as err:
            return err.problems or [Problem("", err.message)]
        return []


class WriteOffSchedule(_BatchType):
    id: ClassVar[str] = "write_off_schedule"
    title: ClassVar[str] = "Write-off schedule"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "write_off_schedule.docx"}

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        schedule = build_schedule(
            [BatchItem(case, options.get("reason", ""))], as_of, load_policy(options.get("policy"))
        )
        return schedule_context(schedule, case.creditor.name)


class CommitteeWriteOffReport(_BatchType):
    id: ClassVar[str] = "committee_write_off_report"
    title: ClassVar[str] = "Write-off report to the Executive"
    family: ClassVar[str] = FAMILY
    templates: ClassVar[dict[str, str]] = {"docx": "committee_write_off_report.docx"}

    def eligibility(self, req: DocumentRequest) -> list[Problem]:
        options = req.options
        problems = super().eligibility(req)
        if not problems:
            policy = load_policy(options.get("policy"))
            if not policy.needs_committee(req.facts.balance.outstanding):
                problems.append(
                    Problem(
                        "",
                        f"within the delegated limit of £{policy.delegated_limit:,}: "
                        "no committee decision needed",
                        "within_delegation",
                    )
                )
        return problems

    def context(self, req: DocumentRequest) -> dict[str, Any]:
        case, as_of, options = req.case, req.as_of, req.options
        schedule = build_schedule(
            [BatchItem(case, options.get("reason", ""))], as_of, load_policy(options.get("policy"))
        )
        return committee_context(schedule, case.creditor.name)


register(WriteOffReport)
register(WriteOffSchedule)
register(CommitteeWriteOffReport)


# -- the batch papers ---------------------------------------------------------------------------


class _WriteOffBatch(BatchDocumentType):
    family: ClassVar[str] = FAMILY
    namespace: ClassVar[str] = "writeoff"
    entry_fields: ClassVar[tuple[str, ...]] = ("reason", "evidence")
    options = (POLICY,)
    ordered: ClassVar[bool] = False

    def document_key(self, req: BatchRequest) -> str:
        """One document per list of cases: the same list run again is a new version of it."""
        refs = "\n".join(sorted(e.case.case_ref for e in req.entries))
        return hashlib.sha256(refs.encode()).hexdigest()[:16]

    def policy(self, req: BatchRequest) -> Policy:
        return load_policy(req.option("policy") or None)

    def input_extras(self, req: BatchRequest) -> dict[str, str]:
        return {"policy": self.policy(req).digest}

    def schedule(self, req: BatchRequest) -> Schedule:
        items = [BatchItem(e.case, e.field("reason"), e.field("evidence")) for e in req.entries]
        return build_schedule(items, req.as_of, self.policy(req))

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        try:
            self.schedule(req)
        except InvalidInput as err:
            return err.problems or [Problem("", err.message)]
        return []

    def figures(self, req: BatchRequest) -> dict[str, str]:
        schedule = self.schedule(req)
        return {"cases": str(len(schedule.rows)), "total": fmt_plain(schedule.total)}


@register_batch
class WriteOffScheduleBatch(_WriteOffBatch):
    """The schedule of a month's write-offs for finance, with its spreadsheet."""

    id: ClassVar[str] = WriteOffSchedule.id
    title: ClassVar[str] = WriteOffSchedule.title
    templates: ClassVar[dict[str, str]] = WriteOffSchedule.templates

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        return schedule_context(self.schedule(req), req.council)

    def attachments(self, req: BatchRequest) -> dict[str, bytes]:
        return {"xlsx": schedule_xlsx(self.schedule(req))}


@register_batch
class CommitteeReportBatch(_WriteOffBatch):
    """The report to the Executive for the cases of a batch above the delegated limit."""

    id: ClassVar[str] = CommitteeWriteOffReport.id
    title: ClassVar[str] = CommitteeWriteOffReport.title
    templates: ClassVar[dict[str, str]] = CommitteeWriteOffReport.templates

    def eligibility(self, req: BatchRequest) -> list[Problem]:
        problems = super().eligibility(req)
        if not problems and not self.schedule(req).committee():
            limit = self.policy(req).delegated_limit
            problems.append(Problem("cases", f"every case is within £{limit:,}", "within_delegation"))
        return problems

    def context(self, req: BatchRequest, section_starts: Sequence[int]) -> dict[str, Any]:
        return committee_context(self.schedule(req), req.council)

    def figures(self, req: BatchRequest) -> dict[str, str]:
        rows = self.schedule(req).committee()
        return {"cases": str(len(rows)), "total": fmt_plain(sum((r.amount for r in rows), ZERO))}
