"""``claims_bulk_xml``: a batch of county court claims as one Money Claim Online bulk request.

The short-form particulars say what the full particulars of claim say (the sum, what it is for,
the invoices, payments and credits, the letter of claim, the CPR 16.4(2) interest facts and any
compensation), from the same ``case_facts``, in at most 24 lines of 45 characters. A case whose
names, addresses or particulars cannot fit MCOL's limits is left out of the file and listed with
the reason; nothing is shortened silently.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from docgen.documents import registry
from docgen.documents.claims import SERVICE_WORDS
from docgen.documents.claims import rules as claim_rules
from docgen.documents.common import signatory
from docgen.domain.case import Address, Case
from docgen.domain.facts import CaseFacts
from docgen.domain.money import fmt_gbp, to_pence
from docgen.errors import InvalidInput, Problem
from docgen.sdt import BulkRequest, McolClaim, SdtAddress, SdtParty, default_reference, to_xml
from docgen.sdt import request as sdt

SHORT_BASIS = {
    "statutory_s69": "s.69 County Courts Act 1984",
    "late_payment_act": "the Late Payment of Commercial Debts (Interest) Act 1998",
    "contractual": "the contract",
}
T = TypeVar("T")
#: beyond this many invoices the particulars give the count and date range rather than each one
INVOICES_LISTED = 4


class DoesNotFit(Exception):
    """A case's data cannot be put in the bulk file within MCOL's limits."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class BulkClaimsFile:
    xml: bytes
    included: list[str]
    excluded: dict[str, list[Problem]] = field(default_factory=dict)
    particulars: dict[str, list[str]] = field(default_factory=dict)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def short_paragraphs(facts: CaseFacts) -> list[str]:
    case, balance, interest = facts.case, facts.balance, facts.interest
    out = [f"The claimant claims {fmt_gbp(balance.outstanding)} for {SERVICE_WORDS[case.debt_type.value]}."]
    lines = balance.lines
    if 0 < len(lines) <= INVOICES_LISTED:
        out += [
            f"{ln.ref} dated {_d(ln.issued)} due {_d(ln.due)}: {fmt_gbp(ln.outstanding)} owed."
            for ln in lines
        ]
    elif lines:
        first, last = min(ln.issued for ln in lines), max(ln.issued for ln in lines)
        out.append(f"{len(lines)} invoices dated {_d(first)} to {_d(last)}, each due and unpaid.")
    paid = []
    if balance.payments > 0:
        paid.append(f"payments of {fmt_gbp(balance.payments)}")
    if balance.adjustments < 0:
        paid.append(f"credits of {fmt_gbp(-balance.adjustments)}")
    if paid:
        out.append(f"Allowing {' and '.join(paid)}, despite demand the defendant has not paid the rest.")
    else:
        out.append("Despite demand the defendant has not paid.")
    letter = case.last("letter_before_claim")
    if letter is not None:
        out.append(f"Letter of claim sent {_d(letter.date)}.")
    if interest.claimed:
        rate = f"{interest.rate.normalize():f}%" if interest.rate is not None else "the invoice rates"
        start = _d(interest.from_date) if interest.from_date else "each due date"
        out.append(
            f"Interest under {SHORT_BASIS[interest.basis.value]} at {rate} a year from {start} to "
            f"{_d(interest.to_date)}: {fmt_gbp(interest.total)}, continuing at {fmt_gbp(interest.daily_rate)} "
            "a day until judgment or payment."
            + (
                f" No interest for the {interest.moratorium_days} days of a Breathing Space moratorium."
                if interest.moratorium_days
                else ""
            )
        )
    else:
        out.append("No interest is claimed.")
    if interest.compensation > 0:
        out.append(f"Fixed compensation under s.5A of the 1998 Act: {fmt_gbp(interest.compensation)}.")
    return out


def short_particulars(facts: CaseFacts) -> list[str]:
    """The particulars as MCOL lines. Raises DoesNotFit rather than cut anything."""
    lines: list[str] = []
    for paragraph in short_paragraphs(facts):
        wrapped = textwrap.wrap(
            paragraph, sdt.PARTICULARS_WIDTH, break_long_words=False, break_on_hyphens=False
        )
        too_long = [w for w in wrapped if len(w) > sdt.PARTICULARS_WIDTH]
        if too_long:
            raise DoesNotFit(
                [
                    Problem(
                        "particulars",
                        f"{too_long[0]!r} is longer than {sdt.PARTICULARS_WIDTH} "
                        "characters and cannot be wrapped",
                        code="sdt_particulars_width",
                    )
                ]
            )
        lines += wrapped
    if len(lines) > sdt.PARTICULARS_LINES_MAX:
        raise DoesNotFit(
            [
                Problem(
                    "particulars",
                    f"the short-form particulars need {len(lines)} lines; MCOL "
                    f"takes {sdt.PARTICULARS_LINES_MAX}",
                    code="sdt_particulars_lines",
                )
            ]
        )
    return lines


def _postcode(code: str) -> str:
    compact = code.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def _address(address: Address, path: str) -> SdtAddress:
    lines = [ln for ln in address.lines if ln]
    lines += [p for p in (address.town, address.county) if p and p not in lines]
    if len(lines) > sdt.ADDRESS_LINES_MAX and address.county:
        lines.remove(address.county)  # the postcode already places the address
    problems = [
        Problem(
            f"{path}.lines",
            f"{line!r} is {len(line)} characters; MCOL allows {sdt.LINE_MAX}",
            code="sdt_line_length",
        )
        for line in lines
        if len(line) > sdt.LINE_MAX
    ]
    if len(lines) > sdt.ADDRESS_LINES_MAX:
        problems.append(
            Problem(
                f"{path}.lines",
                f"{len(lines)} address lines; MCOL allows {sdt.ADDRESS_LINES_MAX} and a postcode",
                code="sdt_address_lines",
            )
        )
    if len(lines) < 2:
        problems.append(
            Problem(
                f"{path}.lines",
                "MCOL needs at least two address lines (e.g. street and town)",
                code="sdt_address_lines",
            )
        )
    postcode = _postcode(address.postcode)
    if not sdt.POSTCODE.match(postcode):
        problems.append(
            Problem(
                f"{path}.postcode",
                f"{address.postcode!r} is not a postcode MCOL accepts",
                code="sdt_postcode",
            )
        )
    if problems:
        raise DoesNotFit(problems)
    return SdtAddress(tuple(lines), postcode)


def _name(name: str, path: str) -> str:
    if len(name) > sdt.NAME_MAX:
        raise DoesNotFit(
            [
                Problem(
                    path,
                    f"{name!r} is {len(name)} characters; MCOL allows {sdt.NAME_MAX}",
                    code="sdt_name_length",
                )
            ]
        )
    return name


def _request_id(case_ref: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]", "_", case_ref)


def _collect(problems: list[Problem], make: Callable[[], T]) -> T | None:
    """Run one step; a misfit is added to ``problems`` so that every reason is reported at once."""
    try:
        return make()
    except DoesNotFit as err:
        problems.extend(err.problems)
        return None


def mcol_claim(case: Case, as_of: date) -> tuple[McolClaim, list[str]]:
    """The claim for one case, or DoesNotFit listing every reason it cannot go in the bulk file."""
    particulars_type = registry.get("particulars_of_claim")
    req = particulars_type.request(case, as_of)
    blocking = [
        p for p in [*particulars_type.eligibility(req), *claim_rules.capacity(req, "bulk")] if p.blocking
    ]
    if blocking:
        raise DoesNotFit(blocking)
    facts = req.facts
    problems: list[Problem] = []
    creditor = case.creditor
    claimant = _collect(
        problems,
        lambda: SdtParty(
            _name(creditor.name, "creditor.name"), _address(creditor.address, "creditor.address")
        ),
    )
    defendants = [
        _collect(
            problems,
            lambda d=debtor, i=i: SdtParty(  # type: ignore[misc]
                _name(d.display_name, f"debtors[{i}].name"),
                _address(d.address_for_service, f"debtors[{i}].address"),
            ),
        )
        for i, debtor in enumerate(case.debtors[:2])
    ]
    if len(case.debtors) > 2:
        problems.append(
            Problem("debtors", f"{len(case.debtors)} defendants; MCOL takes two", code="sdt_defendants")
        )
    particulars = _collect(problems, lambda: short_particulars(facts))
    if len(case.case_ref) > sdt.CLAIMANT_REFERENCE_MAX:
        problems.append(
            Problem(
                "case_ref",
                f"{len(case.case_ref)} characters; MCOL's claimant reference takes "
                f"{sdt.CLAIMANT_REFERENCE_MAX}",
                code="sdt_reference_length",
            )
        )
    signer = signatory(case)
    if not signer.name:
        problems.append(
            Problem(
                "creditor.legal_representative.name",
                f"no one at {signer.firm} is recorded as the person who signs; a bulk claim's statement "
                "of truth needs a name",
                code="sdt_no_signatory",
            )
        )
    elif len(signer.name) > sdt.SIGNATURE_NAME_MAX:
        problems.append(
            Problem(
                "officer.name" if not signer.represented else "creditor.legal_representative.name",
                f"{len(signer.name)} characters; MCOL's statement of truth takes {sdt.SIGNATURE_NAME_MAX}",
                code="sdt_signatory_length",
            )
        )
    if problems or claimant is None or particulars is None or None in defendants:
        raise DoesNotFit(problems)
    claim = McolClaim(
        request_id=_request_id(case.case_ref),
        claimant_reference=case.case_ref,
        claimant=claimant,
        defendants=tuple(d for d in defendants if d is not None),
        # The amount claimed is the N1's: the debt, interest to the date of the claim and any
        # compensation. Interest runs per invoice from each due date, which MCOL's single owed date
        # cannot express, so the particulars state the daily rate and the right to it is reserved.
        claim_amount_pence=to_pence(facts.claim_amount),
        solicitor_cost_pence=to_pence(facts.fixed_costs_on_issue),
        particulars=tuple(particulars),
        signatory=signer.name,
        reserve_right_to_claim_interest=facts.interest.claimed,
    )
    return claim, particulars


def claims_bulk_xml(
    cases: Iterable[Case], as_of: date, customer_id: str, customer_reference: str | None = None
) -> BulkClaimsFile:
    """The bulk request for every case that fits; the others are listed in ``excluded`` with why."""
    if not sdt.CUSTOMER_ID.match(customer_id):
        raise InvalidInput(
            "the SDT customer id is 8 digits, not starting with 0",
            [Problem("customer_id", f"{customer_id!r} is not an SDT customer id")],
        )
    claims: list[McolClaim] = []
    out = BulkClaimsFile(b"", [])
    seen: dict[str, str] = {}
    for case in cases:
        try:
            claim, particulars = mcol_claim(case, as_of)
        except DoesNotFit as err:
            out.excluded[case.case_ref] = err.problems
            continue
        if claim.request_id in seen:
            out.excluded[case.case_ref] = [
                Problem(
                    "case_ref",
                    f"gives the same request id as {seen[claim.request_id]}",
                    code="sdt_duplicate_request",
                )
            ]
            continue
        seen[claim.request_id] = case.case_ref
        claims.append(claim)
        out.included.append(case.case_ref)
        out.particulars[case.case_ref] = particulars
    if not claims:
        raise InvalidInput(
            "no case fits a Money Claim Online bulk request",
            [Problem(ref, "; ".join(str(p) for p in ps)) for ref, ps in out.excluded.items()],
            code="sdt_nothing_to_send",
        )
    if len(claims) > sdt.REQUESTS_MAX:
        raise InvalidInput(
            f"{len(claims)} claims; one bulk request takes {sdt.REQUESTS_MAX}: split the batch",
            code="sdt_too_many",
        )
    reference = customer_reference or default_reference(as_of, [c.request_id for c in claims])
    if not sdt.CUSTOMER_REFERENCE.match(reference):
        raise InvalidInput(
            "the customer reference is 1-32 of A-Z a-z 0-9 _ -",
            [Problem("customer_reference", f"{reference!r} is not allowed")],
        )
    out.xml = to_xml(BulkRequest(customer_id, reference, claims))
    return out
